"""The committee window's menu bar and toolbar, like the branch window's: 文件, 考核, 查看, 帮助."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from ..i18n import tr

if TYPE_CHECKING:
    from .actions import Actions
    from .window import CommitteeWindow


def build_menus(window: CommitteeWindow, do: Actions) -> dict[str, QAction]:
    """Menus and toolbar; returns the actions by name (the toolbar reuses the menus' actions)."""
    made: dict[str, QAction] = {}

    def action(menu: QMenu, name: str, text: str, slot: Callable[[], None], *keys: str) -> QAction:
        act = QAction(text, window)
        act.setObjectName(name)
        if keys:
            act.setShortcuts([QKeySequence(k) for k in keys])
        act.triggered.connect(lambda _checked=False: slot())
        menu.addAction(act)
        made[name] = act
        return act

    bar = window.menuBar()
    file_menu = bar.addMenu(tr("文件(&F)"))
    action(file_menu, "import_files", tr("导入报送包…"), do.import_files, "Ctrl+O")
    action(file_menu, "import_folder", tr("导入文件夹…"), do.import_folder, "Ctrl+Shift+O")
    action(file_menu, "roster", tr("导入名册…"), do.import_roster)
    file_menu.addSeparator()
    action(file_menu, "summary", tr("生成通报…"), do.export_summary, "Ctrl+P")
    file_menu.addSeparator()
    action(file_menu, "info", tr("党委信息…"), do.committee_info)
    action(file_menu, "switch_role", tr("切换到党支部模式"), do.switch_to_branch)
    file_menu.addSeparator()
    action(file_menu, "quit", tr("退出"), window.close, "Ctrl+Q")

    work_menu = bar.addMenu(tr("考核(&A)"))
    action(work_menu, "grade", tr("评定等次…"), do.grade_selected, "Ctrl+G")
    action(work_menu, "detail", tr("查看详情"), do.detail_selected, "Ctrl+I")
    action(work_menu, "keys", tr("密钥变更…"), do.show_key_changes)
    action(work_menu, "deadline", tr("截止日期…"), do.edit_deadline)

    view_menu = bar.addMenu(tr("查看(&V)"))
    action(view_menu, "refresh", tr("刷新"), window.reload, "F5")
    view_menu.addSeparator()
    action(view_menu, "bigger", tr("放大字体"), lambda: window.change_font(+1), "Ctrl+=", "Ctrl++")
    action(view_menu, "smaller", tr("缩小字体"), lambda: window.change_font(-1), "Ctrl+-")
    view_menu.addSeparator()
    action(view_menu, "chinese", "中文界面", lambda: window.set_language("zh_CN"))
    action(view_menu, "english", "English (for maintainers)", lambda: window.set_language("en"))

    help_menu = bar.addMenu(tr("帮助(&H)"))
    action(help_menu, "help", tr("使用说明"), do.show_help, "F1")
    action(help_menu, "about", tr("关于/诊断信息"), do.show_about)

    toolbar = QToolBar(tr("考核验收"))
    toolbar.setObjectName("committeeToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    window.addToolBar(toolbar)
    for name in (
        "import_folder",
        "import_files",
        "grade",
        "detail",
        "keys",
        "roster",
        "deadline",
        "summary",
    ):
        toolbar.addAction(made[name])
    return made
