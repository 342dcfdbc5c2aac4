"""assessment.json and changes.json: what the writer puts in, what the verifier accepts.

assessment.json carries the snapshot (the exact object whose digest the
manifest and the paper report carry) and the branch's score; the verifier
re-computes the digest and, when it knows the template, the score as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ..canonical import canonical_bytes
from ..models import Answer, ChangeEntry, Rectification
from ..scoring import ScoreResult, score
from ..snapshot import SNAPSHOT_FORMAT, SNAPSHOT_VERSION, snapshot_digest
from ..template import STATUSES, builtin_template
from .format import ASSESSMENT, ASSESSMENT_FORMAT, CHANGES, CHANGES_FORMAT, printable
from .manifest import Manifest, branch_profile, check_format, field, sha_field, shape_error
from .types import BundleError

CONTENT_VERSION = 1
RECTIFICATION_FIELDS = ("problem", "measures", "owner", "deadline")
SCORE_FACTS = ("total", "earned", "possible", "grade", "band_grade", "flags", "counts", "answered", "task_count")


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


def assessment_document(snapshot: dict[str, Any], result: ScoreResult) -> dict[str, Any]:
    return {
        "format": ASSESSMENT_FORMAT,
        "format_version": CONTENT_VERSION,
        "snapshot": snapshot,
        "score": score_document(result),
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


def check_assessment(doc: Any, manifest: Manifest) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (snapshot, score) after checking both against the signed manifest."""
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
    _check_answers(field(snapshot, "answers", list, ASSESSMENT, "snapshot."))
    _check_evidence(field(snapshot, "evidence", list, ASSESSMENT, "snapshot."), manifest)
    result = field(doc, "score", dict, ASSESSMENT)
    _check_score(result, snapshot, manifest)
    return snapshot, result


def _disagrees(key: str) -> BundleError:
    return BundleError(
        f"自评数据中的“{key}”与清单不一致，不能采信。", f"assessment.json disagrees with the manifest on '{key}'."
    )


def _check_answers(rows: list[Any]) -> None:
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
    used: set[str] = set()
    for i, row in enumerate(rows):
        where = f"snapshot.evidence[{i}]."
        sha = sha_field(row, "sha256", ASSESSMENT, where)
        name = printable(field(row, "name", str, ASSESSMENT, where))
        size = field(row, "size", int, ASSESSMENT, where)
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


def _check_score(result: dict[str, Any], snapshot: dict[str, Any], manifest: Manifest) -> None:
    total = field(result, "total", (int, float), ASSESSMENT, "score.")
    grade = field(result, "grade", str, ASSESSMENT, "score.")
    flags = field(result, "flags", list, ASSESSMENT, "score.")
    if not all(isinstance(f, str) for f in flags):
        raise shape_error(ASSESSMENT, "“score.flags”应为文字列表", "'score.flags' must be a list of strings")
    template = builtin_template()
    if snapshot["template"] != {"id": template.id, "version": template.version, "hash": template.hash}:
        return  # a committee-supplied template this build does not carry: the signature vouches for the score
    answers = {}
    for row in snapshot["answers"]:
        if row["task_key"] not in template.task_keys:
            key = printable(row["task_key"], 20)
            raise shape_error(ASSESSMENT, f"任务“{key}”不在模板中", f"task '{key}' is not in the template")
        rect = Rectification(**{k: row["rectification"][k] for k in RECTIFICATION_FIELDS})
        answers[row["task_key"]] = Answer(task_key=row["task_key"], status=row["status"], rectification=rect)
    expected = score(template, answers, manifest.branch.full_members)
    if _numbers(score_document(expected)) != _numbers(result):
        raise BundleError(
            f"自评数据中的得分（{total:g}，{grade}级）与答案计算结果（{expected.total:g}，{expected.grade}级）不符。",
            f"The stated score ({total:g}, {grade}) does not match the answers ({expected.total:g}, {expected.grade}).",
        )


def _numbers(result: dict[str, Any]) -> bytes:
    """The parts of a score that follow from template and answers alone (not the wording of reasons,
    which a later dzdesk may phrase differently), in canonical form."""
    areas = result.get("areas")
    return canonical_bytes({
        **{k: result.get(k) for k in SCORE_FACTS},
        "areas": [
            {k: a.get(k) for k in ("key", "earned", "possible", "max_points")} if isinstance(a, dict) else a
            for a in (areas if isinstance(areas, list) else [areas])
        ],
    })


def check_changes(doc: Any) -> list[dict[str, Any]]:
    check_format(doc, CHANGES, CHANGES_FORMAT, CONTENT_VERSION)
    rows = field(doc, "changes", list, CHANGES)
    for i, row in enumerate(rows):
        where = f"changes[{i}]."
        field(row, "revision", int, CHANGES, where)
        for key in ("at", "actor", "task_key", "field"):
            field(row, key, str, CHANGES, where)
        for key in ("old", "new"):
            field(row, key, (str, type(None)), CHANGES, where)
    return rows
