"""Official-document typography after GB/T 9704-2012, reusable by every PDF dzdesk makes.

The self-assessment report (this package) and the committee's 通报 use the same
page, fonts and styles. The small API::

    typo = typography()                      # fonts registered once per process
    typo.para("正文……", "body")             # a Paragraph, escaped, with glyph fallback
    typo.table(["序号", "内容"], rows, [20 * mm, 136 * mm])   # wraps, repeats header row
    doc = OfficialDocTemplate(path, typo, footer_note="…", watermark="草稿")
    doc.build(story)                         # "— 1 —" page numbers, odd right / even left

Styles: ``title`` (2号), ``addressee`` (主送, flush left), ``body`` (3号, 2-character
indent), ``h1`` (一、 黑体), ``h2`` (（一） 楷体), ``h3`` (1. 仿宋), ``cell``,
``cell_small``, ``cell_head``, ``note``. Text is given as plain text, never markup.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from ..fonts import BUNDLED, FALLBACK, FontChoice, FontFile, default_fonts, font_name, parsed_font
from ..resources import resource_path
from . import cjkwrap

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
BLOCK_WIDTH = 156 * mm
BLOCK_HEIGHT = 225 * mm
BOTTOM_MARGIN = PAGE_HEIGHT - TOP_MARGIN - BLOCK_HEIGHT  # 35 mm

# 3号 is 16 pt; 28 characters at 16 pt overflow 156 mm by 2 mm, and reportlab
# paragraphs have no letter-spacing, so the body is set at 15.75 pt: 28 × 15.75 pt
# = 155.6 mm, the same effect as GB/T's "tighten the spacing a little".
BODY_SIZE = 15.75
BODY_LEADING = BLOCK_HEIGHT / 22  # 22 lines per page: 28.99 pt
TITLE_SIZE = 22
PAGE_NUMBER_SIZE = 14  # 4号
PAGE_NUMBER_GAP = 7 * mm  # below the text block

cjkwrap.install()  # Chinese line breaking: no closing mark starts a line, nothing hangs out

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@cache
def _register(font: FontFile) -> tuple[str, frozenset[int]]:
    """Register a face with reportlab (parsed at most once per process) and return its name and coverage."""
    ttf = parsed_font(font)
    pdfmetrics.registerFont(ttf)
    return ttf.fontName, frozenset(ttf.face.charToGlyph)


def _register_role(fonts: FontChoice, role: str) -> tuple[str, frozenset[int]]:
    """A face that passed discovery's quick check but will not parse falls back to the bundled one."""
    try:
        return _register(fonts.role(role))
    except (TTFError, OSError, ValueError, IndexError, KeyError, struct.error):
        bundled = FALLBACK if role == "fallback" else BUNDLED[role]
        return _register(FontFile(resource_path("fonts", bundled[0]), bundled[1], "bundled"))


