"""Plain dataclasses the committee store returns and the front ends display."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import KIND_LABELS
from ..quota import QuotaRule

# Outcomes of importing one file; the first four leave the committee satisfied (exit 0).
IMPORTED = "imported"  # new, now the branch's current submission for the period
REPLACED = "replaced"  # new revision; the older one it replaces is kept as history
OLDER = "older"  # an older revision than the one held: kept as history, not current
ALREADY = "already"  # the same snapshot was imported before
HELD = "held"  # kept aside until the clerk decides (a key change, an unknown template, …): see HOLD_KINDS
REJECTED = "rejected"  # not a valid bundle; nothing was stored
OK_OUTCOMES = frozenset({IMPORTED, REPLACED, OLDER, ALREADY})

OUTCOME_LABELS = {
    IMPORTED: "已导入",
    REPLACED: "已导入（替换旧版本）",
    OLDER: "较旧版本（仅存档）",
    ALREADY: "已导入过",
    HELD: "待确认",
    REJECTED: "已拒收",
}

FLAG_FOCUSED_HELP = "重点帮扶"
FLAG_EMPTY = "空壳党支部"
FLAG_LATE = "逾期提交"
FLAG_KEY_CHANGED = "密钥变更"
FLAG_KEY_HELD = "密钥待确认"
FLAG_NOT_ON_ROSTER = "不在名册"
FLAG_NOT_SUBMITTED = "未提交"
FLAG_HELD_TEMPLATE = "模板未知，无法核分"
FLAG_HELD_REVISION = "同一版本内容不同"
FLAG_HELD_NAME = "名称待核实"
FLAG_HELD_STANDARD = "未按本党委标准填报"

# Why a submission is held (submissions.hold_kind); each waits for the clerk's decision.
HOLD_KEY = "key"  # a known branch name with another signing key (committee keys / accept-key)
HOLD_NAME = "name"  # a known key now using a name that equals another branch's (possible impostor)
HOLD_TEMPLATE = "template"  # answered against a template this committee does not have: score unverifiable
HOLD_REVISION = "revision"  # the same branch, period and revision as a stored file, with other content
HOLD_STANDARD = "standard"  # answered against a template the committee did not issue for that kind of branch
HOLD_LABELS = {
    HOLD_KEY: "签名密钥变更",
    HOLD_NAME: "名称与其他党支部相同或相似",
    HOLD_TEMPLATE: FLAG_HELD_TEMPLATE,
    HOLD_REVISION: FLAG_HELD_REVISION,
    HOLD_STANDARD: FLAG_HELD_STANDARD,
}
HOLD_FLAGS = {HOLD_KEY: FLAG_KEY_HELD, HOLD_NAME: FLAG_HELD_NAME, HOLD_TEMPLATE: FLAG_HELD_TEMPLATE,
              HOLD_REVISION: FLAG_HELD_REVISION, HOLD_STANDARD: FLAG_HELD_STANDARD}

GRADES = ("A", "B", "C", "D")
GRADE_LABELS = {"A": "先进", "B": "较好", "C": "一般", "D": "后进"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    outcome: str
    branch: str = ""
    period: str = ""
    revision: int = 0
    reason: str = ""  # why it was rejected or held, in Chinese
    submission_id: int | None = None
    hold: str = ""  # why it was held (HOLD_LABELS), when outcome is HELD

    @property
    def ok(self) -> bool:
        return self.outcome in OK_OUTCOMES

    @property
    def label(self) -> str:
        if self.outcome == HELD and self.hold in HOLD_LABELS:
            return f"{OUTCOME_LABELS[HELD]}（{HOLD_LABELS[self.hold]}）"
        return OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class ImportReport:
    outcomes: tuple[ImportOutcome, ...]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)


@dataclass(frozen=True)
class RosterEntry:
    name: str
    kind: str
    secretary: str = ""


@dataclass(frozen=True)
class Submission:
    id: int
    branch_id: int
    period: str
    revision: int
    state: str
    fingerprint: str
    snapshot_digest: str
    branch_name: str
    kind: str
    secretary: str
    full_members: int
    probationary_members: int
    score: float
    grade: str
    flags: tuple[str, ...]
    open_rectifications: int
    template_id: str
    generated_at: str
    imported_at: str
    bundle_name: str
    report_sha256: str
    hold_kind: str = ""
    hold_reason: str = ""
    score_verified: bool = True
    na_tasks: int = 0  # tasks marked 不适用
    tasks_without_evidence: int = 0  # answered tasks (other than 不适用) with no evidence


@dataclass(frozen=True)
class Hold:
    """A submission kept aside, not current, not gradable, until the clerk accepts or declines it."""

    submission_id: int
    branch_id: int
    branch_name: str
    period: str
    revision: int
    kind: str  # one of HOLD_LABELS
    reason: str
    fingerprint: str
    snapshot_digest: str
    imported_at: str
    bundle_name: str

    @property
    def label(self) -> str:
        return HOLD_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class KeyChange:
    id: int
    branch_id: int
    branch_name: str
    submission_id: int
    period: str
    old_fingerprint: str
    new_fingerprint: str
    held_at: str
    decided_at: str
    decision: str  # '', 'accepted' or 'declined'


@dataclass(frozen=True)
class Grade:
    period: str
    branch_id: int
    grade: str
    score: float | None
    comment: str
    graded_at: str
    actor: str


@dataclass(frozen=True)
class Quota:
    """The A-grade quota of a period, as the committee's rule (profile) sets it: by default at most
    floor(10% × base) branches, in every period."""

    base: int  # branches on the roster, or imported branches when there is no roster
    from_roster: bool
    allowed: int  # with binds False: base (the rule does not limit this period)
    used: int
    rule: QuotaRule = field(default_factory=QuotaRule)
    binds: bool = True

    @property
    def source(self) -> str:
        return "名册上的" if self.from_roster else "已导入的"

    @property
    def explanation(self) -> str:
        """One line: ``A级名额 0 个：共 8 个名册上的党支部 × 10% = 0.8，向下取整``."""
        if not self.binds:
            return f"本期不限A级名额：名额规则（不超过 {self.rule.percent}%）仅适用于首次定级（{self.rule.first_period or '首次评定等次的期间'}）"
        return self.rule.explain(self.base, self.source)

    @property
    def text(self) -> str:
        if not self.binds:
            return f"A级 {self.used} 个（本期不限名额）"
        short = "名册" if self.from_roster else "已导入"
        return f"A级 {self.used}/{self.allowed}（{short}党支部 {self.base} 个 × {self.rule.percent}%）"


@dataclass(frozen=True)
class OverviewRow:
    name: str
    kind: str  # label, e.g. 非公企业
    secretary: str
    branch_id: int | None  # None: on the roster, nothing received
    submission_id: int | None
    members: int | None
    submitted_at: str  # the branch's export time (ISO), '' if not submitted
    revision: int | None
    self_score: float | None
    self_grade: str
    committee_score: float | None
    committee_grade: str
    comment: str
    open_rectifications: int
    flags: tuple[str, ...]
    on_roster: bool
    late: bool
    fingerprint: str = ""
    na_tasks: int | None = None
    tasks_without_evidence: int | None = None
    held: str = ""  # why a file of this branch is held, if one is (HOLD_LABELS)

    @property
    def submitted(self) -> bool:
        return self.submission_id is not None


@dataclass(frozen=True)
class RectificationRow:
    branch: str
    task_key: str
    task_title: str
    status: str
    problem: str
    measures: str
    owner: str
    deadline: str  # ISO date or ''
    overdue: bool


@dataclass(frozen=True)
class CommitteeIdentity:
    """The committee's own name (the 通报's issuer) and its signing key's fingerprint."""

    name: str
    fingerprint: str
    created_at: str
    renamed_at: str  # '' until renamed
