"""The committee's view of a period: one row per branch, and the open rectifications."""

from __future__ import annotations

import json
from datetime import date
from functools import cache

from ..periods import parse_period
from ..template import BUILTIN_ID, STATUS_LABELS, builtin_template
from . import models as m
from .names import name_key
from .snapshot_facts import OPEN_STATUSES
from .store import CommitteeStore


@cache
def _builtin_titles() -> dict[str, str]:
    return {t.key: t.title for t in builtin_template().tasks}


def task_title(template_id: str, key: str) -> str:
    if template_id == BUILTIN_ID or template_id.startswith("hefei-"):
        return _builtin_titles().get(key, f"任务{key}")
    return f"任务{key}"


def is_late(submitted_at: str, deadline: str) -> bool:
    return bool(deadline and submitted_at and submitted_at[:10] > deadline)


def _member_flags(members: int) -> list[str]:
    if members < 1:
        return [m.FLAG_EMPTY]
    if members < 3:
        return [m.FLAG_FOCUSED_HELP]
    return []


def overview_rows(store: CommitteeStore, period: str) -> list[m.OverviewRow]:
    code = parse_period(period).code
    deadline = store.deadline(code)
    roster = store.roster()
    roster_by_key = {name_key(e.name): e for e in roster}
    grades = store.grades(code)
    changes = store.key_changes()
    accepted = {k.branch_id for k in changes if k.decision == "accepted"}
    pending = {k.branch_id for k in changes if k.decision == ""}
    held: dict[int, m.Hold] = {}
    for h in store.holds.list(code):
        held.setdefault(h.branch_id, h)
    rows: list[m.OverviewRow] = []
    seen_keys: set[str] = set()
    seen_branches: set[int] = set()
    for s in store.submissions(code):
        key = name_key(s.branch_name)
        seen_keys.add(key)
        seen_branches.add(s.branch_id)
        entry = roster_by_key.get(key)
        late = is_late(s.generated_at, deadline)
        flags = list(dict.fromkeys([*_member_flags(s.full_members), *s.flags]))
        if late:
            flags.append(m.FLAG_LATE)
        if s.branch_id in accepted:
            flags.append(m.FLAG_KEY_CHANGED)
        if s.branch_id in pending:
            flags.append(m.FLAG_KEY_HELD)
        if roster and entry is None:
            flags.append(m.FLAG_NOT_ON_ROSTER)
        hold = held.get(s.branch_id)
        if hold is not None:
            flags.append(m.HOLD_FLAGS[hold.kind])
        g = grades.get(s.branch_id)
        rows.append(m.OverviewRow(
            name=s.branch_name, kind=m.kind_label(s.kind), secretary=s.secretary,
            branch_id=s.branch_id, submission_id=s.id, members=s.full_members,
            submitted_at=s.generated_at, revision=s.revision, self_score=s.score, self_grade=s.grade,
            committee_score=g.score if g else None, committee_grade=g.grade if g else "",
            comment=g.comment if g else "", open_rectifications=s.open_rectifications,
            flags=tuple(dict.fromkeys(flags)), on_roster=entry is not None, late=late, fingerprint=s.fingerprint,
            na_tasks=s.na_tasks, tasks_without_evidence=s.tasks_without_evidence, held=hold.label if hold else "",
        ))
    branches = {b["name_key"]: b for b in store.branches()}
    expected = [(e.name, e.kind, e.secretary) for e in roster] if roster else [
        (b["name"], "", "") for b in branches.values() if b["id"] not in seen_branches
    ]
    for name, kind, secretary in expected:
        if name_key(name) in seen_keys:
            continue
        known = branches.get(name_key(name))
        flags = [m.FLAG_NOT_SUBMITTED]
        if known and known["id"] in pending:
            flags.append(m.FLAG_KEY_HELD)
        hold = held.get(known["id"]) if known else None
        if hold is not None:
            flags.append(m.HOLD_FLAGS[hold.kind])
        rows.append(m.OverviewRow(
            name=name, kind=m.kind_label(kind), secretary=secretary,
            branch_id=known["id"] if known else None, submission_id=None, members=None,
            submitted_at="", revision=None, self_score=None, self_grade="", committee_score=None,
            committee_grade="", comment="", open_rectifications=0, flags=tuple(dict.fromkeys(flags)),
            on_roster=bool(roster), late=False, held=hold.label if hold else "",
        ))
    return rows


def rectifications(store: CommitteeStore, period: str, today: date | None = None) -> list[m.RectificationRow]:
    """Open rectifications of every current submission, earliest deadline first (none last)."""
    today_iso = (today or date.today()).isoformat()
    code = parse_period(period).code
    out: list[m.RectificationRow] = []
    rows = store.db.query(
        "SELECT branch_name, template_id, snapshot_json FROM submissions WHERE period = ? AND state = 'current' AND open_rectifications > 0",
        [code],
    )
    for row in rows:
        snapshot = json.loads(row["snapshot_json"])
        for answer in snapshot.get("answers", []):
            if answer.get("status") not in OPEN_STATUSES:
                continue
            rect = answer.get("rectification") or {}
            deadline = str(rect.get("deadline") or "")
            out.append(m.RectificationRow(
                branch=row["branch_name"], task_key=str(answer.get("task_key", "")),
                task_title=task_title(row["template_id"], str(answer.get("task_key", ""))),
                status=STATUS_LABELS.get(answer.get("status"), ""), problem=str(rect.get("problem") or ""),
                measures=str(rect.get("measures") or ""), owner=str(rect.get("owner") or ""),
                deadline=deadline, overdue=bool(deadline and deadline < today_iso),
            ))
    out.sort(key=lambda r: (r.deadline == "", r.deadline, r.branch, _key_order(r.task_key)))
    return out


def _key_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (10**6, key)


def grade_counts(rows: list[m.OverviewRow]) -> dict[str, int]:
    counts = {g: 0 for g in m.GRADES} | {"": 0}
    for row in rows:
        if row.submitted:
            counts[row.committee_grade] += 1
    return counts
