"""Child process for the kill test: type into the real GUI, report when the indicator says saved."""

from __future__ import annotations

import os
import sys
import time
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from dzdesk.paths import resolve_paths  # noqa: E402
from ui.app import prepare_app  # noqa: E402
from ui.startup import BranchLauncher  # noqa: E402


def main() -> None:
    paths = resolve_paths(sys.argv[1])
    text = sys.argv[2]
    today = date.fromisoformat(sys.argv[3])  # the test's period is "current" whatever the clock says
    app, settings = prepare_app(paths)
    launcher = BranchLauncher(paths, settings, today=today)  # the real single-thread executor
    launcher.start()  # as run_gui does: the frame at once, the store opens on its thread
    window = launcher.window
    deadline = time.monotonic() + 30
    while window.session is None or window.session.state is None:  # the period loads on the store thread
        app.processEvents()
        time.sleep(0.01)
        if time.monotonic() > deadline:
            print("TIMEOUT loading the period", flush=True)
            return
    editor = window.task_page.narrative
    editor.setFocus()
    for char in text:
        event = QInputMethodEvent("", [])
        event.setCommitString(char)
        QApplication.sendEvent(editor, event)
    deadline = time.monotonic() + 10
    while not window.save_label.text().startswith("已自动保存"):
        app.processEvents()
        time.sleep(0.01)
        if time.monotonic() > deadline:
            print("TIMEOUT", window.save_label.text(), flush=True)
            return
    print("SAVED", window.save_label.text(), flush=True)
    while True:  # wait to be killed
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main()
