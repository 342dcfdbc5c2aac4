"""``store.members``: the 党员名册 in the branch store (members and their dated events).

Held by :class:`~dzdesk.store.Store` and writing through its transaction, lock and
change log. Members are never deleted: 转出 / 去世 / 停止党籍 are events, and
:meth:`MemberRepository.roster` rebuilds who was on the roster on any day.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, ValidationError
from ..orglife.events import check_events
from ..orglife.models import (
    BEFORE_RECORDS,
    CONFIRM,
    EVENT_KINDS,
    FULL,
    JOIN,
    PROBATIONARY,
    Member,
    MemberEvent,
    MemberInput,
)
from ..orglife.roster import Roster
from ..orglife.roster_csv import read_roster
from ..orglife.roster_import import ImportPlan, plan_import
from ..orglife.validation import MAX_NOTE, clean_member, day, line
from ..timeutil import now_iso

if TYPE_CHECKING:
    from .branch_store import Store

_FIELDS = ("name", "category", "party_group", "joined_party", "confirmed", "roles", "flags", "note")


def _event(row: dict[str, Any]) -> MemberEvent:
    return MemberEvent(
        row["id"], row["member_id"], row["kind"], row["date"], row["note"], row["recorded_at"]
    )


def _member(row: dict[str, Any], events: tuple[MemberEvent, ...]) -> Member:
    return Member(
        id=row["id"],
        name=row["name"],
        category=row["category"],
        party_group=row["party_group"],
        joined_party=row["joined_party"],
        confirmed=row["confirmed"],
        roles=tuple(json.loads(row["roles"])),
        flags=tuple(json.loads(row["flags"])),
        note=row["note"],
        events=events,
    )


def _columns(member: MemberInput) -> dict[str, Any]:
    values = {f: getattr(member, f) for f in _FIELDS}
    values["roles"] = json.dumps(list(member.roles), ensure_ascii=False)
    values["flags"] = json.dumps(list(member.flags), ensure_ascii=False)
    return values


def _as_input(member: Member) -> MemberInput:
    return MemberInput(**{f: getattr(member, f) for f in _FIELDS})


class MemberRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading ---------------------------------------------------------------------
    def all(self) -> list[Member]:
        """Every member ever recorded (on the roster or not), with their events, by id."""
        db = self._store.db
        events: dict[int, list[MemberEvent]] = defaultdict(list)
        for row in db.query("SELECT * FROM member_events WHERE cancelled = 0 ORDER BY date, id"):
            events[row["member_id"]].append(_event(row))
        return [
            _member(r, tuple(events.get(r["id"], ())))
            for r in db.query("SELECT * FROM members ORDER BY id")
        ]

    def roster(self) -> Roster:
        return Roster(self.all())

    def kept(self) -> bool:
        """Whether this branch keeps a roster (any member recorded)."""
        return self._store.db.execute("SELECT EXISTS (SELECT 1 FROM members)").fetchone()[0] == 1

    def get(self, member_id: int) -> Member:
        db = self._store.db
        rows = list(db.query("SELECT * FROM members WHERE id = ?", [member_id]))
        if not rows:
            raise NotFoundError("名册中没有这名党员。", f"No member with id {member_id}.")
        events = db.query(
            "SELECT * FROM member_events WHERE member_id = ? AND cancelled = 0 ORDER BY date, id",
            [member_id],
        )
        return _member(rows[0], tuple(_event(r) for r in events))

    # -- writing ---------------------------------------------------------------------
    def _check_distinct(self, member: MemberInput, except_id: int | None = None) -> None:
        """Two members may share a name, but then 入党日期 or 备注 must tell them apart."""
        rows = self._store.db.query(
            "SELECT id, joined_party, note FROM members WHERE name = ? AND id IS NOT ?",
            [member.name, except_id],
        )
        for row in rows:
            if (row["joined_party"], row["note"]) == (member.joined_party, member.note):
                raise ValidationError(
                    f"名册中已有“{member.name}”（入党日期 {row['joined_party'] or '未填'}）。同名党员请填写不同的入党日期或备注加以区分。",
                    f"A member named '{member.name}' with the same 入党日期 and 备注 exists.",
                )

    def _log(self, member_id: int, field: str, old: Any, new: Any) -> None:
        self._store._log(None, "", f"member#{member_id}.{field}", old, new)

    def add(self, member: MemberInput, since: str = BEFORE_RECORDS, note: str = "") -> Member:
        """Put a member on the roster from ``since`` (a 转入; empty: since before records were kept)."""
        clean = clean_member(member)
        since = day(since, "转入日期")
        note = line(note, "说明", MAX_NOTE)
        at = now_iso()
        store = self._store
        with store._write():
            self._check_distinct(clean)
            member_id = (
                store.db["members"]
                .insert({**_columns(clean), "created_at": at, "updated_at": at})
                .last_pk
            )
            store.db["member_events"].insert(
                {
                    "member_id": member_id,
                    "kind": JOIN,
                    "date": since,
                    "note": note,
                    "recorded_at": at,
                }
            )
            self._log(
                member_id, "add", None, f"{clean.name} {clean.category} 转入 {since or '建册前'}"
            )
        return self.get(member_id)

    def update(self, member_id: int, member: MemberInput) -> Member:
        """Correct a member's fields; each change goes to the change log."""
        clean = clean_member(member)
        store = self._store
        with store._write():
            old = self.get(member_id)
            if (
                old.category == FULL
                and clean.category == PROBATIONARY
                and any(e.kind == CONFIRM for e in old.events)
            ):
                raise ValidationError(
                    f"{old.name} 已登记预备转正；如登记有误，请先撤销该预备转正记录。",
                    "Cancel the 预备转正 event first.",
                )
            self._check_distinct(clean, except_id=member_id)
            before, after = _columns(_as_input(old)), _columns(clean)
            changed = {k: v for k, v in after.items() if before[k] != v}
            if changed:
                check_events(replace(old, **{f: getattr(clean, f) for f in _FIELDS}), old.events)
                for key, value in changed.items():
                    self._log(member_id, key, before[key], value)
                sets = ", ".join(f"{k} = ?" for k in changed)
                store.db.execute(
                    f"UPDATE members SET {sets}, updated_at = ? WHERE id = ?",
                    [*changed.values(), now_iso(), member_id],
                )
        return self.get(member_id)

    def record_event(self, member_id: int, kind: str, date: str, note: str = "") -> MemberEvent:
        """转入 / 转出 / 去世 / 停止党籍 / 预备转正 on ``date``; checked against the member's other events."""
        if kind not in EVENT_KINDS:
            raise ValidationError(
                f"变动类型“{kind}”无效，可选：{'、'.join(EVENT_KINDS)}。",
                f"Unknown event kind '{kind}'.",
            )
        date = day(date, "变动日期", required=True)
        note = line(note, "说明", MAX_NOTE)
        store = self._store
        at = now_iso()
        with store._write():
            member = self.get(member_id)
            if kind == CONFIRM and member.category != PROBATIONARY:
                raise ValidationError(
                    f"{member.name} 已是正式党员，无需登记预备转正。",
                    f"{member.name} is a full member already.",
                )
            draft = MemberEvent(0, member_id, kind, date, note, at)
            check_events(member, (*member.events, replace(draft, id=2**62)))
            event_id = (
                store.db["member_events"]
                .insert(
                    {
                        "member_id": member_id,
                        "kind": kind,
                        "date": date,
                        "note": note,
                        "recorded_at": at,
                    }
                )
                .last_pk
            )
            if kind == CONFIRM:
                store.db.execute(
                    "UPDATE members SET category = ?, confirmed = ?, updated_at = ? WHERE id = ?",
                    [FULL, date, at, member_id],
                )
            self._log(member_id, "event", None, f"{kind} {date}" + (f" {note}" if note else ""))
        return replace(draft, id=event_id)

    def cancel_event(self, event_id: int) -> Member:
        """Take back an event recorded by mistake (kept, marked cancelled); a 预备转正 is undone with it."""
        store = self._store
        with store._write():
            rows = list(
                store.db.query(
                    "SELECT * FROM member_events WHERE id = ? AND cancelled = 0", [event_id]
                )
            )
            if not rows:
                raise NotFoundError("找不到这条变动记录。", f"No event with id {event_id}.")
            event = _event(rows[0])
            member = self.get(event.member_id)
            rest = [e for e in member.events if e.id != event_id]
            if not any(e.kind == JOIN for e in rest):
                raise ValidationError(
                    f"这是 {member.name} 唯一的转入记录，不能撤销；党员不会从名册中删除，离开请登记转出等变动。",
                    "The only 转入 of a member cannot be cancelled.",
                )
            if event.kind == CONFIRM:
                member = replace(member, category=PROBATIONARY, confirmed="")
                store.db.execute(
                    "UPDATE members SET category = ?, confirmed = '', updated_at = ? WHERE id = ?",
                    [PROBATIONARY, now_iso(), member.id],
                )
            check_events(member, rest)
            store.db.execute("UPDATE member_events SET cancelled = 1 WHERE id = ?", [event_id])
            self._log(member.id, "event.cancel", f"{event.kind} {event.date}", None)
        return self.get(event.member_id)

    # -- CSV import ------------------------------------------------------------------
    def plan_import(self, path: str | Path, since: str = BEFORE_RECORDS) -> ImportPlan:
        """Read a roster CSV and say what importing it would change (nothing is written).

        New members join on their row's 转入日期, else on ``since`` (empty: 建册前).
        """
        since = day(since, "转入日期")
        parsed = read_roster(Path(path))
        if since:
            parsed = replace(
                parsed, rows=tuple(r if r.since else replace(r, since=since) for r in parsed.rows)
            )
        return plan_import(parsed, self.roster())

    def apply_import(self, plan: ImportPlan) -> ImportPlan:
        """Apply a previewed plan in one transaction; refuse if the roster changed since the preview."""
        store = self._store
        with store._write():
            fresh = plan_import(plan.source, self.roster())
            if not fresh.same_as(plan):
                raise ValidationError(
                    "名册在预览之后有改动，请重新导入以查看最新的变化。",
                    "The roster changed since the preview.",
                )
            at = now_iso()
            self._insert_many(plan, at)
            for update in plan.updates:
                columns = {k: v for k, v in _columns(update.member).items() if k != "name"}
                sets = ", ".join(f"{k} = ?" for k in columns)
                store.db.execute(
                    f"UPDATE members SET {sets}, updated_at = ? WHERE id = ?",
                    [*columns.values(), at, update.member_id],
                )
                for change in update.changes:
                    self._log(update.member_id, change.field, change.old, change.new)
                if update.confirm_on:
                    store.db.execute(
                        "INSERT INTO member_events (member_id, kind, date, note, recorded_at) VALUES (?, ?, ?, ?, ?)",
                        [
                            update.member_id,
                            CONFIRM,
                            update.confirm_on,
                            f"导入 {plan.source.name}",
                            at,
                        ],
                    )
        return plan

    def _insert_many(self, plan: ImportPlan, at: str) -> None:
        if not plan.adds:
            return
        store = self._store
        conn = store.db.conn
        store._log(
            None,
            "",
            "members.import",
            None,
            f"{plan.source.name}: +{len(plan.adds)} ~{len(plan.updates)}",
        )
        # explicit ids: the transaction already holds the write lock (the log row above)
        first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM members").fetchone()[0]
        conn.executemany(
            f"INSERT INTO members (id, {', '.join(_FIELDS)}, created_at, updated_at) VALUES (?{', ?' * len(_FIELDS)}, ?, ?)",
            (
                [first + i, *_columns(row.member).values(), at, at]
                for i, row in enumerate(plan.adds)
            ),
        )
        conn.executemany(
            "INSERT INTO member_events (member_id, kind, date, note, recorded_at) VALUES (?, ?, ?, ?, ?)",
            (
                (first + i, JOIN, row.since, f"导入 {plan.source.name} 第 {row.row} 行", at)
                for i, row in enumerate(plan.adds)
            ),
        )
        for i, row in enumerate(plan.adds):
            self._log(
                first + i,
                "add",
                None,
                f"{row.member.name} {row.member.category} 转入 {row.since or '建册前'}",
            )
