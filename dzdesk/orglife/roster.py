"""The roster at any date, rebuilt from members and their dated events (pure, no database).

A member is on the roster from a 转入 until a 转出 / 去世 / 停止党籍 (the leaving day
itself no longer counts); 预备转正 makes a 预备党员 a 正式党员 from its date, which is
the member's 转正日期. Nobody is ever deleted, so any past day's roster can be had.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ..errors import ValidationError
from .models import (
    COMMITTEE_ROLES,
    FULL,
    JOIN,
    LEAVE_KINDS,
    PROBATIONARY,
    Member,
    MemberEvent,
    RosterCounts,
)

Span = tuple[date, date | None]  # [start, end): end None while still on the roster
_ID_SPEC = re.compile(r"^(.*?)#(\d{1,9})$")
_DATE_SPEC = re.compile(r"^(.*?)[(（](\d{4}-\d{2}-\d{2})[)）]$")


def event_day(text: str) -> date:
    """An event's date; the empty 转入 date (建册前) is earlier than any real one."""
    return date.min if not text else date.fromisoformat(text)


def membership_spans(events: Iterable[MemberEvent]) -> list[Span]:
    """The intervals a member was on the roster, from their join and leave events."""
    spans: list[Span] = []
    start: date | None = None
    for event in sorted(events, key=lambda e: (event_day(e.date), e.id)):
        if event.kind == JOIN and start is None:
            start = event_day(event.date)
        elif event.kind in LEAVE_KINDS and start is not None:
            spans.append((start, event_day(event.date)))
            start = None
    if start is not None:
        spans.append((start, None))
    return spans


def category_at(member: Member, day: date) -> str:
    if member.confirmed:
        return FULL if day >= date.fromisoformat(member.confirmed) else PROBATIONARY
    return member.category


class Roster:
    """Every member ever recorded, answering "who was on the roster on this day"."""

    def __init__(self, members: Iterable[Member]) -> None:
        self.members = tuple(sorted(members, key=lambda m: m.id))
        self._by_id = {m.id: m for m in self.members}
        self._spans = {m.id: membership_spans(m.events) for m in self.members}
        self._namesakes: dict[str, list[Member]] = {}
        for m in self.members:
            self._namesakes.setdefault(m.name, []).append(m)

    @property
    def kept(self) -> bool:
        """Whether the branch keeps a roster at all (otherwise the profile's typed counts apply)."""
        return bool(self.members)

    def member(self, member_id: int) -> Member:
        try:
            return self._by_id[member_id]
        except KeyError:
            raise ValidationError(
                "名册中没有这名党员。", f"No member with id {member_id}."
            ) from None

    def spans(self, member_id: int) -> list[Span]:
        return self._spans.get(member_id, [])

    def is_on(self, member_id: int, day: date) -> bool:
        return any(
            start <= day and (end is None or day < end)
            for start, end in self._spans.get(member_id, ())
        )

    def at(self, day: date) -> list[Member]:
        """Members on the roster on ``day``, in the order they were entered."""
        return [m for m in self.members if self.is_on(m.id, day)]

    def current(self) -> list[Member]:
        """Members on the roster now (not left, whatever the date)."""
        return [m for m in self.members if (s := self._spans[m.id]) and s[-1][1] is None]

    def counts(self, day: date) -> RosterCounts:
        on = self.at(day)
        full = sum(1 for m in on if category_at(m, day) == FULL)
        return RosterCounts(full=full, probationary=len(on) - full)

    def committee(self, day: date) -> list[Member]:
        return [m for m in self.at(day) if any(r in COMMITTEE_ROLES for r in m.roles)]

    def secretaries(self, day: date) -> list[Member]:
        return [m for m in self.at(day) if "书记" in m.roles]

    def groups(self, day: date) -> list[str]:
        return list(dict.fromkeys(m.party_group for m in self.at(day) if m.party_group))

    def has_committee(self, day: date) -> bool:
        """A 支部委员会 is set up with 7 or more 正式党员; a member holding 委员 shows one too."""
        return self.counts(day).full >= 7 or any("委员" in m.roles for m in self.at(day))

    def distinction(self, member: Member) -> str:
        """What tells a member apart from others of the same name ("" when the name is unique)."""
        same = self._namesakes.get(member.name, [])
        if len(same) < 2:
            return ""
        if member.joined_party and sum(m.joined_party == member.joined_party for m in same) == 1:
            return f"{member.joined_party}入党"
        if member.note and sum(m.note == member.note for m in same) == 1:
            return member.note[:12]
        return f"编号{member.id}"

    def label(self, member: Member) -> str:
        """The name, plus what tells it apart when two members share it."""
        extra = self.distinction(member)
        return f"{member.name}（{extra}）" if extra else member.name

    def find(self, spec: str, day: date) -> Member:
        """The member a person means by ``spec`` on ``day``: 姓名, 姓名#ID or 姓名(入党日期)."""
        spec = spec.strip()
        if m := _ID_SPEC.match(spec):
            member = self._by_id.get(int(m.group(2)))
            if member is None or (m.group(1).strip() and member.name != m.group(1).strip()):
                raise ValidationError(f"名册中没有“{spec}”。", f"No member '{spec}' on the roster.")
            candidates = [member]
        elif m := _DATE_SPEC.match(spec):
            candidates = [
                x
                for x in self.members
                if x.name == m.group(1).strip() and x.joined_party == m.group(2)
            ]
        else:
            candidates = [x for x in self.members if x.name == spec]
        if not candidates:
            raise ValidationError(f"名册中没有“{spec}”。", f"No member '{spec}' on the roster.")
        present = [x for x in candidates if self.is_on(x.id, day)]
        if not present:
            raise ValidationError(
                f"“{spec}”在{day.isoformat()}不在党员名册中（尚未转入或已离开）。",
                f"'{spec}' was not on the roster on {day.isoformat()}.",
            )
        if len(present) > 1:
            options = "、".join(
                f"{x.name}#{x.id}（入党日期 {x.joined_party or '未填'}）" for x in present
            )
            raise ValidationError(
                f"名册中有 {len(present)} 名“{spec}”：{options}，请写作 姓名#编号 以区分。",
                f"'{spec}' is ambiguous; write NAME#ID.",
            )
        return present[0]
