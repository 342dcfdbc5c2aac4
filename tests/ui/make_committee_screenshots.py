"""Committee screenshots for docs/screenshots/ (not a test). Run under Xvfb at the office-PC size:

    xvfb-run -a -s "-screen 0 1366x768x24" python tests/ui/make_committee_screenshots.py docs/screenshots
    QT_SCALE_FACTOR=1.25 xvfb-run -a -s "-screen 0 1366x768x24" python tests/ui/make_committee_screenshots.py docs/screenshots

At 125 % the files get a ``-125`` suffix.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "committee")]

from committee_fixtures import FakeBundles  # noqa: E402
from committee_tour import fake_import, quiet_message_boxes, settle  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import ui.committee.actions as actions  # noqa: E402
from dzdesk.committee import models as m  # noqa: E402
from dzdesk.committee.grading import set_grade  # noqa: E402
from dzdesk.committee.identity import init_committee  # noqa: E402
from dzdesk.committee.importer import import_bundles  # noqa: E402
from dzdesk.committee.store import CommitteeStore  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from ui.app import prepare_app  # noqa: E402
from ui.committee.window import CommitteeWindow  # noqa: E402
from ui.operations import SyncExecutor  # noqa: E402

PERIOD = "2026Q4"
COMMITTEE = "中共合肥市律师协会委员会"
BRANCHES = [  # (name, kind, members, tasks done, late)
    ("安徽博远律师事务所党支部", "nonpublic", 4, 19, False),
    ("安徽德信律师事务所党支部", "nonpublic", 8, 15, False),
    ("安徽宏达律师事务所党支部", "nonpublic", 6, 16, True),
    ("安徽华信律师事务所党支部", "nonpublic", 2, 16, False),
    ("合肥市律师行业青年律师联合党支部", "social", 7, 12, False),
    ("安徽星海律师事务所党支部", "nonpublic", 3, 18, True),
    ("包河区律师行业联合党支部", "social", 4, 17, False),
    ("高新区律师事务所联合党支部", "nonpublic", 0, 16, False),
    ("安徽光明律师事务所党支部", "nonpublic", 3, 19, False),
    ("安徽恒通律师事务所党支部", "nonpublic", 1, 18, False),
    ("安徽嘉禾律师事务所党支部", "nonpublic", 7, 17, False),
    ("安徽绿源律师事务所党支部", "nonpublic", 11, 19, True),
    ("安徽明珠律师事务所党支部", "nonpublic", 3, 18, False),
    ("安徽润安律师事务所党支部", "nonpublic", 5, 15, True),
    ("合肥市律师协会机关党支部", "organ", 10, 16, False),
    ("蜀山区律师行业联合党支部", "social", 12, 19, False),
    ("安徽天成律师事务所党支部", "nonpublic", 5, 18, False),
    ("安徽新城律师事务所党支部", "nonpublic", 15, 12, False),
    ("安徽远航律师事务所党支部", "nonpublic", 8, 19, False),
    ("安徽智联律师事务所党支部", "nonpublic", 9, 19, False),
    ("庐阳区律师行业联合党支部", "social", 6, 12, False),
    ("北京大成（合肥）律师事务所党支部", "nonpublic", 14, 18, False),
]
MISSING = [("安徽金桥律师事务所党支部", "nonpublic"), ("瑶海区律师行业联合党支部", "social")]
GRADES = {
    "安徽智联律师事务所党支部": ("A", 95, "组织生活规范，示范引领作用突出。"),
    "安徽远航律师事务所党支部": ("A", 94, ""),
    "安徽新城律师事务所党支部": ("C", 72, "整改措施需进一步细化。"),
    "蜀山区律师行业联合党支部": ("B", 88, ""),
    "安徽天成律师事务所党支部": ("B", 86, ""),
    "合肥市律师行业青年律师联合党支部": ("B", 84, ""),
    "高新区律师事务所联合党支部": ("D", 45, "空壳党支部，需尽快发展党员。"),
}


def settle_app(app: QApplication, ms: int = 300) -> None:
    # a local loop: QApplication.quit() would close the windows (Qt 6), and with them the store
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab_screen(app: QApplication, path: Path, *windows) -> None:
    """Compose the screen from the top-level widgets' own renderings (Xvfb without a compositor
    hands back black pixels from QScreen.grabWindow), at the screen's device pixels."""
    settle_app(app)
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio()
    size = screen.geometry().size()
    canvas = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
    canvas.setDevicePixelRatio(ratio)
    canvas.fill(QColor("#2f5f8f"))
    painter = QPainter(canvas)
    for widget in windows:
        painter.drawPixmap(widget.frameGeometry().topLeft(), widget.grab())
    painter.end()
    canvas.save(str(path))
    print("wrote", path)


