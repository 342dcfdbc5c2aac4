"""The score of a bundle, recomputed from its answers and its template: never taken on trust.

A bundle's ``assessment.json`` states the branch's own score. The verifier
scores the answers itself, with the template the snapshot names, and refuses
a bundle whose stated score differs. The template is found, by its hash:

1. in the bundle itself (``assessment.json`` field ``template``, the
   template document whose canonical SHA-256 is the snapshot's
   ``template.hash``), written by every dzdesk since format 1.1;
2. among the templates the verifier holds: every built-in version, and the
   templates a caller passes (a committee passes the ones it issued).

A bundle whose template cannot be had is still authentic and intact, but its
score cannot be checked: :class:`Scored` says so (``result`` is None), ``dzdesk
verify`` prints it, and a committee holds the bundle as "模板未知，无法核分".
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from ..canonical import canonical_bytes, sha256_hex
from ..errors import ValidationError
from ..resources import resource_path
from ..scoring import ScoreResult, score
from ..template import GRADES, Template, check_limits, load_template, parse_template
from .format import ASSESSMENT, MAX_SCORE, printable
from .manifest import ABSENT, Manifest, field, parse_json, shape_error
from .types import BundleError

TEMPLATE_FIELD = "template"
SCORED_BY_BUNDLE = "bundle"  # the template travelled in the bundle
SCORED_BY_KNOWN = "known"  # the verifier holds the template (built in, or issued by the committee)
SCORE_FACTS = ("total", "earned", "possible", "grade", "band_grade", "flags", "counts", "answered", "task_count")
AREA_FACTS = ("key", "earned", "possible", "max_points")
TemplateLookup = Mapping[str, Template]  # template hash -> template
_CARRIED_CACHE_SIZE = 64


class _Status(NamedTuple):
    """What ``scoring.score`` reads of an Answer (its ``status``), built far quicker than the frozen
    dataclass for the hundreds of answers an import re-scores."""

    status: str | None


@dataclass(frozen=True)
class Scored:
    """How the verifier scored a bundle: with which template, from where, and the result."""

    template: Template | None
    source: str  # SCORED_BY_BUNDLE, SCORED_BY_KNOWN, or "" when the template is unknown
    result: ScoreResult | None

    @property
    def verified(self) -> bool:
        return self.result is not None


@cache
def builtin_by_hash() -> dict[str, Template]:
    """Every template this build ships, each version by its hash (bundles name templates by hash)."""
    templates = (load_template(path) for path in sorted(resource_path("templates").glob("*.json")))
    return {t.hash: t for t in templates}


_carried: dict[str, Template] = {}
_carried_lock = threading.Lock()


def _parsed_carried(raw: dict[str, Any], digest: str) -> Template:
    """A carried template, parsed once per distinct hash (a folder of bundles carries the same one)."""
    with _carried_lock:
        cached = _carried.get(digest)
    if cached is not None:
        return cached
    try:
        template = parse_template(raw)
        check_limits(template)
    except ValidationError as exc:
        raise shape_error(ASSESSMENT, f"随附的检查模板有误（{exc.zh.rstrip('。')}）", f"the enclosed template: {exc.en.rstrip('.')}") from None
    with _carried_lock:
        if len(_carried) >= _CARRIED_CACHE_SIZE:
            _carried.clear()
        _carried[digest] = template
    return template


_TEMPLATE_MARKER = b',"template":'


@dataclass(frozen=True)
class Carried:
    """A carried template recognised from its bytes: their SHA-256, and the template parsed earlier."""

    digest: str
    template: Template


def parse_assessment(data: bytes) -> tuple[Any, Carried | None]:
    """assessment.json, parsed; a carried template seen before is recognised without parsing it again.

    In canonical form the template is the document's last member, written as its own canonical bytes:
    when those bytes hash to a template parsed earlier, the rest is parsed alone and that template is
    used. Sound because the cut ends at the document's final brace, so the bytes hashed are exactly the
    top-level ``template`` value (duplicate keys are refused), and because equal hashes are equal bytes.
    Anything else (not canonical, a template never seen) is parsed whole and checked the long way.
    """
    start = data.rfind(_TEMPLATE_MARKER)
    if start > 0 and data.endswith(b"}"):
        digest = hashlib.sha256(data[start + len(_TEMPLATE_MARKER) : -1]).hexdigest()
        with _carried_lock:
            template = _carried.get(digest)
        if template is not None:
            doc = parse_json(data[:start] + b"}", ASSESSMENT)
            if isinstance(doc, dict) and TEMPLATE_FIELD in doc:  # two "template" keys: as parse_json refuses them
                raise shape_error(ASSESSMENT, "不是有效的 JSON", "not valid JSON")
            return doc, Carried(digest, template)
    return parse_json(data, ASSESSMENT), None


def find_template(
    doc: dict[str, Any], named: dict[str, Any], known: TemplateLookup | None, carried: Carried | None = None
) -> tuple[Template | None, str]:
    """The template ``named`` ({id, version, hash}, as the snapshot names it) and where it came from."""
    if carried is not None:
        if carried.digest != named["hash"]:
            raise _not_the_named_template()
        return _same_identity(carried.template, named), SCORED_BY_BUNDLE
    raw = doc.get(TEMPLATE_FIELD, ABSENT)
    if raw is not ABSENT:
        if type(raw) is not dict:
            raise shape_error(ASSESSMENT, "字段“template”不是对象", "field 'template' is not an object")
        try:
            digest = sha256_hex(raw)
        except (ValueError, TypeError, RecursionError):
            raise shape_error(ASSESSMENT, "随附的检查模板无法计算摘要", "the enclosed template cannot be digested") from None
        if digest != named["hash"]:
            raise _not_the_named_template()
        return _same_identity(_parsed_carried(raw, digest), named), SCORED_BY_BUNDLE
    template = builtin_by_hash().get(named["hash"]) or (known or {}).get(named["hash"])
    return (template, SCORED_BY_KNOWN) if template is not None else (None, "")


def _not_the_named_template() -> BundleError:
    return BundleError(
        "上报文件随附的检查模板与自评记录所用的模板不符（哈希值不同），不能采信。",
        "The enclosed template is not the one the assessment names (its hash differs).",
    )


def _same_identity(template: Template, named: dict[str, Any]) -> Template:
    if template.id != named["id"] or template.version != named["version"]:
        raise BundleError(
            "上报文件随附的检查模板的编号或版本与自评记录不符，不能采信。",
            "The enclosed template's id or version differs from the assessment's.",
        )
    return template


def check_tasks(template: Template, answers: list[dict[str, Any]], evidence: list[dict[str, Any]]) -> None:
    """Exactly one answer per template task (duplicates are refused before), evidence only on its tasks."""
    keys = template.task_keys
    task_set = set(keys)
    given = [row["task_key"] for row in answers]
    for key in given:
        if key not in task_set:
            shown = printable(key, 20)
            raise shape_error(ASSESSMENT, f"任务“{shown}”不在模板中", f"task '{shown}' is not in the template")
    if len(given) != len(keys):
        present = set(given)
        missing = next(k for k in keys if k not in present)
        raise shape_error(ASSESSMENT, f"缺少任务“{missing}”的答案", f"the answer to task '{missing}' is missing")
    for row in evidence:
        if row["task_key"] not in task_set:
            shown = printable(row["task_key"], 20)
            raise shape_error(ASSESSMENT, f"佐证材料所属的任务“{shown}”不在模板中", f"evidence is attached to task '{shown}', which is not in the template")


def check_stated(result: dict[str, Any]) -> tuple[float, str, list[str]]:
    """The stated score's displayed parts, in their documented ranges (also when it cannot be recomputed)."""
    total = field(result, "total", (int, float), ASSESSMENT, "score.")
    if not 0 <= total <= MAX_SCORE:
        raise shape_error(ASSESSMENT, f"“score.total”超出范围（应在 0 到 {MAX_SCORE} 之间）", f"'score.total' is not within 0..{MAX_SCORE}")
    grade = field(result, "grade", str, ASSESSMENT, "score.")
    if grade not in GRADES:
        raise shape_error(ASSESSMENT, "“score.grade”不是 A、B、C、D 之一", "'score.grade' is not one of A, B, C, D")
    flags = field(result, "flags", list, ASSESSMENT, "score.")
    if not all(isinstance(f, str) for f in flags):
        raise shape_error(ASSESSMENT, "“score.flags”应为文字列表", "'score.flags' must be a list of strings")
    return float(total), grade, flags


