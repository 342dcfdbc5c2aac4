"""Screenshots for docs/screenshots/ (not a test). Run under Xvfb at the office-PC size:

    xvfb-run -s "-screen 0 1366x768x24" python tests/ui/make_screenshots.py docs/screenshots
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from dzdesk.demo import create_demo  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.store import Store  # noqa: E402
from ui.app import prepare_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.operations import Operations, SyncExecutor  # noqa: E402
from ui.setup_dialog import SetupDialog  # noqa: E402
from ui.startup import BranchLauncher  # noqa: E402


def settle(app: QApplication, ms: int = 300) -> None:
    QTimer.singleShot(ms, app.quit)
    app.exec()


def grab_screen(app: QApplication, path: Path, *windows) -> None:
    """Compose the 1366x768 screen from the top-level widgets' own renderings.

    (Xvfb without a compositor hands back black pixels from QScreen.grabWindow.)
    """
    settle(app)
    screen = QPixmap(1366, 768)
    screen.fill(QColor("#2f5f8f"))
    painter = QPainter(screen)
    for widget in windows:
        painter.drawPixmap(widget.frameGeometry().topLeft(), widget.grab())
    painter.end()
    screen.save(str(path))
    print("wrote", path)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="dzdesk-shots-"))
    paths = resolve_paths(home / "new")
    app, settings = prepare_app(paths)

    with Store(paths) as store:  # first run: the setup dialog, partly filled in
        dialog = SetupDialog(Operations(store, SyncExecutor()), paths)
        dialog.name.setText("星火科技有限公司党支部")
        dialog.committee.setText("中共高新区综合委员会")
        dialog.show()
        dialog.move((1366 - dialog.width()) // 2, max(0, (768 - dialog.height()) // 2))
        grab_screen(app, out / "gui-first-run.png", dialog)
        dialog.close()

    paths = resolve_paths(home / "demo")
    frame = MainWindow(Operations(None, SyncExecutor()), paths, settings, deferred=True)
    frame.setGeometry(0, 0, 1366, 768)
    frame.show()  # what start-up shows while the store opens on its thread
    grab_screen(app, out / "gui-starting.png", frame)
    frame.close()
    with Store(paths) as store:
        create_demo(store, today=date.today(), finalize_current=False)
        period = store.periods()[-1]
        store.set_answer(period, "15", deadline="")  # so the review page has something to fix
    launcher = BranchLauncher(paths, settings, SyncExecutor())  # the start path dzdesk takes
    window = launcher.window
    window.setGeometry(0, 0, 1366, 768)
    launcher.start()
    window.go_to_task("5")
    grab_screen(app, out / "gui-task-page.png", window)
    window.task_page.verticalScrollBar().setValue(window.task_page.verticalScrollBar().maximum())
    grab_screen(app, out / "gui-task-page-evidence.png", window)
    window.show_review()
    grab_screen(app, out / "gui-review.png", window)
    window.session.set_field("15", "deadline", "2026-12-31")
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.finalize()
    grab_screen(app, out / "gui-finalized.png", window)
    window.go_to_task("1")
    grab_screen(app, out / "gui-finalized-task.png", window)
    window.period_combo.showPopup()  # finalized periods are marked in the list
    grab_screen(app, out / "gui-period-list.png", window, window.period_combo.view().window())
    window.period_combo.hidePopup()
    window.close()
    launcher.finish()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
