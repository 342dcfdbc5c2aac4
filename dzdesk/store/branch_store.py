"""``Store``: the one entry object for a branch's data (profile, assessments, evidence, log)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import LockedError, NotFoundError, ValidationError
from ..finalize import FinalizeCheck, check_finalize
from ..models import (
    ASSESSMENT_DRAFT,
    ASSESSMENT_FINALIZED,
    Answer,
    Assessment,
    BranchProfile,
    Change,
    ChangeEntry,
)
from ..paths import AppPaths
from ..periods import parse_period
from ..scoring import ScoreResult, score, task_points
from ..snapshot import build_snapshot, snapshot_digest
from ..template import Template, parse_template
from ..timeutil import now_iso
from .blobs import BlobStore
from .database import open_database
from .evidence_ops import EvidenceMixin
from .migrations import branch_migrations
from .rows import (
    answer_from_row,
    assessment_from_row,
    change_from_row,
    profile_from_row,
)
from .sqlite_store import SqliteStore, os_user
from .standards import Standards
from .validation import ANSWER_FIELDS, clean_answer_fields, clean_profile


class Store(EvidenceMixin, SqliteStore):
    """Open with ``Store(paths)`` or ``Store.open(home)``; close with :meth:`close`.

    Every method that writes runs in one transaction and returns a
    :class:`~dzdesk.models.Change`, an entity, or raises a
    :class:`~dzdesk.errors.DzdeskError` having written nothing.
    """

    def __init__(self, paths: AppPaths, actor: str | None = None) -> None:
        self.paths = paths
        self.db = open_database(paths.branch_db, branch_migrations, paths.backup_dir)
        self.blobs = BlobStore(paths.evidence_dir)
        self.blobs.sweep_stale()
        self.actor = actor or os_user()
        self.db_file = paths.branch_db
        self._lock = threading.RLock()
        self._templates: dict[str, Template] = {}
        self.standards = Standards(self)
        from .meetings import MeetingRepository  # record repositories, composed (not mixed in)
        from .members import MemberRepository

        self.members = MemberRepository(self)  # 党员名册
        self.meetings = MeetingRepository(self)  # 组织生活台账

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group several edits into one transaction: all are saved, or none."""
        with self._write():
            yield

    def _log(self, assessment_id: int | None, task_key: str, field: str, old: Any, new: Any) -> None:
        def text(value: Any) -> str | None:
            return None if value is None else str(value)

        self.db.execute(
            "INSERT INTO change_log (at, actor, assessment_id, task_key, field, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [now_iso(), self.actor, assessment_id, task_key, field, text(old), text(new)],
        )

    # -- profile ---------------------------------------------------------------
    def profile(self) -> BranchProfile | None:
        rows = list(self.db.query("SELECT * FROM branch WHERE id = 1"))
        return profile_from_row(rows[0]) if rows else None

    def save_profile(self, profile: BranchProfile) -> Change:
        clean = clean_profile(profile)
        at = now_iso()
        with self._write():
            old = self.profile()
            values = {k: v for k, v in clean.__dict__.items()}
            for key, value in values.items():
                if old is None or getattr(old, key) != value:
                    self._log(None, "", f"branch.{key}", None if old is None else getattr(old, key), value)
            self.db["branch"].upsert({"id": 1, **values, "updated_at": at}, pk="id")
        return Change("profile", fields=tuple(values), saved_at=at)

    def require_profile(self) -> BranchProfile:
        profile = self.profile()
        if profile is None:
            raise NotFoundError(
                "尚未建立党支部信息，请先运行 dzdesk init 或在程序中完成首次设置。",
                "No branch profile yet; run 'dzdesk init' first.",
            )
        return profile

    # -- templates -------------------------------------------------------------
    def _remember_template(self, template: Template) -> None:
        self.db["templates"].insert(
            {"hash": template.hash, "id": template.id, "version": template.version, "json": json.dumps(template.raw, ensure_ascii=False)},
            pk="hash",
            ignore=True,
        )

    def template_by_hash(self, template_hash: str) -> Template | None:
        """A template this store holds (answered against, or carried by an imported profile)."""
        cached = self._templates.get(template_hash)
        if cached is None:
            row = next(iter(self.db.query("SELECT json FROM templates WHERE hash = ?", [template_hash])), None)
            if row is None:
                return None
            cached = self._templates[template_hash] = parse_template(json.loads(row["json"]))
        return cached

    def template_for(self, assessment: Assessment) -> Template:
        cached = self._templates.get(assessment.template_hash)
        if cached is None:
            row = self.db["templates"].get(assessment.template_hash)
            cached = self._templates[assessment.template_hash] = parse_template(json.loads(row["json"]))
        return cached

    # -- assessments -----------------------------------------------------------
    def assessments(self) -> list[Assessment]:
        rows = self.db.query("SELECT * FROM assessments ORDER BY period, revision")
        return [assessment_from_row(r) for r in rows]

    def periods(self) -> list[str]:
        return sorted({a.period for a in self.assessments()}, key=parse_period)

    def current(self, period: str) -> Assessment | None:
        code = parse_period(period).code
        rows = list(
            self.db.query("SELECT * FROM assessments WHERE period = ? ORDER BY revision DESC LIMIT 1", [code])
        )
        return assessment_from_row(rows[0]) if rows else None

    def require(self, period: str) -> Assessment:
        assessment = self.current(period)
        if assessment is None:
            raise NotFoundError(f"没有 {parse_period(period).code} 期间的自评记录。", f"No assessment for period {period}.")
        return assessment

    def revision(self, period: str, revision: int) -> Assessment:
        row = list(self.db.query("SELECT * FROM assessments WHERE period = ? AND revision = ?", [parse_period(period).code, revision]))
        if not row:
            raise NotFoundError(f"没有 {period} 第{revision}版自评记录。", f"No revision {revision} for {period}.")
        return assessment_from_row(row[0])

    def create_assessment(
        self, period: str, template: Template | None = None, copy_from: str | None = None
    ) -> Assessment:
        """Start a period's self-check, optionally copying answers and evidence forward."""
        code = parse_period(period).code
        if self.current(code) is not None:
            raise ValidationError(f"{code} 期间的自评已经存在。", f"Period {code} already exists.")
        source = self.require(copy_from) if copy_from else None
        template = template or self.standards.choose_template(self.require_profile().kind).template
        with self._write():
            assessment = self._insert_assessment(code, 1, template)
            if source:
                self._copy_contents(source, assessment, keep_status=False)
            self._log(assessment.id, "", "assessment.created", None, f"{code} r1" + (f" from {source.period}" if source else ""))
        return assessment

    def ensure_assessment(self, period: str) -> Assessment:
        return self.current(period) or self.create_assessment(period)

    def _insert_assessment(self, code: str, revision: int, template: Template) -> Assessment:
        self._remember_template(template)
        row_id = self.db["assessments"].insert(
            {
                "period": code,
                "revision": revision,
                "status": ASSESSMENT_DRAFT,
                "template_id": template.id,
                "template_version": template.version,
                "template_hash": template.hash,
                "created_at": now_iso(),
            }
        ).last_pk
        return assessment_from_row(self.db["assessments"].get(row_id))

    def _copy_contents(self, source: Assessment, target: Assessment, keep_status: bool) -> None:
        """Answers and evidence of ``source`` into ``target``: only tasks the target's template has (a new
        checklist keeps the answers of the tasks with the same key)."""
        columns = "status, self_score, " if keep_status else ""
        keys = json.dumps(list(self.template_for(target).task_keys))
        self.db.execute(
            f"""INSERT INTO answers (assessment_id, task_key, {columns}narrative, problem, measures, owner, deadline, updated_at)
                SELECT ?, task_key, {columns}narrative, problem, measures, owner, deadline, ? FROM answers
                WHERE assessment_id = ? AND task_key IN (SELECT value FROM json_each(?))""",
            [target.id, now_iso(), source.id, keys],
        )
        self.db.execute(
            """INSERT INTO evidence (assessment_id, task_key, sha256, original_name, size, caption, added_at, position)
               SELECT ?, task_key, sha256, original_name, size, caption, added_at, position
               FROM evidence WHERE assessment_id = ? AND removed = 0 AND task_key IN (SELECT value FROM json_each(?))
               ORDER BY id""",
            [target.id, source.id, keys],
        )

    def editable(self, period: str) -> Assessment:
        """The current revision of ``period``, or a clear error if it is finalized."""
        return self._editable(period)

    def _editable(self, period: str) -> Assessment:
        assessment = self.require(period)
        if assessment.is_finalized:
            raise LockedError(
                f"{assessment.period} 的自评已定稿，不能再修改；如需修改请先“重新打开”，系统会生成新的版本。",
                f"Assessment {assessment.period} is finalized; reopen it to edit.",
            )
        return assessment

    # -- answers ---------------------------------------------------------------
    def answers(self, assessment: Assessment) -> dict[str, Answer]:
        rows = self.db.query("SELECT * FROM answers WHERE assessment_id = ?", [assessment.id])
        return {r["task_key"]: answer_from_row(r) for r in rows}

    def answer(self, assessment: Assessment, task_key: str) -> Answer:
        return self.answers(assessment).get(task_key) or Answer(task_key=task_key)

    def set_answer(self, period: str, task_key: str, **fields: Any) -> Change:
        """Change some of an answer's fields (status, narrative, problem, measures, owner, deadline)."""
        with self._lock:
            assessment = self._editable(period)
            template = self.template_for(assessment)
            if task_key not in template.task_keys:
                raise ValidationError(f"没有编号为“{task_key}”的重点任务。", f"Unknown task key '{task_key}'.")
            clean = clean_answer_fields(fields)
            at = now_iso()
            with self._write():
                rows = list(self.db.query("SELECT * FROM answers WHERE assessment_id = ? AND task_key = ?", [assessment.id, task_key]))
                old = rows[0] if rows else {f: ("" if f != "status" else None) for f in ANSWER_FIELDS}
                changed = {k: v for k, v in clean.items() if old[k] != v}
                if not changed:
                    return Change("answer", assessment.period, task_key, (), at)
                for key, value in changed.items():
                    self._log(assessment.id, task_key, key, old[key], value)
                merged = {**{f: old[f] for f in ANSWER_FIELDS}, **changed}
                answer = Answer(task_key=task_key, status=merged["status"])
                self.db["answers"].upsert(
                    {
                        "assessment_id": assessment.id,
                        "task_key": task_key,
                        **merged,
                        "self_score": task_points(template, answer),
                        "updated_at": at,
                    },
                    pk=("assessment_id", "task_key"),
                )
            return Change("answer", assessment.period, task_key, tuple(changed), at)

    # -- scoring, finalizing ---------------------------------------------------
    def score(self, period: str, assessment: Assessment | None = None) -> ScoreResult:
        assessment = assessment or self.require(period)
        profile = self.require_profile()
        return score(self.template_for(assessment), self.answers(assessment), profile.full_members)

    def finalize_check(self, period: str) -> FinalizeCheck:
        assessment = self.require(period)
        return check_finalize(self.template_for(assessment), self.answers(assessment), self.evidence(assessment))

    def snapshot(self, assessment: Assessment) -> dict[str, Any]:
        return build_snapshot(
            self.require_profile(), self.template_for(assessment), assessment, self.answers(assessment), self.evidence(assessment)
        )

    def finalize(self, period: str) -> Assessment:
        with self._lock:
            assessment = self._editable(period)
            check = self.finalize_check(period)
            if not check.ok:
                first = check.blockers[0]
                more = f"等 {len(check.blockers)} 处问题" if len(check.blockers) > 1 else ""
                raise ValidationError(
                    f"还不能定稿：{first.message}{more}",
                    f"Cannot finalize: {first.message_en}" + (f" (+{len(check.blockers) - 1} more)" if more else ""),
                )
            at = now_iso()
            with self._write():
                self.db.execute(
                    "UPDATE assessments SET status = ?, finalized_at = ? WHERE id = ?", [ASSESSMENT_FINALIZED, at, assessment.id]
                )
                final = assessment_from_row(self.db["assessments"].get(assessment.id))
                digest = snapshot_digest(self.snapshot(final))
                self.db.execute("UPDATE assessments SET snapshot_digest = ? WHERE id = ?", [digest, assessment.id])
                self._log(assessment.id, "", "assessment.finalized", None, digest)
            return assessment_from_row(self.db["assessments"].get(assessment.id))

    def reopen(self, period: str) -> Assessment:
        """Make a new editable revision from a finalized one; the finalized one is kept as it was."""
        with self._lock:
            current = self.require(period)
            if not current.is_finalized:
                raise ValidationError(f"{current.period} 的自评尚未定稿，无需重新打开。", "Assessment is not finalized.")
            with self._write():
                new = self._insert_assessment(current.period, current.revision + 1, self.template_for(current))
                self._copy_contents(current, new, keep_status=True)
                self._log(new.id, "", "assessment.reopened", f"r{current.revision}", f"r{new.revision}")
            return new

    def changes(self, assessment: Assessment | None = None) -> list[ChangeEntry]:
        if assessment is None:
            rows = self.db.query("SELECT * FROM change_log ORDER BY id")
        else:
            rows = self.db.query("SELECT * FROM change_log WHERE assessment_id = ? ORDER BY id", [assessment.id])
        return [change_from_row(r) for r in rows]