def check_score(result: dict[str, Any], snapshot: dict[str, Any], manifest: Manifest, template: Template) -> ScoreResult:
    """Recompute the score; refuse a bundle whose stated one differs in anything that follows from the answers."""
    total, grade, _flags = check_stated(result)
    answers = {row["task_key"]: _Status(row["status"]) for row in snapshot["answers"]}  # shapes checked before
    expected = score(template, answers, manifest.branch.full_members)  # type: ignore[arg-type]
    if _result_numbers(expected) != _numbers(result):
        raise BundleError(
            f"自评数据中的得分（{total:g}，{grade}级）与答案计算结果（{expected.total:g}，{expected.grade}级）不符。",
            f"The stated score ({total:g}, {grade}) does not match the answers ({expected.total:g}, {expected.grade}).",
        )
    return expected


def _result_numbers(result: ScoreResult) -> bytes:
    """``_numbers(score_document(result))``, without the dataclass walk of ``asdict``."""
    return canonical_bytes({
        "total": result.total, "earned": result.earned, "possible": result.possible, "grade": result.grade,
        "band_grade": result.band_grade, "flags": list(result.flags), "counts": result.counts,
        "answered": result.answered, "task_count": result.task_count,
        "areas": [{"key": a.key, "earned": a.earned, "possible": a.possible, "max_points": a.max_points}
                  for a in result.areas],
    })


def _numbers(result: dict[str, Any]) -> bytes | None:
    """The parts of a score that follow from template and answers alone (not the wording of reasons,
    which a later dzdesk may phrase differently), in canonical form; None if they cannot be written so."""
    areas = result.get("areas")
    try:
        return canonical_bytes({
            **{k: result.get(k) for k in SCORE_FACTS},
            "areas": [
                {k: a.get(k) for k in AREA_FACTS} if isinstance(a, dict) else a
                for a in (areas if isinstance(areas, list) else [areas])
            ],
        })
    except (ValueError, TypeError, RecursionError):
        return None
