"""What the rest of dzdesk asks of the roster and the meeting ledger (report, bundle, review page).

- :func:`meeting_summary` — the frequency check of a period (:class:`~dzdesk.orglife.check.MeetingCheck`);
- :func:`roster_counts` / :func:`member_counts` — 正式/预备 counts from the roster on a day,
  or the profile's typed counts for a branch that keeps no roster;
- :func:`profile_with_roster_counts` — the profile with those counts (for scoring: the
  重点帮扶 and 空壳 flags follow from it);
- :func:`linked_meetings` — a period's records of the types that prove a task;
- :func:`training_records` — a year's 集中培训 records (the review page's "no training" warning).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from ..periods import parse_period
from .check import MeetingCheck, check_meetings, window
from .models import Meeting, RosterCounts

if TYPE_CHECKING:
    from ..models import BranchProfile
    from ..store import Store

TRAINING = "集中培训"


def meeting_summary(store: Store, period: str, today: date | None = None) -> MeetingCheck:
    """Per type: required, held, overdue, dates and 参与率 for ``period`` (as of ``today``)."""
    code = parse_period(period)
    first, last = window(code)
    profile = store.profile()
    return check_meetings(
        store.meetings.policy(),
        code,
        store.meetings.between(first.isoformat(), last.isoformat()),
        store.members.roster(),
        today or date.today(),
        committee=store.meetings.committee_setting(),
        full_members=profile.full_members if profile else None,
    )


def roster_counts(store: Store, at: date) -> RosterCounts | None:
    """正式/预备 counts on the roster on ``at``; None when the branch keeps no roster."""
    if not store.members.kept():
        return None
    return store.members.roster().counts(at)


def member_counts(store: Store, profile: BranchProfile, at: date) -> RosterCounts:
    """The counts that count: the roster's when one is kept, else the profile's typed ones."""
    counts = roster_counts(store, at)
    return (
        counts
        if counts is not None
        else RosterCounts(profile.full_members, profile.probationary_members)
    )


def profile_with_roster_counts(store: Store, profile: BranchProfile, at: date) -> BranchProfile:
    """``profile`` with ``full_members``/``probationary_members`` from the roster on ``at`` (if kept)."""
    counts = roster_counts(store, at)
    if counts is None:
        return profile
    return replace(profile, full_members=counts.full, probationary_members=counts.probationary)


def linked_meetings(store: Store, period: str, task_key: str) -> list[Meeting]:
    """The period's records of the types whose ``proves`` names ``task_key`` (task page: 本期组织生活)."""
    names = {t.name for t in store.meetings.policy().for_task(task_key)}
    return [m for m in store.meetings.in_period(period) if m.type in names]


def training_records(store: Store, year: int) -> list[Meeting]:
    return [
        m for m in store.meetings.between(f"{year}-01-01", f"{year}-12-31") if m.type == TRAINING
    ]
