"""Both orglife pages: they reach the store only through the operations thread, and speak English when asked."""

from __future__ import annotations

import threading

import pytest
from orglife_pages import TODAY, meetings_page, members_page
from orglife_tools import record, seed_roster
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ui.meetings_page import MeetingsPage
from ui.members_page import MembersPage
from ui.operations import Operations, SyncExecutor


@pytest.fixture
def branch(store):
    seed_roster(store)
    return store


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