@dataclass
class Typography:
    """Registered fonts (by role) and the paragraph styles built on them."""

    fonts: FontChoice
    names: dict[str, str]
    styles: dict[str, ParagraphStyle] = field(default_factory=dict)
    _coverage: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)

    @property
    def fallback(self) -> str:
        """The glyph-fallback face, registered the first time a character needs it."""
        name = self.names["fallback"]
        if name not in self._coverage:
            name, self._coverage[name] = _register_role(self.fonts, "fallback")
            self.names["fallback"] = name
        return name

    def covers(self, font_name: str, char: str) -> bool:
        return ord(char) in self._coverage[font_name]

    def runs(self, text: str, font_name: str) -> list[tuple[str, str]]:
        """Split text into (font, chunk) runs, switching to the fallback face for missing glyphs."""
        out: list[tuple[str, str]] = []
        for char in text:
            face = font_name if char in "\n " or self.covers(font_name, char) else self.fallback
            if out and out[-1][0] == face:
                out[-1] = (face, out[-1][1] + char)
            else:
                out.append((face, char))
        return out

    def markup(self, text: str, font_name: str) -> str:
        """Plain text → paragraph markup: escaped, line breaks kept, fallback face where needed."""
        text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
        parts = []
        for face, chunk in self.runs(text, font_name):
            body = escape(chunk).replace("\n", "<br/>")
            parts.append(body if face == font_name else f'<font face="{face}">{body}</font>')
        return "".join(parts)

    def para(self, text: str, style: str = "body", **overrides: Any) -> Paragraph:
        st = self.styles[style]
        if overrides:
            st = ParagraphStyle(f"{st.name}-x", parent=st, **overrides)
        return Paragraph(self.markup(text, st.fontName), st)

    def rich(self, parts: Sequence[tuple[str, str]], style: str = "body") -> Paragraph:
        """A paragraph mixing roles, e.g. [("heiti", "任务要求："), ("fangsong", text)]."""
        st = self.styles[style]
        markup = "".join(
            f'<font face="{self.names[role]}">{self.markup(text, self.names[role])}</font>' for role, text in parts
        )
        return Paragraph(markup, st)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        col_widths: Sequence[float],
        *,
        style: str = "cell",
        align: Sequence[str] | None = None,
    ) -> Table:
        """A ruled table whose cells wrap Chinese text; the header row repeats on every page."""
        head = [self.para(h, "cell_head") for h in header]
        body_styles = []
        for i in range(len(header)):
            a = (align or ["left"] * len(header))[i]
            body_styles.append(style if a == "left" else f"{style}_{a}")
        data = [head] + [[self.para(v, body_styles[i]) for i, v in enumerate(row)] for row in rows]
        table = Table(
            data, colWidths=list(col_widths), repeatRows=1, splitByRow=1, hAlign="LEFT", spaceBefore=4, spaceAfter=8
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.names["fangsong"]),  # else cells select Helvetica
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def width(self, text: str, role: str, size: float) -> float:
        """Width of one line of text in a role's face, glyph fallback included."""
        return sum(pdfmetrics.stringWidth(chunk, face, size) for face, chunk in self.runs(text, self.names[role]))

    def draw(self, canvas: Canvas, x: float, y: float, text: str, role: str, size: float, align: str = "left") -> float:
        """Draw one line on a canvas with glyph fallback; returns its width."""
        runs = self.runs(text, self.names[role])
        width = self.width(text, role, size)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        for face, chunk in runs:
            canvas.setFont(face, size)
            canvas.drawString(x, y, chunk)
            x += pdfmetrics.stringWidth(chunk, face, size)
        return width


def _styles(names: dict[str, str]) -> dict[str, ParagraphStyle]:
    fang, hei, kai = names["fangsong"], names["heiti"], names["kaiti"]
    body = ParagraphStyle(
        "body", fontName=fang, fontSize=BODY_SIZE, leading=BODY_LEADING, firstLineIndent=2 * BODY_SIZE,
        # not justified: reportlab would spread the slack at font changes, opening gaps
        # mid-word; 28 full-width characters fill the line exactly anyway
        alignment=TA_LEFT, wordWrap="CJK", splitLongWords=True, allowWidows=1, allowOrphans=1,
    )
    cell = ParagraphStyle("cell", fontName=fang, fontSize=12, leading=16, wordWrap="CJK", alignment=TA_LEFT)
    small = ParagraphStyle("cell_small", parent=cell, fontSize=10.5, leading=14)
    styles = {
        "body": body,
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0),
        "addressee": ParagraphStyle("addressee", parent=body, firstLineIndent=0, alignment=TA_LEFT),
        "title": ParagraphStyle(
            "title", fontName=names["title"], fontSize=TITLE_SIZE, leading=TITLE_SIZE * 1.5, alignment=TA_CENTER,
            wordWrap="CJK", spaceAfter=BODY_LEADING,
        ),
        "h1": ParagraphStyle("h1", parent=body, fontName=hei, alignment=TA_LEFT, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=body, fontName=kai, alignment=TA_LEFT, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=body, alignment=TA_LEFT, keepWithNext=1),
        "closing": ParagraphStyle("closing", parent=body, keepWithNext=1),
        "cell": cell,
        "cell_center": ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        "cell_right": ParagraphStyle("cell_right", parent=cell, alignment=2),
        "cell_small": small,
        "cell_small_center": ParagraphStyle("cell_small_center", parent=small, alignment=TA_CENTER),
        "cell_small_right": ParagraphStyle("cell_small_right", parent=small, alignment=2),
        "cell_head": ParagraphStyle("cell_head", parent=cell, fontName=hei, fontSize=11, alignment=TA_CENTER),
        "note": ParagraphStyle("note", parent=cell, fontSize=10.5, leading=15),
    }
    return styles


