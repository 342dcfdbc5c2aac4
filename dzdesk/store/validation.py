"""Checks on values before they reach the database; each failure is one clear sentence."""

from __future__ import annotations

from typing import Any

from ..errors import ValidationError
from ..models import KIND_LABELS, BranchProfile
from ..template import STATUSES
from ..textrules import MAX_NAME, check_name
from ..timeutil import parse_date

ANSWER_FIELDS = ("status", "narrative", "problem", "measures", "owner", "deadline")
MAX_NARRATIVE = 20_000
MAX_SHORT = 2_000
_FIELD_ZH = {
    "narrative": "完成情况",
    "problem": "存在问题",
    "measures": "整改措施",
    "owner": "责任人",
    "deadline": "完成时限",
}


def _string(value: Any, label: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"“{label}”应为文字。", f"'{label}' must be text.")
    if "\x00" in value:
        raise ValidationError(f"“{label}”含有无效字符。", f"'{label}' contains a NUL character.")
    if len(value) > limit:
        raise ValidationError(
            f"“{label}”过长（{len(value)} 字），最多 {limit} 字。", f"'{label}' is longer than {limit} characters."
        )
    return value


def clean_answer_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(ANSWER_FIELDS))
    if unknown:
        raise ValidationError(f"无法识别的字段：{'、'.join(unknown)}。", f"Unknown answer fields: {', '.join(unknown)}.")
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "status":
            if value is not None and value not in STATUSES:
                raise ValidationError(
                    f"完成状态“{value}”无效，应为 done（已完成）、partial（部分完成）、undone（未完成）或 na（不适用）。",
                    f"Status '{value}' is invalid; use done, partial, undone or na.",
                )
            clean[key] = value
        elif key == "deadline":
            clean[key] = parse_date(_string(value, "完成时限", 20), "完成时限")
        else:
            limit = MAX_NARRATIVE if key == "narrative" else MAX_SHORT
            clean[key] = _string(value, _FIELD_ZH[key], limit)
    return clean


def clean_caption(caption: Any) -> str:
    return _string(caption, "说明", 500).strip()


def _count(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise ValidationError(f"“{label}”应为 0 到 100000 之间的整数。", f"'{label}' must be a whole number 0-100000.")
    return value


def clean_profile(profile: BranchProfile) -> BranchProfile:
    """The same rules the committee applies to a bundle's branch profile (dzdesk/textrules.py)."""

    def required(value: Any, label: str) -> str:
        return check_name("" if value is None else value, label, limit=MAX_NAME)

    if profile.kind not in KIND_LABELS:
        raise ValidationError(
            f"党支部类型“{profile.kind}”无效，应为 nonpublic（非公企业）、social（社会组织）或 organ（机关事业单位）。",
            f"Kind '{profile.kind}' is invalid; use nonpublic, social or organ.",
        )
    return BranchProfile(
        name=required(profile.name, "党支部名称"),
        kind=profile.kind,
        committee=required(profile.committee, "上级党组织"),
        secretary=required(profile.secretary, "党支部书记"),
        full_members=_count(profile.full_members, "正式党员人数"),
        probationary_members=_count(profile.probationary_members, "预备党员人数"),
        founded=parse_date(_string(profile.founded, "成立日期", 20), "成立日期"),
    )
