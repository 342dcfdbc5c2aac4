"""The committee window's menu bar (文件, 考核, 查看, 帮助) and switching this PC between the
branch and the committee role, remembered in the settings (issue 16, item 10)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee)
from committee_tour import TODAY
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from dzdesk.store import Store
from ui.about_dialog import AboutDialog
from ui.app import prepare_app
from ui.committee.help_dialog import HelpDialog
from ui.committee.roles import open_committee, switch_to_branch
from ui.committee.window import CommitteeWindow
from ui.main_window import MainWindow
from ui.operations import Operations, SyncExecutor
from ui.settings import load_settings


@pytest.fixture
def window(qtbot, committee, paths):
    _app, settings = prepare_app(paths)
    win = CommitteeWindow(
        committee, executor=SyncExecutor(), paths=paths, settings=settings, today=TODAY
    )
    qtbot.addWidget(win)
    win.show()
    return win


def _menu(win, title: str):
    [menu] = [a.menu() for a in win.menuBar().actions() if a.text() == title]
    return [a for a in menu.actions() if not a.isSeparator()]


def test_menus_like_the_branch_windows(window):
    assert [a.text() for a in window.menuBar().actions()] == [
        "文件(&F)",
        "考核(&A)",
        "查看(&V)",
        "帮助(&H)",
    ]
    file_menu = _menu(window, "文件(&F)")
    assert [a.text() for a in file_menu] == [
        "导入报送包…",
        "导入文件夹…",
        "导入名册…",
        "生成通报…",
        "党委信息…",
        "切换到党支部模式",
        "退出",
    ]
    assert file_menu[-1].shortcut() == QKeySequence("Ctrl+Q")
    assert [a.text() for a in _menu(window, "帮助(&H)")] == ["使用说明", "关于/诊断信息"]
    assert "刷新" in [a.text() for a in _menu(window, "查看(&V)")]
    toolbar = [
        a.text()
        for a in window.findChild(type(window.addToolBar("x")), "committeeToolbar").actions()
    ]
    assert toolbar[:2] == ["导入文件夹…", "导入报送包…"] and "评定等次…" in toolbar


def test_help_about_font_and_quit(window, paths):
    window.menu_actions["help"].trigger()
    assert (
        isinstance(window.last_dialog, HelpDialog)
        and "密钥变更" in window.last_dialog.text.toPlainText()
    )
    window.last_dialog.reject()
    window.menu_actions["about"].trigger()  # diagnostics are collected on the operations thread
    assert isinstance(window.last_dialog, AboutDialog) and window.last_dialog.isVisible()
    window.last_dialog.reject()
    start = QApplication.font().pointSize()
    window.menu_actions["bigger"].trigger()
    try:
        assert QApplication.font().pointSize() == start + 1
        assert load_settings(paths.settings_file).font_pt == start + 1
    finally:
        window.menu_actions["smaller"].trigger()
    window.menu_actions["quit"].trigger()
    assert not window.isVisible() and window.closed
    assert "committee" in load_settings(paths.settings_file).geometry


def test_switching_to_the_branch_role_and_back_is_remembered(qtbot, window, paths, profile):
    with Store(paths) as branch:
        branch.save_profile(profile)
    launcher = switch_to_branch(window, SyncExecutor())
    try:
        branch_window = launcher.window
        qtbot.addWidget(branch_window)
        assert branch_window.isVisible() and not window.isVisible() and window.closed
        assert (
            branch_window.session is not None
            and branch_window.branch_label.text() == profile.display_name
        )
        branch_window.close()
        assert load_settings(paths.settings_file).mode == "branch"  # next start: the branch window
        committee = open_committee(paths, branch_window, executor=SyncExecutor(), today=TODAY)
        committee.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(committee)
        assert committee.isVisible() and load_settings(paths.settings_file).mode == "committee"
        committee.last_dialog.reject()  # the first-run 党委信息
        committee.close()
    finally:
        launcher.finish()


def test_switching_from_the_branch_menu_closes_the_branch_window(qtbot, paths, store, monkeypatch):
    from ui import extras

    _app, settings = prepare_app(paths)
    branch_window = MainWindow(Operations(store, SyncExecutor()), paths, settings)
    qtbot.addWidget(branch_window)
    branch_window.show()
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: pytest.fail(a[2]))
    committee = extras.open_committee(paths, branch_window)
    committee.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(committee)
    assert isinstance(committee, CommitteeWindow) and committee.isVisible()
    assert not branch_window.isVisible()
    assert load_settings(paths.settings_file).mode == "committee" and settings.mode == "committee"
    # opened on its own worker thread; then the first-run 党委信息, from another op
    qtbot.waitUntil(lambda: committee.view is not None and committee.last_dialog is not None)
    assert (
        committee.model.rowCount() == 0 and "导入文件夹" in committee.statusBar().currentMessage()
    )
    committee.last_dialog.reject()
    committee.close()
    assert paths.committee_db.is_file()


def test_switching_waits_for_a_running_import(qtbot, committee, paths, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    win = CommitteeWindow(
        committee, executor=ThreadPoolExecutor(max_workers=1), paths=paths, today=TODAY
    )
    qtbot.addWidget(win)
    win.show()
    running = threading.Event()
    release = threading.Event()

    def long_work(_store):  # stands for an import: it blocks the window while it runs
        running.set()
        release.wait(10)

    win.ops.op(long_work, win).blocking(win).run()
    assert running.wait(10) and not win.isEnabled()
    try:
        assert switch_to_branch(win, SyncExecutor()) is None
    finally:
        release.set()
    assert said == ["请等当前的导入或通报完成后再切换。"] and win.isVisible()
    qtbot.waitUntil(lambda: not win.ops.busy)
    win.close()