def fill(store: CommitteeStore, bundles: FakeBundles) -> None:
    init_committee(store, COMMITTEE)
    for i, (name, kind, members, done, late) in enumerate(BRANCHES):
        day = 12 + i % 9 if late else 1 + i % 9
        bundles.make(
            name,
            kind=kind,
            members=members,
            done=done,
            partial=min(2, 19 - done),
            generated_at=f"2027-01-{day:02d}T{9 + i % 9:02d}:20:00.000+08:00",
            committee="中共合肥市律师协会委员会",
        )
    actions.import_bundles = fake_import(bundles)
    import_bundles(store, [bundles.folder], verify=bundles.verify)
    changed = bundles.make(
        "安徽华信律师事务所党支部",
        revision=2,
        members=2,
        key=bundles.new_key(),
        file="华信-新电脑.dzb",
        generated_at="2027-01-09T15:00:00.000+08:00",
    )
    import_bundles(store, [changed], verify=bundles.verify)
    store.replace_roster(
        [m.RosterEntry(name, kind) for name, kind, *_ in BRANCHES]
        + [m.RosterEntry(n, k) for n, k in MISSING]
    )
    store.set_deadline(PERIOD, "2027-01-10")
    for name, (grade, score, comment) in GRADES.items():
        set_grade(store, PERIOD, name, grade, score=score, comment=comment)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    suffix = "-125" if os.environ.get("QT_SCALE_FACTOR", "1") not in ("", "1") else ""
    home = Path(tempfile.mkdtemp(prefix="dzdesk-committee-shots-"))
    paths = resolve_paths(home / "data")
    app, settings = prepare_app(paths)
    said: list[str] = []
    quiet_message_boxes(said)
    usb = home / "usb"
    usb.mkdir()
    store = CommitteeStore(paths)
    fill(store, FakeBundles(usb))
    window = CommitteeWindow(store, SyncExecutor(), paths=paths, settings=settings)
    window.period_box.setCurrentText(PERIOD)
    window.reload()
    window.show()
    settle(window)
    grab_screen(app, out / f"committee-overview{suffix}.png", window)

    window.select_branch("安徽绿源律师事务所党支部")
    window.menu_actions["grade"].trigger()
    settle(window)
    grade = window.last_dialog
    assert grade is not None, said
    grab_screen(app, out / f"committee-grading-quota{suffix}.png", window, grade)
    grade.reject()

    window.select_branch("安徽新城律师事务所党支部")
    window.menu_actions["detail"].trigger()
    settle(window)
    detail = window.last_dialog
    grab_screen(app, out / f"committee-branch-detail{suffix}.png", window, detail)
    detail.reject()

    window.menu_actions["keys"].trigger()
    settle(window)
    keys = window.last_dialog
    grab_screen(app, out / f"committee-key-change{suffix}.png", window, keys)
    keys.reject()

    window.menu_actions["summary"].trigger()
    settle(window)
    warning = window.last_dialog
    grab_screen(app, out / f"committee-summary-warning{suffix}.png", window, warning)
    warning.reject()
    settle(window)
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
