"""The frequency check (pure): per period and meeting type, what was required, held, overdue, and 参与率.

Each type's frequency cuts the calendar into intervals (months, quarters, half-years,
years). For a period P every interval overlapping P carries a requirement of ``min``
meetings for each unit of the type's scope (the branch, each 党小组, each member on the
roster, each secretary), counted over the interval up to P's last day. A requirement
is *met* when enough were held; *overdue* when its interval ended inside P before
``today`` without enough; *pending* when its interval runs past P (a yearly type in
the first quarters: it is due later, never overdue within P); otherwise *due*.
参与率 is 出席 ÷ 应到 over the attendance each record keeps: per meeting, per type, and
overall over the types whose ``participation`` counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..periods import Period
from .models import PRESENT, Meeting, percent
from .policy import MeetingPolicy, MeetingType
from .roster import Roster

MET, DUE, OVERDUE, PENDING = "met", "due", "overdue", "pending"
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_QUARTER_ZH = "一二三四"


@dataclass(frozen=True)
class Interval:
    start: date
    end: date
    label: str  # 2026年10月 / 2026年第四季度 / 2026年下半年 / 2026年度


@dataclass(frozen=True)
class Requirement:
    interval: Interval
    unit: str  # "" for the branch; a 党小组, a member's name, or a secretary's
    required: int
    held: int
    state: str  # met / due / overdue / pending

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.held)


@dataclass(frozen=True)
class MeetingRate:
    meeting_id: int
    type: str
    date: str
    topic: str
    expected: int
    attended: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None


@dataclass(frozen=True)
class TypeCheck:
    type: MeetingType
    applies: bool
    reason: str  # why it does not apply, or how it is counted without a roster
    requirements: tuple[Requirement, ...]
    meetings: tuple[MeetingRate, ...]  # this type's records dated inside the period
    hours: float | None = None  # 学时 of the records the requirements count (types that keep hours)

    @property
    def name(self) -> str:
        return self.type.name

    @property
    def required(self) -> int:
        return sum(r.required for r in self.requirements)

    @property
    def met(self) -> int:
        """Meetings that count toward the requirements (at most ``min`` per interval and unit)."""
        return sum(min(r.held, r.required) for r in self.requirements)

    @property
    def held(self) -> int:
        """Records of this type dated inside the period."""
        return len(self.meetings)

    @property
    def overdue(self) -> int:
        return sum(r.shortfall for r in self.requirements if r.state == OVERDUE)

    @property
    def overdue_labels(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(r.interval.label for r in self.requirements if r.state == OVERDUE)
        )

    @property
    def below_frequency(self) -> bool:
        """Some requirement ending inside the period was not met (overdue, or due and still open)."""
        return any(r.state in (OVERDUE, DUE) for r in self.requirements)

    @property
    def expected(self) -> int:
        return sum(m.expected for m in self.meetings)

    @property
    def attended(self) -> int:
        return sum(m.attended for m in self.meetings)

    @property
    def participation(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def per_member(self) -> bool:
        return any(r.unit for r in self.requirements) and self.type.scope == "member"

    @property
    def pending_span(self) -> str:
        """The frequency ("year", "half", "quarter") whose interval runs past the period with
        nothing overdue or due inside it (a yearly type in the first quarters), else ""."""
        states = {r.state for r in self.requirements}
        return self.type.frequency if PENDING in states and states <= {PENDING, MET} else ""

    @property
    def strip_text(self) -> str:
        """主题党日 2/3 · 谈心谈话 12/15人 · 党课 0/1 逾期 · 组织生活会 本年0/1."""
        prefix = {"year": "本年", "half": "本半年", "quarter": "本季"}.get(self.pending_span, "")
        text = f"{self.name} {prefix}{self.met}/{self.required}{'人' if self.per_member else ''}"
        return text + (" 逾期" if self.overdue else "")


@dataclass(frozen=True)
class MeetingCheck:
    period: str
    label: str
    today: str
    roster_kept: bool
    types: tuple[TypeCheck, ...]  # every type in the policy, applicable or not
    meetings: tuple[MeetingRate, ...]  # every record dated inside the period

    def type(self, name: str) -> TypeCheck:
        return next(t for t in self.types if t.name == name)

    @property
    def applicable(self) -> tuple[TypeCheck, ...]:
        return tuple(t for t in self.types if t.applies)

    def for_task(self, task_key: str) -> tuple[TypeCheck, ...]:
        """The applicable types whose records prove ``task_key``."""
        return tuple(t for t in self.applicable if task_key in t.type.proves)

    @property
    def expected(self) -> int:
        return sum(t.expected for t in self.applicable if t.type.participation)

    @property
    def attended(self) -> int:
        return sum(t.attended for t in self.applicable if t.type.participation)

    @property
    def participation(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def overdue(self) -> int:
        return sum(t.overdue for t in self.applicable)

    @property
    def strip(self) -> str:
        return " · ".join(t.strip_text for t in self.applicable)

    @property
    def participation_text(self) -> str:
        return f"{percent(self.participation)}（出席 {self.attended}/应到 {self.expected}）"


def period_start(period: Period) -> date:
    month = {"Q": (period.number - 1) * 3 + 1, "H": (period.number - 1) * 6 + 1, "Y": 1}[
        period.kind
    ]
    return date(period.year, month, 1)


def _label(frequency: str, start: date) -> str:
    if frequency == "month":
        return f"{start.year}年{start.month}月"
    if frequency == "quarter":
        return f"{start.year}年第{_QUARTER_ZH[(start.month - 1) // 3]}季度"
    if frequency == "half":
        return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    return f"{start.year}年度"


def intervals(frequency: str, first: date, last: date) -> list[Interval]:
    """The calendar intervals of ``frequency`` that overlap ``first`` … ``last``."""
    months = _MONTHS[frequency]
    index = (first.year * 12 + first.month - 1) // months * months
    found = []
    while True:
        start = date(index // 12, index % 12 + 1, 1)
        if start > last:
            return found
        nxt = index + months
        end = date.fromordinal(date(nxt // 12, nxt % 12 + 1, 1).toordinal() - 1)
        found.append(Interval(start, end, _label(frequency, start)))
        index = nxt


def window(period: Period) -> tuple[date, date]:
    """The dates a check of ``period`` reads meetings from: the longest interval's start to the period's end."""
    start = period_start(period)
    return date(start.year, 1, 1), period.end_date


def _state(held: int, required: int, interval: Interval, last: date, today: date) -> str:
    if held >= required:
        return MET
    if interval.end > last:
        return PENDING
    return OVERDUE if interval.end < today else DUE


def _applies(
    kind: MeetingType, roster: Roster, last: date, committee: bool | None, full_members: int | None
) -> tuple[bool, str]:
    if kind.applies == "committee":
        if committee is not None:
            return committee, "" if committee else "本党支部设定为未设支部委员会"
        has = roster.has_committee(last) if roster.kept else (full_members or 0) >= 7
        return has, "" if has else "正式党员不足7人，未设支部委员会"
    if kind.applies == "groups":
        if not roster.kept:
            return False, "未建党员名册，无法判断党小组"
        return (True, "") if roster.groups(last) else (False, "未划分党小组")
    return True, ""


def _units(kind: MeetingType, roster: Roster, day: date) -> list[tuple[str, int | None]]:
    """(label, member id) for each unit a requirement is counted for; member id None: any record counts."""
    if kind.scope == "group":
        return [(g, None) for g in roster.groups(day)]
    if kind.scope == "member" and roster.kept:
        return [(roster.label(m), m.id) for m in roster.at(day)]
    if kind.scope == "secretary" and roster.kept and (secretaries := roster.secretaries(day)):
        return [(roster.label(m), m.id) for m in secretaries]
    return [("", None)]


def _held(kind: MeetingType, meetings: Iterable[Meeting], unit: str, member_id: int | None) -> int:
    if kind.scope == "group":
        return sum(1 for m in meetings if m.party_group == unit)
    if member_id is not None:
        return sum(
            1
            for m in meetings
            if any(a.member_id == member_id and a.status == PRESENT for a in m.attendance)
        )
    return sum(1 for _ in meetings)


def _rate(m: Meeting) -> MeetingRate:
    return MeetingRate(m.id, m.type, m.date, m.topic, m.expected, m.attended)


def check_meetings(
    policy: MeetingPolicy,
    period: Period,
    meetings: Sequence[Meeting],
    roster: Roster,
    today: date,
    *,
    committee: bool | None = None,
    full_members: int | None = None,
) -> MeetingCheck:
    """Check ``meetings`` (at least those in :func:`window`) against ``policy`` for ``period``.

    ``committee`` overrides whether the branch has a 支部委员会 (None: judged from the
    roster, or from ``full_members`` for a branch that keeps no roster).
    """
    first, last = period_start(period), period.end_date
    by_type: dict[str, list[Meeting]] = {}
    for m in meetings:
        if m.date <= last.isoformat():
            by_type.setdefault(m.type, []).append(m)
    inside = [m for m in meetings if first.isoformat() <= m.date <= last.isoformat()]
    checks = []
    for kind in policy.types:
        applies, reason = _applies(kind, roster, last, committee, full_members)
        mine = by_type.get(kind.name, [])
        requirements: list[Requirement] = []
        if applies:
            if kind.scope == "member" and not roster.kept:
                reason = "未建党员名册，按党支部计"
            for interval in intervals(kind.frequency, first, last):
                stop = min(interval.end, last)
                held_in = [
                    m for m in mine if interval.start.isoformat() <= m.date <= stop.isoformat()
                ]
                for unit, member_id in _units(kind, roster, stop):
                    held = _held(kind, held_in, unit, member_id)
                    requirements.append(
                        Requirement(
                            interval,
                            unit,
                            kind.min,
                            held,
                            _state(held, kind.min, interval, last, today),
                        )
                    )
        records = tuple(_rate(m) for m in inside if m.type == kind.name)
        hours = None
        if (
            kind.hours
        ):  # over what the requirements count: a yearly training's hours are the year's so far
            since = min((r.interval.start for r in requirements), default=first).isoformat()
            hours = sum(m.hours or 0.0 for m in mine if m.date >= since)
        checks.append(TypeCheck(kind, applies, reason, tuple(requirements), records, hours))
    return MeetingCheck(
        period=period.code,
        label=period.label,
        today=today.isoformat(),
        roster_kept=roster.kept,
        types=tuple(checks),
        meetings=tuple(_rate(m) for m in inside),
    )