@cache
def typography(fonts: FontChoice | None = None) -> Typography:
    """Register the chosen faces (default: :func:`dzdesk.fonts.default_fonts`) and build styles."""
    fonts = fonts or default_fonts()
    names: dict[str, str] = {}
    coverage: dict[str, frozenset[int]] = {}
    for role in ("fangsong", "heiti", "kaiti", "songti", "title"):
        name, chars = _register_role(fonts, role)
        names[role] = name
        coverage[name] = chars
    # the fallback face is parsed only when some character needs it (see Typography.fallback),
    # unless it is one of the faces above anyway (the bundled 黑体 is)
    names["fallback"] = font_name(fonts.fallback)
    return Typography(fonts, names, _styles(names), coverage)


def _pdf_date(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return moment.strftime("D:%Y%m%d%H%M%S")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def default_typography() -> Typography:
    """:func:`typography` with the default fonts (named apart so the package does not shadow this module)."""
    return typography()


class OfficialDocTemplate(BaseDocTemplate):
    """A4 with the GB/T 9704 text block; page numbers "— n —" 4号, odd right, even left.

    ``footer_note`` is printed small and centred under the page number on every
    page (the report uses it for the snapshot digest); ``watermark`` is drawn
    diagonally across every page (草稿).
    """

    def __init__(
        self, target: Any, typo: Typography, *, footer_note: str = "", watermark: str = "",
        created: datetime | None = None, **kw: Any,
    ) -> None:
        self.typo = typo
        self.footer_note = footer_note
        self.watermark = watermark
        self.created = created
        kw.setdefault("invariant", 1)
        kw.setdefault("initialFontName", typo.names["fangsong"])  # else reportlab lists an unembedded Helvetica
        super().__init__(
            target, pagesize=A4, leftMargin=LEFT_MARGIN, rightMargin=PAGE_WIDTH - LEFT_MARGIN - BLOCK_WIDTH,
            topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, **kw,
        )
        frame = Frame(
            LEFT_MARGIN, BOTTOM_MARGIN, BLOCK_WIDTH, BLOCK_HEIGHT, id="text",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def build(self, flowables: list[Any], **kw: Any) -> None:  # type: ignore[override]
        """Build; with ``created`` set, that moment is the PDF's creation date (deterministic output)."""
        created = self.created
        if created is not None and "canvasmaker" not in kw:
            stamp = _pdf_date(created)

            def canvasmaker(*args: Any, **ckw: Any) -> Canvas:
                canvas = Canvas(*args, **ckw)
                canvas.setDateFormatter(lambda *_: stamp)
                return canvas

            kw["canvasmaker"] = canvasmaker
        super().build(flowables, **kw)

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        if self.watermark:
            canvas.setFillColor(colors.Color(0.5, 0.5, 0.5, alpha=0.3))
            canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            canvas.rotate(35)
            self.typo.draw(canvas, 0, -40, self.watermark, "heiti", 150, align="center")
            canvas.rotate(-35)
            canvas.translate(-PAGE_WIDTH / 2, -PAGE_HEIGHT / 2)
        canvas.setFillColor(colors.black)
        number = canvas.getPageNumber()
        y = BOTTOM_MARGIN - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE * 0.8
        text = f"— {number} —"
        inset = PAGE_NUMBER_SIZE  # one character in from the edge of the text block
        if number % 2:
            self.typo.draw(canvas, LEFT_MARGIN + BLOCK_WIDTH - inset, y, text, "songti", PAGE_NUMBER_SIZE, "right")
        else:
            self.typo.draw(canvas, LEFT_MARGIN + inset, y, text, "songti", PAGE_NUMBER_SIZE, "left")
        if self.footer_note:
            canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
            size = 8.0
            width = self.typo.width(self.footer_note, "heiti", size)
            if width > BLOCK_WIDTH:  # a very long branch name: shrink rather than run off the page
                size *= BLOCK_WIDTH / width
            self.typo.draw(canvas, PAGE_WIDTH / 2, 12 * mm, self.footer_note, "heiti", size, "center")
        canvas.restoreState()
