"""Committee GUI flows with real widgets (pytest-qt, offscreen) over a real committee store."""

from __future__ import annotations

import functools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from dzdesk.committee import models as m
from dzdesk.committee.grading import set_grade
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.overview import overview_rows
from ui.committee.detail import BranchDetail, viewing_copy
from ui.committee.dialogs import ImportReportDialog, KeyChangesDialog
from ui.committee.grade_dialog import GradeDialog
from ui.committee.model import ROW_ROLE, OverviewFilter, OverviewModel
from ui.committee.window import IMPORT_CANCELLED, CommitteeWindow, open_committee_window
from ui.operations import SyncExecutor

PERIOD = "2026Q4"


@pytest.fixture
def filled(committee, fake_bundles):
    for i in range(12):
        fake_bundles.make(f"第{i + 1:02d}党支部", done=19 - i, members=[7, 2, 0][i % 3], kind="social" if i % 4 == 0 else "nonpublic")
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    committee.replace_roster([m.RosterEntry(f"第{i + 1:02d}党支部", "nonpublic") for i in range(12)]
                             + [m.RosterEntry("未交党支部", "social", "赵六")])
    return committee


@pytest.fixture
def window(qtbot, filled):
    win = CommitteeWindow(filled, executor=SyncExecutor())
    qtbot.addWidget(win)
    win.period_box.setCurrentText(PERIOD)
    win.refresh()
    return win


def test_models_pass_qtmodeltester(qtmodeltester, filled):
    model = OverviewModel()
    model.set_rows(overview_rows(filled, PERIOD))
    qtmodeltester.check(model)
    proxy = OverviewFilter()
    proxy.setSourceModel(model)
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    proxy.set_search("党支部")
    qtmodeltester.check(proxy)
    empty = OverviewModel()
    qtmodeltester.check(empty)


def test_overview_shows_rows_quota_and_filters(window, qtbot):
    assert window.model.rowCount() == 13 and window.proxy.rowCount() == 13
    assert window.quota_label.text() == "A级名额：0 / 1（名册党支部 13 个 × 10%）"
    assert "未提交 1" in window.counts_label.text()
    window.search.setText("第0")  # keyClicks only types ASCII
    assert window.proxy.rowCount() == 9
    window.search.clear()
    window.filter_box.setCurrentIndex(window.filter_box.findData("missing"))
    assert window.proxy.rowCount() == 1
    assert window.proxy.index(0, 0).data() == "未交党支部"
    assert window.proxy.index(0, 3).data() == "未提交"
    window.filter_box.setCurrentIndex(window.filter_box.findData("flagged"))
    assert window.proxy.rowCount() == 9  # 重点帮扶 ×4, 空壳 ×4, 未提交
    window.filter_box.setCurrentIndex(0)
    window.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # 自查分
    scores = [window.proxy.index(r, 4).data() for r in range(3)]
    assert scores[0] == "100"
    window.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert window.proxy.index(0, 0).data() == "未交党支部"


def test_grading_dialog_saves_and_refuses_beyond_quota(window, qtbot, filled):
    assert window.select_branch("第01党支部")
    window.grade_selected()
    dialog = window.last_dialog
    assert isinstance(dialog, GradeDialog)
    assert "已评定 0 个 / 最多 1 个" in dialog.quota_label.text()
    dialog.grade_buttons["A"].setChecked(True)
    dialog.use_score.setChecked(True)
    dialog.score.setValue(96.5)
    dialog.comment.insertPlainText("示范引领作用突出")
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert dialog.result() == GradeDialog.DialogCode.Accepted
    [grade] = filled.grades(PERIOD).values()
    assert (grade.grade, grade.score, grade.comment) == ("A", 96.5, "示范引领作用突出")
    assert window.quota_label.text().startswith("A级名额：1 / 1")
    row = window.selected_row()
    assert row.name == "第01党支部" and row.committee_grade == "A"

    assert window.select_branch("第02党支部")
    window.grade_selected()
    dialog = window.last_dialog
    dialog.grade_buttons["A"].setChecked(True)
    dialog.save()
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert "A级名额 1 个：共 13 个名册上的党支部 × 10% = 1.3，向下取整" in dialog.error.text()
    assert [g.grade for g in filled.grades(PERIOD).values()] == ["A"]
    dialog.grade_buttons["B"].setChecked(True)
    dialog.save()
    assert {g.grade for g in filled.grades(PERIOD).values()} == {"A", "B"}


