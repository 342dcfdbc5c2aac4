"""Chinese line breaking (避头尾) for reportlab paragraphs with ``wordWrap="CJK"``.

reportlab's own CJK splitter lets one closing mark hang into the margin and
then starts the next line with a second one (a "）" hung, "，" starting the next
line); its list of such marks also lacks the full-width Chinese ones. This
splitter instead pushes characters to the next line until that line starts
with a character allowed there and the line before does not end with an
opening mark, so nothing reaches past the text block. It also stops reportlab
from inserting spaces where a paragraph continues on the next page.
:func:`install` swaps these in once; they change only paragraphs that use CJK
wrapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reportlab.platypus.paragraph as rl_paragraph
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.rl_config import _FUZZ

# GB/T 15834-2011: 。？！，、；： and the closing halves of quotes, brackets and 书名号
# do not start a line; opening halves do not end one. Dashes and ellipses may start one.
CANNOT_START = set("!%),.:;?]}¢°·’\"℃∶、。〃〆〕〗〞﹚﹜！＂％＇），．：；？］｝～”」』】〉》〙〛ー・ゝゞヽヾ")
CANNOT_END = set("([{£¥‘“〈《「『【〔〖〘〚〝﹙﹛＄（．［｛￡￥")
MAX_PUSH = 4  # never move more than this many characters to the next line


def _width(u: Any, max_width: float) -> float:
    w = u.width
    if hasattr(w, "normalizedValue"):
        w._normalizer = max_width
        w = w.normalizedValue(max_width)
    return w


def _break_at(chars: Sequence[str], start: int, end: int) -> int:
    """Given a line chars[start:end], return where the next line should start."""
    j = end
    while j < len(chars) and j - 1 > start and end - j < MAX_PUSH and (
        chars[j] in CANNOT_START or chars[j - 1] in CANNOT_END
    ):
        j -= 1
    if j < len(chars) and (chars[j] in CANNOT_START or chars[j - 1] in CANNOT_END):
        return end  # a pathological run of marks: keep the plain break
    return j


def split_lines(
    chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float], forced: Sequence[bool] = ()
) -> list[tuple[int, int, float, bool]]:
    """Break into lines: (start, end, width, forced break) for each line."""
    lines: list[tuple[int, int, float, bool]] = []
    i = start = 0
    used = 0.0
    max_width = max_widths[0]
    while i < len(chars):
        used += widths[i]
        line_break = bool(forced and forced[i])
        i += 1
        if not (line_break or (used > max_width + _FUZZ and used > 0)):
            continue
        end = i
        if not line_break:
            end = i - 1 if i - 1 > start else i  # the character that overflowed goes down
            if end < len(chars) and _latin(chars[end]) and _latin(chars[end - 1]):
                # inside a Latin word: break after the last space or CJK character in reach
                for j in range(end - 1, (start + end) >> 1, -1):
                    if chars[j].isspace() or not _latin(chars[j]):
                        end = j + 1
                        break
            end = _break_at(chars, start, end)
        lines.append((start, end, sum(widths[start:end]), line_break))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        i = start = end
        used = 0.0
    if start < len(chars):
        lines.append((start, len(chars), sum(widths[start:]), False))
    return lines


def _latin(char: str) -> bool:
    return bool(char) and ord(char[0]) < 0x3000


def cjk_frag_split(frags: list[Any], maxWidths: list[float], calcBounds: Any, encoding: str = "utf8") -> Any:  # noqa: N803
    """Replacement for reportlab's ``cjkFragSplit`` (paragraphs with several fonts)."""
    chars: list[Any] = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        if text:
            chars.extend(rl_paragraph.cjkU(t, f, encoding) for t in text)
        else:
            chars.append(rl_paragraph.cjkU(text, f, encoding))
    widths = [_width(c, maxWidths[0]) for c in chars]
    forced = [hasattr(c.frag, "lineBreak") for c in chars]
    lines = []
    for n, (start, end, width, line_break) in enumerate(split_lines(chars, widths, maxWidths, forced)):
        max_width = maxWidths[min(n, len(maxWidths) - 1)]
        lines.append(
            rl_paragraph.makeCJKParaLine(chars[start:end], max_width, width, max_width - width, line_break, calcBounds)
        )
    return rl_paragraph.ParaLines(kind=1, lines=lines, dz_cjk=True)


def cjk_word_split(word: str, maxWidths: Sequence[float], fontName: str, fontSize: float, encoding: str = "utf8") -> list[list[Any]]:  # noqa: N803
    """Replacement for ``wordSplit`` (single-font CJK paragraphs): [[extra space, text], ...]."""
    text = word.decode(encoding) if isinstance(word, bytes) else word
    widths = [stringWidth(c, fontName, fontSize) for c in text]
    out = []
    for n, (start, end, width, _) in enumerate(split_lines(text, widths, list(maxWidths))):
        out.append([maxWidths[min(n, len(maxWidths) - 1)] - width, text[start:end]])
    return out


_western_split_hard = rl_paragraph._split_blParaHard


def split_lines_hard(blPara: Any, start: int, stop: int) -> list[Any]:  # noqa: N803
    """Replacement for ``_split_blParaHard``: when a paragraph runs onto the next page,
    reportlab rejoins its lines with spaces (right for English); Chinese lines join with nothing."""
    if not getattr(blPara, "dz_cjk", False):
        return _western_split_hard(blPara, start, stop)
    return [word for line in blPara.lines[start:stop] for word in line.words]


def install() -> None:
    rl_paragraph.cjkFragSplit = cjk_frag_split
    rl_paragraph.wordSplit = cjk_word_split
    rl_paragraph._split_blParaHard = split_lines_hard
