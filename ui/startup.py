"""Start the branch GUI the way a person perceives as fast (Anki style).

The main window's frame is put on screen at once with "正在打开自评记录…"; the store
(sqlite-utils) is opened on the operations thread, and the window fills in when
the period has loaded. First-run setup and the "copy forward?" question come
once the store has answered, over the already visible window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from dzdesk.paths import AppPaths

from .i18n import tr
from .main_window import MainWindow
from .operations import Operations, error_text
from .settings import Settings, save_settings

if TYPE_CHECKING:
    from dzdesk.models import BranchProfile
    from dzdesk.store import Store

    from .period_state import PeriodState

log = logging.getLogger("dzdesk.ui")


def plan_period(existing: list[str], parent: QWidget | None, today: date | None = None) -> tuple[str, str | None, bool]:
    """(current quarter, period to copy forward from, whether it must be created); may ask."""
    from PySide6.QtWidgets import QMessageBox

    from dzdesk.periods import current_quarter, parse_period

    code = current_quarter(today).code
    if code in existing:
        return code, None, False
    copy_from = None
    if existing:
        last = existing[-1]
        answer = QMessageBox.question(
            parent, tr("新的季度"),
            tr("{0}的自评还没有开始。是否从上一期（{1}）复制完成情况、整改措施和佐证材料？\n复制后只需修改有变化的内容，完成状态需要重新确认。").format(
                parse_period(code).label, parse_period(last).label
            ),
        )
        copy_from = last if answer == QMessageBox.StandardButton.Yes else None
    return code, copy_from, True


def open_current_period(
    window: MainWindow,
    periods: list[str],
    today: date | None = None,
    on_done: Callable[[], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
) -> None:
    """Show the current quarter in ``window``; the first time, create it (asking whether to copy forward).

    ``periods`` are the store's periods; ``on_failure`` gets a failed creation (default: the
    window's one-sentence error).
    """
    code, copy_from, is_new = plan_period(periods, window, today)

    def show(_assessment: object = None) -> None:
        if window.closed:  # closed while the quarter was being created
            return
        window.ensure_body()
        window.session.open_period(code, on_done=on_done)

    def create(store: Store) -> None:
        # another dzdesk or the command line may have created it while the question was open
        if code not in store.periods():
            store.create_assessment(code, copy_from=copy_from)

    if is_new:
        window.ops.op(create).success(show).failure(on_failure).run()
    else:
        show()


class BranchLauncher:
    """Owns the start-up sequence; ``exit_code`` is set when it ends the program itself."""

    def __init__(
        self, paths: AppPaths, settings: Settings, executor: Executor | None = None, today: date | None = None
    ) -> None:
        self.paths, self.settings, self.today = paths, settings, today
        executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="dzdesk-store")
        self.ops = Operations(None, executor)
        self.window = MainWindow(self.ops, paths, settings, deferred=True)
        self.other_window = None  # the committee window, when first run chose it
        self.exit_code: int | None = None
        self.looping = False  # run_gui's event loop is running: ending must leave it
        self.on_window_shown: Callable[[], None] | None = None  # smoke runs and benchmarks
        self.on_data_shown: Callable[[], None] | None = None

    def start(self) -> None:
        """Show the frame, then open the store on the operations thread."""
        paths = self.paths
        ops = self.ops

        today = self.today

        def open_and_look(_none: None) -> tuple[BranchProfile | None, list[str], PeriodState | None]:
            from dzdesk.periods import current_quarter

            from .app import import_store, setup_logging_quietly
            from .period_state import load_state

            setup_logging_quietly(paths)  # a read-only folder: opening the store says so in one sentence
            store: Store = import_store()(paths)
            ops.store = store  # on the worker, before any later queued op runs
            profile, periods = store.profile(), store.periods()
            code = current_quarter(today).code
            # the usual case: load the current quarter now, saving a round trip
            state = load_state(store, code) if profile is not None and code in periods else None
            return profile, periods, state

        self.window.show()
        app = QApplication.instance()
        app.processEvents()  # paint the frame before the store thread competes for the GIL
        if self.on_window_shown is not None:
            self.on_window_shown()
        ops.op(open_and_look).success(self._looked).failure(self._cannot_open).run()
        QTimer.singleShot(0, self.window.ensure_body)  # meanwhile, on this thread

    # -- steps, each on the GUI thread ------------------------------------------------
    def _looked(self, result: tuple[BranchProfile | None, list[str], PeriodState | None]) -> None:
        if self.window.closed:
            return
        profile, periods, state = result
        if profile is not None:
            self.settings.mode = "branch"
        if state is not None:
            self.window.ensure_body()
            self.window.session.show_state(state, on_done=self._data_shown)
            return
        if profile is None and not self._first_run():
            return
        self.settings.mode = "branch"
        open_current_period(self.window, periods, self.today, on_done=self._data_shown, on_failure=self._cannot_open)

    def _first_run(self) -> bool:
        from .extras import open_committee
        from .setup_dialog import SetupDialog

        dialog = SetupDialog(self.ops, self.paths, self.window)
        if not dialog.exec():
            self._end(0)
            return False
        self.settings.mode = dialog.mode
        save_settings(self.paths.settings_file, self.settings)
        if dialog.mode == "committee":
            self.other_window = open_committee(self.paths)
            if self.other_window is not None:
                self.other_window.show()
            self._end(None if self.other_window is not None else 0)
            return False
        return True

    def _data_shown(self) -> None:
        if self.on_data_shown is not None:
            self.on_data_shown()

    def _cannot_open(self, exc: BaseException) -> None:
        # e.g. a database from a newer version, a damaged file, a read-only folder
        from PySide6.QtWidgets import QMessageBox

        log.error("cannot open the data folder %s", self.paths.data_dir, exc_info=exc)
        QMessageBox.critical(self.window, "dzdesk", error_text(exc))
        self._end(1)

    def _end(self, code: int | None) -> None:
        """Close the branch window; quit with ``code`` unless another window carries on."""
        self.exit_code = code
        if code is None:
            self.window.close()
            return
        # hide, not close: closing the last window posts a Quit event that could
        # outlive this event loop (and end the next one at once)
        self.window.closed = True
        self.window.hide()
        if self.looping:  # exit() outside exec() would end the next event loop at once
            QApplication.instance().exit(code)

    def finish(self) -> None:
        """After the event loop: let queued writes land, then close the store."""
        self.ops.shutdown()
        if self.ops.store is not None:
            self.ops.store.close()
