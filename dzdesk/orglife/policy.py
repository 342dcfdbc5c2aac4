"""Meeting types and their minimum frequencies, as data (resources/policy/meeting-types.json).

The defaults follow 《中国共产党支部工作条例（试行）》; a committee profile will later
hand a branch its own table in the same shape, checked by :func:`parse_policy`, so a
hostile or mistyped file is refused with one sentence naming the entry at fault.

Each type says
- ``frequency``: ``month`` / ``quarter`` / ``half`` / ``year``, and ``min`` meetings per interval;
- ``scope``: what the minimum is counted for: the ``branch``, each 党小组 (``group``),
  each member on the roster (``member``: 谈心谈话), or the secretary (``secretary``: 集中培训);
- ``attendees``: who a record expects by default: the whole ``roster``, the ``committee``
  (书记/副书记/委员), the meeting's ``group``, the ``secretary``, or only those ``named``;
- ``applies``: ``always``, only with a 支部委员会 (``committee``), or with 党小组 (``groups``);
- ``participation``: whether its attendance counts toward the overall 参与率;
- ``hours``: whether a record carries 学时; ``proves``: the task keys it is evidence for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import ValidationError
from ..resources import resource_path

FORMAT = "dzdesk-meeting-types"
FORMAT_VERSION = 1
FREQUENCIES = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}
SCOPES = ("branch", "group", "member", "secretary")
ATTENDEES = ("roster", "committee", "group", "secretary", "named")
APPLIES = ("always", "committee", "groups")
MAX_TYPES = 50
MAX_MIN = 31


@dataclass(frozen=True)
class MeetingType:
    name: str
    frequency: str
    min: int = 1
    scope: str = "branch"
    attendees: str = "roster"
    applies: str = "always"
    participation: bool = True
    hours: bool = False
    proves: tuple[str, ...] = ()
    note: str = ""

    @property
    def rule_text(self) -> str:
        """每月至少1次 / 每年每名党员至少1次."""
        who = {"group": "每个党小组", "member": "每名党员", "secretary": "书记"}.get(self.scope, "")
        return f"{FREQUENCIES[self.frequency]}{who}至少{self.min}次"


@dataclass(frozen=True)
class MeetingPolicy:
    id: str
    version: str
    title: str
    source: str
    types: tuple[MeetingType, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.types)

    def type(self, name: str) -> MeetingType:
        for t in self.types:
            if t.name == name:
                return t
        raise ValidationError(
            f"没有“{name}”这种组织生活类型，可选：{'、'.join(self.names)}。",
            f"Unknown meeting type '{name}'.",
        )

    def for_task(self, task_key: str) -> tuple[MeetingType, ...]:
        """The types whose records prove a task (e.g. "9" → 三会一课, 组织生活会, ...)."""
        return tuple(t for t in self.types if task_key in t.proves)


def _fail(where: str, what: str) -> ValidationError:
    return ValidationError(f"组织生活类型表{where}：{what}", f"Meeting-type table {where}: {what}")


def _text(value: Any, where: str, field: str, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(where, f"“{field}”应为非空文字。")
    if len(value) > limit or any(ord(c) < 32 or c == "\x7f" for c in value):
        raise _fail(where, f"“{field}”过长或含有控制字符。")
    return value.strip()


def _choice(value: Any, where: str, field: str, choices: Any, default: str) -> str:
    if value is None:
        return default
    if value not in choices:
        raise _fail(where, f"“{field}”应为 {'/'.join(choices)} 之一，而不是“{value}”。")
    return value


def _flag(value: Any, where: str, field: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _fail(where, f"“{field}”应为 true 或 false。")
    return value


def _type(raw: Any, index: int) -> MeetingType:
    where = f"第{index}项"
    if not isinstance(raw, dict):
        raise _fail(where, "应为一个对象。")
    name = _text(raw.get("name"), where, "name", 20)
    where = f"第{index}项（{name}）"
    count = raw.get("min", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_MIN:
        raise _fail(where, f"“min”应为 1 到 {MAX_MIN} 之间的整数。")
    proves = raw.get("proves", [])
    if not isinstance(proves, list) or len(proves) > 30:
        raise _fail(where, "“proves”应为任务编号的列表。")
    keys = []
    for key in proves:
        if not isinstance(key, str) or not key.isascii() or not key.isalnum() or len(key) > 10:
            raise _fail(where, f"任务编号“{key}”无效。")
        keys.append(key)
    return MeetingType(
        name=name,
        frequency=_choice(raw.get("frequency"), where, "frequency", FREQUENCIES, ""),
        min=count,
        scope=_choice(raw.get("scope"), where, "scope", SCOPES, "branch"),
        attendees=_choice(raw.get("attendees"), where, "attendees", ATTENDEES, "roster"),
        applies=_choice(raw.get("applies"), where, "applies", APPLIES, "always"),
        participation=_flag(raw.get("participation"), where, "participation", True),
        hours=_flag(raw.get("hours"), where, "hours", False),
        proves=tuple(dict.fromkeys(keys)),
        note=_text(raw.get("note"), where, "note", 500, required=False),
    )


def parse_policy(raw: Any) -> MeetingPolicy:
    """Check a meeting-type table (parsed JSON) and return it; refuse anything malformed."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _fail("", f"不是组织生活类型表（format 应为 {FORMAT}）。")
    if raw.get("format_version") != FORMAT_VERSION:
        raise _fail(
            "", f"格式版本 {raw.get('format_version')!r} 不受支持（本程序支持 {FORMAT_VERSION}）。"
        )
    types = raw.get("types")
    if not isinstance(types, list) or not 1 <= len(types) <= MAX_TYPES:
        raise _fail("", f"“types”应为 1 到 {MAX_TYPES} 项的列表。")
    parsed = tuple(_type(t, i) for i, t in enumerate(types, start=1))
    seen: set[str] = set()
    for t in parsed:
        if t.name in seen:
            raise _fail("", f"类型“{t.name}”出现了两次。")
        seen.add(t.name)
        if t.frequency == "":
            raise _fail(f"（{t.name}）", "缺少“frequency”。")
        if t.scope == "group" and t.applies != "groups":
            raise _fail(
                f"（{t.name}）",
                "按党小组计的类型只适用于划分党小组的党支部（applies 应为 groups）。",
            )
    return MeetingPolicy(
        id=_text(raw.get("id"), "", "id", 100),
        version=_text(raw.get("version"), "", "version", 20),
        title=_text(raw.get("title"), "", "title", 200, required=False),
        source=_text(raw.get("source"), "", "source", 1000, required=False),
        types=parsed,
    )


@cache
def default_policy() -> MeetingPolicy:
    """The built-in table (resources/policy/meeting-types.json)."""
    path = resource_path("policy", "meeting-types.json")
    return parse_policy(json.loads(path.read_text(encoding="utf-8")))
