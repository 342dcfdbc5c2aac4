"""Everything the report prints, read from the store in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import ValidationError
from ..identity import certificate_fingerprint
from ..models import Answer, Assessment, BranchProfile, Evidence
from ..periods import Period, parse_period
from ..scoring import ScoreResult
from ..snapshot import snapshot_digest
from ..store import Store
from ..template import Template


@dataclass(frozen=True)
class PreviousPeriod:
    period: Period
    assessment: Assessment
    answers: dict[str, Answer]
    score: ScoreResult


@dataclass(frozen=True)
class ReportData:
    period: Period
    profile: BranchProfile
    template: Template
    assessment: Assessment
    answers: dict[str, Answer]
    evidence: list[Evidence]
    score: ScoreResult
    digest: str
    fingerprint: str | None
    previous: PreviousPeriod | None

    @property
    def finalized(self) -> bool:
        return self.assessment.is_finalized

    @property
    def report_date(self) -> date:
        """The date printed under the seal: the finalization day, or today for a draft."""
        if self.finalized and self.assessment.finalized_at:
            return date.fromisoformat(self.assessment.finalized_at[:10])
        return date.today()

    def evidence_for(self, task_key: str) -> list[Evidence]:
        return [e for e in self.evidence if e.task_key == task_key]


def gather(store: Store, period: str) -> ReportData:
    code = parse_period(period)
    profile = store.require_profile()
    assessment = store.require(code.code)
    template = store.template_for(assessment)
    digest = snapshot_digest(store.snapshot(assessment))
    if assessment.is_finalized and digest != assessment.snapshot_digest:
        raise ValidationError(
            f"{code.code} 期间的定稿内容与定稿时记录的快照摘要不一致，数据可能已被改动，不能生成报告。",
            f"The finalized data of {code.code} no longer matches its snapshot digest; refusing to print it.",
        )
    order = {key: i for i, key in enumerate(template.task_keys)}
    evidence = sorted(store.evidence(assessment), key=lambda e: (order.get(e.task_key, 10**6), e.position, e.id))
    previous = None
    before = code.previous()
    prev = store.current(before.code)
    if prev is not None:
        previous = PreviousPeriod(before, prev, store.answers(prev), store.score(before.code, prev))
    return ReportData(
        period=code,
        profile=profile,
        template=template,
        assessment=assessment,
        answers=store.answers(assessment),
        evidence=evidence,
        score=store.score(code.code, assessment),
        digest=digest,
        fingerprint=certificate_fingerprint(store.paths),
        previous=previous,
    )
