"""The open period's working copy, and how it is read from the store.

Qt-free on purpose: start-up loads it on the operations thread together with
opening the store, while the GUI thread is still building widgets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dzdesk.models import Answer, Assessment, BranchProfile, Evidence
from dzdesk.template import Template

if TYPE_CHECKING:
    from dzdesk.store import Store


@dataclass
class PeriodState:
    """The session's working copy; only the session changes it."""

    profile: BranchProfile
    assessment: Assessment
    template: Template
    answers: dict[str, Answer]
    evidence: list[Evidence]
    periods: list[str]
    latest: dict[str, Assessment] = dataclasses.field(default_factory=dict)  # period -> newest revision


def load_state(store: Store, period: str) -> PeriodState:
    assessment = store.require(period)
    latest = {a.period: a for a in store.assessments()}  # ordered by revision: the last one wins
    return PeriodState(
        store.require_profile(), assessment, store.template_for(assessment),
        store.answers(assessment), store.evidence(assessment), store.periods(), latest,
    )
