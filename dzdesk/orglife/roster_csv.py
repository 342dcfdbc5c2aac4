"""Reading a roster CSV as Chinese Excel and WPS save it (pure: a file in, checked rows out).

The header row names the columns in Chinese, in any order: 姓名 and 类别 are required;
党小组, 入党日期, 转正日期, 职务 are the other roster fields, and 标记, 备注 and 转入日期 are
accepted too. Other columns (序号, 联系电话, ...) are ignored and listed in the preview.
Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030. Dates as Excel
writes them: 2001-07-01, 2001/7/1, 2001.7.1, 2001年7月1日. Any bad row fails the whole
file with its row number (the header is row 1, as Excel numbers them); nothing is imported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DzdeskError, ValidationError
from .models import MemberInput
from .validation import clean_member, day

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 60
MAX_CELL = 400
FIELDS = {
    "姓名": "name",
    "类别": "category",
    "党小组": "party_group",
    "入党日期": "joined_party",
    "转正日期": "confirmed",
    "职务": "roles",
    "标记": "flags",
    "备注": "note",
    "转入日期": "since",
}
REQUIRED = ("姓名", "类别")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class CsvRow:
    row: int  # as Excel numbers it: the header is row 1
    member: MemberInput
    since: str = ""  # 转入日期; empty: on the roster since before records (建册前)
    columns: frozenset[str] = frozenset()  # which fields the file gives (others are left alone)


@dataclass(frozen=True)
class ParsedRoster:
    name: str
    encoding: str
    rows: tuple[CsvRow, ...]
    columns: tuple[str, ...]  # the recognised header names, in file order
    ignored: tuple[str, ...]  # header names that are not roster fields


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            f"“{name}”是 Excel/WPS 工作簿，不是 CSV 文件。请在 Excel 或 WPS 中“另存为”CSV（逗号分隔）后再导入。",
            f"'{name}' is a spreadsheet workbook, not CSV; save it as CSV first.",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return raw.decode(encoding), {
                "utf-8-sig": "UTF-8（带 BOM）",
                "utf-16": "UTF-16",
                "utf-8": "UTF-8",
            }.get(encoding, "GBK/GB18030")
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        f"“{name}”不是 UTF-8 或 GBK 编码的文本文件，请用 Excel 或 WPS 另存为 CSV 后再导入。",
        f"'{name}' is neither UTF-8 nor GBK text.",
    )


def normal_date(text: str, label: str) -> str:
    """2001/7/1, 2001.7.1, 2001年7月1日 → 2001-07-01 (then checked as a date)."""
    text = text.strip()
    if m := _DATE.match(text):
        text = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return day(text, label)


def _header(cells: list[str]) -> tuple[dict[int, str], tuple[str, ...], tuple[str, ...]]:
    where: dict[int, str] = {}
    known: list[str] = []
    ignored: list[str] = []
    for i, cell in enumerate(cells):
        label = cell.replace("\ufeff", "").strip().rstrip("*＊").strip()
        if not label:
            continue
        if label in FIELDS:
            if label in known:
                raise ValidationError(
                    f"表头中“{label}”出现了两次，请删去一列后再导入。",
                    f"Column '{label}' appears twice.",
                )
            where[i] = FIELDS[label]
            known.append(label)
        else:
            ignored.append(label[:30])
    missing = [r for r in REQUIRED if r not in known]
    if missing:
        raise ValidationError(
            f"第 1 行（表头）缺少“{'”“'.join(missing)}”列。表头应为中文字段名：姓名、类别、党小组、入党日期、转正日期、职务（顺序不限，姓名和类别必填）。",
            f"The header row lacks {', '.join(missing)}.",
        )
    return where, tuple(known), tuple(ignored)


def _row(number: int, cells: list[str], where: dict[int, str]) -> CsvRow | None:
    if not any(c.strip() for c in cells):
        return None  # Excel leaves blank rows at the end
    values: dict[str, str] = {}
    for i, cell in enumerate(cells):
        if len(cell) > MAX_CELL:
            raise ValidationError(f"单元格过长（{len(cell)} 字）。", "A cell is too long.")
        if i in where:
            values[where[i]] = cell.strip()
    since = values.pop("since", "")
    for field, label in (("joined_party", "入党日期"), ("confirmed", "转正日期")):
        if field in values:
            values[field] = normal_date(values[field], label)
    member = clean_member(MemberInput(**{"name": "", "category": "", **values}))
    return CsvRow(
        row=number,
        member=member,
        since=normal_date(since, "转入日期"),
        columns=frozenset(values) | ({"since"} if since else set()),
    )


def read_roster(path: Path) -> ParsedRoster:
    """Read and check every row of a roster CSV; raise one :class:`ValidationError` naming the first bad row."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError(
                f"“{name}”有 {size / 1024 / 1024:.0f} MB，不像是党员名册（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）。",
                f"'{name}' is too large for a roster.",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(
            f"找不到名册文件“{path}”。", f"Roster file '{path}' not found."
        ) from None
    except IsADirectoryError:
        raise ValidationError(
            f"“{path}”是一个文件夹，请给出 CSV 文件。", f"'{path}' is a folder."
        ) from None
    text, encoding = _decode(raw, name)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(
            f"“{name}”第 {line} 行含有空字符（NUL），文件可能已损坏或不是 CSV，未导入任何内容。",
            f"'{name}' line {line} contains a NUL character; nothing was imported.",
        )
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ValidationError(
            f"“{name}”第 1 行无法读取（{exc}）。", f"'{name}' row 1: {exc}"
        ) from None
    if header is None:
        raise ValidationError(f"“{name}”是空文件。", f"'{name}' is empty.")
    if len(header) > MAX_COLUMNS:
        raise ValidationError(
            f"“{name}”的表头有 {len(header)} 列，不像是党员名册。",
            f"'{name}' has too many columns.",
        )
    where, known, ignored = _header(header)
    rows: list[CsvRow] = []
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                raise ValidationError(
                    f"“{name}”超过 {MAX_ROWS} 行，不像是一个党支部的名册，未导入任何内容。",
                    f"'{name}' has more than {MAX_ROWS} rows.",
                )
            try:
                row = _row(number, cells, where)
            except DzdeskError as exc:
                raise ValidationError(
                    f"第 {number} 行：{exc.zh}未导入任何内容。",
                    f"Row {number}: {exc.en} Nothing was imported.",
                ) from None
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        raise ValidationError(
            f"第 {number + 1} 行无法读取（{exc}），未导入任何内容。", f"Row {number + 1}: {exc}"
        ) from None
    return ParsedRoster(
        name=name, encoding=encoding, rows=tuple(rows), columns=known, ignored=ignored
    )
