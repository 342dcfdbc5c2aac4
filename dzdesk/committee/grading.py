"""Committee grades and the A quota: at first grading, A branches may not exceed 10% of all branches."""

from __future__ import annotations

from ..errors import DzdeskError, ValidationError
from ..periods import parse_period
from . import models as m
from .store import CommitteeStore

MAX_COMMENT = 2000


class QuotaError(DzdeskError):
    """Granting one more A would exceed the period's quota; nothing was written."""


def quota_base(store: CommitteeStore, period: str | None) -> tuple[int, bool]:
    """(branches the quota counts, whether they come from the roster): the roster when there is one,
    else the branches that submitted for ``period`` (every registered branch when no period is given)."""
    roster = len(store.roster())
    if roster:
        return roster, True
    if period is None:
        return len(store.branches()), False
    return len({s.branch_id for s in store.submissions(parse_period(period).code)}), False


def quota(store: CommitteeStore, period: str, *, exclude_branch: int | None = None) -> m.Quota:
    """The period's A quota under the committee's rule (policy: percent, scope, rounding)."""
    code = parse_period(period).code
    rule = store.profile.quota_rule()
    base, from_roster = quota_base(store, code)
    binds = rule.binds(code, store.profile.first_graded_period())
    used = sum(1 for g in store.grades(code).values() if g.grade == "A" and g.branch_id != exclude_branch)
    allowed = rule.allowed(base) if binds else base
    return m.Quota(base=base, from_roster=from_roster, allowed=allowed, used=used, rule=rule, binds=binds)


def _clean_score(score: float | None) -> float | None:
    if score is None:
        return None
    if not 0 <= score <= 100:
        raise ValidationError(f"考核分 {score:g} 超出范围，应在 0 到 100 之间。", "The committee score must be 0-100.")
    return round(float(score), 2)


def set_grade(
    store: CommitteeStore, period: str, branch_ref: str | int, grade: str,
    *, score: float | None = None, comment: str = "",
) -> m.Grade:
    """Set a branch's committee grade for the period, refusing an A beyond the quota."""
    code = parse_period(period).code
    grade = (grade or "").strip().upper()
    if grade not in m.GRADES:
        raise ValidationError(f"等次“{grade}”无效，只能是 A、B、C 或 D。", f"Grade '{grade}' must be A, B, C or D.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"评语过长（{len(comment)} 字），请控制在 {MAX_COMMENT} 字以内。", "The comment is too long.")
    score = _clean_score(score)
    branch = store.resolve_branch(str(branch_ref))
    with store._lock:
        if not any(s.branch_id == branch["id"] for s in store.submissions(code)):
            raise ValidationError(
                f"党支部“{branch['name']}”没有 {code} 期间的有效提交，不能评定等次。",
                f"Branch '{branch['name']}' has no submission for {code}.",
            )
        if grade == "A":
            q = quota(store, code, exclude_branch=branch["id"])
            if q.binds and q.used + 1 > q.allowed:
                raise QuotaError(
                    f"不能再评定A级：{code} {q.explanation}，已评定 {q.used} 个。",
                    f"A quota reached for {code}: {q.base} branches allow {q.allowed} A grades, {q.used} already given.",
                )
        return store.write_grade(code, branch["id"], grade, score, comment)
