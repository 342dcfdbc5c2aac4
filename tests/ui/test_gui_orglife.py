"""The 党员名册 and 组织生活 pages as standalone widgets over the real store (pytest-qt)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from dzdesk.orglife.models import MemberInput
from dzdesk.orglife.summary import meeting_summary
from ui.meetings_page import MeetingsPage, strip_html
from ui.members_page import MembersPage
from ui.operations import Operations, SyncExecutor
from ui.widgets.screen import outside_screen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from orglife_tools import record, seed_roster  # noqa: E402

TODAY = date(2026, 11, 28)


@pytest.fixture
def branch(store):
    seed_roster(store)
    return store


def members_page(qtbot, store) -> MembersPage:
    page = MembersPage(Operations(store, SyncExecutor()), TODAY)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.reload()
    return page


def meetings_page(qtbot, store, period: str = "2026Q4") -> MeetingsPage:
    page = MeetingsPage(Operations(store, SyncExecutor()), period, TODAY)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.reload()
    return page


def visible_names(page: MembersPage) -> list[str]:
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


# -- 党员名册 ----------------------------------------------------------------------------


def test_roster_page_lists_filters_and_shows_a_past_day(qtbot, branch):
    branch.members.add(MemberInput("吴十", "正式党员"), since="2026-06-01")
    page = members_page(qtbot, branch)
    assert "吴十" in visible_names(page) and "在册 10 名" in page.summary.text()
    page.day.set_text("2026-01-01")  # before 吴十 joined the branch
    assert "吴十" not in visible_names(page)
    assert len(visible_names(page)) == 9 and "张伟（2001-07-01入党）" in visible_names(page)
    assert page.summary.text() == "2026-01-01 在册 9 名：正式党员 8 名，预备党员 1 名"
    qtbot.keyClicks(page.search, "zhang")  # pinyin is not matched: nothing, and no error
    assert visible_names(page) == []
    page.search.setText("第二党小组")
    assert visible_names(page) == ["王五", "钱七", "孙八", "张伟（2001-07-01入党）"]
    page.search.clear()
    page.show_choice.setCurrentIndex(2)  # 全部
    assert "吴十" in visible_names(page)
    assert not page.empty.isVisible()


def test_add_a_member_and_a_namesake_needs_telling_apart(qtbot, branch):
    page = members_page(qtbot, branch)
    page.add_button.click()
    dialog = page.dialog
    dialog.name.setText("吴十")
    dialog.category.setCurrentIndex(1)
    dialog.joined.set_text("2026-05-01")
    dialog.since.set_text("2026-05-01")
    dialog.flags["流动党员"].setChecked(True)
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    saved = branch.members.roster().find("吴十", TODAY)
    assert (saved.category, saved.flags, saved.events[0].date) == (
        "预备党员",
        ("流动党员",),
        "2026-05-01",
    )
    assert "吴十" in visible_names(page) and page.selected().member.id == saved.id

    page.add_button.click()
    dialog = page.dialog
    dialog.name.setText("张伟")
    dialog.joined.set_text("2001-07-01")
    dialog.before_records.setChecked(True)
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "同名党员请填写不同的入党日期或备注" in dialog.error.text()
    dialog.note.setText("研发部")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert len([m for m in branch.members.all() if m.name == "张伟"]) == 3


def test_a_bad_field_stays_in_the_dialog_with_one_sentence(qtbot, branch):
    page = members_page(qtbot, branch)
    page.add_button.click()
    page.dialog.name.setText("")
    page.dialog.buttons.accepted.emit()
    assert page.dialog.isVisible() and page.dialog.error.text() == "请填写“姓名”。"
    assert len(branch.members.all()) == 9


def test_edit_and_events_move_a_member_off_the_roster_and_back(qtbot, branch):
    page = members_page(qtbot, branch)
    page.search.setText("孙八")
    page.table.selectRow(0)
    page.edit_button.click()
    page.dialog.group.setCurrentText("第一党小组")
    page.dialog.buttons.accepted.emit()
    sun = branch.members.roster().find("孙八", TODAY)
    assert sun.party_group == "第一党小组"
    assert branch.changes()[-1].field == f"member#{sun.id}.party_group"

    page.event_button.click()
    dialog = page.dialog
    assert dialog.kinds == ["转出", "去世", "停止党籍"]
    dialog.date.set_text("2026-11-01")
    dialog.note.setText("转往区机关党支部")
    dialog.buttons.accepted.emit()
    assert not branch.members.roster().is_on(sun.id, TODAY)
    assert visible_names(page) == []  # 在册 only
    page.show_choice.setCurrentIndex(1)  # 已离开
    assert visible_names(page) == ["孙八"]
    page.table.selectRow(0)
    assert (
        page.model.row(page.proxy.mapToSource(page.proxy.index(0, 0)).row()).status
        == "转出 2026-11-01"
    )
    assert page.events.count() == 2
    page.events.setCurrentRow(1)
    page.cancel_button.click()
    assert branch.members.roster().is_on(sun.id, TODAY)


def test_a_probationary_member_is_offered_the_confirmation(qtbot, branch):
    page = members_page(qtbot, branch)
    page.search.setText("周九")
    page.table.selectRow(0)
    page.event_button.click()
    assert page.dialog.kinds[0] == "预备转正"
    page.dialog.date.set_text("2027-03-01")
    page.dialog.buttons.accepted.emit()
    assert branch.members.roster().find("周九", date(2027, 3, 2)).confirmed == "2027-03-01"


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


# -- never on the GUI thread ----------------------------------------------------------------


class GuiThreadTrap:
    """The real store, refusing any use from the GUI thread (its repositories too)."""

    def __init__(self, target, main: threading.Thread) -> None:
        self._target, self._main = target, main

    def __getattr__(self, name):
        if threading.current_thread() is self._main:
            raise AssertionError(f"store.{name} used on the GUI thread")
        value = getattr(self._target, name)
        if name in ("members", "meetings"):
            return GuiThreadTrap(value, self._main)
        return value


def test_pages_reach_the_store_only_through_the_operations_thread(qtbot, branch):
    record(branch, "主题党日", "2026-10-20")
    trap = GuiThreadTrap(branch, threading.current_thread())
    ops = Operations(trap)  # a real worker thread
    meetings = MeetingsPage(ops, "2026Q4", TODAY)
    members = MembersPage(ops, TODAY)
    qtbot.addWidget(meetings)
    qtbot.addWidget(members)
    meetings.reload()
    members.reload()
    qtbot.waitUntil(lambda: meetings.view is not None and members.view is not None, timeout=10_000)
    assert meetings.model.rowCount() == 1 and len(members.view.rows) == 9
    meetings.add_button.click()
    meetings.dialog.topic.setText("学习")
    meetings.dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: meetings.model.rowCount() == 2, timeout=10_000)
    ops.shutdown()


def _texts(root) -> list[str]:
    """Every text a person reads in ``root``: labels, buttons, group titles, placeholders, headers, combo items."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QDialogButtonBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTableView,
    )

    texts = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w.parentWidget(), QDialogButtonBox):
            continue  # Qt's own 确定/取消 follow the Qt translation installed for the app, not tr()
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QLineEdit | QPlainTextEdit):
            texts.append(w.placeholderText())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTableView) and w.model() is not None:
            model = w.model()
            texts += [
                str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(model.columnCount())
            ]
    texts.append(root.windowTitle())
    return texts


def test_english_mode_shows_no_chinese_but_data(qtbot, store):
    import re

    from ui import i18n

    i18n.set_language("en")
    try:
        pages = [meetings_page(qtbot, store), members_page(qtbot, store)]
        pages[0].add_button.click()
        pages[1].add_button.click()
        pages[0].print_sheet()
        shown = [t for p in pages for t in _texts(p)]
        shown += _texts(pages[0].dialog) + _texts(pages[1].dialog)
        meeting_dialog = MeetingsPage(Operations(store, SyncExecutor()), "2026Q4", TODAY)
        qtbot.addWidget(meeting_dialog)
        meeting_dialog.reload()
        meeting_dialog.add_meeting()
        shown += _texts(meeting_dialog.dialog)
        assert len([t for t in shown if t.strip()]) > 80
        assert [t for t in shown if re.search(r"[\u4e00-\u9fff]", t)] == []
    finally:
        i18n.set_language("zh_CN")
