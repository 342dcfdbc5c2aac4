"""Rules for short texts that identify people and organisations (branch, committee, secretary names).

The branch side checks them when the secretary types them, the committee
side when a bundle arrives: one set of rules, so a signed file can never carry
a name the program would not have let anyone type. Names are also shown on
terminals, in PDFs and in spreadsheets, so characters that move the cursor,
reorder text (bidi overrides) or are invisible (zero-width) are refused, and
:func:`shown` masks them in anything that is printed from older data.

:func:`name_key` is how names are compared: two names that a person cannot
tell apart are the same name (see docs/bundle-format.md, "Branch names").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from .errors import ValidationError
from .resources import resource_path

MAX_NAME = 100
# Unicode categories a name may not contain: controls, format characters (bidi overrides,
# zero-width joiners and spaces, the BOM), line/paragraph separators, lone surrogates.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SPACE = re.compile(r"\s+")
_ORGAN_PREFIX = "中共"


def forbidden_char(text: str) -> str | None:
    """The first character of ``text`` a name may not contain, or None."""
    for char in text:
        if unicodedata.category(char) in FORBIDDEN_CATEGORIES:
            return char
    return None


def char_label(char: str) -> str:
    """How a refused character is named in a message: U+202E (RIGHT-TO-LEFT OVERRIDE)."""
    return f"U+{ord(char):04X}" + (f"（{unicodedata.name(char)}）" if unicodedata.name(char, "") else "")


def check_name(value: object, label: str, *, required: bool = True, limit: int = MAX_NAME) -> str:
    """A name as the branch side accepts it: text, stripped, non-empty, at most ``limit`` characters,
    no control, bidi-override or zero-width characters."""
    if not isinstance(value, str):
        raise ValidationError(f"“{label}”应为文字。", f"'{label}' must be text.")
    text = value.strip()
    if required and not text:
        raise ValidationError(f"请填写“{label}”。", f"'{label}' is required.")
    if len(text) > limit:
        raise ValidationError(
            f"“{label}”过长（{len(text)} 字），最多 {limit} 字。", f"'{label}' is longer than {limit} characters."
        )
    bad = forbidden_char(text)
    if bad is not None:
        raise ValidationError(
            f"“{label}”含有不可见或控制字符 {char_label(bad)}，请删除后重新输入。",
            f"'{label}' contains the invisible or control character U+{ord(bad):04X}.",
        )
    return text


def shown(text: str, limit: int = 80) -> str:
    """Text from outside made safe for one line of output: refused characters shown as '?', length capped."""
    clean = "".join("?" if unicodedata.category(c) in FORBIDDEN_CATEGORIES else c for c in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


@cache
def _simplified() -> dict[int, str]:
    """Traditional → simplified, one character each (OpenCC's table, resources/text/)."""
    table: dict[int, str] = {}
    for line in resource_path("text", "opencc-TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets:
            table[ord(source)] = targets.split(" ")[0]
    return table


def name_key(name: str) -> str:
    """The form two names are compared in: 中共 ×× 党支部, ××黨支部 and ××党支部 compare equal.

    NFKC (full-width letters, compatibility forms), invisible characters and
    white space removed, traditional characters folded to simplified, case
    folded, and the 中共 prefix dropped.
    """
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(c for c in text if unicodedata.category(c) not in FORBIDDEN_CATEGORIES)
    text = _SPACE.sub("", text).translate(_simplified()).casefold()
    return text.removeprefix(_ORGAN_PREFIX)
