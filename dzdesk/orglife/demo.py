"""A demo roster and a year of meeting records (screenshots, tries, the ``demo`` command later).

Deterministic for a given ``today``: the same branch every time, with the gaps a real
ledger has (a month without 主题党日, a few 请假 with reasons, one member transferred out).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..store import Store
from .attendance import default_attendance
from .models import MeetingInput, MemberInput

_NAMES = (
    "王建国 李秀英 张伟 刘洋 陈静 杨帆 赵磊 黄敏 周强 吴婷 徐刚 孙丽 马超 朱琳 胡军 郭芳 何勇 高洁 林涛 罗娟"
).split()
_REASONS = ("出差", "病假", "外出培训", "家中有事", "值班")
_TOPICS = {
    "支部党员大会": "学习贯彻上级精神，研究本季度支部工作",
    "支部委员会会议": "研究部署本月党建工作",
    "党小组会": "学习讨论，交流思想",
    "党课": "书记讲党课：坚定理想信念，立足岗位作贡献",
    "主题党日": "主题党日：重温入党誓词，开展志愿服务",
    "组织生活会": "年度组织生活会",
    "民主评议党员": "年度民主评议党员",
    "谈心谈话": "谈心谈话",
    "集中培训": "党支部书记集中轮训",
}


def _member(i: int, count: int) -> MemberInput:
    roles: tuple[str, ...] = ()
    if i == 0:
        roles = ("书记",)
    elif i == 1:
        roles = ("副书记",)
    elif i in (2, 3) and count >= 7:
        roles = ("委员",)
    groups = max(1, min(3, count // 5))
    group = f"第{'一二三'[i % groups]}党小组" if count >= 9 else ""
    if group and i < groups and not roles:
        roles = ("党小组长",)
    probationary = i in (count - 1, count - 2)
    year = 1990 + (i * 7) % 33
    joined = date(2025, 9, 1).isoformat() if probationary else date(year, 7, 1).isoformat()
    confirmed = "" if probationary else date(year + 1, 7, 1).isoformat()
    flags = ("老党员",) if year < 1995 else (("流动党员",) if i % 9 == 5 else ())
    return MemberInput(
        _NAMES[i % len(_NAMES)] + ("" if i < len(_NAMES) else str(i // len(_NAMES))),
        "预备党员" if probationary else "正式党员",
        group,
        joined,
        confirmed,
        roles,
        flags,
    )


def _days(start: date, today: date) -> list[date]:
    """The first of each month from ``start`` up to ``today``."""
    months, day = [], date(start.year, start.month, 1)
    while day <= today:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def seed_orglife(store: Store, today: date, members: int = 15, months: int = 12) -> None:
    """Put a roster of ``members`` and ``months`` of meetings ending ``today`` into ``store``."""
    rng = random.Random(today.toordinal())
    policy = store.meetings.policy()
    index = (
        today.year * 12 + today.month - months
    )  # the first of the month ``months - 1`` months back
    start = date(index // 12, index % 12 + 1, 1)
    with store.batch():
        saved = [store.members.add(_member(i, members)) for i in range(members)]
        if members > 5:
            store.members.record_event(
                saved[-1].id, "预备转正", (today - timedelta(days=20)).isoformat()
            )
            store.members.record_event(
                saved[5].id, "转出", (start + timedelta(days=100)).isoformat(), "转往区机关党支部"
            )
        roster = store.members.roster()

        def add(
            kind: str,
            day: date,
            *,
            group: str = "",
            named: tuple[str, ...] = (),
            hours: float | None = None,
        ) -> None:
            if day > today:
                return
            expected = default_attendance(policy.type(kind), roster, day, group=group, named=named)
            absent = []
            for entry in expected:
                if not named and rng.random() < 0.08:
                    member = roster.member(entry.member_id)
                    absent.append(
                        f"{member.name}#{member.id}:{rng.choice(_REASONS)}"
                        if rng.random() < 0.8
                        else f"{member.name}#{member.id}"
                    )
            attendance = default_attendance(
                policy.type(kind), roster, day, group=group, named=named, absent=absent
            )
            host = roster.secretaries(day)[0].name if roster.secretaries(day) else ""
            store.meetings.add(
                MeetingInput(
                    kind,
                    day.isoformat(),
                    _TOPICS[kind],
                    place="党员活动室",
                    host=host,
                    recorder=saved[1].name,
                    party_group=group,
                    hours=hours,
                    minutes=f"{_TOPICS[kind]}。与会党员结合工作实际交流发言。",
                    attendance=attendance,
                )
            )

        for first in _days(start, today):
            if first.month % 4 != 2:  # a gap: some months without 主题党日, as real ledgers have
                add("主题党日", first + timedelta(days=14))
            if roster.has_committee(first):
                add("支部委员会会议", first + timedelta(days=4))
            for group in roster.groups(first):
                add("党小组会", first + timedelta(days=9), group=group)
            if first.month in (1, 4, 7, 10):
                add("支部党员大会", first + timedelta(days=11))
            if first.month in (3, 6, 9, 12) and first.month != 9:
                add("党课", first + timedelta(days=19))
            if first.month == 12:
                add("组织生活会", first + timedelta(days=22))
                add("民主评议党员", first + timedelta(days=23))
            if first.month == 5:
                add(
                    "集中培训",
                    first + timedelta(days=7),
                    named=(roster.secretaries(first)[0].name,),
                    hours=24.0,
                )
            if first.month in (3, 9):
                on = roster.at(first + timedelta(days=25))
                half = on[: len(on) // 2] if first.month == 3 else on[len(on) // 2 :]
                for m in half[:6]:
                    add("谈心谈话", first + timedelta(days=25), named=(f"{m.name}#{m.id}",))
