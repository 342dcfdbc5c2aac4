"""Import a batch of answers from JSON: check the whole file, then write it in one transaction.

The file maps task keys to objects::

    {"1": {"status": "done", "narrative": "…", "evidence": ["会议记录.pdf"],
           "rectification": {"problem": "…", "measures": "…", "owner": "…", "deadline": "2026-12-31"}}}

It is UTF-8 JSON (with or without BOM), at most 5 MB. Every key appears once. Evidence paths are
relative to the answers file's folder (or absolute); a symlink is followed and judged by its
target, which must be a regular file inside that folder unless ``allow_outside`` is given. Each
distinct file (by device and inode) is copied and hashed once, however often it is listed.

Nothing is written until everything has been checked; then the files are copied into the
content-addressed store and the period (created if it has none yet), answers and evidence rows
are written in one transaction, so a refused or interrupted import leaves the database as it was.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bundle.format import printable
from .errors import ValidationError
from .progress import NO_PROGRESS, Progress
from .store import Store
from .store.blobs import check_evidence_file, not_regular, open_regular
from .store.validation import clean_answer_fields
from .template import STATUSES, Template, builtin_template

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DIGITS = 30  # no field of an answers file is a number; a longer one is not worth converting
ENTRY_KEYS = {"status", "narrative", "evidence", "rectification"}
RECT_KEYS = {"problem", "measures", "owner", "deadline"}
STATUS_ALIASES = {"已完成": "done", "部分完成": "partial", "未完成": "undone", "不适用": "na"}
_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


@dataclass(frozen=True)
class PlannedAnswer:
    task_key: str
    fields: dict[str, Any]
    evidence: tuple[Path, ...]  # the files' real paths, each distinct file once per task


@dataclass(frozen=True)
class ImportResult:
    period: str
    answers: int
    evidence_added: int


class _Pairs(list):
    """A JSON object as its (key, value) pairs in file order, so that a repeated key can be refused."""


def _shape(zh: str, en: str) -> ValidationError:
    return ValidationError(zh, en)


def _bad(where: str, zh: str, en: str) -> ValidationError:
    where = printable(where[:40], 30)
    return ValidationError(
        f"答案文件第“{where}”项：{printable(zh, 300)}",
        f"answers file, entry '{where}': {printable(en, 300)}",
    )


def _no_constant(name: str) -> Any:
    raise _shape(
        f"答案文件中有 {name}，这不是有效的 JSON 值，请改为文字。",
        f"The answers file contains {name}, which is not valid JSON.",
    )


def _short_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _shape(
            f"答案文件中有一个 {len(text)} 位的数字，答案文件中不应有这样的数字，请检查文件内容。",
            "The answers file contains an absurdly long number.",
        )
    return int(text)


def _read(path: Path) -> bytes:
    """The file's bytes, read only if it is a regular file of at most MAX_FILE_BYTES (a FIFO is never opened)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ValidationError(
            f"找不到答案文件“{path}”。", f"Answers file '{path}' not found."
        ) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "路径无效"
        raise ValidationError(
            f"无法读取答案文件“{path}”（{reason}）。", f"Cannot read answers file '{path}'."
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError(
            f"答案文件“{path}”不是普通文件（可能是文件夹或管道），请指定一个 .json 文件。",
            f"Answers file '{path}' is not a regular file.",
        )
    if info.st_size > MAX_FILE_BYTES:
        raise ValidationError(
            f"答案文件“{path.name}”过大（{info.st_size // 1024} KB，上限 5 MB），请检查是否选错了文件。",
            f"Answers file '{path.name}' is larger than 5 MB.",
        )
    with open_regular(path) as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # it grew since
        raise ValidationError(
            f"答案文件“{path.name}”过大（上限 5 MB）。",
            f"Answers file '{path.name}' is larger than 5 MB.",
        )
    return data


def _encoding_of(data: bytes) -> str:
    """UTF-16/32 by BOM, or by the zero bytes around the first character (JSON text starts with ASCII)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4]
    if len(head) == 4 and head[:3] == b"\0\0\0" or len(head) == 4 and head[1:] == b"\0\0\0":
        return "UTF-32"
    if len(head) >= 2 and (head[0] == 0) != (head[1] == 0):
        return "UTF-16"
    return ""


def _decode(data: bytes, name: str) -> str:
    wide = _encoding_of(data)
    if wide:
        raise _shape(
            f"答案文件“{name}”是 {wide} 编码，应为 UTF-8 编码：请在记事本等编辑器中“另存为”并选择 UTF-8 后再导入。",
            f"'{name}' is encoded as {wide}; save it as UTF-8.",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _shape(
            f"答案文件“{name}”不是 UTF-8 编码的 JSON 文本（可能是 GBK 编码，或不是答案文件），请另存为 UTF-8 编码后再导入。",
            f"'{name}' is not UTF-8 JSON text (perhaps GBK, or not an answers file); save it as UTF-8.",
        ) from None


def _parse(text: str, name: str) -> Any:
    try:
        return json.loads(
            text, object_pairs_hook=_Pairs, parse_constant=_no_constant, parse_int=_short_int
        )
    except RecursionError:
        raise _shape(
            f"答案文件“{name}”中的括号嵌套层数过多，不是答案文件应有的结构，请检查文件内容。",
            f"'{name}' is nested far too deeply to be an answers file.",
        ) from None
    except json.JSONDecodeError as exc:
        raise _shape(
            f"答案文件“{name}”不是有效的 UTF-8 JSON（第{exc.lineno}行第{exc.colno}列），请检查文件内容。",
            f"'{name}' is not valid UTF-8 JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.",
        ) from None


def _text(value: str) -> bool:
    """Whether ``value`` can be stored: no lone surrogates (JSON's \\ud800 escapes allow them)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unique(pairs: _Pairs, where: str | None) -> dict[str, Any]:
    """``pairs`` as a dict; a key given twice (even with the same value) is refused."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if not _text(key):
            raise (
                _bad(where, "字段名含有无效字符。", "a key contains an invalid character")
                if where
                else _shape(
                    "答案文件的任务编号含有无效字符。", "A task key contains an invalid character."
                )
            )
        if key in out:
            count = sum(1 for k, _ in pairs if k == key)
            if where is None:
                raise _shape(
                    f"答案文件中任务“{printable(key[:40], 30)}”出现了 {count} 次（重复的任务编号），请合并为一项后再导入。",
                    f"Task '{printable(key[:40], 30)}' appears {count} times in the answers file; merge them.",
                )
            raise _bad(
                where,
                f"字段“{printable(key[:40], 30)}”重复出现，请只保留一个。",
                f"field '{key[:40]}' repeated",
            )
        out[key] = value
    return out


def _kind(value: Any) -> str:
    if isinstance(value, _Pairs):
        return "对象"
    if isinstance(value, list):
        return "列表"
    return "真假值" if isinstance(value, bool) else "数字"


def _status(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        status = STATUS_ALIASES.get(value, value)
        if status in STATUSES:
            return status
        shown = f"“{printable(value[:40], 30)}”无效，"
    else:
        shown = f"不能是{_kind(value)}，"
    raise _bad(
        key,
        f"完成状态{shown}应为 done（已完成）、partial（部分完成）、undone（未完成）或 na（不适用）。",
        "status must be one of done, partial, undone, na",
    )


def _entry(key: str, entry: Any) -> tuple[dict[str, Any], list[str]]:
    """One task's fields (checked) and its evidence references (checked for shape only)."""
    if not isinstance(entry, _Pairs):
        raise _bad(key, "内容应为 JSON 对象。", "entry must be an object")
    fields_in = _unique(entry, key)
    unknown = set(fields_in) - ENTRY_KEYS
    if unknown:
        names = "、".join(printable(u[:20], 20) for u in sorted(unknown)[:5])
        raise _bad(key, f"无法识别的字段 {names}。", f"unknown fields {names}")
    fields: dict[str, Any] = {}
    if "status" in fields_in:
        fields["status"] = _status(key, fields_in["status"])
    if "narrative" in fields_in:
        fields["narrative"] = fields_in["narrative"]
    rect = fields_in.get("rectification", _Pairs())
    rect_fields = _unique(rect, key) if isinstance(rect, _Pairs) else None
    if rect_fields is None or set(rect_fields) - RECT_KEYS:
        raise _bad(
            key, "整改信息应为包含 problem、measures、owner、deadline 的对象。", "bad rectification"
        )
    fields.update(rect_fields)
    for value in fields.values():
        if isinstance(value, str) and ("\x00" in value or not _text(value)):
            raise _bad(key, "内容含有无效字符。", "text contains an invalid character")
    try:
        fields = clean_answer_fields(fields)
    except ValidationError as exc:
        raise _bad(key, exc.zh, exc.en) from None
    evidence = fields_in.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(p, str) and p for p in evidence):
        raise _bad(key, "evidence 应为文件路径列表。", "evidence must be a list of paths")
    for ref in evidence:
        if "\x00" in ref or not _text(ref):
            raise _bad(
                key,
                f"佐证材料路径“{printable(ref[:60], 60)}”含有无效字符。",
                "an evidence path has an invalid character",
            )
    return fields, list(dict.fromkeys(evidence))


class _Folder:
    """Where evidence paths are looked up, and which real files they are."""

    def __init__(self, answers_file: Path, allow_outside: bool) -> None:
        self.base = Path(os.path.abspath(answers_file)).parent
        self.real_base = os.path.normcase(os.path.realpath(self.base))
        self.allow_outside = allow_outside
        self.files: dict[tuple[int, int], Path] = {}  # (device, inode) -> real path, each file once

    def inside(self, real: str) -> bool:
        try:
            return os.path.commonpath([os.path.normcase(real), self.real_base]) == self.real_base
        except ValueError:  # another drive (Windows)
            return False

    def resolve(self, key: str, ref: str) -> Path:
        named = Path(ref) if Path(ref).is_absolute() else self.base / ref
        shown = printable(ref[:80], 80)
        try:
            info = os.stat(named)  # follows symlinks: the target is what counts
        except (FileNotFoundError, NotADirectoryError):
            raise _bad(
                key,
                f"找不到佐证材料文件“{shown}”（相对路径按答案文件所在文件夹“{self.base}”查找）。",
                f"evidence file '{shown}' not found",
            ) from None
        except OSError as exc:
            raise _bad(
                key,
                f"无法读取佐证材料“{shown}”（{exc.strerror or exc}）。",
                f"cannot read evidence '{shown}'",
            ) from None
        real = os.path.realpath(named)
        if not stat.S_ISREG(info.st_mode):
            error = not_regular(Path(shown))
            raise _bad(key, error.zh, error.en)
        if not self.allow_outside and not self.inside(real):
            raise _bad(
                key,
                f"佐证材料“{shown}”实际位于答案文件所在文件夹之外（{printable(real[-120:], 120)}），"
                "如确需导入该文件，请加上 --allow-outside 参数。",
                f"evidence '{shown}' is outside the answers file's folder ({real}); pass --allow-outside to import it",
            )
        try:
            check_evidence_file(Path(real))  # type and size, judged by the target's own name
        except ValidationError as exc:
            raise _bad(key, exc.zh, exc.en) from None
        return self.files.setdefault((info.st_dev, info.st_ino), Path(real))


def template_for_import(store: Store, period: str) -> Template:
    """The template the period's answers are checked against; refuses a finalized period first."""
    current = store.current(period)
    if current is None:
        return builtin_template()  # what create_assessment will use
    return store.template_for(store.editable(period))


def read_answers_file(
    path: Path, task_keys: tuple[str, ...], *, allow_outside: bool = False
) -> list[PlannedAnswer]:
    """Parse and check everything; raise on the first problem, having written nothing."""
    path = Path(path)
    data = _parse(_decode(_read(path), path.name), path.name)
    if not isinstance(data, _Pairs) or not data:
        raise _shape(
            "答案文件应为以任务编号为键的 JSON 对象，且不能为空。",
            "The answers file must be a non-empty object keyed by task number.",
        )
    folder = _Folder(path, allow_outside)
    planned: list[PlannedAnswer] = []
    for key, entry in _unique(data, None).items():
        if key not in task_keys:
            raise _bad(
                key,
                f"没有这个任务编号，有效编号为 {task_keys[0]}–{task_keys[-1]}。",
                "unknown task key",
            )
        fields, refs = _entry(key, entry)
        files = tuple(dict.fromkeys(folder.resolve(key, ref) for ref in refs))
        planned.append(PlannedAnswer(key, fields, files))
    return planned


def import_answers(
    store: Store,
    period: str,
    path: Path,
    progress: Progress = NO_PROGRESS,
    *,
    allow_outside: bool = False,
) -> ImportResult:
    template = template_for_import(store, period)
    planned = read_answers_file(Path(path), template.task_keys, allow_outside=allow_outside)
    distinct = list(dict.fromkeys(file for item in planned for file in item.evidence))
    progress.start(sum(f.stat().st_size for f in distinct), "正在复制佐证材料")
    # copied before the transaction; a file no row ends up referring to is harmless (content-addressed)
    stored = {file: store.blobs.put(file, progress) for file in distinct}
    progress.start(len(planned), "正在导入答案")
    added = 0
    with store.batch():
        assessment = store.current(period) or store.create_assessment(period)
        for item in planned:
            if item.fields:
                store.set_answer(assessment.period, item.task_key, **item.fields)
            had = {e.sha256 for e in store.evidence(assessment, item.task_key)}
            for file in item.evidence:
                sha, size = stored[file]
                if sha not in had:
                    store.add_stored_evidence(
                        assessment.period, item.task_key, sha, size, file.name
                    )
                    had.add(sha)
                    added += 1
            progress.step()
    return ImportResult(assessment.period, len(planned), added)
