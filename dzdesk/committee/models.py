"""Plain dataclasses the committee store returns and the front ends display."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import KIND_LABELS

# Outcomes of importing one file; the first four leave the committee satisfied (exit 0).
IMPORTED = "imported"  # new, now the branch's current submission for the period
REPLACED = "replaced"  # new revision; the older one it replaces is kept as history
OLDER = "older"  # an older revision than the one held: kept as history, not current
ALREADY = "already"  # the same snapshot was imported before
HELD = "held"  # same branch name, different signing key: waits for confirmation
REJECTED = "rejected"  # not a valid bundle; nothing was stored
OK_OUTCOMES = frozenset({IMPORTED, REPLACED, OLDER, ALREADY})

OUTCOME_LABELS = {
    IMPORTED: "已导入",
    REPLACED: "已导入（替换旧版本）",
    OLDER: "较旧版本（仅存档）",
    ALREADY: "已导入过",
    HELD: "待确认（签名密钥变更）",
    REJECTED: "已拒收",
}

FLAG_FOCUSED_HELP = "重点帮扶"
FLAG_EMPTY = "空壳党支部"
FLAG_LATE = "逾期提交"
FLAG_KEY_CHANGED = "密钥变更"
FLAG_KEY_HELD = "密钥待确认"
FLAG_NOT_ON_ROSTER = "不在名册"
FLAG_NOT_SUBMITTED = "未提交"

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

    @property
    def ok(self) -> bool:
        return self.outcome in OK_OUTCOMES

    @property
    def label(self) -> str:
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
    """The A-grade quota of a period: at most floor(10% × base) branches."""

    base: int  # branches on the roster, or imported branches when there is no roster
    from_roster: bool
    allowed: int
    used: int

    @property
    def text(self) -> str:
        source = "名册" if self.from_roster else "已导入"
        return f"A级 {self.used}/{self.allowed}（{source}党支部 {self.base} 个 × 10%）"


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
