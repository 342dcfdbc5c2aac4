"""Screenshots of the 党员名册 and 组织生活 pages, their dialogs and the printed sheets (not a test).

    xvfb-run -a -s "-screen 0 1366x768x24" python tests/ui/make_orglife_screenshots.py docs/screenshots
    QT_SCALE_FACTOR=1.25 xvfb-run -a -s "-screen 0 1366x768x24" python tests/ui/make_orglife_screenshots.py docs/screenshots -125

The pages are shown standalone (the branch window's page registry plugs them in), filling
the screen as they would in the window's body; dialogs are placed where Qt centres them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from dzdesk.demo import create_demo  # noqa: E402
from dzdesk.orglife.demo import seed_orglife  # noqa: E402
from dzdesk.orglife.printing import write_minutes, write_sign_in_sheet  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.store import Store  # noqa: E402
from ui.app import prepare_app  # noqa: E402
from ui.meetings_page import MeetingsPage  # noqa: E402
from ui.members_page import MembersPage  # noqa: E402
from ui.operations import Operations, SyncExecutor  # noqa: E402

TODAY = date(2026, 11, 28)


def settle(app: QApplication, ms: int = 300) -> None:
    QTimer.singleShot(ms, app.quit)
    app.exec()


def grab(app: QApplication, path: Path, *widgets) -> None:
    """The screen composed from the widgets' own renderings (Xvfb without a compositor gives black)."""
    settle(app)
    size = QGuiApplication.primaryScreen().geometry().size()
    screen = QPixmap(size)
    screen.fill(QColor("#2f5f8f"))
    painter = QPainter(screen)
    for widget in widgets:
        painter.drawPixmap(widget.frameGeometry().topLeft(), widget.grab())
    painter.end()
    screen.save(str(path))
    print("wrote", path)


def main(out: Path, tag: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="dzdesk-orglife-shots-"))
    paths = resolve_paths(home)
    app, _settings = prepare_app(paths)
    store = Store(paths)
    create_demo(store, today=TODAY, finalize_current=False)
    seed_orglife(store, TODAY, members=15, months=12)
    ops = Operations(store, SyncExecutor())
    area = QGuiApplication.primaryScreen().availableGeometry()

    page = MeetingsPage(ops, "2026Q4", TODAY)
    page.setGeometry(area)
    page.show()
    page.reload()
    grab(app, out / f"orglife-meetings{tag}.png", page)

    page.add_button.click()
    dialog = page.dialog
    dialog.topic.setText("学习贯彻党的二十届四中全会精神")
    dialog.place.setText("党员活动室")
    model = dialog.model
    model.setData(model.index(2, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(2, 4), "出差", Qt.ItemDataRole.EditRole)
    model.setData(model.index(5, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    grab(app, out / f"orglife-meeting-dialog{tag}.png", page, dialog)
    dialog.reject()

    members = MembersPage(ops, TODAY)
    members.setGeometry(area)
    members.show()
    members.reload()
    members.table.selectRow(13)
    grab(app, out / f"orglife-members{tag}.png", members)
    members.event_button.click()
    grab(app, out / f"orglife-member-event{tag}.png", members, members.dialog)
    members.dialog.reject()

    if not tag and shutil.which("pdftoppm"):
        pdfs = home / "pdf"
        pdfs.mkdir()
        write_sign_in_sheet(
            store,
            "支部党员大会",
            "2026-12-10",
            pdfs / "sheet.pdf",
            topic="学习贯彻全会精神",
            place="党员活动室",
        )
        meeting = store.meetings.in_period("2026Q4")[0]
        write_minutes(store, meeting.id, pdfs / "minutes.pdf")
        for name, target in (("sheet", "orglife-sign-in-sheet"), ("minutes", "orglife-minutes")):
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "80",
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdfs / f"{name}.pdf"),
                    str(out / target),
                ],
                check=True,
            )
            print("wrote", out / f"{target}.png")
    store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "")
