"""The 组织生活 page over the real store: the strip, the member checklist dialog, edit, undoable removal, printing."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from orglife_pages import TODAY, meetings_page, members_page
from orglife_tools import record, seed_roster
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from dzdesk.orglife.summary import meeting_summary
from ui.meetings_page import MeetingsPage, strip_html
from ui.operations import Operations, SyncExecutor
from ui.widgets.screen import outside_screen


@pytest.fixture
def branch(store):
    seed_roster(store)
    return store


# -- 组织生活 ----------------------------------------------------------------------------


def test_meetings_page_shows_the_period_and_the_strip(qtbot, branch):
    record(branch, "支部党员大会", "2026-10-12", absent=["李四:出差"])
    record(branch, "主题党日", "2026-10-20")
    record(branch, "主题党日", "2026-09-20")  # another quarter
    page = meetings_page(qtbot, branch)
    assert page.model.rowCount() == 2 and not page.empty.isVisible()
    assert page.title.text() == "组织生活 · 2026年第四季度"
    check = meeting_summary(branch, "2026Q4", TODAY)
    assert page.strip.text() == strip_html(check)
    assert "支部党员大会 1/1" in page.strip.text() and "主题党日 1/3" in page.strip.text()
    assert "本期参与率 94.4%（出席 17/应到 18）" == page.participation.text()
    page.set_period("2026Q3")
    assert page.model.rowCount() == 1 and "2026年第三季度" in page.title.text()


def test_overdue_types_are_marked(qtbot, branch):
    page = MeetingsPage(Operations(branch, SyncExecutor()), "2026Q4", date(2026, 12, 20))
    qtbot.addWidget(page)
    page.reload()
    assert (
        '<span style="color:#b00020; font-weight:bold">主题党日 0/3 逾期</span>'
        in page.strip.text()
    )


def test_add_dialog_ticks_everyone_and_an_absentee_needs_a_reason(qtbot, branch):
    page = meetings_page(qtbot, branch)
    page.add_button.click()
    dialog = page.dialog
    assert dialog.kind.currentText() == "支部党员大会" and dialog.day.text() == "2026-11-28"
    model = dialog.model
    assert model.rowCount() == 9
    assert all(
        model.index(r, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        for r in range(9)
    )
    assert dialog.counts.text() == "应到 9 人，出席 9 人，请假 0 人，缺席 0 人"
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(4, 3), "缺席", Qt.ItemDataRole.EditRole)
    assert dialog.counts.text() == "应到 9 人，出席 7 人，请假 1 人，缺席 1 人"
    dialog.topic.setText("学习贯彻全会精神")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.error.text() == "李四 请假，请填写请假原因。"
    assert branch.meetings.count() == 0
    model.setData(model.index(1, 4), "出差", Qt.ItemDataRole.EditRole)
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    (saved,) = branch.meetings.in_period("2026Q4")
    assert [(a.name, a.status, a.reason) for a in saved.attendance if a.status != "出席"] == [
        ("李四", "请假", "出差"),
        ("钱七", "缺席", ""),
    ]
    assert page.model.rowCount() == 1 and page.selected().id == saved.id


def test_types_change_the_checklist(qtbot, branch):
    page = meetings_page(qtbot, branch)
    page.add_button.click()
    dialog = page.dialog
    dialog.kind.setCurrentText("支部委员会会议")
    assert dialog.model.rowCount() == 4
    dialog.kind.setCurrentText("党小组会")
    assert dialog.group.isVisible() and dialog.group.currentText() == "第一党小组"
    assert dialog.model.rowCount() == 5
    dialog.group.setCurrentText("第二党小组")
    assert dialog.model.rowCount() == 4
    dialog.kind.setCurrentText("谈心谈话")
    assert dialog.model.named and dialog.model.rowCount() == 9 and dialog.model.columnCount() == 3
    assert dialog.counts.text() == "已选 0 人"
    for row in (6, 5):
        dialog.model.setData(
            dialog.model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
        )
    dialog.topic.setText("谈心谈话")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    (talk,) = branch.meetings.in_period("2026Q4")
    assert [a.name for a in talk.attendance] == ["孙八", "周九"]
    page.add_button.click()
    page.dialog.kind.setCurrentText("集中培训")
    assert page.dialog.hours.isVisible() and page.dialog.model.rowCount() == 1
    page.dialog.hours.setValue(16)
    page.dialog.topic.setText("书记培训")
    page.dialog.buttons.accepted.emit()
    assert [m.hours for m in branch.meetings.in_period("2026Q4") if m.type == "集中培训"] == [16.0]


def test_edit_keeps_attendance_and_adds_an_attachment(qtbot, branch, tmp_path, monkeypatch):
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    meeting = record(branch, "主题党日", "2026-10-20", "志愿服务", absent=["赵六:值班"])
    page = meetings_page(qtbot, branch)
    page.table.selectRow(0)
    page.edit_button.click()
    dialog = page.dialog
    assert dialog.counts.text() == "应到 9 人，出席 8 人，请假 1 人，缺席 0 人"
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(photo)], ""))
    )
    dialog.choose_files()
    dialog.topic.setText("志愿服务进社区")
    dialog.buttons.accepted.emit()
    saved = branch.meetings.get(meeting.id)
    assert saved.topic == "志愿服务进社区" and [a.reason for a in saved.attendance if a.reason] == [
        "值班"
    ]
    assert [a.original_name for a in saved.attachments] == ["合影.jpg"]
    assert page.model.index(0, 7).data() == "1"


def test_remove_is_undone_and_redone(qtbot, branch):
    meeting = record(branch, "党课", "2026-11-02")
    page = meetings_page(qtbot, branch)
    page.table.selectRow(0)
    page.remove_button.click()
    assert branch.meetings.in_period("2026Q4") == [] and page.model.rowCount() == 0
    assert page.undo_button.isEnabled()
    page.undo_button.click()
    assert [m.id for m in branch.meetings.in_period("2026Q4")] == [
        meeting.id
    ] and page.model.rowCount() == 1
    page.undo_stack.redo()
    assert branch.meetings.in_period("2026Q4") == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_print_the_sign_in_sheet_and_the_minutes(qtbot, branch, tmp_path, monkeypatch, messages):
    record(branch, "支部党员大会", "2026-10-12", "学习贯彻全会精神")
    page = meetings_page(qtbot, branch)
    target = tmp_path / "签到表"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    page.table.selectRow(0)
    page.sheet_button.click()
    assert page.dialog.topic.text() == "学习贯彻全会精神"
    page.dialog.buttons.accepted.emit()
    sheet = tmp_path / "签到表.pdf"
    text = subprocess.run(
        ["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "支部党员大会签到表" in text and "孙八" in text
    assert messages.texts("information") == [f"已保存：{sheet}"]
    target = tmp_path / "记录.pdf"
    page.minutes_button.click()
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "支部党员大会会议记录" in text and "学习贯彻全会精神" in text


def test_a_store_failure_is_one_sentence(qtbot, branch, messages):
    meeting = record(branch, "党课", "2026-11-02")
    page = meetings_page(qtbot, branch)
    branch.meetings.remove(meeting.id)  # gone behind the page's back
    page.table.selectRow(0)
    page.edit_button.click()
    page.dialog.buttons.accepted.emit()
    assert page.dialog.isVisible() and "找不到编号为" in page.dialog.error.text()


def test_dialogs_fit_the_screen(qtbot, branch):
    page = meetings_page(qtbot, branch)
    page.add_button.click()
    qtbot.waitExposed(page.dialog)
    assert outside_screen(page.dialog) == []
    members = members_page(qtbot, branch)
    members.add_button.click()
    qtbot.waitExposed(members.dialog)
    assert outside_screen(members.dialog) == []
