"""Benchmark: the 组织生活 page and ``meeting check`` on a large ledger, against floors measured in the same run.

    python benchmarks/bench_orglife.py [--runs 7]

The branch: 60 members (4 党小组, a 支部委员会) and five years of meetings, about 1,500
records and 60,000 attendance rows (far busier than any real branch: whole-branch
meetings every other day, so the quarter on screen has about 90 records). Medians of several runs, same process:

* page: a :class:`ui.meetings_page.MeetingsPage` for the last quarter built, loaded
  through the operations layer (synchronously: the store call is included) and painted;
  floor: a bare QTableWidget of the same rows, filled from one plain SQL query and painted;
* check: ``meeting check --json`` for the last quarter, in-process (parser built once,
  as a warm second command would), and the engine's ``meeting_summary`` alone; floor: one
  plain SQL query summing attendance per type over the same window.

Targets (issue 19): the page opens ≤ 100 ms, ``meeting check`` ≤ 200 ms.
Uses the offscreen platform unless a display (e.g. xvfb-run) is present.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dzdesk.models import BranchProfile  # noqa: E402
from dzdesk.orglife.models import (
    ABSENT,
    EXCUSED,
    PRESENT,
    AttendanceInput,
    MeetingInput,
    MemberInput,
)  # noqa: E402
from dzdesk.orglife.summary import meeting_summary  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.store import Store  # noqa: E402

TODAY = date(2026, 11, 28)
PERIOD = "2026Q4"
YEARS = 5


def build(home: Path) -> tuple[int, int]:
    """The 60-member branch and its five years of meetings; returns (records, attendance rows)."""
    rng = random.Random(19)
    with Store(resolve_paths(home)) as store, store.batch():
        store.save_profile(
            BranchProfile("基准测试党支部", "nonpublic", "中共基准综合委员会", "党员00", 60)
        )
        members = []
        for i in range(60):
            roles = ("书记",) if i == 0 else ("副书记",) if i == 1 else ("委员",) if i < 7 else ()
            members.append(
                store.members.add(
                    MemberInput(f"党员{i:02d}", "正式党员", f"第{i % 4 + 1}党小组", roles=roles)
                )
            )
        ids = [m.id for m in members]
        committee = ids[:7]
        groups = {
            g: [m.id for m in members if m.party_group == g]
            for g in {m.party_group for m in members}
        }

        def add(kind: str, day: date, who: list[int], group: str = "", named: bool = False) -> None:
            attendance = []
            for member_id in who:
                roll = rng.random()
                status = PRESENT if named or roll < 0.9 else (EXCUSED if roll < 0.97 else ABSENT)
                attendance.append(
                    AttendanceInput(member_id, status, "出差" if status == EXCUSED else "")
                )
            store.meetings.add(
                MeetingInput(
                    kind,
                    day.isoformat(),
                    f"{kind}（{day.isoformat()}）",
                    party_group=group,
                    attendance=tuple(attendance),
                    hours=8.0 if kind == "集中培训" else None,
                )
            )

        start = date(TODAY.year - YEARS + 1, 1, 1)
        month = start
        while month <= TODAY:
            for n, day in enumerate(
                range(0, 29, 2)
            ):  # a busy ledger: whole-branch meetings every other day
                add("主题党日" if n % 2 else "党课", month + timedelta(days=day), ids)
            add("支部委员会会议", month + timedelta(days=5), committee)
            for group, people in sorted(groups.items()):
                add("党小组会", month + timedelta(days=9), people, group)
            if month.month in (1, 4, 7, 10):
                add("支部党员大会", month + timedelta(days=11), ids)
            if month.month == 12:
                add("组织生活会", month + timedelta(days=20), ids)
                add("民主评议党员", month + timedelta(days=22), ids)
            if month.month == 5:
                add("集中培训", month + timedelta(days=7), [ids[0]], named=True)
            for k in range(5):  # 谈心谈话 with five members a month
                add(
                    "谈心谈话",
                    month + timedelta(days=12 + k),
                    [ids[(month.month * 5 + k) % 60]],
                    named=True,
                )
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        return store.meetings.count(), store.db["meeting_attendance"].count


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches (fonts, parsers, the OS file cache)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="dzdesk-bench-orglife-"))
    records, rows = build(home)
    print(f"ledger: 60 members, {records} records, {rows} attendance rows over {YEARS} years")

    from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

    from dzdesk.cli import main as cli
    from ui.meetings_page import MeetingsPage
    from ui.operations import Operations, SyncExecutor

    app = QApplication.instance() or QApplication([])
    store = Store(resolve_paths(home))
    ops = Operations(store, SyncExecutor())
    db = sqlite3.connect(resolve_paths(home).branch_db)
    first, last = "2026-10-01", "2026-12-31"

    def page() -> None:
        widget = MeetingsPage(ops, PERIOD, TODAY)
        widget.resize(1366, 768)
        widget.reload()
        widget.show()
        widget.repaint()
        app.processEvents()
        widget.close()
        widget.deleteLater()

    def bare_page() -> None:
        found = db.execute(
            """SELECT g.id, g.date, g.type, g.topic, g.host, SUM(a.status = '出席'), COUNT(a.member_id)
               FROM meetings g LEFT JOIN meeting_attendance a ON a.meeting_id = g.id
               WHERE g.date BETWEEN ? AND ? AND g.removed = 0 GROUP BY g.id ORDER BY g.date""",
            [first, last],
        ).fetchall()
        table = QTableWidget(len(found), 7)
        for r, values in enumerate(found):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(str(value)))
        table.resize(1366, 768)
        table.show()
        table.repaint()
        app.processEvents()
        table.close()
        table.deleteLater()

    def command() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            assert (
                cli(
                    [
                        "meeting",
                        "check",
                        "--period",
                        PERIOD,
                        "--json",
                        "--today",
                        TODAY.isoformat(),
                        "--home",
                        str(home),
                    ]
                )
                == 0
            )

    def engine() -> None:
        meeting_summary(store, PERIOD, TODAY)

    def bare_check() -> None:
        db.execute(
            """SELECT g.type, COUNT(DISTINCT g.id), SUM(a.status = '出席'), COUNT(a.member_id)
               FROM meetings g LEFT JOIN meeting_attendance a ON a.meeting_id = g.id
               WHERE g.date BETWEEN '2026-01-01' AND ? AND g.removed = 0 GROUP BY g.type""",
            [last],
        ).fetchall()

    figures = {
        name: median_ms(fn, args.runs)
        for name, fn in (
            ("page", page),
            ("bare page", bare_page),
            ("meeting check", command),
            ("meeting_summary", engine),
            ("bare check", bare_check),
        )
    }
    for name, ms in figures.items():
        print(f"{name:16s} {ms:8.1f} ms")
    print(
        f"page / bare page          {figures['page'] / figures['bare page']:6.2f}x   (target: page <= 100 ms)"
    )
    print(
        f"meeting check / bare check {figures['meeting check'] / figures['bare check']:6.1f}x   (target: check <= 200 ms)"
    )
    print(f"meeting_summary / bare     {figures['meeting_summary'] / figures['bare check']:6.1f}x")
    verdict = figures["page"] <= 100 and figures["meeting check"] <= 200
    print("targets met" if verdict else "TARGET MISSED")
    store.close()


if __name__ == "__main__":
    main()
