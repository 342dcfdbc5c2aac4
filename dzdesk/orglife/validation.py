"""Checks on members and meetings before they reach the database; each failure is one sentence."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date
from typing import Any

from ..errors import ValidationError
from .models import (
    ATTENDANCE_STATUSES,
    EXCUSED,
    FLAGS,
    FULL,
    PROBATIONARY,
    ROLES,
    AttendanceInput,
    MeetingInput,
    MemberInput,
)
from .policy import MeetingPolicy

MAX_NAME = 50
MAX_GROUP = 50
MAX_NOTE = 200
MAX_TOPIC = 200
MAX_LONG = 20_000
MAX_HOURS = 1000
# control characters, and invisible ones that make two names look alike or reorder text
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_CONTROL_KEEP_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_CATEGORY_ALIASES = {"正式党员": FULL, "正式": FULL, "预备党员": PROBATIONARY, "预备": PROBATIONARY}
_SEPARATORS = re.compile(r"[、，,/；;\s]+")


def line(value: Any, label: str, limit: int, *, required: bool = False) -> str:
    """One line of text: trimmed, no control or invisible characters, at most ``limit`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"“{label}”应为文字。", f"'{label}' must be text.")
    text = value.strip()
    if _INVISIBLE.search(text):
        raise ValidationError(
            f"“{label}”含有控制字符或不可见字符，请重新输入。",
            f"'{label}' contains control or invisible characters.",
        )
    if required and not text:
        raise ValidationError(f"请填写“{label}”。", f"'{label}' is required.")
    if len(text) > limit:
        raise ValidationError(
            f"“{label}”过长（{len(text)} 字），最多 {limit} 字。",
            f"'{label}' is longer than {limit} characters.",
        )
    return text


def long_text(value: Any, label: str, limit: int = MAX_LONG) -> str:
    """Several lines (minutes, resolutions): line breaks and tabs kept, other control characters refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"“{label}”应为文字。", f"'{label}' must be text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL_KEEP_LINES.search(text):
        raise ValidationError(
            f"“{label}”含有控制字符，请重新输入。", f"'{label}' contains control characters."
        )
    if len(text) > limit:
        raise ValidationError(
            f"“{label}”过长（{len(text)} 字），最多 {limit} 字。",
            f"'{label}' is longer than {limit} characters.",
        )
    return text


def day(value: Any, label: str, *, required: bool = False, earliest: int = 1921) -> str:
    """An ISO date (or empty unless ``required``) between ``earliest`` and 2100."""
    text = line(value, label, 20, required=required)
    if not text:
        return ""
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{label}“{text}”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-10-12。",
            f"'{text}' is not a valid date; use YYYY-MM-DD.",
        ) from None
    if not earliest <= parsed.year <= 2100:
        raise ValidationError(
            f"{label}“{text}”超出范围（{earliest}–2100 年）。", f"'{text}' is out of range."
        )
    return parsed.isoformat()


def category(value: Any) -> str:
    text = line(value, "类别", 10, required=True)
    if text not in _CATEGORY_ALIASES:
        raise ValidationError(
            f"类别“{text}”无效，应为“正式党员”或“预备党员”。", f"Category '{text}' is invalid."
        )
    return _CATEGORY_ALIASES[text]


def split_list(value: Any, label: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    """``("委员", "党小组长")`` from a tuple or from text like "委员、党小组长"; order as in ``choices``."""
    if isinstance(value, str):
        items = [x for x in _SEPARATORS.split(line(value, label, 100)) if x]
    else:
        items = [line(x, label, 20) for x in (value or ())]
    unknown = [x for x in items if x not in choices]
    if unknown:
        raise ValidationError(
            f"{label}“{unknown[0]}”无效，可选：{'、'.join(choices)}。",
            f"{label} '{unknown[0]}' is invalid.",
        )
    return tuple(c for c in choices if c in items)


def clean_member(member: MemberInput) -> MemberInput:
    name = line(member.name, "姓名", MAX_NAME, required=True)
    if any(c in name for c in "#:："):
        raise ValidationError(
            f"姓名“{name}”不能含有 # 或冒号。", f"Name '{name}' must not contain '#' or ':'."
        )
    clean = replace(
        member,
        name=name,
        category=category(member.category),
        party_group=line(member.party_group, "党小组", MAX_GROUP),
        joined_party=day(member.joined_party, "入党日期"),
        confirmed=day(member.confirmed, "转正日期"),
        roles=split_list(member.roles, "职务", ROLES),
        flags=split_list(member.flags, "标记", FLAGS),
        note=line(member.note, "备注", MAX_NOTE),
    )
    if clean.category == PROBATIONARY and clean.confirmed:
        raise ValidationError(
            f"{name} 是预备党员，不应填写转正日期；转正后请登记“预备转正”。",
            f"{name} is probationary and cannot have a confirmation date.",
        )
    if clean.joined_party and clean.confirmed and clean.confirmed < clean.joined_party:
        raise ValidationError(
            f"{name} 的转正日期早于入党日期。", f"{name}: confirmation date before joining date."
        )
    return clean


def clean_meeting(meeting: MeetingInput, policy: MeetingPolicy) -> MeetingInput:
    kind = policy.type(line(meeting.type, "会议类型", 20, required=True))
    hours = meeting.hours
    if kind.hours:
        if hours is not None and (
            isinstance(hours, bool)
            or not isinstance(hours, int | float)
            or not math.isfinite(hours)
            or not 0 < hours <= MAX_HOURS
        ):
            raise ValidationError(
                f"学时应为 0 到 {MAX_HOURS} 之间的数。", f"Hours must be between 0 and {MAX_HOURS}."
            )
        hours = None if hours is None else round(float(hours), 1)
    elif hours is not None:
        raise ValidationError(f"{kind.name}不记录学时。", f"{kind.name} records no hours.")
    seen: set[int] = set()
    attendance = []
    for entry in meeting.attendance:
        if entry.member_id in seen:
            raise ValidationError(
                "同一名党员在出席名单中出现了两次。", "A member appears twice in the attendance."
            )
        seen.add(entry.member_id)
        if entry.status not in ATTENDANCE_STATUSES:
            raise ValidationError(
                f"出席情况“{entry.status}”无效，应为出席、请假或缺席。",
                f"Attendance '{entry.status}' is invalid.",
            )
        reason = line(entry.reason, "请假原因", MAX_NOTE) if entry.status != "出席" else ""
        attendance.append(AttendanceInput(entry.member_id, entry.status, reason))
    return replace(
        meeting,
        type=kind.name,
        date=day(meeting.date, "会议日期", required=True, earliest=2000),
        topic=line(meeting.topic, "会议主题", MAX_TOPIC, required=True),
        place=line(meeting.place, "地点", MAX_TOPIC),
        host=line(meeting.host, "主持人", MAX_NAME),
        recorder=line(meeting.recorder, "记录人", MAX_NAME),
        party_group=line(meeting.party_group, "党小组", MAX_GROUP),
        hours=hours,
        resolutions=long_text(meeting.resolutions, "决议事项"),
        minutes=long_text(meeting.minutes, "会议记录"),
        attendance=tuple(attendance),
    )


def require_reasons(meeting: MeetingInput, name_of: dict[int, str]) -> None:
    """请假 needs its reason (a 缺席 may go without one)."""
    for entry in meeting.attendance:
        if entry.status == EXCUSED and not entry.reason:
            raise ValidationError(
                f"{name_of.get(entry.member_id, '该党员')} 请假，请填写请假原因。",
                "An excused absence needs a reason.",
            )
