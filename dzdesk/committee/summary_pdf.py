"""The 通报 PDF in the official typography shared with the branch report (GB/T 9704 page)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table

from ..report.cjkwrap import split_lines
from ..report.typography import BLOCK_WIDTH, OfficialDocTemplate, Typography, typography
from ..timeutil import chinese_date
from . import models as m
from .overview import grade_counts

CN_NUMBERS = "一二三四五六七八九十"
# A paragraph that runs over many pages is wrapped again, whole, for every page it continues on:
# long lists are set as consecutive paragraphs of this many lines, broken where one would break.
LINES_PER_PARAGRAPH = 24
CELL_CHARS = 300  # a branch's text in a table cell (the workbook has it whole): no row outgrows a page
_UNSET = re.compile(r"[\x00-\x1f\x7f]+")  # line breaks, tabs and controls: a list is one run of text


def flowing(typo: Typography, text: str, style: str = "body") -> list[Flowable]:
    """``text`` as one paragraph would set it, in paragraphs of at most LINES_PER_PARAGRAPH lines."""
    text = _UNSET.sub(" ", text)
    st = typo.styles[style]
    font, size = st.fontName, st.fontSize
    known: dict[str, float] = {}  # names repeat their characters: measure each once

    def width(c: str) -> float:
        if c not in known:
            known[c] = stringWidth(c, font if c == " " or typo.covers(font, c) else typo.fallback, size)
        return known[c]

    widths = [width(c) for c in text]
    later = BLOCK_WIDTH - st.leftIndent - st.rightIndent
    lines = split_lines(text, widths, [later - st.firstLineIndent, later])
    if len(lines) <= LINES_PER_PARAGRAPH:
        return [typo.para(text, style)]
    out: list[Flowable] = []
    for n in range(0, len(lines), LINES_PER_PARAGRAPH):
        group = lines[n : n + LINES_PER_PARAGRAPH]
        piece = text[group[0][0] : group[-1][1]]
        out.append(typo.para(piece, style) if n == 0 else typo.para(piece, style, firstLineIndent=0))
    return out


def names_text(rows: Sequence[m.OverviewRow]) -> str:
    return "、".join(r.name for r in rows) + "。" if rows else "无。"


def cell_text(text: str) -> str:
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


class PagedTable(Flowable):
    """A long ruled table set a page at a time.

    reportlab measures a table's rows again each time it continues on a new page, and builds
    the rest anew, which grows with the square of the rows. This holds the rows and gives the
    page only a table of the rows that can fit there (the header repeated), then itself with
    the rest; each page costs what its own rows cost.
    """

    def __init__(self, typo: Typography, header: Sequence[str], rows: Sequence[Sequence[str]],
                 col_widths: Sequence[float], style: str, *, first: bool = True, hint: int = 0) -> None:
        super().__init__()
        self.hint = hint  # rows that filled the previous page: a guess for this one
        self.typo, self.header, self.rows, self.col_widths, self.style = typo, header, rows, col_widths, style
        self.first = first
        self._table: Table | None = None  # the last slice, reused while it still overflows the page
        self._all = False  # whether it holds every row

    def _slice(self, aw: float, ah: float) -> Table:
        """A table of the first rows, enough of them to overflow ``ah`` (or all of them)."""
        if self._table is not None:
            self.width, self.height = self._table.wrap(aw, ah)
            if self.height > ah or self._all:
                return self._table
        # every row is at least a line high; after a page, rows are about as tall as on the last one
        leading = self.typo.styles[self.style].leading
        fit = int(self.hint * 1.25) + 2 if self.hint else int(ah / leading) + 2
        while True:
            table = self.typo.table(self.header, self.rows[:fit], self.col_widths, style=self.style)
            if not self.first:
                table.spaceBefore = 0
            self.width, self.height = table.wrap(aw, ah)
            if self.height > ah or fit >= len(self.rows):
                self._table, self._all = table, fit >= len(self.rows)
                return table
            fit *= 2

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self._slice(aw, ah)
        return self.width, self.height

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return 4 if self.first else 0

    def getSpaceAfter(self) -> float:  # noqa: N802
        return 8

    def split(self, aw: float, ah: float) -> list[Flowable]:
        # the frame asks to split just after wrap() found the slice too tall for no less room than now
        table = self._table if self._table is not None and self.height > ah else self._slice(aw, ah)
        parts = table.split(aw, ah)
        if len(parts) < 2 and not self._all and table is self._table and parts:
            parts = self._slice(aw, ah).split(aw, ah)  # it fitted after all: take more rows
        if len(parts) < 2:
            return parts  # nothing fits here (the page is full), or the rows left fitted after all
        shown = parts[0]._nrows - 1  # the first part's rows: its header and ours before the break
        rest = PagedTable(self.typo, self.header, self.rows[shown:], self.col_widths, self.style, first=False,
                          hint=shown)
        return [parts[0], rest]

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def grade_chart(typo: Typography, counts: dict[str, int]) -> Drawing:
    """A bar chart of branches per committee grade (plus 未评定)."""
    labels = [f"{g}级（{m.GRADE_LABELS[g]}）" for g in m.GRADES] + ["未评定"]
    values = [counts.get(g, 0) for g in m.GRADES] + [counts.get("", 0)]
    width, height = BLOCK_WIDTH, 62 * mm
    drawing = Drawing(width, height)
    # the renderer starts from Helvetica unless told otherwise: keep every font embedded
    drawing.__dict__["initialFontName"] = typo.names["songti"]
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 14 * mm
    chart.width, chart.height = width - 30 * mm, height - 24 * mm
    chart.data = [values]
    chart.valueAxis.valueMin = 0
    top = max(values + [1])
    step = max(1, -(-top // 5))
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * (-(-top // step) + 1)
    chart.valueAxis.labels.fontName = typo.names["songti"]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = typo.names["heiti"]
    chart.categoryAxis.labels.fontSize = 10
    chart.bars[0].fillColor = colors.Color(0.72, 0.11, 0.11)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = typo.names["songti"]
    chart.barLabels.nudge = 7
    drawing.add(chart)
    drawing.add(String(width / 2, height - 8, "各等次党支部数量", fontName=typo.names["heiti"], fontSize=11, textAnchor="middle"))
    return drawing


def _heading(typo: Typography, n: int, text: str) -> Flowable:
    return typo.para(f"{CN_NUMBERS[n - 1]}、{text}", "h1")


def write_pdf(
    out: Path, *, committee: str, period_label: str, rows: list[m.OverviewRow],
    rects: list[m.RectificationRow], key_changes: list[m.KeyChange], quota: m.Quota,
    deadline: str, today: date,
) -> None:
    typo = typography()
    submitted = [r for r in rows if r.submitted]
    missing = [r for r in rows if not r.submitted]
    counts = grade_counts(rows)
    story: list[Flowable] = [typo.para(f"关于{period_label}党支部建设提升行动考核验收结果的通报", "title")]
    if committee:
        story.append(typo.para(f"{committee}所属各党支部：", "addressee"))
    graded = sum(counts[g] for g in m.GRADES)
    expected = quota.base if quota.from_roster else len(rows)
    off_roster = sum(1 for r in submitted if not r.on_roster) if quota.from_roster else 0
    story.append(typo.para(
        f"按照党支部建设提升行动“基层自评、逐级申报、考核验收、结果评定”的工作程序，{period_label}应报送党支部 "
        f"{expected} 个，已报送 {len(submitted)} 个"
        + (f"（其中不在名册 {off_roster} 个）" if off_roster else "")
        + f"，未报送 {len(missing)} 个；"
        f"已评定等次 {graded} 个，"
        f"其中A级（先进）{counts['A']} 个、B级（较好）{counts['B']} 个、C级（一般）{counts['C']} 个、"
        f"D级（后进）{counts['D']} 个。A级数量按不超过党支部总数10%掌握（{quota.base} 个党支部，至多 {quota.allowed} 个）。"
        + (f"报送截止日期为{chinese_date(deadline)}。" if deadline else ""),
        "body",
    ))
    story.append(_heading(typo, 1, "等次分布"))
    story.append(grade_chart(typo, counts))
    story.append(_heading(typo, 2, "各等次党支部名单"))
    for g in m.GRADES:
        names = [r for r in submitted if r.committee_grade == g]
        story.append(typo.para(f"（{CN_NUMBERS[m.GRADES.index(g)]}）{g}级（{m.GRADE_LABELS[g]}）{len(names)} 个", "h2"))
        story.extend(flowing(typo, names_text(names)))
    ungraded = [r for r in submitted if not r.committee_grade]
    if ungraded:
        story.append(typo.para(f"（五）尚未评定 {len(ungraded)} 个", "h2"))
        story.extend(flowing(typo, names_text(ungraded)))
    story.append(_heading(typo, 3, "未报送党支部"))
    story.extend(flowing(typo, names_text(missing)))
    late = [r for r in submitted if r.late]
    if late:
        story.extend(flowing(typo, f"逾期报送的党支部：{names_text(late)}"))
    story.append(_heading(typo, 4, "待整改事项（按整改时限排列）"))
    if rects:
        overdue = sum(1 for r in rects if r.overdue)
        # a line of text between heading and table: headings keep with the next flowable,
        # and a long table kept with its heading would be pushed whole onto a new page
        story.append(typo.para(f"共 {len(rects)} 项，其中已逾期 {overdue} 项。", "body"))
        table_rows = [
            [str(i), cell_text(r.branch), cell_text(f"{r.task_key}．{r.task_title}"), cell_text(r.problem),
             cell_text(r.deadline) + ("（已逾期）" if r.overdue else "")]
            for i, r in enumerate(rects, start=1)
        ]
        story.append(PagedTable(
            typo, ["序号", "党支部", "任务", "存在问题", "整改时限"], table_rows,
            [12 * mm, 38 * mm, 32 * mm, 46 * mm, 28 * mm], "cell_small",
        ))
    else:
        story.append(typo.para("无。", "body"))
    story.append(_heading(typo, 5, "签名密钥变更"))
    if key_changes:
        decisions = {"accepted": "已确认", "declined": "已拒绝", "": "待确认"}
        story.append(typo.para(f"本期共有 {len(key_changes)} 个党支部的报送包使用了新的签名密钥。", "body"))
        story.append(PagedTable(
            typo, ["党支部", "原密钥指纹", "新密钥指纹", "处理"],
            [[cell_text(k.branch_name), k.old_fingerprint[:19], k.new_fingerprint[:19], decisions[k.decision]] for k in key_changes],
            [44 * mm, 44 * mm, 44 * mm, 24 * mm], "cell_small",
        ))
    else:
        story.append(typo.para("本期无签名密钥变更。", "body"))
    story.append(Spacer(1, 12 * mm))
    if committee:
        story.append(typo.para(committee, "plain", alignment=2, rightIndent=2 * 15.75))
    story.append(typo.para(chinese_date(today), "plain", alignment=2, rightIndent=2 * 15.75))
    doc = OfficialDocTemplate(str(out), typo, title=f"{period_label}考核验收结果通报", author=committee or "dzdesk")
    doc.build(story)
