"""Checklist templates: areas, key tasks and the grading rubric, loaded from JSON.

The format is documented in docs/template-format.md. Every problem found in a
committee-supplied file is reported with its location, in Chinese and English.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .canonical import sha256_hex
from .errors import ValidationError
from .resources import resource_path

FORMAT_NAME = "dzdesk-template"
FORMAT_VERSION = 1
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
STATUSES = ("done", "partial", "undone", "na")
STATUS_LABELS = {"done": "已完成", "partial": "部分完成", "undone": "未完成", "na": "不适用"}
GRADES = ("A", "B", "C", "D")
VETO_CONDITIONS = ("full_members_below",)
BUILTIN_ID = "hefei-sfj-2018-nonpublic"


@dataclass(frozen=True)
class Task:
    key: str
    area_key: str
    title: str
    text: str
    guidance: str
    evidence_examples: tuple[str, ...]
    points: float


@dataclass(frozen=True)
class Area:
    key: str
    number: str
    name: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Band:
    grade: str
    min: float
    label: str


@dataclass(frozen=True)
class Veto:
    id: str
    when: str
    value: float
    max_grade: str | None
    flag: str
    reason: str


@dataclass(frozen=True)
class Rubric:
    status_points: dict[str, float]
    bands: tuple[Band, ...]
    vetoes: tuple[Veto, ...]
    note: str = ""

    def band_for(self, grade: str) -> Band:
        return next(b for b in self.bands if b.grade == grade)


@dataclass(frozen=True)
class Template:
    id: str
    version: str
    title: str
    source: str
    applies_to: tuple[str, ...]
    areas: tuple[Area, ...]
    rubric: Rubric
    hash: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def tasks(self) -> tuple[Task, ...]:
        return tuple(t for a in self.areas for t in a.tasks)

    def task(self, key: str) -> Task:
        for t in self.tasks:
            if t.key == key:
                return t
        raise KeyError(key)

    def area(self, key: str) -> Area:
        return next(a for a in self.areas if a.key == key)

    @property
    def task_keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tasks)


def _fail(where: str, zh: str, en: str) -> ValidationError:
    return ValidationError(f"模板文件有误：{where}{zh}。", f"Template error at {where}: {en}.")


def _get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise _fail(where, f"缺少字段“{key}”", f"missing field '{key}'")
    value = obj[key]
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise _fail(f"{where}.{key}", "类型不正确", "wrong type")
    if not isinstance(value, kind):
        raise _fail(f"{where}.{key}", "类型不正确", f"expected {kind}")
    return value


def _text(obj: Any, key: str, where: str, required: bool = True) -> str:
    value = _get(obj, key, str, where) if required else obj.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(f"{where}.{key}", "不能为空", "must be a non-empty string")
    return value


def parse_template(data: Any) -> Template:
    """Validate a decoded template document and build a :class:`Template`."""
    if not isinstance(data, dict):
        raise _fail("根", "应为 JSON 对象", "top level must be an object")
    if data.get("format") != FORMAT_NAME:
        raise _fail("format", f"应为“{FORMAT_NAME}”", f"must be '{FORMAT_NAME}'")
    if data.get("format_version") != FORMAT_VERSION:
        raise _fail(
            "format_version",
            f"为本程序不支持的版本（支持 {FORMAT_VERSION}）",
            f"unsupported version (this build reads {FORMAT_VERSION})",
        )
    areas: list[Area] = []
    seen: set[str] = set()
    for ai, area in enumerate(_get(data, "areas", list, "根")):
        where = f"areas[{ai}]"
        area_key = _text(area, "key", where)
        tasks: list[Task] = []
        for ti, task in enumerate(_get(area, "tasks", list, where)):
            twhere = f"{where}.tasks[{ti}]"
            key = _text(task, "key", twhere)
            if key in seen:
                raise _fail(f"{twhere}.key", f"任务编号“{key}”重复", f"duplicate task key '{key}'")
            seen.add(key)
            points = _get(task, "points", (int, float), twhere)
            if points <= 0:
                raise _fail(f"{twhere}.points", "分值必须大于0", "points must be positive")
            examples = task.get("evidence_examples", [])
            if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
                raise _fail(f"{twhere}.evidence_examples", "应为文字列表", "must be a list of strings")
            tasks.append(
                Task(
                    key=key,
                    area_key=area_key,
                    title=_text(task, "title", twhere),
                    text=_text(task, "text", twhere),
                    guidance=_text(task, "guidance", twhere, required=False),
                    evidence_examples=tuple(examples),
                    points=float(points),
                )
            )
        if not tasks:
            raise _fail(f"{where}.tasks", "至少需要一项任务", "needs at least one task")
        areas.append(
            Area(area_key, _text(area, "number", where), _text(area, "name", where), tuple(tasks))
        )
    if not areas:
        raise _fail("areas", "至少需要一个方面", "needs at least one area")
    total = sum(t.points for a in areas for t in a.tasks)
    if abs(total - 100) > 1e-6:
        raise _fail("points", f"各任务分值合计为 {total:g}，应为100", f"points sum to {total:g}, not 100")
    applies_to = data.get("applies_to", [])
    if not isinstance(applies_to, list):
        raise _fail("applies_to", "应为列表", "must be a list")
    return Template(
        id=_text(data, "id", "根"),
        version=_text(data, "version", "根"),
        title=_text(data, "title", "根"),
        source=_text(data, "source", "根", required=False),
        applies_to=tuple(applies_to),
        areas=tuple(areas),
        rubric=parse_rubric(_get(data, "rubric", dict, "根")),
        hash=sha256_hex(data),
        raw=data,
    )


def parse_rubric(data: dict[str, Any], where: str = "rubric") -> Rubric:
    points = _get(data, "status_points", dict, where)
    status_points: dict[str, float] = {}
    for status in ("done", "partial", "undone"):
        value = _get(points, status, (int, float), f"{where}.status_points")
        if not 0 <= value <= 1:
            raise _fail(f"{where}.status_points.{status}", "应在0到1之间", "must be within 0..1")
        status_points[status] = float(value)
    bands: list[Band] = []
    for bi, band in enumerate(_get(data, "bands", list, where)):
        bwhere = f"{where}.bands[{bi}]"
        grade = _text(band, "grade", bwhere)
        if grade not in GRADES:
            raise _fail(f"{bwhere}.grade", "等次应为 A、B、C 或 D", "grade must be A, B, C or D")
        bands.append(Band(grade, float(_get(band, "min", (int, float), bwhere)), _text(band, "label", bwhere)))
    if sorted(b.grade for b in bands) != list(GRADES):
        raise _fail(f"{where}.bands", "须且仅须包含 A、B、C、D 四个等次", "must define A, B, C and D once each")
    bands.sort(key=lambda b: b.grade)
    mins = [b.min for b in bands]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != 4 or bands[-1].min != 0:
        raise _fail(f"{where}.bands", "分数线须从A到D依次降低，D级下限为0", "minimums must fall from A to D, D at 0")
    vetoes: list[Veto] = []
    for vi, veto in enumerate(data.get("vetoes", [])):
        vwhere = f"{where}.vetoes[{vi}]"
        when = _text(veto, "when", vwhere)
        if when not in VETO_CONDITIONS:
            raise _fail(f"{vwhere}.when", f"不支持的条件“{when}”", f"unknown condition '{when}'")
        max_grade = veto.get("max_grade")
        if max_grade is not None and max_grade not in GRADES:
            raise _fail(f"{vwhere}.max_grade", "应为 A–D 或 null", "must be A-D or null")
        vetoes.append(
            Veto(
                id=_text(veto, "id", vwhere),
                when=when,
                value=float(_get(veto, "value", (int, float), vwhere)),
                max_grade=max_grade,
                flag=_text(veto, "flag", vwhere),
                reason=_text(veto, "reason", vwhere),
            )
        )
    return Rubric(status_points, tuple(bands), tuple(vetoes), note=str(data.get("note", "")))


def load_template(path: str | Path) -> Template:
    """Load and validate a template file (a committee-supplied one, for instance)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise ValidationError(
                f"模板文件“{path.name}”过大（{size // 1024} KB），不是有效的模板。",
                f"Template file '{path.name}' is too large.",
            )
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"找不到模板文件“{path}”。", f"Template file '{path}' not found.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(
            f"模板文件“{path.name}”不是有效的 UTF-8 JSON：{exc}。",
            f"Template file '{path.name}' is not valid UTF-8 JSON.",
        ) from None
    return parse_template(data)


@cache
def builtin_template(template_id: str = BUILTIN_ID) -> Template:
    for path in sorted(resource_path("templates").glob("*.json")):
        template = load_template(path)
        if template.id == template_id:
            return template
    raise ValidationError(f"未找到内置模板“{template_id}”。", f"No built-in template '{template_id}'.")


MAX_TASKS = 500
MAX_TEXT = {"title": 200, "text": 5000, "guidance": 5000}


def check_limits(template: Template) -> None:
    """Sizes a committee-issued checklist may have (parse_template has checked its shape and points)."""
    if len(template.tasks) > MAX_TASKS:
        raise ValidationError(
            f"模板的任务过多（{len(template.tasks)} 项），最多 {MAX_TASKS} 项。",
            f"The template has {len(template.tasks)} tasks; at most {MAX_TASKS} are allowed.",
        )
    for task in template.tasks:
        for name, limit in MAX_TEXT.items():
            value = getattr(task, name)
            if len(value) > limit:
                raise ValidationError(
                    f"模板文件有误：任务“{task.key}”的 {name} 过长（{len(value)} 字，最多 {limit} 字）。",
                    f"Template error at task '{task.key}': {name} is longer than {limit} characters.",
                )
