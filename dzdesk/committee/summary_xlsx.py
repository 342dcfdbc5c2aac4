"""The summary workbook: one row per branch, one sheet of open rectifications (opens in Excel and WPS).

Written in write-only mode: rows stream to the file, so a roster of any size costs time in
proportion and little memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import models as m

BRANCH_HEADERS = [
    ("序号", 6), ("党支部名称", 36), ("类型", 12), ("党支部书记", 11), ("正式党员", 9),
    ("提交时间", 18), ("版本", 6), ("自查分", 8), ("自评等次", 9), ("考核分", 8), ("考核等次", 9),
    ("评语", 30), ("待整改", 8), ("标记", 28), ("在名册", 8),
]
RECT_HEADERS = [
    ("序号", 6), ("党支部名称", 36), ("任务", 6), ("任务名称", 22), ("完成情况", 10), ("存在问题", 40),
    ("整改措施", 40), ("责任人", 10), ("整改时限", 12), ("是否逾期", 9),
]
HEAD_FONT = Font(name="宋体", bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDDDDD")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")


def _sheet(wb: Workbook, title: str, headers: list[tuple[str, int]], rows: Iterable[list[object]]) -> None:
    """One sheet, streamed row by row (a workbook in write-only mode keeps no cells in memory)."""
    ws = wb.create_sheet(title)
    for i, (_, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    head = []
    for text, _ in headers:
        cell = WriteOnlyCell(ws, text)
        cell.font, cell.fill, cell.alignment = HEAD_FONT, HEAD_FILL, CENTER
        head.append(cell)
    ws.append(head)
    # the rows are written as they are appended, so one styled cell per column serves every row
    cells = [WriteOnlyCell(ws) for _ in headers]
    for cell in cells:
        cell.alignment = WRAP
    count = 0
    for row in rows:
        out: list[object] = []
        for cell, value in zip(cells, row, strict=True):
            if value is None or value == "":  # an empty cell, as Excel leaves it
                out.append(None)
                continue
            cell.value = value
            if cell.data_type == "f":  # text from a branch's file is never a formula (=HYPERLINK(…))
                cell.data_type = "s"
            out.append(cell)
        ws.append(out)
        count += 1
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def branch_rows(rows: list[m.OverviewRow]) -> Iterator[list[object]]:
    for i, r in enumerate(rows, start=1):
        yield [
            i, r.name, r.kind, r.secretary, r.members, r.submitted_at[:16].replace("T", " "),
            r.revision, r.self_score, r.self_grade, r.committee_score, r.committee_grade, r.comment,
            r.open_rectifications if r.submitted else None, "、".join(r.flags), "是" if r.on_roster else "否",
        ]


def write_xlsx(
    out: Path, title: str, rows: list[m.OverviewRow], rects: list[m.RectificationRow], *, issuer: str = ""
) -> None:
    wb = Workbook(write_only=True)
    _sheet(wb, "党支部", BRANCH_HEADERS, branch_rows(rows))
    rect_rows = (
        [i, r.branch, r.task_key, r.task_title, r.status, r.problem, r.measures, r.owner, r.deadline,
         "是" if r.overdue else "否"]
        for i, r in enumerate(rects, start=1)
    )
    _sheet(wb, "整改事项", RECT_HEADERS, rect_rows)
    wb.properties.title = title
    wb.properties.creator = issuer or "dzdesk"
    wb.save(out)
