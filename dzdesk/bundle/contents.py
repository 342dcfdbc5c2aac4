"""assessment.json and changes.json: what the writer puts in, what the verifier accepts.

assessment.json carries the snapshot (the exact object whose digest the
manifest and the paper report carry) and the branch's score; the verifier
re-computes the digest and, when it knows the template, the score as well.

A committee imports hundreds of bundles at once, so each shape check has two
halves: a straight-line test that accepts a well-formed document without
building messages, and the detailed walk (``_explain_*``) that runs only when
the quick test fails and names the first problem. The quick test never
accepts anything the detailed walk would refuse (tests/bundle/test_bundle_contents.py
checks both against each other), so every refusal keeps its message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ..models import ChangeEntry
from ..scoring import ScoreResult
from ..snapshot import SNAPSHOT_FORMAT, SNAPSHOT_VERSION, snapshot_digest
from ..template import STATUSES, Template
from .assessment_kind import branch_profile
from .format import (
    ASSESSMENT,
    ASSESSMENT_FORMAT,
    CHANGES,
    CHANGES_FORMAT,
    MAX_ENTRY_BYTES,
    MAX_REVISION,
    SHA256_RE,
    printable,
)
from .manifest import (
    ABSENT,
    Entry,
    Manifest,
    check_format,
    field,
    int_field,
    sha_field,
    shape_error,
)
from .scorecheck import (
    TEMPLATE_FIELD,
    Carried,
    Scored,
    TemplateLookup,
    check_score,
    check_stated,
    check_tasks,
    find_template,
)
from .types import BundleError

CONTENT_VERSION = 1
RECTIFICATION_FIELDS = ("problem", "measures", "owner", "deadline")


def score_document(result: ScoreResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "earned": result.earned,
        "possible": result.possible,
        "grade": result.grade,
        "grade_label": result.grade_label,
        "band_grade": result.band_grade,
        "reasons": list(result.reasons),
        "flags": list(result.flags),
        "counts": dict(result.counts),
        "answered": result.answered,
        "task_count": result.task_count,
        "areas": [asdict(a) | {"percent": a.percent} for a in result.areas],
    }


def assessment_document(snapshot: dict[str, Any], result: ScoreResult, template: Template) -> dict[str, Any]:
    """assessment.json: the snapshot, the branch's score, and the template itself, so the committee can
    recompute the score even from a template it was never given (see scorecheck.py)."""
    return {
        "format": ASSESSMENT_FORMAT,
        "format_version": CONTENT_VERSION,
        "snapshot": snapshot,
        "score": score_document(result),
        TEMPLATE_FIELD: template.raw,
    }


def changes_document(rows: Sequence[tuple[int, ChangeEntry]]) -> dict[str, Any]:
    """The change log of every revision of the period up to the exported one."""
    return {
        "format": CHANGES_FORMAT,
        "format_version": CONTENT_VERSION,
        "changes": [
            {"revision": revision, "at": c.at, "actor": c.actor, "task_key": c.task_key,
             "field": c.field, "old": c.old, "new": c.new}
            for revision, c in rows
        ],
    }


def check_assessment(
    doc: Any, manifest: Manifest, known: TemplateLookup | None = None, carried: Carried | None = None
) -> tuple[dict[str, Any], dict[str, Any], Scored]:
    """Return (snapshot, stated score, the verifier's own scoring) after checking them against the
    signed manifest and, where the template can be had, against the template."""
    check_format(doc, ASSESSMENT, ASSESSMENT_FORMAT, CONTENT_VERSION)
    snapshot = field(doc, "snapshot", dict, ASSESSMENT)
    try:
        digest = snapshot_digest(snapshot)
    except (ValueError, TypeError, RecursionError):
        raise shape_error(ASSESSMENT, "快照无法计算摘要", "the snapshot cannot be digested") from None
    raw = manifest.raw
    if digest != raw["snapshot_digest"]:
        raise BundleError(
            "自评数据的快照摘要与清单不符，文件内容可能被改动过，不能采信。",
            "The snapshot's digest differs from the manifest's; the content may have been altered.",
        )
    check_format({"format": snapshot.get("format"), "format_version": snapshot.get("format_version")},
                 f"{ASSESSMENT} snapshot", SNAPSHOT_FORMAT, SNAPSHOT_VERSION)
    for key in ("period", "revision", "template"):
        if snapshot.get(key) != raw[key]:
            raise _disagrees(key)
    if branch_profile(field(snapshot, "branch", dict, ASSESSMENT, "snapshot."), ASSESSMENT, "snapshot.branch.") != manifest.branch:
        raise _disagrees("branch")
    answers = field(snapshot, "answers", list, ASSESSMENT, "snapshot.")
    _check_answers(answers)
    evidence = field(snapshot, "evidence", list, ASSESSMENT, "snapshot.")
    _check_evidence(evidence, manifest)
    result = field(doc, "score", dict, ASSESSMENT)
    template, source = find_template(doc, snapshot["template"], known, carried)
    if template is None:
        check_stated(result)
        return snapshot, result, Scored(None, "", None)
    check_tasks(template, answers, evidence)
    return snapshot, result, Scored(template, source, check_score(result, snapshot, manifest, template))


def _disagrees(key: str) -> BundleError:
    return BundleError(
        f"自评数据中的“{key}”与清单不一致，不能采信。", f"assessment.json disagrees with the manifest on '{key}'."
    )


def _check_answers(rows: list[Any]) -> None:
    if not _answers_ok(rows):
        _explain_answers(rows)
    keys = [row["task_key"] for row in rows]
    if len(set(keys)) != len(keys):  # even identical duplicates: one answer per task, or the score is ambiguous
        seen: set[str] = set()
        duplicate = next(k for k in keys if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        shown = printable(duplicate, 20)
        raise shape_error(ASSESSMENT, f"任务“{shown}”的答案出现了不止一次", f"task '{shown}' is answered more than once")


def _answers_ok(rows: list[Any]) -> bool:
    for row in rows:
        if type(row) is not dict:
            return False
        status = row.get("status", ABSENT)
        rect = row.get("rectification")
        if (
            type(row.get("task_key")) is not str
            or status is not None and (type(status) is not str or status not in STATUSES)
            or type(row.get("narrative")) is not str
            or type(rect) is not dict
        ):
            return False
        for key in RECTIFICATION_FIELDS:
            if type(rect.get(key)) is not str:
                return False
    return True


def _explain_answers(rows: list[Any]) -> None:
    """Raise naming the first malformed answer (the quick test found one)."""
    for i, row in enumerate(rows):
        where = f"snapshot.answers[{i}]."
        field(row, "task_key", str, ASSESSMENT, where)
        status = field(row, "status", (str, type(None)), ASSESSMENT, where)
        if status is not None and status not in STATUSES:
            raise shape_error(ASSESSMENT, f"“{where}status”不是有效状态", f"'{where}status' is not a valid status")
        field(row, "narrative", str, ASSESSMENT, where)
        rect = field(row, "rectification", dict, ASSESSMENT, where)
        for key in RECTIFICATION_FIELDS:
            field(rect, key, str, ASSESSMENT, f"{where}rectification.")


def _check_evidence(rows: list[Any], manifest: Manifest) -> None:
    """Every evidence item has its file in the bundle, and every evidence file is referenced."""
    entries = {e.sha256: e for e in manifest.entries if e.role == "evidence"}
    if not _evidence_ok(rows, entries):
        _explain_evidence(rows, entries)


def _evidence_ok(rows: list[Any], entries: dict[str, Entry]) -> bool:
    used = set()
    for row in rows:
        if type(row) is not dict:
            return False
        sha, size = row.get("sha256"), row.get("size")
        entry = entries.get(sha) if type(sha) is str else None
        if (
            entry is None
            or type(size) is not int
            or entry.size != size
            or not SHA256_RE.fullmatch(sha)
            or type(row.get("name")) is not str
            or type(row.get("task_key")) is not str
            or type(row.get("caption")) is not str
        ):
            return False
        used.add(sha)
    return len(used) == len(entries)


def _explain_evidence(rows: list[Any], entries: dict[str, Entry]) -> None:
    """Raise naming the first problem: a malformed item, a missing or wrong-sized file, an unreferenced file."""
    used: set[str] = set()
    for i, row in enumerate(rows):
        where = f"snapshot.evidence[{i}]."
        sha = sha_field(row, "sha256", ASSESSMENT, where)
        name = printable(field(row, "name", str, ASSESSMENT, where))
        size = int_field(row, "size", ASSESSMENT, where, 0, MAX_ENTRY_BYTES)
        field(row, "task_key", str, ASSESSMENT, where)
        field(row, "caption", str, ASSESSMENT, where)
        entry = entries.get(sha)
        if entry is None:
            raise BundleError(
                f"上报文件缺少佐证材料“{name}”的文件。", f"The file for evidence '{name}' is missing from the bundle."
            )
        if entry.size != size:
            raise BundleError(f"佐证材料“{name}”的大小与清单不符。", f"Evidence '{name}' has the wrong size.")
        used.add(sha)
    unused = sorted(set(entries) - used)
    if unused:
        raise BundleError(
            f"上报文件含有自评数据未提及的佐证文件“evidence/{unused[0]}”。",
            f"Evidence file 'evidence/{unused[0]}' is not referenced by the assessment.",
        )


def check_changes(doc: Any) -> list[dict[str, Any]]:
    check_format(doc, CHANGES, CHANGES_FORMAT, CONTENT_VERSION)
    rows = field(doc, "changes", list, CHANGES)
    if not _changes_ok(rows):
        _explain_changes(rows)
    return rows


def _changes_ok(rows: list[Any]) -> bool:
    for row in rows:
        if type(row) is not dict:
            return False
        old, new = row.get("old", ABSENT), row.get("new", ABSENT)
        if (
            type(row.get("revision")) is not int
            or not 1 <= row["revision"] <= MAX_REVISION
            or type(row.get("at")) is not str
            or type(row.get("actor")) is not str
            or type(row.get("task_key")) is not str
            or type(row.get("field")) is not str
            or old is not None and type(old) is not str
            or new is not None and type(new) is not str
        ):
            return False
    return True


def _explain_changes(rows: list[Any]) -> None:
    """Raise naming the first malformed change (the quick test found one)."""
    for i, row in enumerate(rows):
        where = f"changes[{i}]."
        int_field(row, "revision", CHANGES, where, 1, MAX_REVISION)
        for key in ("at", "actor", "task_key", "field"):
            field(row, key, str, CHANGES, where)
        for key in ("old", "new"):
            field(row, key, (str, type(None)), CHANGES, where)
