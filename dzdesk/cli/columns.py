"""Plain-text tables for the terminal, aligned for Chinese (full-width characters count as two)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text for a terminal: control and bidi characters shown as "?" (never sent as escapes)."""
    return _CONTROL.sub("?", str(text))


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cells = [[safe(c) for c in header], *[[safe(c) for c in row] for row in rows]]
    widths = [max(width(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [c + " " * (widths[i] - width(c)) for i, c in enumerate(row)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
