"""Import a batch of answers from JSON: validate the whole file, then write it in one transaction.

The file maps task keys to objects::

    {"1": {"status": "done", "narrative": "…", "evidence": ["会议记录.pdf"],
           "rectification": {"problem": "…", "measures": "…", "owner": "…", "deadline": "2026-12-31"}}}

Evidence paths are absolute or relative to the file's folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ValidationError
from .progress import NO_PROGRESS, Progress
from .store import Store
from .store.blobs import check_evidence_file
from .store.validation import clean_answer_fields

MAX_FILE_BYTES = 5 * 1024 * 1024
ENTRY_KEYS = {"status", "narrative", "evidence", "rectification"}
RECT_KEYS = {"problem", "measures", "owner", "deadline"}
STATUS_ALIASES = {"已完成": "done", "部分完成": "partial", "未完成": "undone", "不适用": "na"}


@dataclass(frozen=True)
class PlannedAnswer:
    task_key: str
    fields: dict[str, Any]
    evidence: tuple[Path, ...]


@dataclass(frozen=True)
class ImportResult:
    period: str
    answers: int
    evidence_added: int


def _bad(where: str, zh: str, en: str) -> ValidationError:
    return ValidationError(f"答案文件第“{where}”项：{zh}", f"answers file, entry '{where}': {en}")


def read_answers_file(path: Path, task_keys: tuple[str, ...]) -> list[PlannedAnswer]:
    """Parse and check everything; raise on the first problem, having written nothing."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ValidationError(f"找不到答案文件“{path}”。", f"Answers file '{path}' not found.") from None
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            f"答案文件“{path.name}”过大（{size // 1024} KB，上限 5 MB），请检查是否选错了文件。",
            f"Answers file '{path.name}' is larger than 5 MB.",
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(
            f"答案文件“{path.name}”不是有效的 UTF-8 JSON（{exc}）。", f"'{path.name}' is not valid UTF-8 JSON."
        ) from None
    if not isinstance(data, dict) or not data:
        raise ValidationError("答案文件应为以任务编号为键的 JSON 对象，且不能为空。", "The answers file must be a non-empty object keyed by task number.")
    base = path.resolve().parent
    planned: list[PlannedAnswer] = []
    for key, entry in data.items():
        if key not in task_keys:
            raise _bad(key, f"没有这个任务编号，有效编号为 {task_keys[0]}–{task_keys[-1]}。", "unknown task key")
        if not isinstance(entry, dict):
            raise _bad(key, "内容应为 JSON 对象。", "entry must be an object")
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            raise _bad(key, f"无法识别的字段 {'、'.join(sorted(unknown))}。", f"unknown fields {sorted(unknown)}")
        fields: dict[str, Any] = {}
        if "status" in entry:
            fields["status"] = STATUS_ALIASES.get(entry["status"], entry["status"])
        if "narrative" in entry:
            fields["narrative"] = entry["narrative"]
        rect = entry.get("rectification", {})
        if not isinstance(rect, dict) or set(rect) - RECT_KEYS:
            raise _bad(key, "整改信息应为包含 problem、measures、owner、deadline 的对象。", "bad rectification")
        fields.update(rect)
        try:
            fields = clean_answer_fields(fields)
        except ValidationError as exc:
            raise _bad(key, exc.zh, exc.en) from None
        evidence = entry.get("evidence", [])
        if not isinstance(evidence, list) or not all(isinstance(p, str) and p for p in evidence):
            raise _bad(key, "evidence 应为文件路径列表。", "evidence must be a list of paths")
        paths = tuple((base / p) if not Path(p).is_absolute() else Path(p) for p in evidence)
        for p in paths:
            try:
                check_evidence_file(p)
            except ValidationError as exc:
                raise _bad(key, exc.zh, exc.en) from None
        planned.append(PlannedAnswer(key, fields, paths))
    return planned


def import_answers(store: Store, period: str, path: Path, progress: Progress = NO_PROGRESS) -> ImportResult:
    assessment = store.ensure_assessment(period)
    store.editable(period)
    planned = read_answers_file(Path(path), store.template_for(assessment).task_keys)
    added = 0
    progress.start(len(planned), "正在导入答案")
    with store.batch():
        for item in planned:
            if item.fields:
                store.set_answer(assessment.period, item.task_key, **item.fields)
            for file in item.evidence:
                before = len(store.evidence(assessment, item.task_key))
                store.add_evidence(assessment.period, item.task_key, file)
                added += len(store.evidence(assessment, item.task_key)) - before
            progress.step()
    return ImportResult(assessment.period, len(planned), added)
