"""The assessment bundle (.dzb) as a kind of signed file: its members, its manifest header, the branch.

The container (container.py) checks any kind; this module says what an
assessment bundle's manifest holds beyond the common fields (the branch
profile, template, period, revision, snapshot digest) and which members it
lists. Its content (assessment.json, changes.json) is checked in contents.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import ValidationError
from ..models import KIND_LABELS, BranchProfile
from ..textrules import MAX_NAME, check_name
from .format import (
    ASSESSMENT,
    CHANGES,
    EVIDENCE_DIR,
    FIXED_MEMBERS,
    MANIFEST,
    MAX_PARTY_MEMBERS,
    MAX_REVISION,
    PERIOD_RE,
    ROLE_ASSESSMENT,
    ROLE_CHANGES,
    ROLE_EVIDENCE,
    ROLE_REPORT,
)
from .kinds import KIND_ASSESSMENT, KindSpec
from .manifest import field, int_field, sha_field, shape_error
from .scorecheck import parse_assessment
from .types import BundleError

BRANCH_TEXT_FIELDS = ("name", "kind", "committee", "secretary", "founded")
BRANCH_INT_FIELDS = ("full_members", "probationary_members")
BRANCH_NAME_FIELDS = {"name": "党支部名称", "committee": "上级党组织", "secretary": "党支部书记"}


def branch_profile(obj: Any, member: str, where: str = "branch.") -> BranchProfile:
    """The branch profile, checked with the rules the branch side applies when it is typed
    (textrules.check_name): a signed file cannot carry a name nobody could have entered."""
    values: dict[str, Any] = {}
    for key in BRANCH_TEXT_FIELDS:
        values[key] = field(obj, key, str, member, where)
    for key, label in BRANCH_NAME_FIELDS.items():
        try:
            clean = check_name(values[key], label, limit=MAX_NAME)
        except ValidationError as exc:
            raise shape_error(member, f"字段“{where}{key}”不符合要求：{exc.zh.rstrip('。')}", f"field '{where}{key}': {exc.en.rstrip('.')}") from None
        if clean != values[key]:
            raise shape_error(member, f"字段“{where}{key}”首尾有空白", f"field '{where}{key}' has surrounding white space")
    if values["kind"] not in KIND_LABELS:
        raise shape_error(member, f"字段“{where}kind”不是有效的党支部类型", f"field '{where}kind' is not a known kind")
    if values["founded"] and not _iso_date(values["founded"]):
        raise shape_error(member, f"字段“{where}founded”不是 YYYY-MM-DD 日期", f"field '{where}founded' is not a YYYY-MM-DD date")
    for key in BRANCH_INT_FIELDS:
        values[key] = int_field(obj, key, member, where, 0, MAX_PARTY_MEMBERS)
    return BranchProfile(**values)


def _iso_date(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def check_header(raw: dict[str, Any]) -> BranchProfile:
    """The assessment bundle's own manifest fields; returns the branch profile."""
    field(raw, "finalized_at", str, MANIFEST)
    branch = branch_profile(field(raw, "branch", dict, MANIFEST), MANIFEST)
    template = field(raw, "template", dict, MANIFEST)
    for key in ("id", "version", "hash"):
        field(template, key, str, MANIFEST, "template.")
    if not PERIOD_RE.fullmatch(field(raw, "period", str, MANIFEST)):
        raise shape_error(MANIFEST, "期间不是“2026Q4”这样的形式", "period is not like '2026Q4'")
    int_field(raw, "revision", MANIFEST, "", 1, MAX_REVISION)
    sha_field(raw, "snapshot_digest", MANIFEST)
    return branch


def evidence_names(data: bytes) -> tuple[dict[str, str], Any]:
    """assessment.json parsed once (scorecheck.parse_assessment: (document, carried template)), and, best
    effort, for messages only: evidence sha256 -> the file name the branch gave it."""
    try:
        parsed = parse_assessment(data)
    except BundleError:
        return {}, None
    try:
        items = parsed[0]["snapshot"]["evidence"]
        return {e["sha256"]: e["name"] for e in items if isinstance(e["sha256"], str) and isinstance(e["name"], str)}, parsed
    except (KeyError, TypeError, AttributeError):
        return {}, parsed


ASSESSMENT_KIND = KindSpec(
    name=KIND_ASSESSMENT,
    fixed={role: FIXED_MEMBERS[role] for role in (ROLE_ASSESSMENT, ROLE_CHANGES, ROLE_REPORT)},
    addressed={ROLE_EVIDENCE: EVIDENCE_DIR},
    required=(ROLE_ASSESSMENT, ROLE_CHANGES),
    json_members=(ASSESSMENT, CHANGES),
    pdf_roles={ROLE_REPORT: "自评报告"},
    first=ASSESSMENT,
    check_header=check_header,
    names_from=evidence_names,
)
