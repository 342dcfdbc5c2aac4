"""Helpers shared by the roster and meeting tests: a small branch roster, meetings, CSV files."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from dzdesk.orglife.attendance import default_attendance
from dzdesk.orglife.models import Meeting, MeetingInput, Member, MemberInput

# 9 members: a secretary, a deputy, two 委员, two 党小组, one 预备党员, two of the same name
ROSTER = [
    MemberInput("张三", "正式党员", "第一党小组", "2001-07-01", "2002-07-01", ("书记",)),
    MemberInput("李四", "正式党员", "第一党小组", "2005-06-20", "2006-06-20", ("副书记",)),
    MemberInput("王五", "正式党员", "第二党小组", "1990-07-01", "", ("委员", "党小组长")),
    MemberInput("赵六", "正式党员", "第一党小组", "2010-05-04", "", ("委员",)),
    MemberInput("钱七", "正式党员", "第二党小组", "2012-07-01"),
    MemberInput("孙八", "正式党员", "第二党小组", "2015-07-01", flags=("流动党员",)),
    MemberInput("周九", "预备党员", "第一党小组", "2026-03-01"),
    MemberInput("张伟", "正式党员", "第二党小组", "2001-07-01"),
    MemberInput("张伟", "正式党员", "第一党小组", "2016-07-01"),
]


def seed_roster(store, since: str = "") -> list[Member]:
    return [store.members.add(m, since=since) for m in ROSTER]


def record(
    store,
    kind: str,
    day: str,
    topic: str = "学习",
    *,
    absent=(),
    named=(),
    group: str = "",
    **fields,
) -> Meeting:
    policy = store.meetings.policy()
    attendance = default_attendance(
        policy.type(kind),
        store.members.roster(),
        date.fromisoformat(day),
        group=group,
        absent=absent,
        named=named,
    )
    return store.meetings.add(
        MeetingInput(kind, day, topic, party_group=group, attendance=attendance, **fields)
    )


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(rows, encoding))
    return path
