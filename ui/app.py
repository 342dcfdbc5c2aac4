"""``run_gui(home)``: what ``dzdesk`` with no arguments opens."""

from __future__ import annotations

import logging
import os
import sys
import traceback

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from dzdesk.errors import DzdeskError
from dzdesk.paths import AppPaths, resolve_paths

from .appearance import apply_font_size, install_translations, register_fonts
from .i18n import set_language, tr
from .operations import error_text
from .settings import Settings, load_settings

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
