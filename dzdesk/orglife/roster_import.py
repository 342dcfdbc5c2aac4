"""What importing a roster CSV would change (pure): the preview, and what the store then applies.

Each row is matched to a member now on the roster by name; two members may share a
name, so 入党日期 (then 备注) tells them apart, and a row that could be either of two
members, or two rows that could be one member, stop the import with the rows named:
members are never merged silently. A matched row updates the fields its file has
(a blank cell never clears anything); 预备党员 → 正式党员 is recorded as a 预备转正 on
the 转正日期. Members missing from the file are left alone (leaving is an event).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from ..errors import ValidationError
from .models import FULL, PROBATIONARY, Member, MemberInput
from .roster import Roster
from .roster_csv import CsvRow, ParsedRoster
from .validation import clean_member

LABELS = {
    "category": "类别",
    "party_group": "党小组",
    "joined_party": "入党日期",
    "confirmed": "转正日期",
    "roles": "职务",
    "flags": "标记",
    "note": "备注",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    @property
    def label(self) -> str:
        return LABELS[self.field]


@dataclass(frozen=True)
class PlannedUpdate:
    row: int
    member_id: int
    name: str
    member: MemberInput  # the member as it will be saved
    changes: tuple[FieldChange, ...]
    confirm_on: str = ""  # a 预备转正 to record on this date


@dataclass(frozen=True)
class ImportPlan:
    source: ParsedRoster
    adds: tuple[CsvRow, ...]
    updates: tuple[PlannedUpdate, ...]
    unchanged: int
    not_in_file: tuple[str, ...]  # members on the roster the file does not mention
    notices: tuple[str, ...]

    @property
    def has_changes(self) -> bool:
        return bool(self.adds or self.updates)

    def same_as(self, other: ImportPlan) -> bool:
        """Whether planning again (e.g. inside the write lock) gives the same changes."""
        return (self.adds, self.updates) == (other.adds, other.updates)


def _text(member: Member | MemberInput, field: str) -> str:
    value = getattr(member, field)
    return "、".join(value) if isinstance(value, tuple) else value


def _ambiguous(row: CsvRow, candidates: list[Member]) -> ValidationError:
    options = "、".join(
        f"入党日期 {c.joined_party or '未填'}" + (f"、备注“{c.note}”" if c.note else "")
        for c in candidates
    )
    return ValidationError(
        f"第 {row.row} 行“{row.member.name}”可能是名册中 {len(candidates)} 名同名党员中的任何一名（{options}），"
        "请填写入党日期或备注以区分，未导入任何内容。",
        f"Row {row.row}: '{row.member.name}' matches {len(candidates)} members; add 入党日期 or 备注.",
    )


def _match(row: CsvRow, candidates: list[Member]) -> Member | None:
    if not candidates:
        return None
    m = row.member
    if m.joined_party:
        same = [c for c in candidates if c.joined_party == m.joined_party]
        if len(same) > 1:
            same = [c for c in same if c.note == m.note] or same
        if len(same) == 1:
            return same[0]
        if len(same) > 1:
            raise _ambiguous(row, same)
        if len(candidates) == 1 and not candidates[0].joined_party:
            return candidates[0]  # the file fills in a date the roster lacked
        return None  # a different person of the same name
    if len(candidates) == 1:
        return candidates[0]
    by_note = [c for c in candidates if c.note == m.note]
    if "note" in row.columns and len(by_note) == 1:
        return by_note[0]
    raise _ambiguous(row, candidates)


def _update(row: CsvRow, member: Member) -> PlannedUpdate | None:
    new = row.member
    merged: dict[str, object] = {}
    confirm_on = ""
    for field in ("party_group", "joined_party", "confirmed", "roles", "flags", "note"):
        value = getattr(new, field)
        if field in row.columns and value and value != getattr(member, field):
            merged[field] = value
    if new.category != member.category:
        if new.category == PROBATIONARY:
            raise ValidationError(
                f"第 {row.row} 行：{member.name} 在名册中是正式党员，不能改为预备党员，未导入任何内容。",
                f"Row {row.row}: {member.name} is a full member and cannot become probationary.",
            )
        confirm_on = str(merged.get("confirmed") or member.confirmed)
        if not confirm_on:
            raise ValidationError(
                f"第 {row.row} 行：{member.name} 由预备党员改为正式党员，请填写转正日期，未导入任何内容。",
                f"Row {row.row}: {member.name} becomes a full member; give 转正日期.",
            )
        merged["category"] = FULL
    if not merged:
        return None
    current = MemberInput(
        name=member.name,
        category=member.category,
        party_group=member.party_group,
        joined_party=member.joined_party,
        confirmed=member.confirmed,
        roles=member.roles,
        flags=member.flags,
        note=member.note,
    )
    try:
        saved = clean_member(replace(current, **merged))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ValidationError(
            f"第 {row.row} 行：{exc.zh}未导入任何内容。", f"Row {row.row}: {exc.en}"
        ) from None
    changes = tuple(
        FieldChange(f, _text(member, f), _text(saved, f))
        for f in LABELS
        if _text(member, f) != _text(saved, f)
    )
    return PlannedUpdate(row.row, member.id, member.name, saved, changes, confirm_on)


def plan_import(parsed: ParsedRoster, roster: Roster) -> ImportPlan:
    """Match every row to the roster and say what would change; raise on anything ambiguous."""
    seen: dict[tuple[str, str, str], int] = {}
    for row in parsed.rows:
        key = (row.member.name, row.member.joined_party, row.member.note)
        if key in seen:
            raise ValidationError(
                f"第 {row.row} 行与第 {seen[key]} 行都是“{row.member.name}”，入党日期和备注也相同，无法区分。"
                "如确为两名同名党员，请填写入党日期或备注；如是重复的行，请删去一行。未导入任何内容。",
                f"Rows {seen[key]} and {row.row} are both '{row.member.name}' and cannot be told apart.",
            )
        seen[key] = row.row
    current = roster.current()
    by_name: dict[str, list[Member]] = defaultdict(list)
    for member in current:
        by_name[member.name].append(member)
    left: dict[str, list[Member]] = defaultdict(list)
    for member in roster.members:
        if member.name not in by_name:
            left[member.name].append(member)
    claimed: dict[int, int] = {}
    adds: list[CsvRow] = []
    updates: list[PlannedUpdate] = []
    notices: list[str] = []
    unchanged = 0
    for row in parsed.rows:
        match = _match(row, by_name.get(row.member.name, []))
        if match is None:
            adds.append(row)
            if row.member.name in by_name:
                notices.append(
                    f"第 {row.row} 行“{row.member.name}”与名册中的同名党员入党日期不同，将作为另一名党员新增。"
                )
            elif row.member.name in left:
                for gone in left[row.member.name]:
                    if (gone.joined_party, gone.note) == (row.member.joined_party, row.member.note):
                        raise ValidationError(
                            f"第 {row.row} 行“{gone.name}”与已离开名册的同名党员入党日期、备注都相同。如系同一人重新转入，"
                            "请在党员名册中为其登记“转入”；如是另一人，请填写备注加以区分。未导入任何内容。",
                            f"Row {row.row}: '{gone.name}' is a member who left; record a 转入 instead.",
                        )
                notices.append(
                    f"第 {row.row} 行“{row.member.name}”与已离开名册的党员同名，将作为新党员新增。"
                )
            continue
        if match.id in claimed:
            raise ValidationError(
                f"第 {claimed[match.id]} 行和第 {row.row} 行都对应名册中的“{match.name}”，请填写入党日期或备注以区分，未导入任何内容。",
                f"Rows {claimed[match.id]} and {row.row} both match '{match.name}'.",
            )
        claimed[match.id] = row.row
        update = _update(row, match)
        if update is None:
            unchanged += 1
        else:
            updates.append(update)
    missing = tuple(roster.label(m) for m in current if m.id not in claimed)
    return ImportPlan(parsed, tuple(adds), tuple(updates), unchanged, missing, tuple(notices))
