"""``run_gui(home)``: what ``dzdesk`` with no arguments opens."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from dzdesk.errors import DzdeskError
from dzdesk.paths import AppPaths, resolve_paths

from .appearance import apply_font_size, install_translations, register_fonts
from .i18n import set_language, tr
from .main_window import MainWindow
from .operations import Operations, error_text
from .settings import Settings, load_settings, save_settings

log = logging.getLogger("dzdesk.ui")


def install_excepthook(parent: QWidget | None = None) -> None:
    """Log unexpected exceptions and say so in one sentence; the window stays usable."""

    def hook(kind, value, tb) -> None:
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if isinstance(value, KeyboardInterrupt):
            return
        text = value.zh if isinstance(value, DzdeskError) else tr(
            "程序遇到意外问题（{0}），详情已写入日志文件。已保存的内容不受影响，您可以继续使用。"
        ).format(kind.__name__)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, tr("提示"), text)

    sys.excepthook = hook


def prepare_app(paths: AppPaths, argv: list[str] | None = None) -> tuple[QApplication, Settings]:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("dzdesk")
    app.setApplicationDisplayName(tr("dzdesk 党支部自评"))
    settings = load_settings(paths.settings_file)
    set_language(settings.language)
    app._dzdesk_translators = install_translations(app, settings.language)  # keep them alive
    apply_font_size(app, settings.font_pt, register_fonts())
    return app, settings


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


def choose_period(ops: Operations, parent: QWidget | None, today: date | None = None) -> str:
    """The current quarter; created (optionally copied forward) the first time it is needed."""
    store = ops.store
    code, copy_from, create = plan_period(ops.executor.submit(store.periods).result(), parent, today)
    if create:
        ops.executor.submit(lambda: store.create_assessment(code, copy_from=copy_from)).result()
    return code


def import_store() -> type:
    """``dzdesk.store.Store`` without numpy, which sqlite-utils imports when present (~0.1 s).

    The GUI never needs numpy and the packaged build leaves it out; numpy is
    only hidden while the store module loads, so nothing else in the process is affected.
    """
    hide = "numpy" not in sys.modules
    if hide:
        sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        from dzdesk.store import Store
    finally:
        if hide and sys.modules.get("numpy", False) is None:
            del sys.modules["numpy"]
    return Store


def open_branch_window(
    paths: AppPaths, settings: Settings, executor: Executor | None = None, today: date | None = None
) -> MainWindow | None:
    """First-run setup when needed, then the main window on the current period (not shown)."""
    from .setup_dialog import SetupDialog

    executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="dzdesk-store")
    store = executor.submit(lambda: import_store()(paths)).result()  # opened on the thread that will use it
    ops = Operations(store, executor)
    if executor.submit(store.profile).result() is None:
        dialog = SetupDialog(ops, paths)
        if not dialog.exec():
            ops.shutdown()
            store.close()
            return None
        settings.mode = dialog.mode
        save_settings(paths.settings_file, settings)
        if dialog.mode == "committee":
            ops.shutdown()
            store.close()
            return None
    settings.mode = "branch"
    window = MainWindow(ops, paths, settings)
    period = choose_period(ops, window, today)
    window.session.open_period(period)
    return window


def _smoke_exit(app: QApplication, launcher) -> None:
    """Smoke runs (packaging, benchmarks): report the frame and the data on screen, then quit."""
    window = launcher.window

    def done() -> None:
        app.processEvents()
        print(f"dzdesk: data shown, period {window.session.period}", flush=True)
        window.close()
        app.quit()

    launcher.on_window_shown = lambda: print("dzdesk: main window shown", flush=True)
    launcher.on_data_shown = lambda: QTimer.singleShot(0, done)


def run_gui(home: str | None) -> int:
    paths = resolve_paths(home)
    app, settings = prepare_app(paths)
    install_excepthook()
    if settings.mode == "committee":
        from . import extras

        try:
            setup_logging_quietly(paths)
            window = extras.open_committee(paths)
        except (DzdeskError, OSError) as exc:
            from PySide6.QtWidgets import QMessageBox

            log.error("cannot open the data folder %s", paths.data_dir, exc_info=exc)
            QMessageBox.critical(None, "dzdesk", error_text(exc))
            return 1
        if window is not None:
            window.show()
            return app.exec()
        settings.mode = ""
    from .startup import BranchLauncher

    launcher = BranchLauncher(paths, settings)
    if os.environ.get("DZDESK_SMOKE_EXIT"):
        _smoke_exit(app, launcher)
    launcher.start()  # the window is on screen now; the store opens on the operations thread
    code = 0
    if launcher.exit_code is None or launcher.other_window is not None:
        launcher.looping = True
        code = app.exec()
    launcher.finish()
    return launcher.exit_code if launcher.exit_code is not None else code


def setup_logging_quietly(paths: AppPaths) -> None:
    from dzdesk.logs import setup_logging

    try:
        setup_logging(paths.log_dir)
    except OSError:
        pass
