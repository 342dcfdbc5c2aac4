"""Scoring and suggested grade: a pure function of rubric, answers and member count."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .models import Answer
from .template import STATUS_LABELS, Template


@dataclass(frozen=True)
class AreaScore:
    key: str
    name: str
    earned: float
    possible: float
    max_points: float

    @property
    def percent(self) -> float:
        return round(100 * self.earned / self.possible, 2) if self.possible else 0.0


@dataclass(frozen=True)
class ScoreResult:
    total: float  # 0..100 after excluding 不适用 tasks and rescaling
    earned: float
    possible: float
    areas: tuple[AreaScore, ...]
    grade: str
    grade_label: str
    band_grade: str  # the grade the score alone would give, before vetoes
    reasons: tuple[str, ...]
    flags: tuple[str, ...]
    counts: dict[str, int]  # per status, plus "unanswered"
    answered: int
    task_count: int

    @property
    def grade_text(self) -> str:
        return f"{self.grade}（{self.grade_label}）"


def task_points(template: Template, answer: Answer | None) -> float | None:
    """Points a single task earns, or None when it is 不适用 or unanswered."""
    if answer is None or answer.status is None or answer.status == "na":
        return None
    task = template.task(answer.task_key)
    return task.points * template.rubric.status_points[answer.status]


def score(template: Template, answers: Mapping[str, Answer], full_members: int) -> ScoreResult:
    rubric = template.rubric
    counts = {status: 0 for status in STATUS_LABELS} | {"unanswered": 0}
    areas: list[AreaScore] = []
    earned_total = possible_total = 0.0
    for area in template.areas:
        earned = possible = 0.0
        for task in area.tasks:
            answer = answers.get(task.key)
            status = answer.status if answer else None
            counts[status or "unanswered"] += 1
            if status == "na":
                continue
            possible += task.points
            if status is not None:
                earned += task.points * rubric.status_points[status]
        areas.append(AreaScore(area.key, area.name, earned, possible, sum(t.points for t in area.tasks)))
        earned_total += earned
        possible_total += possible

    total = round(100 * earned_total / possible_total, 2) if possible_total else 0.0
    band = next(b for b in rubric.bands if total >= b.min)
    reasons = [f"得分 {total:g} 分，达到{band.grade}级（{band.label}）分数线 {band.min:g} 分。"]
    if not possible_total:
        reasons = ["所有任务均为“不适用”，无法计分。"]
    if counts["na"] and possible_total:
        reasons.append(f"{counts['na']} 项任务不适用，已按其余任务折算为百分制。")
    grade = band.grade
    flags: list[str] = []
    for veto in rubric.vetoes:
        if veto.when == "full_members_below" and full_members < veto.value:
            flags.append(veto.flag)
            if veto.max_grade and grade < veto.max_grade:
                grade = veto.max_grade
                reasons.append(f"{veto.reason}等次调整为{grade}级。")
            elif not veto.max_grade:
                reasons.append(veto.reason)
    return ScoreResult(
        total=total,
        earned=earned_total,
        possible=possible_total,
        areas=tuple(areas),
        grade=grade,
        grade_label=rubric.band_for(grade).label,
        band_grade=band.grade,
        reasons=tuple(reasons),
        flags=tuple(dict.fromkeys(flags)),
        counts=counts,
        answered=len(template.tasks) - counts["unanswered"],
        task_count=len(template.tasks),
    )
