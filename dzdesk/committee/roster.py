"""The roster CSV: ``name,kind,secretary``, UTF-8 (with or without BOM) or GBK as Chinese Excel saves it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..bundle.format import printable
from ..errors import ValidationError
from ..models import KIND_LABELS
from .models import RosterEntry
from .names import name_key

MAX_ROSTER_BYTES = 10 * 1024 * 1024
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


def parse_roster(text: str, source: str = "名册") -> list[RosterEntry]:
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ValidationError(
            f"{source}不是规范的 CSV 文件（含有空字符或不成对的引号等），请在 Excel/WPS 中另存为 CSV 后再导入。",
            f"Roster is not valid CSV: {exc}.",
        ) from None
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
    for line, row in enumerate(rows[1:], start=2):
        def cell(field: str, row: list[str] = row) -> str:
            i = cols[field]
            return row[i].strip() if i is not None and i < len(row) else ""

        name, kind_text = cell("name"), cell("kind")
        if not name:
            raise ValidationError(f"{source}第{line}行缺少党支部名称。", f"Roster line {line}: missing name.")
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
        entries.append(RosterEntry(name=name, kind=kind, secretary=cell("secretary")))
    if not entries:
        raise ValidationError(f"{source}只有表头，没有党支部。", "The roster has a header but no branches.")
    return entries


def read_roster(path: Path) -> list[RosterEntry]:
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"找不到名册文件“{path}”。", f"Roster file '{path}' not found.")
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise ValidationError(f"名册文件“{path.name}”超过 10 MB，不像是党支部名册。", "Roster file too large.")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ValidationError(f"“{path.name}”不是 CSV 文本文件，请在 Excel/WPS 中另存为 CSV 格式。", "Not a CSV text file.")
    return parse_roster(decode_roster(data), f"名册“{path.name}”")
