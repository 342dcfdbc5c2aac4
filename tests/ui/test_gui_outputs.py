"""The report and export buttons drive the real engine functions through the operations layer."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog


def test_report_and_export_from_the_review_page(make_window, demo_store, tmp_path, monkeypatch, messages):
    pytest.importorskip("dzdesk.report")
    pytest.importorskip("dzdesk.bundle")
    pypdf = pytest.importorskip("pypdf")
    from ui import extras

    window = make_window(demo_store)
    targets = iter([tmp_path / "自评报告.pdf", tmp_path / "上报.dzb"])
    starts = []

    def save_dialog(_parent, _title, start, _pattern):
        starts.append(start)
        return str(next(targets)), ""

    opened = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    monkeypatch.setattr(extras, "open_with_system", lambda path: opened.append(path) or True)
    window.show_review()
    window.review_page.report_button.click()
    window.review_page.export_button.click()
    assert messages.texts("warning") == []
    assert "自评报告已保存到" in messages.texts("question")[0] and opened == [tmp_path / "自评报告.pdf"]
    assert "上报文件已保存并校验无误" in messages.texts("information")[0]
    assert starts[0].endswith("中共合肥智联信息科技有限公司党支部-2026年第四季度-自评报告.pdf")
    assert starts[1].endswith("中共合肥智联信息科技有限公司党支部_2026Q4_自评.dzb")
    reader = pypdf.PdfReader(str(tmp_path / "自评报告.pdf"))
    assert len(reader.pages) >= 1
    assert (tmp_path / "上报.dzb").stat().st_size > 0


def test_cancelled_save_dialog_does_nothing(make_window, store, tmp_path, monkeypatch, messages):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    window = make_window(store)
    window.review_page.report_button.click()
    assert messages.log == [] and list(tmp_path.iterdir()) == []
