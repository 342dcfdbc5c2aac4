"""The roster CSV: ``name,kind,secretary``, UTF-8 (with or without BOM) or GBK as Chinese Excel saves it."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path

from ..bundle.format import printable
from ..errors import ValidationError
from ..models import KIND_LABELS
from ..store.blobs import open_regular
from ..store.validation import MAX_NAME
from .models import RosterEntry
from .names import name_key

MAX_ROSTER_BYTES = 10 * 1024 * 1024
# A committee has tens to a few thousand branches; the summary and the overview are built for far
# more (the summary grows linearly), but a file beyond this is not a roster.
MAX_ROSTER_ROWS = 20_000
# Unicode's control (Cc, but tab and line ends), format (Cf: zero-width, bidi overrides, BOM) and
# line/paragraph separator characters: invisible in Excel, they make names that look equal differ.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd"
    "\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
LINE_BREAKS = re.compile("[\t\r\n]")  # fine between cells, not inside a name
HEADERS = {
    "name": ("name", "名称", "党支部", "党支部名称", "支部名称"),
    "kind": ("kind", "类型", "类别", "党支部类型"),
    "secretary": ("secretary", "书记", "党支部书记"),
}
KIND_ALIASES = {label: code for code, label in KIND_LABELS.items()} | {code: code for code in KIND_LABELS} | {
    "非公": "nonpublic", "非公有制企业": "nonpublic", "社会组织党支部": "social", "机关": "organ",
    "事业单位": "organ", "机关（事业）单位": "organ", "机关(事业)单位": "organ",
}


def decode_roster(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("名册文件的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV 文件。", "Roster encoding not recognised.")


def _column(header: list[str], field: str) -> int | None:
    for i, cell in enumerate(header):
        if cell.strip().lower() in HEADERS[field]:
            return i
    return None


def _records(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Every row of the file with its number as Excel shows it (a quoted line break stays in its
    row), blank ones included; at most MAX_ROSTER_ROWS besides the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((len(rows) + 1, row))
            if len(rows) > MAX_ROSTER_ROWS + 1:
                raise ValidationError(
                    f"{source}超过 {MAX_ROSTER_ROWS} 行，一个党委所属的党支部远没有这么多，请检查是否选错了文件。",
                    f"The roster has more than {MAX_ROSTER_ROWS} rows; no committee has that many branches.",
                )
    except csv.Error as exc:
        number = len(rows) + 1
        if "field larger than field limit" in str(exc):
            raise ValidationError(
                f"{source}第{number}行有一个单元格超过 {csv.field_size_limit()} 个字符，通常是某处少了一个引号，"
                "后面的内容都并进了这个单元格；请在 Excel/WPS 中检查后另存为 CSV 再导入。",
                f"Roster row {number}: a cell longer than {csv.field_size_limit()} characters (an unpaired quote?).",
            ) from None
        raise ValidationError(
            f"{source}第{number}行不是规范的 CSV 格式，请在 Excel/WPS 中另存为 CSV 后再导入。",
            f"Roster row {number} is not valid CSV: {exc}.",
        ) from None
    return rows


def _refuse_invisible(rows: list[tuple[int, list[str]]], source: str) -> None:
    for number, row in rows:
        for cell in row:
            found = INVISIBLE.search(cell)
            if found:
                raise ValidationError(
                    f"{source}第{number}行含有控制字符或不可见字符（U+{ord(found.group()):04X}），"
                    "请在 Excel/WPS 中删除后另存为 CSV 再导入。",
                    f"Roster row {number} contains the invisible character U+{ord(found.group()):04X}.",
                )


def parse_roster(text: str, source: str = "名册") -> list[RosterEntry]:
    records = _records(text, source)
    if INVISIBLE.search(text):  # one pass over the text; the rows are searched only when it finds one
        _refuse_invisible(records, source)
    numbered = [(n, row) for n, row in records if any(c.strip() for c in row)]
    rows = [row for _, row in numbered]
    if not rows:
        raise ValidationError(f"{source}是空的，第一行应为表头 name,kind,secretary。", "The roster is empty.")
    header = rows[0]
    cols = {f: _column(header, f) for f in HEADERS}
    if cols["name"] is None or cols["kind"] is None:
        raise ValidationError(
            f"{source}第1行应为表头 name,kind,secretary（或 党支部名称,类型,书记），实际为“{printable(','.join(header), 60)}”。",
            "The roster's first row must be the header name,kind,secretary.",
        )
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for line, row in numbered[1:]:
        def cell(field: str, row: list[str] = row) -> str:
            i = cols[field]
            return row[i].strip() if i is not None and i < len(row) else ""

        name, kind_text, secretary = cell("name"), cell("kind"), cell("secretary")
        if not name:
            raise ValidationError(f"{source}第{line}行缺少党支部名称。", f"Roster line {line}: missing name.")
        if LINE_BREAKS.search(name + secretary):
            raise ValidationError(
                f"{source}第{line}行的名称或书记中含有换行符或制表符，请在 Excel/WPS 中删除后再导入。",
                f"Roster line {line}: a line break or tab inside the name or secretary.",
            )
        if len(name) > MAX_NAME or len(secretary) > MAX_NAME:
            raise ValidationError(
                f"{source}第{line}行的党支部名称或书记超过 {MAX_NAME} 个字，请检查该行（可能少了一个引号）。",
                f"Roster line {line}: name or secretary longer than {MAX_NAME} characters.",
            )
        kind = KIND_ALIASES.get(kind_text) or KIND_ALIASES.get(kind_text.lower())
        if kind is None:
            raise ValidationError(
                f"{source}第{line}行的类型“{printable(kind_text, 40)}”无法识别，应为 非公企业、社会组织 或 机关事业单位。",
                f"Roster line {line}: unknown kind '{kind_text}'.",
            )
        key = name_key(name)
        if key in seen:
            raise ValidationError(
                f"{source}第{line}行的党支部“{printable(name)}”与第{seen[key]}行重复。", f"Roster line {line}: duplicate name."
            )
        seen[key] = line
        entries.append(RosterEntry(name=name, kind=kind, secretary=secretary))
    if not entries:
        raise ValidationError(f"{source}只有表头，没有党支部。", "The roster has a header but no branches.")
    return entries


def _utf16_without_bom(head: bytes) -> bool:
    """Two ASCII characters (a header such as "na") as UTF-16: each with a zero byte beside it."""
    if len(head) < 4:
        return False
    return bool((head[1] == head[3] == 0 and head[0] and head[2]) or (head[0] == head[2] == 0 and head[1] and head[3]))


def read_roster(path: Path) -> list[RosterEntry]:
    path = Path(path)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        raise ValidationError(f"找不到名册文件“{path}”。", f"Roster file '{path}' not found.") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError(f"“{path}”不是普通文件，请选择名册 CSV 文件。", f"'{path}' is not a regular file.")
    if info.st_size > MAX_ROSTER_BYTES:
        raise ValidationError(f"名册文件“{path.name}”超过 10 MB，不像是党支部名册。", "Roster file too large.")
    with open_regular(path) as handle:
        data = handle.read(MAX_ROSTER_BYTES + 1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data[:4]):
        raise ValidationError(
            f"“{path.name}”是 UTF-16 编码（Excel 的“Unicode 文本”），请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”后再导入。",
            "The roster is UTF-16 text; save it as CSV UTF-8.",
        )
    if b"\x00" in data[:4096] or len(data) > MAX_ROSTER_BYTES:
        raise ValidationError(f"“{path.name}”不是 CSV 文本文件，请在 Excel/WPS 中另存为 CSV 格式。", "Not a CSV text file.")
    return parse_roster(decode_roster(data), f"名册“{path.name}”")
