"""Chinese by default, bundled font, font size, remembered geometry, errors logged not shown raw."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFontDatabase, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from ui import i18n
from ui.app import install_excepthook, prepare_app
from ui.settings import load_settings, save_settings


def test_qt_buttons_and_font_are_chinese(paths, qtbot):
    app, _settings = prepare_app(paths)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert "WenQuanYi Micro Hei" in QFontDatabase.families()
    assert app.font().families()[0] == "WenQuanYi Micro Hei"


def test_font_size_shortcuts_and_geometry_are_remembered(make_window, store, paths, qtbot):
    window = make_window(store)
    start = window.settings.font_pt
    zoom_in = next(a for a in window.findChildren(type(window.undo_action)) if QKeySequence("Ctrl+=") in a.shortcuts())
    zoom_in.trigger()
    zoom_in.trigger()
    assert QApplication.instance().font().pointSize() == start + 2
    window.resize(700, 500)
    window.splitter.setSizes([300, 800])
    window.close()
    saved = load_settings(paths.settings_file)
    assert saved.font_pt == start + 2 and "main" in saved.geometry
    window2 = make_window(store)
    assert window2.size().height() == 500 and window2.size().width() < 800  # not the 1366 default
    saved.font_pt = 99
    saved.clamp_font(saved.font_pt)
    assert saved.font_pt == 20


def test_english_for_maintainers(paths):
    settings = load_settings(paths.settings_file)
    settings.language = "en"
    save_settings(paths.settings_file, settings)
    try:
        i18n.set_language(load_settings(paths.settings_file).language)
        assert i18n.tr("已完成") == "Done"
        assert i18n.tr("一句没有译文的话") == "一句没有译文的话"
    finally:
        i18n.set_language("zh_CN")
    assert i18n.tr("已完成") == "已完成"


def test_broken_settings_file_falls_back(paths):
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text("{not json", encoding="utf-8")
    assert load_settings(paths.settings_file).font_pt == 11


def test_unexpected_exception_is_logged_and_explained(paths, messages, qtbot):
    from dzdesk.logs import setup_logging

    log_file = setup_logging(paths.log_dir)
    old = sys.excepthook
    install_excepthook()
    try:
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = old
    assert messages.texts("warning")[0].startswith("程序遇到意外问题（RuntimeError）")
    assert "boom in a slot" in log_file.read_text(encoding="utf-8")


def test_damaged_database_gets_one_sentence_not_a_traceback(paths, messages):
    from ui.app import run_gui

    paths.data_dir.mkdir(parents=True, exist_ok=True)
    paths.branch_db.write_bytes(b"this is not a database " * 200)
    old = sys.excepthook
    try:
        assert run_gui(str(paths.data_dir)) == 1
    finally:
        sys.excepthook = old
    shown = messages.texts("critical")
    assert len(shown) == 1 and "Traceback" not in shown[0]


def test_first_start_window_fills_most_of_the_screen(paths, qtbot, store):
    from ui.main_window import MainWindow
    from ui.operations import Operations, SyncExecutor

    _app, settings = prepare_app(paths)
    assert "main" not in settings.geometry
    window = MainWindow(Operations(store, SyncExecutor()), paths, settings)
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    assert window.width() >= min(1000, int(screen.width() * 0.9))
    assert window.width() <= screen.width() and window.height() <= screen.height()
    assert window.height() >= min(600, int(screen.height() * 0.9))
