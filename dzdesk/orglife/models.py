"""Dataclasses for the roster (党员名册) and the meeting records (组织生活台账).

Dates are ISO strings (``2026-10-12``) as the rest of the store keeps them; the
empty string as a 转入 date means "on the roster since before records were kept"
(建册前), and sorts before every real date.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

FULL = "正式党员"
PROBATIONARY = "预备党员"
CATEGORIES = (FULL, PROBATIONARY)
ROLES = ("书记", "副书记", "委员", "党小组长")
COMMITTEE_ROLES = ("书记", "副书记", "委员")
FLAGS = ("流动党员", "双重管理", "老党员", "生活困难党员", "口袋党员已亮明身份")

JOIN = "转入"
LEAVE_KINDS = ("转出", "去世", "停止党籍")
CONFIRM = "预备转正"
EVENT_KINDS = (JOIN, *LEAVE_KINDS, CONFIRM)

PRESENT = "出席"
EXCUSED = "请假"
ABSENT = "缺席"
ATTENDANCE_STATUSES = (PRESENT, EXCUSED, ABSENT)

BEFORE_RECORDS = ""  # a 转入 date: already on the roster when the roster was started
BEFORE_RECORDS_LABEL = "建册前"


@dataclass(frozen=True)
class MemberEvent:
    id: int
    member_id: int
    kind: str  # one of EVENT_KINDS
    date: str  # ISO date; BEFORE_RECORDS for a 转入 before the roster was kept
    note: str = ""
    recorded_at: str = ""

    @property
    def date_label(self) -> str:
        return self.date or BEFORE_RECORDS_LABEL


@dataclass(frozen=True)
class Member:
    """A person on (or once on) the roster; never deleted, only moved by events."""

    id: int
    name: str
    category: str  # the category now: 正式党员 / 预备党员
    party_group: str = ""
    joined_party: str = ""  # 入党日期
    confirmed: str = ""  # 转正日期
    roles: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    note: str = ""
    events: tuple[MemberEvent, ...] = ()

    @property
    def roles_text(self) -> str:
        return "、".join(self.roles)

    @property
    def flags_text(self) -> str:
        return "、".join(self.flags)


@dataclass(frozen=True)
class MemberInput:
    """What a person types for a member (add or edit); checked by the repository."""

    name: str
    category: str
    party_group: str = ""
    joined_party: str = ""
    confirmed: str = ""
    roles: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class RosterCounts:
    full: int
    probationary: int

    @property
    def total(self) -> int:
        return self.full + self.probationary


@dataclass(frozen=True)
class Attendance:
    member_id: int
    name: str
    status: str  # 出席 / 请假 / 缺席
    reason: str = ""


@dataclass(frozen=True)
class MeetingAttachment:
    id: int
    meeting_id: int
    sha256: str
    original_name: str
    size: int
    caption: str = ""
    added_at: str = ""


@dataclass(frozen=True)
class Meeting:
    id: int
    type: str
    date: str
    topic: str
    place: str = ""
    host: str = ""
    recorder: str = ""
    party_group: str = ""  # 党小组会: which group met
    hours: float | None = None  # 集中培训: 学时
    resolutions: str = ""
    minutes: str = ""
    attendance: tuple[Attendance, ...] = ()
    attachments: tuple[MeetingAttachment, ...] = ()
    created_at: str = ""
    updated_at: str = ""

    @property
    def expected(self) -> int:
        return len(self.attendance)

    @cached_property
    def attended(self) -> int:  # counted once: tables and checks ask for it often
        return sum(1 for a in self.attendance if a.status == PRESENT)

    @property
    def participation(self) -> float | None:
        """出席 ÷ 应到, or None when no attendance was kept (a branch without a roster)."""
        return self.attended / self.expected if self.expected else None

    def with_status(self, status: str) -> tuple[Attendance, ...]:
        return tuple(a for a in self.attendance if a.status == status)


@dataclass(frozen=True)
class AttendanceInput:
    member_id: int
    status: str = PRESENT
    reason: str = ""


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as entered (add or edit); attendance names every expected member."""

    type: str
    date: str
    topic: str
    place: str = ""
    host: str = ""
    recorder: str = ""
    party_group: str = ""
    hours: float | None = None
    resolutions: str = ""
    minutes: str = ""
    attendance: tuple[AttendanceInput, ...] = ()


def minutes_title(kind: str) -> str:
    """支部党员大会会议记录, 支部委员会会议记录, 主题党日活动记录, 谈心谈话记录."""
    if kind.endswith("会议"):
        return f"{kind}记录"
    if kind.endswith("会"):
        return f"{kind}会议记录"
    if kind.endswith("党日"):
        return f"{kind}活动记录"
    return f"{kind}记录"


def percent(rate: float | None) -> str:
    """93.3% — or "—" when there is nothing to divide."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
