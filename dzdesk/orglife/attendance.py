"""Who a meeting expects, and its attendance by default: everyone expected, minus those named absent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..errors import ValidationError
from .models import ABSENT, EXCUSED, PRESENT, AttendanceInput, Member
from .policy import MeetingType
from .roster import Roster


def expected_members(kind: MeetingType, roster: Roster, day: date, group: str = "") -> list[Member]:
    """The members a meeting of ``kind`` on ``day`` expects (empty for types that name theirs)."""
    if kind.attendees == "committee":
        return roster.committee(day)
    if kind.attendees == "group":
        return [m for m in roster.at(day) if m.party_group == group] if group else roster.at(day)
    if kind.attendees == "secretary":
        return roster.secretaries(day)
    if kind.attendees == "named":
        return []
    return roster.at(day)


def split_absence(spec: str) -> tuple[str, str]:
    """``姓名:原因`` (a 请假 with its reason) or ``姓名`` (缺席); the colon may be full-width."""
    for colon in (":", "："):
        if colon in spec:
            name, reason = spec.split(colon, 1)
            return name.strip(), reason.strip()
    return spec.strip(), ""


def default_attendance(
    kind: MeetingType,
    roster: Roster,
    day: date,
    *,
    group: str = "",
    absent: Sequence[str] = (),
    named: Sequence[str] = (),
) -> tuple[AttendanceInput, ...]:
    """Everyone the meeting expects (or the ``named`` members) as 出席, except the ``absent`` specs.

    ``absent`` entries are ``姓名:原因`` (请假) or ``姓名`` (缺席); names may be written
    ``姓名#ID`` when two members share one.
    """
    if named:
        expected = [roster.find(spec, day) for spec in named]
    else:
        expected = expected_members(kind, roster, day, group)
    ids = [m.id for m in expected]
    if len(set(ids)) != len(ids):
        raise ValidationError("参加人员中有人被写了两次。", "A member is named twice.")
    marks: dict[int, AttendanceInput] = {}
    for spec in absent:
        name, reason = split_absence(spec)
        member = roster.find(name, day)
        if member.id not in ids:
            raise ValidationError(
                f"{member.name} 不在这次{kind.name}的应到名单中。",
                f"{member.name} is not expected at this meeting.",
            )
        if member.id in marks:
            raise ValidationError(
                f"{member.name} 的缺席被写了两次。", f"{member.name} is marked absent twice."
            )
        marks[member.id] = AttendanceInput(member.id, EXCUSED if reason else ABSENT, reason)
    return tuple(marks.get(m.id, AttendanceInput(m.id, PRESENT)) for m in expected)
