"""Assessment periods: quarters (2026Q4), half-years (2026H2) and years (2026)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import ValidationError

_PATTERN = re.compile(r"^(\d{4})(?:(Q)([1-4])|(H)([12]))?$")
_QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_HALF_ZH = {1: "上半年", 2: "下半年"}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "Q", "H" or "Y"
    number: int  # quarter 1-4, half 1-2, 0 for a year

    @property
    def code(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        return f"{self.year}{self.kind}{self.number}"

    @property
    def label(self) -> str:
        """Chinese label as printed on reports: 2026年第四季度, 2026年下半年, 2026年度."""
        if self.kind == "Q":
            return f"{self.year}年{_QUARTER_ZH[self.number]}"
        if self.kind == "H":
            return f"{self.year}年{_HALF_ZH[self.number]}"
        return f"{self.year}年度"

    @property
    def end_date(self) -> date:
        month = {"Q": self.number * 3, "H": self.number * 6, "Y": 12}[self.kind]
        next_first = date(self.year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(next_first.toordinal() - 1)

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "Y":
            return Period(self.year - 1, "Y", 0)
        last = 4 if self.kind == "Q" else 2
        if self.number == 1:
            return Period(self.year - 1, self.kind, last)
        return Period(self.year, self.kind, self.number - 1)

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    match = _PATTERN.match(str(text).strip().upper())
    if not match:
        raise ValidationError(
            f"期间“{text}”格式不正确，应写作 2026Q4（季度）、2026H2（半年）或 2026（年度）。",
            f"Period '{text}' is invalid; use 2026Q4, 2026H2 or 2026.",
        )
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise ValidationError(
            f"期间“{text}”的年份超出范围（2000–2100）。",
            f"Period '{text}' has a year outside 2000-2100.",
        )
    if match.group(2):
        return Period(year, "Q", int(match.group(3)))
    if match.group(4):
        return Period(year, "H", int(match.group(5)))
    return Period(year, "Y", 0)


def current_quarter(today: date | None = None) -> Period:
    today = today or date.today()
    return Period(today.year, "Q", (today.month - 1) // 3 + 1)
