"""The committee's rules as data: the A quota, and which checklist each kind of branch answers.

"各基层党委要结合实际，制定工作方案和分类定级具体标准": the rules a committee
grades by are its own, so they live in its profile (profile_store.py), not in
code. :class:`CommitteePolicy` is what the rest of the committee engine asks;
its defaults are dzdesk's behaviour before a committee sets anything: at most
10 % of the branches graded A in every period, rounded down ("不超过"), and
the built-in attachment-2 checklist for 非公企业 and 社会组织 branches. 机关
事业单位 branches have no checklist until the committee loads one (attachment
1 is not in the plan dzdesk was built from, and dzdesk never invents it), or
explicitly chooses attachment 2 for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from ..models import KIND_LABELS
from ..quota import QuotaRule
from ..template import Template

BUILTIN_KINDS = ("nonpublic", "social")  # attachment 2 is the checklist for 非公企业和社会组织
OPEN_STATUSES = ("partial", "undone")


@dataclass(frozen=True)
class KindChoice:
    """The checklist a kind of branch answers: a template the committee issued, the built-in one, or none."""

    kind: str
    template: Template | None  # None: no checklist for this kind yet
    builtin: bool = False  # the built-in attachment 2 (default for nonpublic/social, or chosen for organ)
    history: tuple[str, ...] = ()  # hashes of every template ever issued for this kind (earlier versions)

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class CommitteePolicy:
    quota: QuotaRule = field(default_factory=QuotaRule)
    kinds: Mapping[str, KindChoice] = field(default_factory=dict)
    open_statuses: tuple[str, ...] = OPEN_STATUSES

    def choice(self, kind: str) -> KindChoice:
        return self.kinds.get(kind) or default_choice(kind)

    def accepts(self, kind: str, template_hash: str, template_id: str = "") -> bool:
        """Whether a bundle of a ``kind`` branch answered against this template follows the committee's
        standard: a version of its issued template, or (where the kind uses it) any built-in version."""
        choice = self.choice(kind)
        if choice.template is not None and template_hash in {choice.template.hash, *choice.history}:
            return True
        return choice.builtin and template_hash in builtin_hashes()

    def templates(self) -> dict[str, Template]:
        """Every template the committee issued, by hash (the verifier scores bundles with them)."""
        return {c.template.hash: c.template for c in self.kinds.values() if c.template is not None and not c.builtin}


def default_choice(kind: str) -> KindChoice:
    if kind in BUILTIN_KINDS:
        from ..template import builtin_template

        return KindChoice(kind, builtin_template(), builtin=True)
    return KindChoice(kind, None)


@cache
def builtin_hashes() -> frozenset[str]:
    """Every built-in template version dzdesk ships (older bundles name older versions)."""
    from ..bundle.scorecheck import builtin_by_hash

    return frozenset(builtin_by_hash())
