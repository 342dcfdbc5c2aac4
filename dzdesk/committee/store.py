"""``CommitteeStore``: the committee's own database of received submissions, roster and grades."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..bundle.types import VerifiedBundle
from ..canonical import sha256_hex
from ..errors import NotFoundError, ValidationError
from ..paths import AppPaths
from ..periods import parse_period
from ..store.blobs import BlobStore
from ..store.database import open_database
from ..store.sqlite_store import SqliteStore, os_user
from ..timeutil import now_iso, parse_date
from . import models as m
from .holds import Holds
from .migrations import committee_migrations
from .names import name_key
from .profile_store import ProfileStore
from .snapshot_facts import answer_counts, open_rectification_count

__all__ = ["CommitteeStore"]
# what a Submission holds; the snapshot and manifest JSON stay on disk until asked for
_COLUMNS = (
    "id, branch_id, period, revision, state, fingerprint, snapshot_digest, branch_name, kind, secretary, "
    "full_members, probationary_members, score, grade, flags, open_rectifications, template_id, "
    "generated_at, imported_at, bundle_name, report_sha256, hold_kind, hold_reason, score_verified, "
    "na_tasks, tasks_without_evidence"
)


def _submission(row: dict[str, Any]) -> m.Submission:
    return m.Submission(
        id=row["id"], branch_id=row["branch_id"], period=row["period"], revision=row["revision"],
        state=row["state"], fingerprint=row["fingerprint"], snapshot_digest=row["snapshot_digest"],
        branch_name=row["branch_name"], kind=row["kind"], secretary=row["secretary"],
        full_members=row["full_members"], probationary_members=row["probationary_members"],
        score=row["score"], grade=row["grade"], flags=tuple(json.loads(row["flags"])),
        open_rectifications=row["open_rectifications"], template_id=row["template_id"],
        generated_at=row["generated_at"], imported_at=row["imported_at"],
        bundle_name=row["bundle_name"], report_sha256=row["report_sha256"],
        hold_kind=row["hold_kind"], hold_reason=row["hold_reason"], score_verified=bool(row["score_verified"]),
        na_tasks=row["na_tasks"], tasks_without_evidence=row["tasks_without_evidence"],
    )


class CommitteeStore(SqliteStore):
    """Open with ``CommitteeStore(paths)``; every write is one transaction or nothing."""

    def __init__(self, paths: AppPaths, actor: str | None = None) -> None:
        self.paths = paths
        self.root = paths.data_dir / "committee"
        self.db = open_database(paths.committee_db, committee_migrations, paths.backup_dir)
        self.blobs = BlobStore(self.root / "files")
        self.blobs.sweep_stale()  # what killed imports left (stale.py)
        self.actor = actor or os_user()
        self.db_file = paths.committee_db
        self._lock = threading.RLock()
        self.holds = Holds(self)
        self.profile = ProfileStore(self)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes in one transaction (each write inside keeps its own savepoint)."""
        with self._write():
            yield

    def _log(self, action: str, detail: str = "", period: str = "", branch_id: int | None = None) -> None:
        self.db.execute(
            "INSERT INTO committee_log (at, actor, period, branch_id, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
            [now_iso(), self.actor, period, branch_id, action, detail],
        )

    def log(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM committee_log ORDER BY id"))

    # -- submissions -----------------------------------------------------------
    def find_submission(self, fingerprint: str, period: str, digest: str) -> m.Submission | None:
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM submissions WHERE fingerprint = ? AND period = ? AND snapshot_digest = ?",
            [fingerprint, period, digest],
        )
        return _submission(rows[0]) if rows else None

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts, read directly (``db.query`` wraps every read in a savepoint; import reads many)."""
        cursor = self.db.conn.execute(sql, list(args))
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def record_submission(self, vb: VerifiedBundle, report_sha256: str, *, looked_up: bool = False) -> m.ImportOutcome:
        """Record a verified bundle whose files are already in :attr:`blobs`.

        A branch is its signing key. A file is held, not made current, when its key is new but its name
        is a registered branch's (a key change, or an impostor), when its known key now claims another
        branch's name, when its score cannot be recomputed (template unknown), or when the branch already
        has a different file with the same period and revision (see holds.py).

        ``looked_up=True``: the caller has just found no submission with this snapshot, inside the
        same transaction (the importer does), so it is not looked up again.
        """
        period = parse_period(vb.period).code
        name = vb.branch.name
        base = dict(file=vb.path.name, branch=name, period=period, revision=vb.revision)
        with self._write():
            if not looked_up:
                existing = self.find_submission(vb.signer_fingerprint, period, vb.snapshot_digest)
                if existing is not None:
                    return self.outcome_for_existing(existing, vb.path.name)
            self._remember_template(vb)
            branch = self._branch_by_fingerprint(vb.signer_fingerprint)
            similar = self._rows("SELECT * FROM branches WHERE name_key = ?", [name_key(name)])
            if branch is None and similar:
                held = similar[0]
                sub_id = self._insert_submission(vb, held["id"], "held", report_sha256, period)
                reason = self.holds.key_change(held, vb, sub_id, period)
                return m.ImportOutcome(outcome=m.HELD, reason=reason, submission_id=sub_id, hold=m.HOLD_KEY, **base)
            if branch is None:
                branch_id = self._insert("branches", {
                    "name": name, "name_key": name_key(name), "fingerprint": vb.signer_fingerprint,
                    "public_key_der": vb.signer_public_key_der, "registered_at": now_iso(),
                })
                self._log("branch.registered", f"{name} {vb.signer_fingerprint}", period, branch_id)
            else:
                branch_id = branch["id"]
                other = next((r for r in similar if r["id"] != branch_id), None)
                if other is not None:
                    sub_id = self._insert_submission(vb, branch_id, "held", report_sha256, period)
                    reason = self.holds.hold(sub_id, m.HOLD_NAME, self.holds.name_reason(name, other["name"]), period, branch_id)
                    return m.ImportOutcome(outcome=m.HELD, reason=reason, submission_id=sub_id, hold=m.HOLD_NAME, **base)
                if branch["name"] != name:
                    self.db.execute("UPDATE branches SET name = ?, name_key = ? WHERE id = ?", [name, name_key(name), branch_id])
            sub_id = self._insert_submission(vb, branch_id, "superseded", report_sha256, period)
            outcome, hold, reason = self.holds.place(sub_id, branch_id, period)
            return m.ImportOutcome(outcome=outcome, reason=reason, submission_id=sub_id, hold=hold, **base)

    def _remember_template(self, vb: VerifiedBundle) -> None:
        """Keep a template a bundle carried (by hash), so its tasks can be named and shown later."""
        template = vb.checklist
        if template is None or vb.scored_by != "bundle":
            return
        self.db.execute(
            "INSERT OR IGNORE INTO templates (hash, id, version, title, json, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [template.hash, template.id, template.version, template.title,
             json.dumps(template.raw, ensure_ascii=False), "bundle", now_iso()],
        )

    def outcome_for_existing(self, existing: m.Submission, file: str) -> m.ImportOutcome:
        """What importing the same snapshot again means: already had, still held, or declined."""
        base = dict(file=file, branch=existing.branch_name, period=existing.period,
                    revision=existing.revision, submission_id=existing.id)
        if existing.state == "held":
            kind = existing.hold_kind or m.HOLD_KEY
            reason = f"该报送包此前已暂存（{m.HOLD_LABELS[kind]}），仍在等待确认（committee holds）。"
            return m.ImportOutcome(outcome=m.HELD, reason=reason, hold=kind, **base)
        if existing.state == "declined":
            reason = "该报送包此前已被拒绝接收，不予接收。"
            return m.ImportOutcome(outcome=m.REJECTED, reason=reason, **base)
        return m.ImportOutcome(outcome=m.ALREADY, **base)

    def _branch_by_fingerprint(self, fingerprint: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM branches WHERE fingerprint = ?", [fingerprint])
        return rows[0] if rows else None

    def _insert_submission(self, vb: VerifiedBundle, branch_id: int, state: str, report_sha: str, period: str) -> int:
        b = vb.branch
        manifest_bytes = vb.extra.get("manifest_bytes")
        snapshot_bytes = vb.extra.get("snapshot_bytes")
        if manifest_bytes:  # the signed bytes themselves, as the verifier read them
            manifest_sha, manifest_json = hashlib.sha256(manifest_bytes).hexdigest(), manifest_bytes.decode("utf-8")
        else:
            manifest_sha, manifest_json = sha256_hex(vb.manifest), json.dumps(vb.manifest, ensure_ascii=False)
        snapshot_json = snapshot_bytes.decode("utf-8") if snapshot_bytes else json.dumps(vb.snapshot, ensure_ascii=False)
        counts = answer_counts(vb.snapshot)
        sub_id = self._insert("submissions", {
            "branch_id": branch_id, "period": period, "revision": vb.revision,
            "state": state, "fingerprint": vb.signer_fingerprint, "public_key_der": vb.signer_public_key_der,
            "snapshot_digest": vb.snapshot_digest, "branch_name": b.name, "kind": b.kind,
            "secretary": b.secretary, "full_members": b.full_members,
            "probationary_members": b.probationary_members, "score": float(vb.score), "grade": vb.grade,
            "flags": json.dumps(list(vb.flags), ensure_ascii=False),
            "open_rectifications": open_rectification_count(vb.snapshot),
            "score_verified": int(vb.score_verified), "na_tasks": counts[0], "tasks_without_evidence": counts[1],
            "template_id": vb.template.get("id", ""), "template_version": vb.template.get("version", ""),
            "template_hash": vb.template.get("hash", ""), "generated_at": vb.generated_at,
            "imported_at": now_iso(), "bundle_name": vb.path.name, "manifest_sha256": manifest_sha,
            "report_sha256": report_sha, "snapshot_json": snapshot_json,
            "manifest_json": manifest_json,
        })
        self.db.conn.executemany(
            "INSERT INTO submission_evidence (submission_id, position, task_key, sha256, name, size, caption) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(sub_id, i, e.task_key, e.sha256, e.name, e.size, e.caption) for i, e in enumerate(vb.evidence)],
        )
        return sub_id

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Plain INSERT of trusted column names (sqlite-utils' insert reads the schema on every call)."""
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.db.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        return int(cursor.lastrowid or 0)

    def _settle_current(self, branch_id: int, period: str, new_id: int) -> str:
        """Make the newest revision current; the others stay as history."""
        rows = self._rows(
            """SELECT id, revision, generated_at, state FROM submissions
               WHERE branch_id = ? AND period = ? AND state IN ('current', 'superseded')""",
            [branch_id, period],
        )
        newest = max(rows, key=lambda r: (r["revision"], r["generated_at"], r["id"]))
        previous = [r for r in rows if r["state"] == "current"]
        self.db.execute(
            "UPDATE submissions SET state = 'superseded' WHERE branch_id = ? AND period = ? AND state = 'current'",
            [branch_id, period],
        )
        self.db.execute("UPDATE submissions SET state = 'current' WHERE id = ?", [newest["id"]])
        if newest["id"] != new_id:
            self._log("submission.older", f"#{new_id} kept as history", period, branch_id)
            return m.OLDER
        if previous:
            self._log("submission.replaced", f"#{previous[0]['id']} -> #{new_id}", period, branch_id)
            return m.REPLACED
        self._log("submission.imported", f"#{new_id}", period, branch_id)
        return m.IMPORTED

    def submission(self, submission_id: int) -> m.Submission:
        rows = list(self.db.query(f"SELECT {_COLUMNS} FROM submissions WHERE id = ?", [submission_id]))
        if not rows:
            raise NotFoundError("找不到该提交记录。", f"No submission {submission_id}.")
        return _submission(rows[0])

    def submissions(self, period: str | None = None, states: Sequence[str] = ("current",)) -> list[m.Submission]:
        marks = ",".join("?" * len(states))
        sql = f"SELECT {_COLUMNS} FROM submissions WHERE state IN ({marks})"
        args: list[Any] = list(states)
        if period:
            sql += " AND period = ?"
            args.append(parse_period(period).code)
        return [_submission(r) for r in self.db.query(sql + " ORDER BY period, branch_id, revision", args)]

    def history(self, branch_id: int, period: str) -> list[m.Submission]:
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM submissions WHERE branch_id = ? AND period = ? ORDER BY id",
            [branch_id, parse_period(period).code],
        )
        return [_submission(r) for r in rows]

    def snapshot(self, submission_id: int) -> dict[str, Any]:
        row = self.db.execute("SELECT snapshot_json FROM submissions WHERE id = ?", [submission_id]).fetchone()
        if row is None:
            raise NotFoundError("找不到该提交记录。", f"No submission {submission_id}.")
        return json.loads(row[0])

    def evidence(self, submission_id: int) -> list[dict[str, Any]]:
        return list(self.db.query(
            "SELECT * FROM submission_evidence WHERE submission_id = ? ORDER BY position", [submission_id]
        ))

    def periods(self) -> list[str]:
        rows = self.db.query("SELECT DISTINCT period FROM submissions UNION SELECT period FROM deadlines")
        return sorted((r["period"] for r in rows), key=parse_period)

    # -- branches and key changes ---------------------------------------------
    def branches(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT id, name, name_key, fingerprint, registered_at FROM branches ORDER BY id"))

    def key_changes(self, pending_only: bool = False) -> list[m.KeyChange]:
        sql = """SELECT k.*, b.name AS branch_name, s.period FROM key_changes k
                 JOIN branches b ON b.id = k.branch_id JOIN submissions s ON s.id = k.submission_id"""
        if pending_only:
            sql += " WHERE k.decision = ''"
        return [
            m.KeyChange(r["id"], r["branch_id"], r["branch_name"], r["submission_id"], r["period"],
                        r["old_fingerprint"], r["new_fingerprint"], r["held_at"], r["decided_at"], r["decision"])
            for r in self.db.query(sql + " ORDER BY k.id")
        ]

    def decide_key_change(self, change_id: int, accept: bool) -> m.KeyChange:
        """Accept the branch's new key (its held submissions then count) or decline it."""
        with self._write():
            pending = {k.id: k for k in self.key_changes(pending_only=True)}
            change = pending.get(change_id)
            if change is None:
                raise NotFoundError(f"没有编号为 {change_id} 的待确认密钥变更。", f"No pending key change {change_id}.")
            decision = "accepted" if accept else "declined"
            same = [k for k in pending.values() if k.branch_id == change.branch_id and k.new_fingerprint == change.new_fingerprint]
            for k in same:
                self.db.execute(
                    "UPDATE key_changes SET decision = ?, decided_at = ?, actor = ? WHERE id = ?",
                    [decision, now_iso(), self.actor, k.id],
                )
            if accept:
                der = self.db.execute("SELECT public_key_der FROM submissions WHERE id = ?", [change.submission_id]).fetchone()[0]
                self.db.execute(
                    "UPDATE branches SET fingerprint = ?, public_key_der = ? WHERE id = ?",
                    [change.new_fingerprint, der, change.branch_id],
                )
                for k in same:
                    self.db.execute(
                        "UPDATE submissions SET state = 'superseded', hold_kind = '', hold_reason = '' WHERE id = ?",
                        [k.submission_id],
                    )
                    self.holds.place(k.submission_id, k.branch_id, k.period, replaces=True)
            else:
                for k in same:
                    self.db.execute("UPDATE submissions SET state = 'declined' WHERE id = ?", [k.submission_id])
            self._log(f"key.{decision}", f"{change.old_fingerprint} -> {change.new_fingerprint}", change.period, change.branch_id)
        return next(k for k in self.key_changes() if k.id == change_id)

    def resolve_branch(self, ref: str) -> dict[str, Any]:
        """A branch by its number (as ``committee list`` shows it) or its name."""
        text = str(ref).strip()
        rows: list[dict[str, Any]] = []
        if text.isdigit():
            rows = list(self.db.query("SELECT * FROM branches WHERE id = ?", [int(text)]))
        if not rows:
            rows = list(self.db.query("SELECT * FROM branches WHERE name_key = ?", [name_key(text)]))
        if not rows:
            raise NotFoundError(f"没有找到党支部“{text}”，请用 committee list 查看编号或名称。", f"No branch '{text}'.")
        return rows[0]

    # -- roster and deadlines --------------------------------------------------
    def roster(self) -> list[m.RosterEntry]:
        return [m.RosterEntry(r["name"], r["kind"], r["secretary"]) for r in self.db.query("SELECT * FROM roster ORDER BY position")]

    def replace_roster(self, entries: Sequence[m.RosterEntry]) -> int:
        with self._write():
            self.db.execute("DELETE FROM roster")
            self.db["roster"].insert_all(
                {"name_key": name_key(e.name), "name": e.name, "kind": e.kind, "secretary": e.secretary, "position": i}
                for i, e in enumerate(entries)
            )
            self._log("roster.replaced", f"{len(entries)} entries")
        return len(entries)

    def deadline(self, period: str) -> str:
        row = self.db.execute("SELECT deadline FROM deadlines WHERE period = ?", [parse_period(period).code]).fetchone()
        return row[0] if row else ""

    def set_deadline(self, period: str, deadline: str) -> str:
        code = parse_period(period).code
        value = parse_date(deadline, "截止日期")
        with self._write():
            if value:
                self.db["deadlines"].upsert({"period": code, "deadline": value}, pk="period")
            else:
                self.db.execute("DELETE FROM deadlines WHERE period = ?", [code])
            self._log("deadline.set", value, code)
        return value

    # -- grades (quota rules live in grading.py) --------------------------------
    def grades(self, period: str) -> dict[int, m.Grade]:
        rows = self.db.query("SELECT * FROM grades WHERE period = ?", [parse_period(period).code])
        return {r["branch_id"]: m.Grade(r["period"], r["branch_id"], r["grade"], r["score"], r["comment"], r["graded_at"], r["actor"]) for r in rows}

    def write_grade(self, period: str, branch_id: int, grade: str, score: float | None, comment: str) -> m.Grade:
        if grade not in m.GRADES:
            raise ValidationError(f"等次“{grade}”无效，只能是 A、B、C 或 D。", f"Grade '{grade}' must be A, B, C or D.")
        code = parse_period(period).code
        with self._write():
            self.db["grades"].upsert({
                "period": code, "branch_id": branch_id, "grade": grade, "score": score,
                "comment": comment, "graded_at": now_iso(), "actor": self.actor,
            }, pk=("period", "branch_id"))
            self._log("grade.set", json.dumps({"grade": grade, "score": score, "comment": comment}, ensure_ascii=False), code, branch_id)
        return self.grades(code)[branch_id]

    def clear_grade(self, period: str, branch_id: int) -> None:
        code = parse_period(period).code
        with self._write():
            self.db.execute("DELETE FROM grades WHERE period = ? AND branch_id = ?", [code, branch_id])
            self._log("grade.cleared", "", code, branch_id)

    # -- the committee's own identity (migration 0003; dzdesk/committee/identity.py uses these) --
    def own_identity(self) -> m.CommitteeIdentity | None:
        row = self.db.execute(
            "SELECT name, fingerprint, created_at, renamed_at FROM committee_identity WHERE id = 1"
        ).fetchone()
        return m.CommitteeIdentity(*row) if row else None

    def save_own_identity(self, name: str, fingerprint: str) -> m.CommitteeIdentity:
        """Record the committee's name and key fingerprint (a second call renames)."""
        with self._write():
            old = self.own_identity()
            if old is None:
                self.db.execute(
                    "INSERT INTO committee_identity (id, name, fingerprint, created_at) VALUES (1, ?, ?, ?)",
                    [name, fingerprint, now_iso()],
                )
                self._log("identity.created", f"{name} {fingerprint}")
            elif old.name != name or old.fingerprint != fingerprint:
                self.db.execute(
                    "UPDATE committee_identity SET name = ?, fingerprint = ?, renamed_at = ? WHERE id = 1",
                    [name, fingerprint, now_iso()],
                )
                self._log("identity.renamed", f"{old.name} -> {name}")
        identity = self.own_identity()
        assert identity is not None
        return identity
