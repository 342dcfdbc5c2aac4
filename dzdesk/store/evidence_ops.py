"""Evidence operations of :class:`~dzdesk.store.Store`: add, list, remove/restore, caption."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LockedError, NotFoundError, ValidationError
from ..models import Assessment, Change, Evidence
from ..progress import NO_PROGRESS, Progress
from ..timeutil import now_iso
from .blobs import check_evidence_file
from .rows import assessment_from_row, evidence_from_row
from .validation import clean_caption

if TYPE_CHECKING:
    from .branch_store import Store


class EvidenceMixin:
    def evidence(self: Store, assessment: Assessment, task_key: str | None = None) -> list[Evidence]:
        sql = "SELECT * FROM evidence WHERE assessment_id = ? AND removed = 0"
        args: list[Any] = [assessment.id]
        if task_key is not None:
            sql += " AND task_key = ?"
            args.append(task_key)
        return [evidence_from_row(r) for r in self.db.query(sql + " ORDER BY position, id", args)]

    def evidence_file(self: Store, evidence: Evidence) -> Path:
        return self.blobs.path(evidence.sha256)

    def add_evidence(
        self, period: str, task_key: str, src: str | Path, caption: str = "", progress: Progress = NO_PROGRESS
    ) -> Evidence:
        src = Path(src)
        assessment = self._editable(period)
        if task_key not in self.template_for(assessment).task_keys:
            raise ValidationError(f"没有编号为“{task_key}”的重点任务。", f"Unknown task key '{task_key}'.")
        size = check_evidence_file(src)
        caption = clean_caption(caption)
        progress.start(size, f"正在复制 {src.name}")
        sha, size = self.blobs.put(src, progress)
        return self.add_stored_evidence(period, task_key, sha, size, src.name, caption)

    def add_stored_evidence(
        self: Store, period: str, task_key: str, sha: str, size: int, name: str, caption: str = ""
    ) -> Evidence:
        """Record a file :attr:`blobs` already holds (``put`` returned its SHA-256 and size) as evidence."""
        caption = clean_caption(caption)
        with self._write():
            assessment = self._editable(period)
            if task_key not in self.template_for(assessment).task_keys:
                raise ValidationError(f"没有编号为“{task_key}”的重点任务。", f"Unknown task key '{task_key}'.")
            existing = [e for e in self.evidence(assessment, task_key) if e.sha256 == sha]
            if existing:
                return existing[0]
            position = self.db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM evidence WHERE assessment_id = ? AND task_key = ?",
                [assessment.id, task_key],
            ).fetchone()[0]
            row_id = self.db["evidence"].insert(
                {
                    "assessment_id": assessment.id,
                    "task_key": task_key,
                    "sha256": sha,
                    "original_name": name,
                    "size": size,
                    "caption": caption,
                    "added_at": now_iso(),
                    "position": position,
                }
            ).last_pk
            self._log(assessment.id, task_key, "evidence.add", None, f"{name} {sha}")
        return evidence_from_row(self.db["evidence"].get(row_id))

    def _evidence_row(self: Store, evidence_id: int) -> tuple[dict[str, Any], Assessment]:
        rows = list(self.db.query("SELECT * FROM evidence WHERE id = ?", [evidence_id]))
        if not rows:
            raise NotFoundError("找不到该佐证材料。", f"No evidence with id {evidence_id}.")
        owner = assessment_from_row(self.db["assessments"].get(rows[0]["assessment_id"]))
        current = self._editable(owner.period)
        if current.id != owner.id:
            raise LockedError(
                f"该佐证材料属于 {owner.period} 的旧版本，不能修改。",
                "Evidence belongs to an older revision and cannot be changed.",
            )
        return rows[0], current

    def _set_removed(self: Store, evidence_id: int, removed: bool) -> Change:
        with self._lock:
            row, assessment = self._evidence_row(evidence_id)
            at = now_iso()
            with self._write():
                self.db.execute("UPDATE evidence SET removed = ? WHERE id = ?", [int(removed), evidence_id])
                field = "evidence.remove" if removed else "evidence.restore"
                self._log(assessment.id, row["task_key"], field, row["original_name"], row["sha256"])
            return Change("evidence", assessment.period, row["task_key"], (field,), at)

    def remove_evidence(self: Store, evidence_id: int) -> Change:
        """Take an evidence item off the list; the file is kept so :meth:`restore_evidence` can undo."""
        return self._set_removed(evidence_id, True)

    def restore_evidence(self: Store, evidence_id: int) -> Change:
        return self._set_removed(evidence_id, False)

    def set_evidence_caption(self: Store, evidence_id: int, caption: str) -> Change:
        caption = clean_caption(caption)
        with self._lock:
            row, assessment = self._evidence_row(evidence_id)
            at = now_iso()
            with self._write():
                if row["caption"] != caption:
                    self.db.execute("UPDATE evidence SET caption = ? WHERE id = ?", [caption, evidence_id])
                    self._log(assessment.id, row["task_key"], "evidence.caption", row["caption"], caption)
            return Change("evidence", assessment.period, row["task_key"], ("caption",), at)
