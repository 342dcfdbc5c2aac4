"""The report's text: title, sections 一 to 五, signature block and verification block."""

from __future__ import annotations

import re
from itertools import groupby

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ..template import STATUS_LABELS
from ..timeutil import chinese_date
from .cjkwrap import split_lines
from .data import ReportData
from .typography import BLOCK_WIDTH, BODY_LEADING, BODY_SIZE, Typography

NUMERALS = "一二三四五六七八九十"
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) (?=[\u3000-\u9fff\uff00-\uffef])")
UNANSWERED = "未填写"
QR_SIZE = 30 * mm


def _status(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", UNANSWERED)


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def title_text(data: ReportData) -> str:
    return f"{data.profile.display_name}关于党支部建设提升行动的自评报告（{data.period.label}）"


def qr_payload(data: ReportData) -> str:
    fingerprint = (data.fingerprint or "").replace(" ", "")
    return f"DZDESK-REPORT|{data.period.code}|r{data.assessment.revision}|{data.digest}|{fingerprint}"


class SignatureBlock(Flowable):
    """GB/T 9704 signature with seal: date four characters in from the right, the issuer
    centred above it, the secretary's signature line above that; room for a 42 mm seal.
    An issuer name too long for one line is broken over several, all inside the text block."""

    def __init__(self, typo: Typography, issuer: str, when: str) -> None:
        super().__init__()
        self.typo, self.issuer, self.when = typo, issuer + "（盖章）", when
        self.lines: list[str] = [self.issuer]

    def _width(self, text: str) -> float:
        font = self.typo.names["fangsong"]
        return sum(stringWidth(chunk, face, BODY_SIZE) for face, chunk in self.typo.runs(text, font))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        widths = [self._width(ch) for ch in self.issuer]
        self.lines = [self.issuer[a:b] for a, b, _, _ in split_lines(self.issuer, widths, [avail_width])]
        self.height = BODY_LEADING * (4 + len(self.lines))
        return avail_width, self.height

    def draw(self) -> None:
        c, size = self.canv, BODY_SIZE
        date_right = self.width - 4 * size
        date_width = self.typo.draw(c, date_right, BODY_LEADING * 0.3, self.when, "fangsong", size, "right")
        centre = date_right - date_width / 2
        width = max(self._width(line) for line in self.lines)
        # centred over the date, but a long name is pulled left to stay inside the text block
        left = max(0.0, min(centre - width / 2, self.width - width))
        top = BODY_LEADING * (1.3 + len(self.lines) - 1)
        self.typo.draw(c, left, top + BODY_LEADING * 2.5, "党支部书记（签字）：", "fangsong", size)
        for n, line in enumerate(self.lines):
            self.typo.draw(c, left, top - n * BODY_LEADING, line, "fangsong", size)


class QrCode(Flowable):
    """A QR code drawn straight onto the canvas: one rectangle per run of dark modules
    (reportlab's widget encodes twice and renders module by module, ten times slower)."""

    BORDER = 2  # quiet zone, in modules; the box around the verification block adds more

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(payload)
        qr.make()
        self.modules = [[bool(m) for m in row] for row in qr.modules]
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        count = len(self.modules)
        box = self.width / (count + 2 * self.BORDER)
        c = self.canv
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(self.modules):
            y = self.height - (r + self.BORDER + 1) * box
            col = 0
            for dark, run in groupby(row):
                n = len(list(run))
                if dark:
                    path.rect((col + self.BORDER) * box, y, n * box, box)
                col += n
        c.drawPath(path, stroke=0, fill=1)


def build_story(data: ReportData, typo: Typography) -> list[Flowable]:
    p = typo.para
    title = f"{data.profile.display_name}\n关于党支部建设提升行动的自评报告\n（{data.period.label}）"
    story: list[Flowable] = [p(title, "title")]
    if data.profile.committee:
        story.append(p(f"{data.profile.committee}：", "addressee"))
    story.append(
        p(
            f"根据《{data.template.source or data.template.title}》要求，本支部对照{data.template.title}"
            f"（共{len(data.template.tasks)}项），对{data.period.label}党支部建设情况进行了自查，现将有关情况报告如下。"
        )
    )
    story += _basic(data, typo)
    story += _overall(data, typo)
    story += _tasks(data, typo)
    story += _problems(data, typo)
    story += _evidence(data, typo)
    signature = SignatureBlock(typo, data.profile.display_name, chinese_date(data.report_date))
    # GB/T 9704: the page with the seal must carry body text, so the closing line travels with it.
    story.append(KeepTogether([p("特此报告。", "closing"), Spacer(1, BODY_LEADING), signature, _verification(data, typo)]))
    return story


def _heading(typo: Typography, index: int, text: str) -> list[Flowable]:
    return [typo.para(f"{NUMERALS[index]}、{text}", "h1")]


def _tidy(text: str) -> str:
    """Drop the ASCII spaces engine messages put between Chinese and digits (not used on user text)."""
    return _CJK_SPACE.sub("", text)


def _basic(data: ReportData, typo: Typography) -> list[Flowable]:
    pr = data.profile
    founded = f"成立于{chinese_date(pr.founded)}，" if pr.founded else ""
    text = (
        f"{pr.display_name}属{pr.kind_label}党组织，{founded}上级党组织为{pr.committee or '（未填写）'}，"
        f"党支部书记{pr.secretary or '（未填写）'}。现有正式党员{pr.full_members}名、预备党员{pr.probationary_members}名。"
    )
    if data.score.flags:
        text += f"按评分标准，本支部属于“{'”“'.join(data.score.flags)}”党支部。"
    a = data.assessment
    if data.finalized:
        text += f"本报告依据本期第{a.revision}版自评内容生成，该版已于{chinese_date(a.finalized_at)}定稿。"
    else:
        text += f"本期第{a.revision}版自评尚未定稿，本报告为草稿，仅供核对，不作为正式报告。"
    return _heading(typo, 0, "基本情况") + [typo.para(text)]


def _overall(data: ReportData, typo: Typography) -> list[Flowable]:
    s = data.score
    out = _heading(typo, 1, "总体情况")
    out.append(typo.para("（一）得分与建议等次", "h2"))
    out.append(typo.para(f"本期自评得分{_points(s.total)}分，建议等次为{s.grade_text}。" + _tidy("".join(s.reasons))))
    if data.template.rubric.note:
        out.append(typo.para(data.template.rubric.note))
    out.append(typo.para("（二）各方面得分", "h2"))
    rows = []
    for area, area_score in zip(data.template.areas, s.areas, strict=True):
        rate = f"{area_score.percent:g}%" if area_score.possible else "—"
        rows.append([f"{area.number}、{area.name}", str(len(area.tasks)), _points(area_score.max_points),
                     _points(area_score.possible), _points(area_score.earned), rate])
    rows.append(["合计", str(s.task_count), "100", _points(s.possible), _points(s.earned), f"{_points(s.total)}分"])
    widths = [52 * mm, 18 * mm, 20 * mm, 24 * mm, 20 * mm, 22 * mm]
    out.append(typo.table(["方面", "任务数", "满分", "计分基数", "得分", "得分率"], rows, widths,
                          align=["left"] + ["center"] * 5))
    out.append(typo.para("（三）完成情况统计", "h2"))
    counts = "、".join(f"{label}{s.counts[key]}项" for key, label in STATUS_LABELS.items())
    tail = f"，尚未填写{s.counts['unanswered']}项" if s.counts["unanswered"] else ""
    out.append(typo.para(f"{s.task_count}项重点任务中，{counts}{tail}。"))
    out += _comparison(data, typo)
    return out


def _comparison(data: ReportData, typo: Typography) -> list[Flowable]:
    prev = data.previous
    out = [typo.para("（四）与上期比较", "h2")]
    if prev is None:
        return out + [typo.para(f"上期（{data.period.previous().label}）无自评记录，本期不作比较。")]
    state = "已定稿" if prev.assessment.is_finalized else "草稿"
    delta = data.score.total - prev.score.total
    trend = f"提高{_points(delta)}分" if delta > 0 else f"降低{_points(-delta)}分" if delta < 0 else "持平"
    text = (
        f"上期（{prev.period.label}，第{prev.assessment.revision}版，{state}）得分{_points(prev.score.total)}分、"
        f"建议等次{prev.score.grade_text}；本期得分{_points(data.score.total)}分，较上期{trend}。"
    )
    changed = []
    for task in data.template.tasks:
        before = prev.answers.get(task.key)
        now = data.answers.get(task.key)
        if (before.status if before else None) != (now.status if now else None):
            changed.append([task.key, task.title, _status(before.status if before else None), _status(now.status if now else None)])
    if not changed:
        return out + [typo.para(text + "各项任务完成状态与上期相同。")]
    out.append(typo.para(text + f"完成状态有变化的任务共{len(changed)}项，见下表。"))
    out.append(typo.table(["序号", "任务", "上期状态", "本期状态"], changed, [16 * mm, 76 * mm, 32 * mm, 32 * mm],
                          align=["center", "left", "center", "center"]))
    return out


def _tasks(data: ReportData, typo: Typography) -> list[Flowable]:
    out = _heading(typo, 2, "重点任务完成情况")
    for area in data.template.areas:
        area_score = next(a for a in data.score.areas if a.key == area.key)
        out.append(typo.para(f"（{area.number}）{area.name}（满分{_points(area_score.max_points)}分，"
                             f"得分{_points(area_score.earned)}分）", "h2"))
        for task in area.tasks:
            answer = data.answers.get(task.key)
            status = _status(answer.status if answer else None)
            out.append(typo.rich([("heiti", f"{task.key}. {task.title}"), ("fangsong", f"（{_points(task.points)}分，{status}）")], "h3"))
            out.append(typo.rich([("kaiti", "任务要求："), ("fangsong", task.text)]))
            narrative = (answer.narrative.strip() if answer else "") or "（未填写）"
            out.append(typo.rich([("kaiti", "完成情况："), ("fangsong", narrative)]))
            files = data.evidence_for(task.key)
            listing = "、".join(e.caption or e.original_name for e in files) + f"（共{len(files)}个，详见第五部分）" if files else "无"
            out.append(typo.rich([("kaiti", "佐证材料："), ("fangsong", listing)]))
    return out


def _problems(data: ReportData, typo: Typography) -> list[Flowable]:
    out = _heading(typo, 3, "存在问题及整改措施")
    rows = []
    for task in data.template.tasks:
        answer = data.answers.get(task.key)
        if answer is None or answer.rectification.is_empty:
            continue
        r = answer.rectification
        deadline = chinese_date(r.deadline) if r.deadline else "—"
        rows.append([f"{task.key}. {task.title}", r.problem or "—", r.measures or "—", r.owner or "—", deadline])
    if not rows:
        return out + [typo.para("本期自查未发现需要整改的问题。")]
    out.append(typo.para(f"本期自查发现问题{len(rows)}项，整改措施如下表。"))
    widths = [30 * mm, 40 * mm, 46 * mm, 16 * mm, 24 * mm]
    out.append(typo.table(["任务", "存在问题", "整改措施", "责任人", "完成时限"], rows, widths,
                          align=["left", "left", "left", "center", "center"]))
    return out


def _evidence(data: ReportData, typo: Typography) -> list[Flowable]:
    out = _heading(typo, 4, "佐证材料目录")
    if not data.evidence:
        return out + [typo.para("本期未提交佐证材料。")]
    total = sum(e.size for e in data.evidence)
    out.append(typo.para(f"本期共提交佐证材料{len(data.evidence)}个，合计{_size(total)}。"
                         "每个文件的SHA-256校验值前12位列于表中，可与导出的数据包逐一核对。"))
    rows = [
        [str(i), e.task_key, e.original_name, e.caption or "—", _size(e.size), e.sha256[:12]]
        for i, e in enumerate(data.evidence, 1)
    ]
    widths = [12 * mm, 12 * mm, 43 * mm, 40 * mm, 19 * mm, 30 * mm]
    out.append(typo.table(["序号", "任务", "文件名", "说明", "大小", "SHA-256前12位"], rows, widths,
                          style="cell_small", align=["center", "center", "left", "left", "right", "center"]))
    return out


def _verification(data: ReportData, typo: Typography) -> Table:
    digest = " ".join(data.digest[i : i + 8] for i in range(0, 64, 8)).upper()
    kind = "快照摘要（SHA-256）" if data.finalized else "快照摘要（草稿，定稿后会变化）"
    lines = [
        typo.rich([("heiti", f"{kind}："), ("fangsong", digest)], "note"),
        typo.rich([("heiti", "党支部签名密钥指纹："), ("fangsong", data.fingerprint or "（本机尚无签名密钥）")], "note"),
        typo.para(
            "本报告的电子文件附有党支部数字签名。纸质件与电子文件、导出数据包的快照摘要一致，即为同一内容；"
            "扫描左侧二维码可读取摘要和指纹。" if data.finalized else "草稿未签名，不作为正式报告报送。",
            "note",
        ),
    ]
    table = Table([[QrCode(qr_payload(data), QR_SIZE), lines]], colWidths=[QR_SIZE + 6 * mm, BLOCK_WIDTH - QR_SIZE - 6 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), typo.names["fangsong"]),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.Color(0.4, 0.4, 0.4)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
    ]))
    return table
