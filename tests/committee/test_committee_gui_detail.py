"""The branch detail dialog: answers, evidence and the signed report, opened through the operations layer."""

from __future__ import annotations

from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles)
from committee_tour import TODAY
from PySide6.QtGui import QFontInfo

from dzdesk.committee.importer import import_bundles
from ui.committee.detail import BranchDetail, viewing_copy
from ui.committee.window import CommitteeWindow
from ui.operations import SyncExecutor

PERIOD = "2026Q4"


def test_detail_dialog_shows_answers_evidence_history(qtbot, committee, fake_bundles, monkeypatch):
    fake_bundles.make("第03党支部", done=15, partial=2)
    fake_bundles.make("第03党支部", revision=2, done=16, partial=1)
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    opened = []
    monkeypatch.setattr(
        "ui.committee.detail.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile())
    )
    win = CommitteeWindow(committee, executor=SyncExecutor(), today=TODAY)
    qtbot.addWidget(win)
    win.select_branch("第03党支部")
    win.detail_selected()
    dialog = win.last_dialog
    assert isinstance(dialog, BranchDetail) and dialog.isVisible()
    assert dialog.answers_table.rowCount() == 19
    assert dialog.answers_table.item(0, 1).text() == "学习贯彻党的创新理论"
    assert dialog.answers_table.item(0, 2).text() == "已完成"
    assert dialog.answers_table.item(16, 2).text() == "部分完成"
    assert (
        dialog.answers_table.item(16, 4).text().startswith("存在问题：第03党支部任务")
    )  # the rectification
    assert dialog.evidence_table.rowCount() == 1
    history = dialog.tabs.widget(2)
    assert [history.item(r, 1).text() for r in range(history.rowCount())] == [
        "已被替换（存档）",
        "当前有效",
    ]
    sub = dialog.submission
    assert dialog.fingerprint.label.text().split() == sub.fingerprint.split()  # in full
    assert QFontInfo(dialog.fingerprint.label.font()).fixedPitch()
    dialog.open_evidence(0)
    assert [p.name for p in dialog.opened] == ["照片.png"] and opened == [str(dialog.opened[0])]
    dialog.report_button.click()
    report = dialog.opened[-1]
    assert report.read_bytes().startswith(b"%PDF") and report.suffix == ".pdf"
    assert viewing_copy(committee, sub.report_sha256, "x.pdf").read_bytes() == report.read_bytes()
