"""``run_gui(home)``: what ``dzdesk`` with no arguments opens."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from dzdesk.errors import DzdeskError
from dzdesk.logs import setup_logging
from dzdesk.paths import AppPaths, resolve_paths
from dzdesk.periods import current_quarter, parse_period
from dzdesk.store import Store

from . import extras
from .appearance import apply_font_size, install_translations, register_fonts
from .i18n import set_language, tr
from .main_window import MainWindow
from .operations import Operations, error_text
from .settings import Settings, load_settings, save_settings
from .setup_dialog import SetupDialog

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


def choose_period(ops: Operations, parent: QWidget | None, today: date | None = None) -> str:
    """The current quarter; created (optionally copied forward) the first time it is needed."""
    store = ops.store
    code = current_quarter(today).code
    existing = ops.executor.submit(store.periods).result()
    if code in existing:
        return code
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
    ops.executor.submit(lambda: store.create_assessment(code, copy_from=copy_from)).result()
    return code


def open_branch_window(
    paths: AppPaths, settings: Settings, executor: Executor | None = None, today: date | None = None
) -> MainWindow | None:
    """First-run setup when needed, then the main window on the current period (not shown)."""
    executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="dzdesk-store")
    store = executor.submit(Store, paths).result()  # opened on the thread that will use it
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


def _exit_when_loaded(app: QApplication, window: MainWindow) -> None:
    """Smoke runs (packaging, benchmarks): quit as soon as the period is on screen."""

    def done() -> None:
        app.processEvents()
        print(f"dzdesk: main window shown, period {window.session.period}", flush=True)
        window.close()
        app.quit()

    if window.session.state is not None:
        QTimer.singleShot(0, done)
    else:
        window.session.loaded.connect(lambda: QTimer.singleShot(0, done))


def run_gui(home: str | None) -> int:
    paths = resolve_paths(home)
    try:
        setup_logging(paths.log_dir)
    except OSError:
        pass
    app, settings = prepare_app(paths)
    install_excepthook()
    try:
        if settings.mode == "committee":
            window = extras.open_committee(paths)
            if window is None:
                settings.mode = ""
        if settings.mode != "committee":
            window = open_branch_window(paths, settings)
            if window is None and settings.mode == "committee":
                window = extras.open_committee(paths)
    except (DzdeskError, OSError) as exc:  # e.g. a database from a newer version, a read-only folder
        log.error("cannot open the data folder %s", paths.data_dir, exc_info=exc)
        QMessageBox.critical(None, "dzdesk", error_text(exc))
        return 1
    if window is None:
        return 0
    window.show()
    if os.environ.get("DZDESK_SMOKE_EXIT") and isinstance(window, MainWindow):
        _exit_when_loaded(app, window)
    code = app.exec()
    if isinstance(window, MainWindow):
        window.ops.shutdown()
        window.ops.store.close()
    return code

