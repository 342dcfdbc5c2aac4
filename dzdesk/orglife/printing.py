"""The store's side of the printable sheets: gather a 签到表's or a 会议记录's data, write the PDF.

reportlab is imported only when a sheet is drawn.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .attendance import expected_members
from .models import Meeting
from .validation import day as checked_day
from .validation import line

if TYPE_CHECKING:
    from ..store import Store


def _branch(store: Store) -> str:
    profile = store.profile()
    return profile.display_name if profile else ""


def sign_in_sheet_bytes(
    store: Store, kind: str, day: str, *, topic: str = "", place: str = "", group: str = ""
) -> bytes:
    """A 签到表 with a row for every member the meeting expects on ``day`` (from the roster)."""
    from ..report.meeting_sheets import SheetMember, sign_in_sheet_pdf

    meeting_type = store.meetings.policy().type(kind)
    day = checked_day(day, "会议日期", required=True, earliest=2000)
    topic = line(topic, "会议主题", 200)
    place = line(place, "地点", 200)
    group = line(group, "党小组", 50)
    roster = store.members.roster()
    members = expected_members(meeting_type, roster, date.fromisoformat(day), group)
    rows = [SheetMember(m.name, m.party_group, roster.distinction(m)) for m in members]
    return sign_in_sheet_pdf(
        branch=_branch(store),
        kind=meeting_type.name,
        day=day,
        topic=topic,
        place=place,
        group=group,
        members=rows,
    )


def minutes_bytes(store: Store, meeting: Meeting) -> bytes:
    """The 会议记录 of ``meeting``; the same record gives the same bytes (its evidence copy dedupes)."""
    from ..report.meeting_sheets import minutes_pdf

    roster = store.members.roster()
    notes = {m.id: roster.distinction(m) for m in roster.members}
    return minutes_pdf(
        branch=_branch(store), meeting=meeting, notes={k: v for k, v in notes.items() if v}
    )


def write_sign_in_sheet(store: Store, kind: str, day: str, out: str | Path, **fields: str) -> Path:
    from ..report.meeting_sheets import write_pdf

    return write_pdf(out, sign_in_sheet_bytes(store, kind, day, **fields))


def write_minutes(store: Store, meeting_id: int, out: str | Path) -> Path:
    from ..report.meeting_sheets import write_pdf

    return write_pdf(out, minutes_bytes(store, store.meetings.get(meeting_id)))
