"""Plain dataclasses that the store returns and the front ends display."""

from __future__ import annotations

from dataclasses import dataclass, field

KIND_LABELS = {"nonpublic": "非公企业", "social": "社会组织", "organ": "机关事业单位"}
ASSESSMENT_DRAFT = "draft"
ASSESSMENT_FINALIZED = "finalized"


@dataclass(frozen=True)
class BranchProfile:
    name: str
    kind: str
    committee: str
    secretary: str
    full_members: int
    probationary_members: int = 0
    founded: str = ""  # ISO date or empty

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def display_name(self) -> str:
        """The name as printed on documents: 中共××党支部."""
        name = self.name.strip()
        return name if name.startswith("中共") else f"中共{name}"


@dataclass(frozen=True)
class Rectification:
    problem: str = ""
    measures: str = ""
    owner: str = ""
    deadline: str = ""  # ISO date or empty

    @property
    def is_empty(self) -> bool:
        return not (self.problem or self.measures or self.owner or self.deadline)


@dataclass(frozen=True)
class Answer:
    task_key: str
    status: str | None = None  # done / partial / undone / na, None while unanswered
    narrative: str = ""
    rectification: Rectification = field(default_factory=Rectification)
    self_score: float | None = None
    updated_at: str = ""


@dataclass(frozen=True)
class Evidence:
    id: int
    task_key: str
    sha256: str
    original_name: str
    size: int
    caption: str = ""
    added_at: str = ""
    position: int = 0


@dataclass(frozen=True)
class Assessment:
    id: int
    period: str
    revision: int
    status: str
    template_id: str
    template_version: str
    template_hash: str
    created_at: str
    finalized_at: str = ""
    snapshot_digest: str = ""

    @property
    def is_finalized(self) -> bool:
        return self.status == ASSESSMENT_FINALIZED


@dataclass(frozen=True)
class ChangeEntry:
    id: int
    at: str
    actor: str
    assessment_id: int | None
    task_key: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Change:
    """What an edit changed, so a view can refresh only what it shows."""

    kind: str  # answer / evidence / profile / assessment
    period: str = ""
    task_key: str = ""
    fields: tuple[str, ...] = ()
    saved_at: str = ""
