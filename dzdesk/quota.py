"""The A-grade quota rule: "首次定级时，A级党支部不超过总数的10%".

Pure data and arithmetic, shared by the committee (grading), the profile file
that carries the rule to the branches, and the 局党委 (checking each
committee's A ratio against its own rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCOPE_EVERY = "every"  # the quota binds in every period
SCOPE_FIRST = "first"  # only at the first grading (首次定级)
SCOPES = (SCOPE_EVERY, SCOPE_FIRST)
ROUNDING = {"down": ("向下取整", math.floor), "nearest": ("四舍五入", lambda x: math.floor(x + 0.5)), "up": ("向上取整", math.ceil)}

@dataclass(frozen=True)
class QuotaRule:
    percent: int = 10
    scope: str = SCOPE_EVERY
    first_period: str = ""  # with SCOPE_FIRST: the 首次定级 period ('' = the first period the committee grades)
    rounding: str = "down"

    def allowed(self, base: int) -> int:
        """How many A grades ``base`` branches allow: percent × base, rounded as the rule says."""
        # integer arithmetic first: 10 % of 30 is exactly 3, never 2.9999…
        exact, rest = divmod(self.percent * base, 100)
        if rest == 0:
            return exact
        return int(ROUNDING[self.rounding][1](self.percent * base / 100))

    def binds(self, period: str, first_graded: str) -> bool:
        """Whether the quota limits A grades in ``period`` (``first_graded``: the first period graded)."""
        if self.scope == SCOPE_EVERY:
            return True
        return period == (self.first_period or first_graded or period)

    def explain(self, base: int, source: str = "") -> str:
        """One line, as the grading dialog, the list and the 通报 show it:
        ``A级名额 0 个：共 8 个党支部 × 10% = 0.8，向下取整``."""
        product = self.percent * base / 100
        shown = f"{product:g}" if product != int(product) else f"{int(product)}"
        rounding = "" if product == int(product) else f"，{ROUNDING[self.rounding][0]}"
        where = f"{source}" if source else ""
        return f"A级名额 {self.allowed(base)} 个：共 {base} 个{where}党支部 × {self.percent}% = {shown}{rounding}"

    @property
    def scope_text(self) -> str:
        if self.scope == SCOPE_EVERY:
            return "每期均适用"
        return f"仅首次定级适用（{self.first_period}）" if self.first_period else "仅首次定级适用"
