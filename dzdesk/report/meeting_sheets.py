"""Printable meeting sheets in the report's typography (GB/T 9704 page, same fonts).

- 签到表 (sign-in sheet), printed before a meeting: title, branch, date, place, topic,
  then one row per expected member with a signature column, room for 实到 and the
  host's and recorder's signatures;
- 会议记录 (minutes), printed after it: the record's facts, who attended, who was
  excused and why, the minutes and resolutions, the attachment list, the attendance
  table, and the host's and recorder's signatures.

Both take plain data and return PDF bytes; long text (minutes, resolutions) is set as
body paragraphs that break across pages, never inside a table cell. Tables here use
their own row heights (room to sign), built from the typography's paragraph styles.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ..atomic import ReplaceRefused, atomic_path, cannot_replace
from ..errors import ValidationError
from ..orglife.models import ABSENT, EXCUSED, PRESENT, Attendance, Meeting, minutes_title, percent
from ..timeutil import chinese_date
from .typography import BLOCK_WIDTH, OfficialDocTemplate, Typography, default_typography

SIGN_ROW = 9 * mm  # room for a handwritten signature; a 15-member branch fits one page
NUMERALS = "一二三四五六七八九十"
TAIL_ROWS = 3  # sign-in rows kept on the page of the signatures


@dataclass(frozen=True)
class SheetMember:
    label: str  # the name, with what tells two of the same name apart
    group: str = ""
    note: str = ""  # e.g. 请假（出差）, known before the meeting


def _grid(
    typo: Typography,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    header: bool = True,
    height: float | None = None,
    label_columns: Sequence[int] = (),
    align: Sequence[str] | None = None,
) -> Table:
    """A ruled table of wrapping cells; the header row (if any) repeats on every page."""
    data = []
    for r, row in enumerate(rows):
        cells = []
        for c, text in enumerate(row):
            style = "cell_head" if (header and r == 0) or c in label_columns else "cell"
            if style == "cell" and align and align[c] == "center":
                style = "cell_center"
            cells.append(typo.para(text, style))
        data.append(cells)
    heights = (
        None
        if height is None
        else [None if header and r == 0 else height for r in range(len(rows))]
    )
    table = Table(
        data,
        colWidths=list(widths),
        rowHeights=heights,
        repeatRows=1 if header else 0,
        splitByRow=1,
        hAlign="LEFT",
        spaceBefore=4,
        spaceAfter=8,
    )
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), typo.names["fangsong"]),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)))
    for r, row in enumerate(rows):
        for c in label_columns:
            if c < len(row) and row[c]:
                commands.append(("BACKGROUND", (c, r), (c, r), colors.Color(0.95, 0.95, 0.95)))
    table.setStyle(TableStyle(commands))
    return table


def _facts(typo: Typography, pairs: Sequence[tuple[str, str]]) -> Table:
    """Label/value pairs two to a row (a long value takes the whole row)."""
    rows: list[list[str]] = []
    spans = []
    pending: list[tuple[str, str]] = []
    for label, value in pairs:
        if len(value) > 14:
            if pending:
                rows.append([*pending[0], "", ""])
                spans.append(len(rows) - 1)
                pending = []
            rows.append([label, value, "", ""])
            spans.append(len(rows) - 1)
            continue
        pending.append((label, value))
        if len(pending) == 2:
            rows.append([*pending[0], *pending[1]])
            pending = []
    if pending:
        rows.append([*pending[0], "", ""])
        spans.append(len(rows) - 1)
    table = _grid(
        typo, rows, [24 * mm, 54 * mm, 24 * mm, 54 * mm], header=False, label_columns=(0, 2)
    )
    table.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in spans]))
    return table


def _signatures(typo: Typography, *labels: str) -> list[Flowable]:
    """Signature lines side by side (host, recorder); the caller keeps them with what precedes
    (a KeepTogether inside a KeepTogether would make the outer one always break the page)."""
    gap = 10 * mm
    line = (BLOCK_WIDTH - gap * (len(labels) - 1)) / len(labels) - 38 * mm
    row: list[Any] = []
    widths: list[float] = []
    for i, label in enumerate(labels):
        if i:
            row.append("")
            widths.append(gap)
        row += [typo.para(f"{label}：", "cell"), ""]
        widths += [38 * mm, line]
    table = Table([row], colWidths=widths, rowHeights=[10 * mm], hAlign="LEFT")
    commands = [
        (
            "FONTNAME",
            (0, 0),
            (-1, -1),
            typo.names["fangsong"],
        ),  # else the empty cells select Helvetica
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]
    commands += [
        ("LINEBELOW", (i, 0), (i, 0), 0.6, colors.black)
        for i, cell in enumerate(row)
        if cell == "" and widths[i] == line
    ]
    table.setStyle(TableStyle(commands))
    return [Spacer(1, 2 * mm), table]


def _doc(
    buffer: io.BytesIO, typo: Typography, title: str, note: str, created: datetime | None
) -> OfficialDocTemplate:
    return OfficialDocTemplate(
        buffer,
        typo,
        footer_note=note,
        created=created,
        title=title,
        creator="dzdesk",
        producer="dzdesk",
        lang="zh-CN",
    )


def sign_in_sheet_pdf(
    *,
    branch: str,
    kind: str,
    day: str,
    topic: str,
    members: Sequence[SheetMember],
    place: str = "",
    group: str = "",
    created: datetime | None = None,
) -> bytes:
    """The 签到表 for a meeting of ``kind`` on ``day`` (ISO): one signature row per expected member."""
    typo = default_typography()
    title = f"{kind}签到表"
    pairs = [("党支部", branch), ("时间", chinese_date(day)), ("地点", place or "")]
    if group:
        pairs.append(("党小组", group))
    pairs += [("应到人数", f"{len(members)} 人"), ("实到人数", ""), ("会议主题", topic or "")]
    with_group = any(m.group for m in members) and not group
    if with_group:
        header = ["序号", "姓名", "党小组", "签名", "备注"]
        widths = [12 * mm, 28 * mm, 30 * mm, 48 * mm, 38 * mm]
        rows = [[str(i), m.label, m.group, "", m.note] for i, m in enumerate(members, start=1)]
    else:
        header = ["序号", "姓名", "签名", "备注"]
        widths = [12 * mm, 36 * mm, 70 * mm, 38 * mm]
        rows = [[str(i), m.label, "", m.note] for i, m in enumerate(members, start=1)]
    align = ["center"] * len(header)
    story: list[Flowable] = [typo.para(title, "title"), _facts(typo, pairs)]
    note = typo.para(
        "请本人签名；请假、缺席者由记录人在备注栏注明原因。签字后可扫描作为会议记录的附件。",
        "note",
    )
    if not rows:
        story.append(typo.para("（名册中没有本次会议应到的党员，请在下表手写参加人员。）", "note"))
        rows = [[str(i), *[""] * (len(header) - 1)] for i in range(1, 11)]
    # the last rows go with the note and the signatures, so those never stand alone on a page
    head, tail = rows[:-TAIL_ROWS], rows[-TAIL_ROWS:]
    if head:
        first = _grid(typo, [header, *head], widths, height=SIGN_ROW, align=align)
        first.spaceAfter = 0
        story.append(first)
    last = _grid(
        typo,
        [header, *tail] if not head else tail,
        widths,
        height=SIGN_ROW,
        align=align,
        header=not head,
    )
    last.spaceBefore = 0
    story.append(KeepTogether([last, note, *_signatures(typo, "主持人（签字）", "记录人（签字）")]))
    buffer = io.BytesIO()
    _doc(buffer, typo, title, f"{branch}　{title}　{chinese_date(day)}", created).build(story)
    return buffer.getvalue()


def _names(meeting: Meeting, status: str, notes: dict[int, str]) -> str:
    def name(a: Attendance) -> str:
        extra = "，".join(x for x in (notes.get(a.member_id, ""), a.reason) if x)
        return f"{a.name}（{extra}）" if extra else a.name

    return "、".join(name(a) for a in meeting.with_status(status))


def minutes_pdf(*, branch: str, meeting: Meeting, notes: dict[int, str] | None = None) -> bytes:
    """The 会议记录 of a recorded meeting; ``notes`` tells same-named members apart (member id → text)."""
    typo = default_typography()
    notes = notes or {}
    title = minutes_title(meeting.type)
    rate = percent(meeting.participation)
    pairs = [
        ("党支部", branch),
        ("会议类型", meeting.type),
        ("时间", chinese_date(meeting.date)),
        ("地点", meeting.place),
    ]
    if meeting.party_group:
        pairs.append(("党小组", meeting.party_group))
    pairs += [("主持人", meeting.host), ("记录人", meeting.recorder)]
    if meeting.hours is not None:
        pairs.append(("学时", f"{meeting.hours:g}"))
    if meeting.attendance:
        pairs += [
            ("应到人数", f"{meeting.expected} 人"),
            ("实到人数", f"{meeting.attended} 人"),
            ("请假人数", f"{len(meeting.with_status(EXCUSED))} 人"),
            ("参与率", rate),
        ]
    pairs.append(("会议主题", meeting.topic))
    story: list[Flowable] = [typo.para(title, "title"), _facts(typo, pairs)]
    sections: list[tuple[str, list[str]]] = []
    if meeting.attendance:
        people = [f"出席：{_names(meeting, PRESENT, notes) or '无'}"]
        if meeting.with_status(EXCUSED):
            people.append(f"请假：{_names(meeting, EXCUSED, notes)}")
        if meeting.with_status(ABSENT):
            people.append(f"缺席：{_names(meeting, ABSENT, notes)}")
        sections.append(("参加人员", people))
    sections.append(
        ("会议内容", meeting.minutes.split("\n") if meeting.minutes else ["（未填写会议记录。）"])
    )
    sections.append(
        ("决议事项", meeting.resolutions.split("\n") if meeting.resolutions else ["无。"])
    )
    if meeting.attachments:
        sections.append(
            (
                "附件",
                [
                    f"{i}. {a.original_name}" + (f"（{a.caption}）" if a.caption else "")
                    for i, a in enumerate(meeting.attachments, 1)
                ],
            )
        )
    for n, (heading, lines) in enumerate(sections):
        story.append(typo.para(f"{NUMERALS[n]}、{heading}", "h1"))
        story.extend(typo.para(text, "body") for text in lines if text.strip())
    signatures = _signatures(typo, "主持人（签字）", "记录人（签字）")
    if meeting.attendance:
        story.append(typo.para(f"{NUMERALS[len(sections)]}、出席情况", "h1"))
        header = ["序号", "姓名", "出席情况", "原因、备注"]
        rows = [
            [
                str(i),
                a.name,
                a.status,
                "；".join(x for x in (a.reason, notes.get(a.member_id, "")) if x),
            ]
            for i, a in enumerate(meeting.attendance, 1)
        ]
        widths = [16 * mm, 40 * mm, 28 * mm, 72 * mm]
        align = ["center", "center", "center", "left"]
        head, tail = rows[:-TAIL_ROWS], rows[-TAIL_ROWS:]
        if head:
            first = _grid(typo, [header, *head], widths, align=align)
            first.spaceAfter = 0
            story.append(first)
        last = _grid(typo, tail if head else [header, *tail], widths, align=align, header=not head)
        last.spaceBefore = 0
        story.append(KeepTogether([last, *signatures]))  # the signatures never stand alone
    else:
        story.append(KeepTogether([story.pop(), *signatures]))
    created = datetime.fromisoformat(meeting.updated_at) if meeting.updated_at else None
    buffer = io.BytesIO()
    _doc(
        buffer,
        typo,
        title,
        f"{branch}　{title}　{chinese_date(meeting.date)}　记录编号 {meeting.id}",
        created,
    ).build(story)
    return buffer.getvalue()


def write_pdf(target: str | Path, pdf: bytes) -> Path:
    """Put ``pdf`` at ``target`` atomically (a .pdf name in an existing folder)."""
    path = Path(target)
    if path.suffix.lower() != ".pdf":
        raise ValidationError(
            f"文件名“{path.name}”应以 .pdf 结尾。", f"'{path.name}' must end in .pdf."
        )
    if path.is_dir():
        raise ValidationError(f"“{path}”是一个文件夹，请给出文件名。", f"'{path}' is a folder.")
    if not path.parent.is_dir():
        raise ValidationError(
            f"文件夹“{path.parent}”不存在。", f"Folder '{path.parent}' does not exist."
        )
    try:
        with atomic_path(path, prefix=".dzdesk-sheet-", suffix=".pdf.tmp") as tmp:
            tmp.write_bytes(pdf)
    except ReplaceRefused:
        raise cannot_replace(path, "PDF 阅读器") from None
    except PermissionError:
        raise ValidationError(
            f"没有权限在文件夹“{path.parent}”中保存文件，请换一个文件夹。",
            f"No permission to write in '{path.parent}'.",
        ) from None
    return path
