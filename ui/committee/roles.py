"""Switching this PC between its two roles: 党支部 (branch) and 上级党委 (committee).

Each role keeps its own data (``dzdesk.sqlite`` and ``committee.sqlite`` with its own
files and key), and the role last used is remembered in the settings (``mode``), so
dzdesk opens in it next time. The switch closes one window and opens the other.
"""

from __future__ import annotations

from concurrent.futures import Executor
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from dzdesk.paths import AppPaths

from ..i18n import tr
from ..settings import Settings, load_settings, save_settings

if TYPE_CHECKING:
    from ..startup import BranchLauncher
    from .window import CommitteeWindow

# branch launchers started from a committee window: alive until the program ends
_launchers: list[BranchLauncher] = []


def open_committee(
    paths: AppPaths,
    parent: QWidget | None = None,
    *,
    settings: Settings | None = None,
    executor: Executor | None = None,
    today: date | None = None,
) -> CommitteeWindow:
    """Open the committee window (its database opens on its operations thread) and remember the
    role. ``parent``: the branch window switching over, which then closes."""
    from ..main_frame import MainFrame
    from .window import CommitteeWindow

    if settings is None:
        settings = getattr(parent, "settings", None) or load_settings(paths.settings_file)
    settings.mode = "committee"
    save_settings(paths.settings_file, settings)
    window = CommitteeWindow(None, executor, paths=paths, settings=settings, today=today)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.open_store()
    if isinstance(parent, MainFrame):  # the branch window: the role is switched, not added
        parent.close()
    return window


def switch_to_branch(
    window: CommitteeWindow, executor: Executor | None = None
) -> BranchLauncher | None:
    """Close the committee window and start the branch window the usual way (first-run setup
    included). The role is remembered once the branch side has a profile (the launcher saves it)."""
    from ..startup import BranchLauncher

    if window.ops.busy and not window.isEnabled():
        QMessageBox.information(window, tr("提示"), tr("请等当前的导入或通报完成后再切换。"))
        return None
    assert window.paths is not None
    launcher = BranchLauncher(window.paths, window.settings, executor)
    launcher.looping = True  # inside the running event loop: ending the launcher ends it
    _launchers.append(launcher)
    app = QApplication.instance()
    app.aboutToQuit.connect(launcher.finish)
    launcher.start()  # the branch window is on screen before the committee window goes
    window.close()
    return launcher
