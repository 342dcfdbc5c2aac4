"""The 通报 PDF in the official typography shared with the branch report (GB/T 9704 page)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ..report.typography import BLOCK_WIDTH, OfficialDocTemplate, Typography, typography
from ..timeutil import chinese_date
from . import models as m
from .overview import grade_counts

CN_NUMBERS = "一二三四五六七八九十"


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
        story.append(typo.para("、".join(r.name for r in names) + "。" if names else "无。", "body"))
    ungraded = [r for r in submitted if not r.committee_grade]
    if ungraded:
        story.append(typo.para(f"（五）尚未评定 {len(ungraded)} 个", "h2"))
        story.append(typo.para("、".join(r.name for r in ungraded) + "。", "body"))
    story.append(_heading(typo, 3, "未报送党支部"))
    story.append(typo.para("、".join(r.name for r in missing) + "。" if missing else "无。", "body"))
    late = [r for r in submitted if r.late]
    if late:
        story.append(typo.para(f"逾期报送的党支部：{'、'.join(r.name for r in late)}。", "body"))
    story.append(_heading(typo, 4, "待整改事项（按整改时限排列）"))
    if rects:
        overdue = sum(1 for r in rects if r.overdue)
        # a line of text between heading and table: headings keep with the next flowable,
        # and a long table kept with its heading would be pushed whole onto a new page
        story.append(typo.para(f"共 {len(rects)} 项，其中已逾期 {overdue} 项。", "body"))
        table_rows = [
            [str(i), r.branch, f"{r.task_key}．{r.task_title}", r.problem, r.deadline + ("（已逾期）" if r.overdue else "")]
            for i, r in enumerate(rects, start=1)
        ]
        story.append(typo.table(
            ["序号", "党支部", "任务", "存在问题", "整改时限"], table_rows,
            [12 * mm, 38 * mm, 32 * mm, 46 * mm, 28 * mm], style="cell_small",
        ))
    else:
        story.append(typo.para("无。", "body"))
    story.append(_heading(typo, 5, "签名密钥变更"))
    if key_changes:
        decisions = {"accepted": "已确认", "declined": "已拒绝", "": "待确认"}
        story.append(typo.para(f"本期共有 {len(key_changes)} 个党支部的报送包使用了新的签名密钥。", "body"))
        story.append(typo.table(
            ["党支部", "原密钥指纹", "新密钥指纹", "处理"],
            [[k.branch_name, k.old_fingerprint[:19], k.new_fingerprint[:19], decisions[k.decision]] for k in key_changes],
            [44 * mm, 44 * mm, 44 * mm, 24 * mm], style="cell_small",
        ))
    else:
        story.append(typo.para("本期无签名密钥变更。", "body"))
    story.append(Spacer(1, 12 * mm))
    if committee:
        story.append(typo.para(committee, "plain", alignment=2, rightIndent=2 * 15.75))
    story.append(typo.para(chinese_date(today), "plain", alignment=2, rightIndent=2 * 15.75))
    doc = OfficialDocTemplate(str(out), typo, title=f"{period_label}考核验收结果通报", author=committee or "dzdesk")
    doc.build(story)
