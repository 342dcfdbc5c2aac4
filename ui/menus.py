"""The main window's menus and keyboard shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QShortcut

from .i18n import tr

if TYPE_CHECKING:
    from .main_window import MainWindow


def _extras():
    from . import extras  # report, export, about, committee: loaded when first used

    return extras


def build_menus(window: MainWindow) -> None:
    """Menus whose actions work from the first frame on (before the store has answered)."""

    def action(menu, text: str, slot, shortcut=None) -> QAction:
        act = QAction(text, window)
        if shortcut is not None:
            act.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    file_menu = window.menuBar().addMenu(tr("文件(&F)"))
    action(file_menu, tr("新建期间…"), window.new_period)
    action(file_menu, tr("生成自评报告…"), lambda: _extras().make_report(window))
    action(file_menu, tr("导出上报文件…"), lambda: _extras().export_bundle(window))
    file_menu.addSeparator()
    action(file_menu, tr("退出"), window.close, QKeySequence.StandardKey.Quit)
    edit_menu = window.menuBar().addMenu(tr("编辑(&E)"))
    window.undo_action = action(edit_menu, tr("撤销"), window.undo, QKeySequence.StandardKey.Undo)
    window.redo_action = action(
        edit_menu, tr("重做"), window.redo, [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]
    )
    window.undo_action.setEnabled(False)
    window.redo_action.setEnabled(False)
    view_menu = window.menuBar().addMenu(tr("查看(&V)"))
    action(view_menu, tr("放大字体"), lambda: window.change_font(+1), [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
    action(view_menu, tr("缩小字体"), lambda: window.change_font(-1), QKeySequence("Ctrl+-"))
    view_menu.addSeparator()
    action(view_menu, "中文界面", lambda: window.set_language("zh_CN"))
    action(view_menu, "English (for maintainers)", lambda: window.set_language("en"))
    go_menu = window.menuBar().addMenu(tr("转到(&G)"))
    action(go_menu, tr("上一项"), lambda: window.step(-1), QKeySequence("Ctrl+PgUp"))
    action(go_menu, tr("下一项"), lambda: window.step(+1), QKeySequence("Ctrl+PgDown"))
    action(go_menu, tr("审核与定稿"), window.show_review, QKeySequence("Ctrl+R"))
    help_menu = window.menuBar().addMenu(tr("帮助(&H)"))
    action(help_menu, tr("关于/诊断信息"), lambda: _extras().show_about(window))
    action(help_menu, tr("切换到上级党委模式"), lambda: _extras().open_committee(window.paths, window))
    for i in range(1, 5):
        QShortcut(QKeySequence(f"Alt+{i}"), window, activated=lambda i=i: window._status_shortcut(i))