def test_grading_a_branch_that_has_not_submitted_is_explained(window, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    window.select_branch("未交党支部")
    window.grade_selected()
    assert said and "尚未提交" in said[0]


def test_detail_dialog_shows_answers_evidence_history(window, qtbot, filled, monkeypatch):
    opened = []
    monkeypatch.setattr("ui.committee.detail.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile()))
    window.select_branch("第03党支部")
    window.detail_selected()
    dialog = window.last_dialog
    assert isinstance(dialog, BranchDetail)
    assert dialog.answers_table.rowCount() == 19
    assert dialog.answers_table.item(0, 1).text() == "学习贯彻党的创新理论"
    assert dialog.evidence_table.rowCount() == 1
    path = dialog.open_evidence(0)
    assert path.name == "照片.png" and opened == [str(path)]
    report = dialog.open_report()
    assert report.read_bytes().startswith(b"%PDF") and report.suffix == ".pdf"
    sub = dialog.submission
    assert viewing_copy(filled, sub.report_sha256, "x.pdf").read_bytes() == report.read_bytes()


def test_key_change_dialog_accepts_after_confirmation(qtbot, committee, fake_bundles, monkeypatch):
    first = fake_bundles.make("甲党支部")
    second = fake_bundles.make("甲党支部", revision=2, key=fake_bundles.new_key(), file="new.dzb")
    import_bundles(committee, [first, second], verify=fake_bundles.verify)
    win = CommitteeWindow(committee, executor=SyncExecutor())
    qtbot.addWidget(win)
    assert "密钥变更待确认 1 个" in win.counts_label.text()
    win.show_key_changes()
    dialog = win.last_dialog
    assert isinstance(dialog, KeyChangesDialog) and dialog.accept_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    dialog.accept_button.click()
    assert committee.key_changes(pending_only=True)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog.accept_button.click()
    assert not committee.key_changes(pending_only=True) and not dialog.accept_button.isEnabled()
    dialog.reject()
    assert "密钥变更待确认" not in win.counts_label.text()
    assert win.model.row_at(0).revision == 2


@pytest.mark.parametrize("start", ["threads", "spawn"])  # spawn: how a GUI starts worker processes
def test_import_through_the_window_with_real_bundles(qtbot, paths, tmp_path, real_branches, monkeypatch, start):
    monkeypatch.setenv("DZDESK_IMPORT_START", start)
    usb = tmp_path / "usb"
    usb.mkdir()
    for i in (1, 2):
        store, _ = real_branches.build(tmp_path, i)
        real_branches.export(store, usb / f"{i}.dzb")
        store.close()
    (usb / "坏文件.dzb").write_bytes(b"PK\x03\x04 broken")
    win = open_committee_window(paths, executor=SyncExecutor())
    qtbot.addWidget(win)
    win.import_paths([usb])
    dialog = win.last_dialog
    assert isinstance(dialog, ImportReportDialog)
    assert dialog.table.rowCount() == 3
    results = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(3)}
    assert results == {"1.dzb": "已导入", "2.dzb": "已导入", "坏文件.dzb": "已拒收"}
    assert dialog.table.item(0, 0).text() == "坏文件.dzb" and dialog.table.item(0, 5).text()  # problems first
    assert "已导入 2 个" in dialog.findChild(type(win.quota_label), "summary").text()
    assert win.isEnabled() and win.period_box.currentText() == PERIOD
    assert {win.model.row_at(r).name for r in range(win.model.rowCount())} == {real_branches.name(1), real_branches.name(2)}
    win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # qtbot deletes it after the test
    win.close()
    with pytest.raises(Exception, match="closed"):
        win.store.roster()  # closing the window closed the committee database


def test_bad_period_and_bad_deadline_are_one_sentence(window, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    window.period_box.setCurrentText("2026Q9")
    window.refresh()
    assert "格式不正确" in window.statusBar().currentMessage()
    window.period_box.setCurrentText(PERIOD)
    monkeypatch.setattr("ui.committee.window.QInputDialog.getText", lambda *a, **k: ("2026-13-01", True))
    window.edit_deadline()
    assert warned and "不是有效日期" in warned[0]
    monkeypatch.setattr("ui.committee.window.QInputDialog.getText", lambda *a, **k: ("2026-12-31", True))
    window.edit_deadline()
    assert "截止日期 2026-12-31" in window.counts_label.text()


def test_summary_and_roster_from_the_window(window, tmp_path, monkeypatch, filled):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    set_grade(filled, PERIOD, "第01党支部", "A")
    out = tmp_path / "通报.xlsx"
    monkeypatch.setattr("ui.committee.window.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    window.export_summary()
    assert out.is_file() and said[-1] == f"已生成：{out}"
    bad = tmp_path / "名册.csv"
    bad.write_text("name,kind\n甲,工厂\n", encoding="utf-8")
    monkeypatch.setattr("ui.committee.window.QFileDialog.getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.import_roster()
    assert "第2行" in said[-1] and len(filled.roster()) == 13
    bad.write_text("name,kind\n甲党支部,非公企业\n", encoding="utf-8")
    window.import_roster()
    assert "1 个党支部" in said[-1] and window.model.rowCount() == 13  # 12 submitted (not on roster) + 甲


def test_row_role_gives_the_engine_row(window):
    index = window.proxy.index(0, 5)
    assert isinstance(index.data(ROW_ROLE), m.OverviewRow)


def test_failed_background_work_says_one_sentence_and_reenables(window, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    monkeypatch.setattr("ui.committee.window.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "nope" / "x.pdf"), ""))
    window.export_summary()
    assert said == [f"输出文件夹“{tmp_path / 'nope'}”不存在。"]
    assert window.isEnabled() and not window.ops.busy


def test_branch_text_is_never_rendered_as_markup(qtbot, committee, fake_bundles):
    fake_bundles.make("<b>加粗</b><img src=x>党支部", file="markup.dzb")
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    [row] = overview_rows(committee, PERIOD)
    dialog = GradeDialog(committee, PERIOD, row)
    qtbot.addWidget(dialog)
    labels = [w for w in dialog.findChildren(type(dialog.error)) if "加粗" in w.text()]
    assert labels and all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    detail = BranchDetail(committee, row.submission_id)
    qtbot.addWidget(detail)
    assert "&lt;b&gt;加粗" in detail.findChildren(type(dialog.error))[0].text()


def test_branch_gui_menu_entry_opens_committee_mode(qtbot, paths):
    from ui import extras

    win = extras.open_committee(paths)
    qtbot.addWidget(win)
    assert isinstance(win, CommitteeWindow) and win.isVisible()
    assert win.model.rowCount() == 0 and "导入文件夹" in win.statusBar().currentMessage()
    assert paths.committee_db.is_file()


def test_closing_with_an_edited_period_box_does_not_touch_the_closed_database(window, filled):
    """An editable combo box reports ``activated`` when text typed to match another item loses focus,
    which closing the window does: that must not reach the closed committee database."""
    box = window.period_box
    other = next(box.itemText(i) for i in range(box.count()) if i != box.currentIndex())
    box.lineEdit().setText(other)  # typed, not chosen
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.close()
    box.lineEdit().editingFinished.emit()  # the focus leaving the box as the window goes away
    with pytest.raises(Exception, match="closed"):
        filled.roster()  # closed; pytest-qt fails the test if refresh() had raised in the slot


def test_import_on_a_worker_disables_the_window_shows_late_progress_and_cancels(qtbot, committee, fake_bundles, monkeypatch):
    """The real worker thread: the window is disabled while the import runs, the progress dialog
    (with counts and a working cancel button) appears only after half a second, closing is refused
    while busy, and a cancel keeps what was imported, lists it under one sentence and re-enables."""
    for i in range(12):
        fake_bundles.make(f"第{i + 1:02d}党支部")

    def slow_verify(path, progress=None, *, sink=None):
        time.sleep(0.12)
        return fake_bundles.verify(path, progress, sink=sink)

    monkeypatch.setattr("ui.committee.window.import_bundles", functools.partial(import_bundles, verify=slow_verify))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    win = CommitteeWindow(committee, executor=ThreadPoolExecutor(max_workers=1))
    qtbot.addWidget(win)
    win.show()
    win.period_box.setCurrentText(PERIOD)
    win.import_paths([fake_bundles.folder])
    assert not win.isEnabled() and win.ops.busy
    qtbot.wait(200)
    assert not win.findChildren(QProgressDialog)  # no flash for short work
    closing = QCloseEvent()
    win.closeEvent(closing)
    assert not closing.isAccepted()  # closing waits for the running import
    qtbot.waitUntil(lambda: any(d.isVisible() for d in win.findChildren(QProgressDialog)), timeout=3000)
    [dialog] = win.findChildren(QProgressDialog)
    qtbot.waitUntil(lambda: "/12）" in dialog.labelText(), timeout=3000)
    [cancel] = dialog.findChildren(QPushButton)
    assert cancel.text() == "取消" and cancel.isEnabled()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.ops.busy, timeout=5000)
    assert warned == []  # the cancel is said in the report of what was kept, not in a second box
    assert win.isEnabled()
    kept = sum(r.submitted for r in overview_rows(committee, PERIOD))
    assert 0 < kept < 12 and win.model.rowCount() == kept  # imported before the cancel: kept and shown
    report = win.last_dialog
    assert isinstance(report, ImportReportDialog) and report.table.rowCount() == kept
    assert report.findChild(type(win.quota_label), "stopped").text().startswith(IMPORT_CANCELLED)
    win.ops.shutdown()
