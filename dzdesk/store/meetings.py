"""``store.meetings``: the 组织生活台账 in the branch store (meetings, attendance, attachments).

Held by :class:`~dzdesk.store.Store` and writing through its transaction, lock and
change log. Attachments are evidence-like files kept in the store's content-addressed
folder (the same :class:`~dzdesk.store.blobs.BlobStore` and checks as evidence). A
removed meeting is only flagged, so the GUI's undo can restore it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, ValidationError
from ..orglife.check import period_start
from ..orglife.models import Attendance, Meeting, MeetingAttachment, MeetingInput
from ..orglife.policy import MeetingPolicy, default_policy
from ..orglife.validation import clean_meeting, line, require_reasons
from ..periods import parse_period
from ..progress import NO_PROGRESS, Progress
from ..timeutil import now_iso
from .blobs import check_evidence_file

if TYPE_CHECKING:
    from .branch_store import Store

_FIELDS = (
    "type",
    "date",
    "topic",
    "place",
    "host",
    "recorder",
    "party_group",
    "hours",
    "resolutions",
    "minutes",
)
_COMMITTEE = "committee"


def _attachment(row: dict[str, Any]) -> MeetingAttachment:
    return MeetingAttachment(
        row["id"],
        row["meeting_id"],
        row["sha256"],
        row["original_name"],
        row["size"],
        row["caption"],
        row["added_at"],
    )


def _meeting(
    row: dict[str, Any], attendance: Sequence[Attendance], attachments: Sequence[MeetingAttachment]
) -> Meeting:
    return Meeting(
        id=row["id"],
        type=row["type"],
        date=row["date"],
        topic=row["topic"],
        place=row["place"],
        host=row["host"],
        recorder=row["recorder"],
        party_group=row["party_group"],
        hours=row["hours"],
        resolutions=row["resolutions"],
        minutes=row["minutes"],
        attendance=tuple(attendance),
        attachments=tuple(attachments),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _attendance_text(meeting: MeetingInput | Meeting) -> str:
    counts = defaultdict(int)
    for entry in meeting.attendance:
        counts[entry.status] += 1
    return f"出席 {counts['出席']} 请假 {counts['请假']} 缺席 {counts['缺席']}"


class MeetingRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def policy(self) -> MeetingPolicy:
        """The meeting types in force (the built-in defaults until a committee profile overrides them)."""
        return default_policy()

    # -- reading ---------------------------------------------------------------------
    def _load(self, where: str, args: list[Any]) -> list[Meeting]:
        db = self._store.db
        rows = list(db.query(f"SELECT * FROM meetings g WHERE {where} ORDER BY g.date, g.id", args))
        if not rows:
            return []
        # names from the (small) members table rather than a join, and no ORDER BY: years of
        # attendance load several times faster this way
        names = dict(db.execute("SELECT id, name FROM members").fetchall())
        attendance: dict[int, list[Attendance]] = defaultdict(list)
        for meeting_id, member_id, status, reason in db.execute(
            f"""SELECT a.meeting_id, a.member_id, a.status, a.reason
                FROM meeting_attendance a JOIN meetings g ON g.id = a.meeting_id WHERE {where}""",
            args,
        ).fetchall():
            attendance[meeting_id].append(Attendance(member_id, names[member_id], status, reason))
        for entries in attendance.values():
            entries.sort(
                key=lambda a: a.member_id
            )  # already so in practice: nearly free, and certain
        files: dict[int, list[MeetingAttachment]] = defaultdict(list)
        for r in db.query(
            f"""SELECT t.* FROM meeting_attachments t JOIN meetings g ON g.id = t.meeting_id
                WHERE t.removed = 0 AND {where} ORDER BY t.id""",
            args,
        ):
            files[r["meeting_id"]].append(_attachment(r))
        return [_meeting(r, attendance.get(r["id"], ()), files.get(r["id"], ())) for r in rows]

    def get(self, meeting_id: int, *, include_removed: bool = False) -> Meeting:
        found = self._load(
            "g.id = ?" + ("" if include_removed else " AND g.removed = 0"), [meeting_id]
        )
        if not found:
            raise NotFoundError(
                f"找不到编号为 {meeting_id} 的会议记录。", f"No meeting with id {meeting_id}."
            )
        return found[0]

    def between(self, start: str, end: str) -> list[Meeting]:
        """Meetings (not removed) dated ``start`` … ``end`` inclusive, by date."""
        return self._load("g.date BETWEEN ? AND ? AND g.removed = 0", [start, end])

    def in_period(self, period: str) -> list[Meeting]:
        code = parse_period(period)
        return self.between(period_start(code).isoformat(), code.end_date.isoformat())

    def count(self) -> int:
        return self._store.db.execute("SELECT COUNT(*) FROM meetings WHERE removed = 0").fetchone()[
            0
        ]

    # -- writing ---------------------------------------------------------------------
    def _log(self, meeting_id: int, field: str, old: Any, new: Any) -> None:
        self._store._log(None, "", f"meeting#{meeting_id}.{field}", old, new)

    def _clean(self, meeting: MeetingInput) -> MeetingInput:
        """Check a meeting against the types in force and the roster on its date."""
        clean = clean_meeting(meeting, self.policy())
        kind = self.policy().type(clean.type)
        roster = self._store.members.roster()
        day = date.fromisoformat(clean.date)
        for entry in clean.attendance:
            member = roster.member(entry.member_id)
            if not roster.is_on(member.id, day):
                raise ValidationError(
                    f"{member.name} 在{clean.date}不在党员名册中，不能列入出席名单。",
                    f"{member.name} was not on the roster on {clean.date}.",
                )
        require_reasons(clean, {m.id: m.name for m in roster.members})
        groups = roster.groups(day)
        if kind.attendees == "group" and groups and clean.party_group not in groups:
            raise ValidationError(
                f"{kind.name}请选择是哪个党小组（名册中的党小组：{'、'.join(groups)}）。",
                "Choose the party group that met.",
            )
        if kind.attendees == "named" and roster.at(day) and not clean.attendance:
            raise ValidationError(
                f"请选择{kind.name}的对象。", f"Name who took part in the {kind.name}."
            )
        return clean

    def _checked_files(self, files: Sequence[str | Path]) -> list[Path]:
        paths = [Path(f) for f in files]
        for path in paths:
            check_evidence_file(path)
        return paths

    def add(
        self,
        meeting: MeetingInput,
        files: Sequence[str | Path] = (),
        progress: Progress = NO_PROGRESS,
    ) -> Meeting:
        """Record a meeting with its attendance (and attachment files): all saved, or nothing."""
        clean = self._clean(meeting)
        paths = self._checked_files(files)
        blobs = self._put(paths, progress)
        store = self._store
        at = now_iso()
        with store._write():
            values = {f: getattr(clean, f) for f in _FIELDS}
            meeting_id = (
                store.db["meetings"].insert({**values, "created_at": at, "updated_at": at}).last_pk
            )
            self._write_attendance(meeting_id, clean)
            for path, (sha, size) in zip(paths, blobs, strict=True):
                self._insert_attachment(meeting_id, path.name, sha, size, "", at)
            self._log(
                meeting_id,
                "add",
                None,
                f"{clean.type} {clean.date} {clean.topic}（{_attendance_text(clean)}）",
            )
        return self.get(meeting_id)

    def update(self, meeting_id: int, meeting: MeetingInput) -> Meeting:
        """Change a meeting's fields and attendance; each changed field goes to the change log."""
        clean = self._clean(meeting)
        store = self._store
        with store._write():
            old = self.get(meeting_id)
            changed = {
                f: getattr(clean, f) for f in _FIELDS if getattr(old, f) != getattr(clean, f)
            }
            for field, value in changed.items():
                self._log(meeting_id, field, getattr(old, field), value)
            before = {(a.member_id, a.status, a.reason) for a in old.attendance}
            after = {(a.member_id, a.status, a.reason) for a in clean.attendance}
            if before != after:
                self._log(meeting_id, "attendance", _attendance_text(old), _attendance_text(clean))
                store.db.execute(
                    "DELETE FROM meeting_attendance WHERE meeting_id = ?", [meeting_id]
                )
                self._write_attendance(meeting_id, clean)
            if changed or before != after:
                sets = "".join(f"{k} = ?, " for k in changed)
                store.db.execute(
                    f"UPDATE meetings SET {sets}updated_at = ? WHERE id = ?",
                    [*changed.values(), now_iso(), meeting_id],
                )
        return self.get(meeting_id)

    def _write_attendance(self, meeting_id: int, meeting: MeetingInput) -> None:
        self._store.db.conn.executemany(
            "INSERT INTO meeting_attendance (meeting_id, member_id, status, reason) VALUES (?, ?, ?, ?)",
            [(meeting_id, a.member_id, a.status, a.reason) for a in meeting.attendance],
        )

    def _set_removed(self, meeting_id: int, removed: bool) -> Meeting:
        store = self._store
        with store._write():
            meeting = self.get(meeting_id, include_removed=True)
            # updated_at stays: it dates the record's content (and its minutes PDF)
            store.db.execute(
                "UPDATE meetings SET removed = ? WHERE id = ?", [int(removed), meeting_id]
            )
            self._log(
                meeting_id,
                "remove" if removed else "restore",
                None,
                f"{meeting.type} {meeting.date} {meeting.topic}",
            )
        return meeting

    def remove(self, meeting_id: int) -> Meeting:
        """Take a meeting off the ledger (kept, so :meth:`restore` can undo it)."""
        return self._set_removed(meeting_id, True)

    def restore(self, meeting_id: int) -> Meeting:
        return self._set_removed(meeting_id, False)

    # -- attachments -----------------------------------------------------------------
    def _put(self, paths: Sequence[Path], progress: Progress) -> list[tuple[str, int]]:
        total = sum(p.stat().st_size for p in paths)
        if paths:
            progress.start(total, f"正在复制 {paths[0].name}")
        return [self._store.blobs.put(p, progress) for p in paths]

    def _insert_attachment(
        self, meeting_id: int, name: str, sha: str, size: int, caption: str, at: str
    ) -> int:
        existing = self._store.db.execute(
            "SELECT id FROM meeting_attachments WHERE meeting_id = ? AND sha256 = ? AND removed = 0",
            [meeting_id, sha],
        ).fetchone()
        if existing:
            return existing[0]
        row_id = (
            self._store.db["meeting_attachments"]
            .insert(
                {
                    "meeting_id": meeting_id,
                    "sha256": sha,
                    "original_name": name,
                    "size": size,
                    "caption": caption,
                    "added_at": at,
                }
            )
            .last_pk
        )
        self._log(meeting_id, "attach", None, f"{name} {sha}")
        return row_id

    def add_attachment(
        self, meeting_id: int, path: str | Path, caption: str = "", progress: Progress = NO_PROGRESS
    ) -> MeetingAttachment:
        """Attach a photo, a scanned 签到表 or 会议记录 to a meeting (the same file twice is kept once)."""
        path = self._checked_files([path])[0]
        caption = line(caption, "说明", 500)
        self.get(meeting_id)
        ((sha, size),) = self._put([path], progress)
        with self._store._write():
            self.get(meeting_id)
            row_id = self._insert_attachment(meeting_id, path.name, sha, size, caption, now_iso())
        return _attachment(self._store.db["meeting_attachments"].get(row_id))

    def _set_attachment_removed(self, attachment_id: int, removed: bool) -> MeetingAttachment:
        store = self._store
        with store._write():
            rows = list(
                store.db.query("SELECT * FROM meeting_attachments WHERE id = ?", [attachment_id])
            )
            if not rows:
                raise NotFoundError("找不到该附件。", f"No attachment with id {attachment_id}.")
            store.db.execute(
                "UPDATE meeting_attachments SET removed = ? WHERE id = ?",
                [int(removed), attachment_id],
            )
            field = "detach" if removed else "reattach"
            self._log(rows[0]["meeting_id"], field, rows[0]["original_name"], rows[0]["sha256"])
        return _attachment(rows[0])

    def remove_attachment(self, attachment_id: int) -> MeetingAttachment:
        return self._set_attachment_removed(attachment_id, True)

    def restore_attachment(self, attachment_id: int) -> MeetingAttachment:
        return self._set_attachment_removed(attachment_id, False)

    def attachment_file(self, attachment: MeetingAttachment) -> Path:
        return self._store.blobs.path(attachment.sha256)

    # -- settings --------------------------------------------------------------------
    def committee_setting(self) -> bool | None:
        """Whether the branch has a 支部委员会 as configured: True / False, or None to judge from the roster."""
        row = self._store.db.execute(
            "SELECT value FROM orglife_settings WHERE key = ?", [_COMMITTEE]
        ).fetchone()
        return None if row is None else row[0] == "yes"

    def set_committee_setting(self, value: bool | None) -> None:
        store = self._store
        with store._write():
            old = self.committee_setting()
            if value is None:
                store.db.execute("DELETE FROM orglife_settings WHERE key = ?", [_COMMITTEE])
            else:
                store.db.execute(
                    "INSERT OR REPLACE INTO orglife_settings (key, value) VALUES (?, ?)",
                    [_COMMITTEE, "yes" if value else "no"],
                )
            if old != value:
                store._log(None, "", "orglife.committee", old, value)
