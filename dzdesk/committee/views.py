"""What each committee window and dialog shows, read in one call on the operations thread.

The committee GUI (ui/committee/) never calls the store itself: an op runs one of
these loaders and the view is built from the dataclass it returns. The loaders only
read; they are plain functions of the store, so the command line can use them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..periods import current_quarter, parse_period
from . import models as m
from .grading import quota
from .overview import overview_rows, task_title
from .store import CommitteeStore


@dataclass(frozen=True)
class OverviewView:
    """The committee window: a period's rows with the quota, deadline and pending key changes."""

    period: str
    periods: tuple[str, ...]  # what the period box offers, newest first
    rows: tuple[m.OverviewRow, ...]
    quota: m.Quota
    deadline: str
    pending_key_changes: int
    identity: m.CommitteeIdentity | None

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.submitted)

    @property
    def graded(self) -> int:
        return sum(1 for r in self.rows if r.committee_grade)


def period_choices(stored: list[str], today: date | None = None) -> tuple[str, ...]:
    """The periods the committee has data for, plus this and last quarter, newest first."""
    now = current_quarter(today)
    return tuple(
        sorted(set(stored) | {now.code, now.previous().code}, key=parse_period, reverse=True)
    )


def load_overview(
    store: CommitteeStore, period: str | None = None, today: date | None = None
) -> OverviewView:
    """``period`` None: the newest period with data (or the current quarter when there is none)."""
    stored = store.periods()
    code = (
        parse_period(period).code
        if period
        else (stored[-1] if stored else current_quarter(today).code)
    )
    return OverviewView(
        period=code,
        periods=period_choices(stored, today),
        rows=tuple(overview_rows(store, code)),
        quota=quota(store, code),
        deadline=store.deadline(code),
        pending_key_changes=len(store.key_changes(pending_only=True)),
        identity=store.own_identity(),
    )


@dataclass(frozen=True)
class GradeView:
    """The grading dialog: one branch's row and the quota as it stands without that branch."""

    period: str
    row: m.OverviewRow
    quota: m.Quota  # this branch's own A (if any) not counted in ``used``

    @property
    def a_allowed(self) -> bool:
        return not self.quota.binds or self.quota.used < self.quota.allowed

    @property
    def share(self) -> float:
        """base × percent, before rounding: 8 branches × 10 % = 0.8."""
        return self.quota.base * self.quota.rule.percent / 100

    @property
    def suggested(self) -> str:
        """The grade to pre-select: the committee's own, else the branch's self-assessed one,
        unless that is an A the quota no longer allows ('' then)."""
        grade = self.row.committee_grade or self.row.self_grade
        if grade not in m.GRADES or (grade == "A" and not self.a_allowed):
            return ""
        return grade


def load_grading(store: CommitteeStore, period: str, row: m.OverviewRow) -> GradeView:
    code = parse_period(period).code
    return GradeView(
        period=code,
        row=row,
        quota=quota(store, code, exclude_branch=row.branch_id),
    )


@dataclass(frozen=True)
class AnswerLine:
    task_key: str
    task_title: str
    status: str  # a template status code ('done', …) or '' when not answered
    narrative: str
    problem: str  # the rectification, for a task not (fully) done
    measures: str
    owner: str
    deadline: str


@dataclass(frozen=True)
class EvidenceLine:
    task_key: str
    name: str
    caption: str
    size: int
    sha256: str


@dataclass(frozen=True)
class DetailView:
    """The branch detail dialog: what one submission holds, and the branch's versions for its period."""

    submission: m.Submission
    answers: tuple[AnswerLine, ...]
    evidence: tuple[EvidenceLine, ...]
    history: tuple[m.Submission, ...]


def _field(row: Any, name: str) -> Any:
    # store.evidence() returns dicts today and dataclasses after the store refactor (issue 16, item 3)
    return row[name] if isinstance(row, dict) else getattr(row, name)


def load_detail(store: CommitteeStore, submission_id: int) -> DetailView:
    sub = store.submission(submission_id)
    answers = []
    for a in store.snapshot(sub.id).get("answers", []):
        rect = a.get("rectification") or {}
        key = str(a.get("task_key", ""))
        answers.append(
            AnswerLine(
                task_key=key,
                task_title=task_title(sub.template_id, key),
                status=str(a.get("status") or ""),
                narrative=str(a.get("narrative") or ""),
                problem=str(rect.get("problem") or ""),
                measures=str(rect.get("measures") or ""),
                owner=str(rect.get("owner") or ""),
                deadline=str(rect.get("deadline") or ""),
            )
        )
    evidence = tuple(
        EvidenceLine(
            task_key=str(_field(e, "task_key")),
            name=str(_field(e, "name")),
            caption=str(_field(e, "caption")),
            size=int(_field(e, "size")),
            sha256=str(_field(e, "sha256")),
        )
        for e in store.evidence(sub.id)
    )
    history = tuple(store.history(sub.branch_id, sub.period))
    return DetailView(submission=sub, answers=tuple(answers), evidence=evidence, history=history)


def load_key_changes(store: CommitteeStore) -> tuple[m.KeyChange, ...]:
    """Every key change, pending and decided, oldest first."""
    return tuple(store.key_changes())


@dataclass(frozen=True)
class SummaryCheck:
    """What 生成通报 warns about before it writes: branches still ungraded or held."""

    period: str
    submitted: int
    ungraded: tuple[str, ...]  # submitted, no committee grade yet
    held: tuple[str, ...]  # a submission for the period waits (a key change to confirm, …)
    issuer: str  # the committee's own name; '' when it has not named itself

    @property
    def clean(self) -> bool:
        return not self.ungraded and not self.held


def summary_check(store: CommitteeStore, period: str) -> SummaryCheck:
    code = parse_period(period).code
    rows = overview_rows(store, code)
    held = sorted({s.branch_name for s in store.submissions(code, states=("held",))})
    own = store.own_identity()
    return SummaryCheck(
        period=code,
        submitted=sum(1 for r in rows if r.submitted),
        ungraded=tuple(r.name for r in rows if r.submitted and not r.committee_grade),
        held=tuple(held),
        issuer=own.name if own else "",
    )
