"""The 党员名册 in the real store: members, dated events, the roster on past days, never a deletion."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from orglife_tools import ROSTER, seed_roster

from dzdesk.errors import DzdeskError, ValidationError
from dzdesk.orglife.models import MemberInput
from dzdesk.orglife.summary import member_counts, profile_with_roster_counts, roster_counts
from dzdesk.scoring import score
from dzdesk.store import Store


def test_members_are_frozen_dataclasses_and_keep_their_fields(store):
    saved = store.members.add(ROSTER[2], since="2020-01-01")
    again = Store(store.paths).members.get(saved.id)
    assert again == saved
    assert (saved.name, saved.category, saved.party_group, saved.roles) == (
        "王五",
        "正式党员",
        "第二党小组",
        ("委员", "党小组长"),
    )
    assert [(e.kind, e.date) for e in saved.events] == [("转入", "2020-01-01")]
    with pytest.raises(AttributeError):
        saved.name = "x"  # type: ignore[misc]


def test_roster_on_any_past_day_is_rebuilt_from_events(store):
    a = store.members.add(MemberInput("甲", "正式党员"), since="2024-01-10")
    b = store.members.add(
        MemberInput("乙", "预备党员", joined_party="2025-03-01"), since="2025-03-01"
    )
    c = store.members.add(MemberInput("丙", "正式党员"))  # 建册前
    store.members.record_event(a.id, "转出", "2025-06-30", "调往外地")
    store.members.record_event(b.id, "预备转正", "2026-03-01")
    store.members.record_event(c.id, "去世", "2026-05-05")
    roster = store.members.roster()

    def names(day: str) -> list[str]:
        return [m.name for m in roster.at(date.fromisoformat(day))]

    assert names("2023-12-31") == ["丙"]
    assert names("2024-01-10") == ["甲", "丙"]
    assert names("2025-06-29") == ["甲", "乙", "丙"]
    assert names("2025-06-30") == ["乙", "丙"]  # the leaving day no longer counts
    assert names("2026-05-05") == ["乙"]
    assert roster.counts(date(2025, 12, 31)).probationary == 1
    assert roster.counts(date(2026, 3, 1)).full == 2  # 乙 confirmed, 丙 still alive
    assert store.members.get(b.id).confirmed == "2026-03-01"
    assert store.members.get(b.id).category == "正式党员"
    assert len(store.members.all()) == 3  # nobody was deleted


def test_a_member_can_never_be_deleted_even_in_sql(store):
    member = store.members.add(ROSTER[0])
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        store.db.execute("DELETE FROM members WHERE id = ?", [member.id])


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([("转出", "2025-01-01"), ("转出", "2025-02-01")], "不在名册中"),
        ([("转入", "2025-01-01")], "已在名册中"),
        ([("去世", "2025-01-01"), ("转入", "2025-02-01")], "已于2025-01-01去世"),
        ([("预备转正", "2025-01-01")], "已是正式党员"),
    ],
)
def test_events_out_of_order_are_refused_and_nothing_is_written(store, events, message):
    member = store.members.add(MemberInput("甲", "正式党员"), since="2020-01-01")
    with pytest.raises(ValidationError, match=message):
        for kind, day in events:
            store.members.record_event(member.id, kind, day)
    kept = store.members.get(member.id).events
    assert len(kept) == len(events)  # the failing one left nothing behind


def test_a_confirmation_before_joining_the_party_is_refused(store):
    member = store.members.add(MemberInput("乙", "预备党员", joined_party="2026-03-01"))
    with pytest.raises(ValidationError, match="早于入党日期"):
        store.members.record_event(member.id, "预备转正", "2026-01-01")


def test_cancelling_a_mistaken_event_restores_the_roster(store):
    member = store.members.add(
        MemberInput("乙", "预备党员", joined_party="2025-03-01"), since="2025-03-01"
    )
    confirm = store.members.record_event(member.id, "预备转正", "2026-03-01")
    leave = store.members.record_event(member.id, "转出", "2026-06-01")
    store.members.cancel_event(leave.id)
    store.members.cancel_event(confirm.id)
    again = store.members.get(member.id)
    assert (again.category, again.confirmed) == ("预备党员", "")
    assert store.members.roster().is_on(member.id, date(2027, 1, 1))
    with pytest.raises(ValidationError, match="唯一的转入记录"):
        store.members.cancel_event(again.events[0].id)
    assert [c.field for c in store.changes()][-2:] == [f"member#{member.id}.event.cancel"] * 2


def test_two_members_may_share_a_name_only_when_something_tells_them_apart(store):
    first = store.members.add(MemberInput("张伟", "正式党员", joined_party="2001-07-01"))
    second = store.members.add(MemberInput("张伟", "正式党员", joined_party="2016-07-01"))
    third = store.members.add(
        MemberInput("张伟", "正式党员", joined_party="2016-07-01", note="销售部")
    )
    with pytest.raises(ValidationError, match="同名党员请填写不同的入党日期或备注"):
        store.members.add(MemberInput("张伟", "正式党员", joined_party="2001-07-01"))
    roster = store.members.roster()
    assert len({first.id, second.id, third.id}) == 3
    assert [roster.label(m) for m in roster.members] == [
        "张伟（2001-07-01入党）",
        f"张伟（编号{second.id}）",
        "张伟（销售部）",
    ]
    with pytest.raises(ValidationError, match="请写作 姓名#编号"):
        roster.find("张伟", date(2026, 1, 1))
    assert roster.find(f"张伟#{second.id}", date(2026, 1, 1)) == second
    assert roster.find("张伟(2001-07-01)", date(2026, 1, 1)) == first


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "请填写“姓名”"),
        ("name", "张\x00三", "控制字符"),
        ("name", "张\u202e三", "不可见字符"),
        ("name", "张#三", "不能含有 #"),
        ("category", "党员", "类别“党员”无效"),
        ("joined_party", "2001-13-01", "不是有效日期"),
        ("roles", ("组长",), "职务“组长”无效"),
        ("flags", ("VIP",), "标记“VIP”无效"),
        ("note", "x" * 201, "过长"),
    ],
)
def test_bad_member_fields_are_refused_with_one_sentence(store, field, value, message):
    with pytest.raises(DzdeskError, match=message):
        store.members.add(replace(ROSTER[0], **{field: value}))
    assert store.members.all() == []


def test_a_probationary_member_cannot_carry_a_confirmation_date(store):
    with pytest.raises(ValidationError, match="预备党员，不应填写转正日期"):
        store.members.add(MemberInput("周九", "预备党员", confirmed="2026-01-01"))


def test_edits_are_logged_field_by_field(store):
    member = store.members.add(ROSTER[4])
    store.members.update(member.id, replace(ROSTER[4], party_group="第一党小组", flags=("老党员",)))
    fields = [
        (c.field, c.old, c.new)
        for c in store.changes()
        if c.field.startswith(f"member#{member.id}.")
    ]
    assert (f"member#{member.id}.party_group", "第二党小组", "第一党小组") in fields
    assert (f"member#{member.id}.flags", "[]", '["老党员"]') in fields
    assert store.members.get(member.id).flags == ("老党员",)


def test_the_profile_counts_come_from_the_roster_when_one_is_kept(store, profile):
    assert roster_counts(store, date(2026, 12, 31)) is None  # no roster: typed counts
    assert member_counts(store, profile, date(2026, 12, 31)).full == profile.full_members == 7
    a = store.members.add(MemberInput("甲", "正式党员"))
    store.members.add(MemberInput("乙", "预备党员", joined_party="2026-01-01"))
    counts = roster_counts(store, date(2026, 12, 31))
    assert (counts.full, counts.probationary) == (1, 1)
    effective = profile_with_roster_counts(store, profile, date(2026, 12, 31))
    assert (effective.full_members, effective.probationary_members) == (1, 1)
    store.members.record_event(a.id, "转出", "2026-11-01")
    effective = profile_with_roster_counts(store, profile, date(2026, 12, 31))
    assessment = store.ensure_assessment("2026Q4")
    flags = score(
        store.template_for(assessment), store.answers(assessment), effective.full_members
    ).flags
    assert "空壳党支部" in flags and "重点帮扶" in flags


def test_seeded_roster_has_a_committee_and_two_groups(store):
    seed_roster(store)
    roster = store.members.roster()
    day = date(2026, 10, 1)
    assert roster.counts(day).full == 8 and roster.has_committee(day)
    assert roster.groups(day) == ["第一党小组", "第二党小组"]
    assert [m.name for m in roster.secretaries(day)] == ["张三"]
