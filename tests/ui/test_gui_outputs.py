"""The report and export buttons drive the real engine functions through the operations layer."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog


def test_report_and_export_from_the_review_page(make_window, demo_store, tmp_path, monkeypatch, messages):
    pytest.importorskip("dzdesk.report")
    pytest.importorskip("dzdesk.bundle")
    pypdf = pytest.importorskip("pypdf")
    window = make_window(demo_store)
    targets = iter([tmp_path / "自评报告.pdf", tmp_path / "上报.dzb"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(next(targets)), "")))
    window.show_review()
    window.review_page.report_button.click()
    window.review_page.export_button.click()
    assert messages.texts("warning") == []
    done = messages.texts("information")
    assert "自评报告已保存到" in done[0] and "上报文件已保存到" in done[1]
    reader = pypdf.PdfReader(str(tmp_path / "自评报告.pdf"))
    assert len(reader.pages) >= 1
    assert (tmp_path / "上报.dzb").stat().st_size > 0


def test_cancelled_save_dialog_does_nothing(make_window, store, tmp_path, monkeypatch, messages):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    window = make_window(store)
    window.review_page.report_button.click()
    assert messages.log == [] and list(tmp_path.iterdir()) == []
