"""The 组织生活台账 in the real store: records with attendance from the roster, edits, removal, attachments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from orglife_tools import record, seed_roster

from dzdesk.errors import DzdeskError, NotFoundError, ValidationError
from dzdesk.orglife.attendance import default_attendance
from dzdesk.orglife.models import AttendanceInput, MeetingInput, MemberInput
from dzdesk.orglife.summary import linked_meetings, training_records


@pytest.fixture
def roster_store(store):
    seed_roster(store)
    return store


def names(meeting, status):
    return [a.name for a in meeting.with_status(status)]


def test_attendance_defaults_to_everyone_on_the_roster_that_day_minus_those_named(roster_store):
    store = roster_store
    late = store.members.add(
        MemberInput("新人", "预备党员", joined_party="2026-11-01"), since="2026-11-01"
    )
    meeting = record(
        store,
        "支部党员大会",
        "2026-10-12",
        "学习",
        absent=["李四:出差", "钱七"],
        host="张三",
        recorder="王五",
    )
    assert meeting.expected == 9 and late.id not in {a.member_id for a in meeting.attendance}
    assert names(meeting, "请假") == ["李四"] and meeting.with_status("请假")[0].reason == "出差"
    assert names(meeting, "缺席") == ["钱七"]
    assert meeting.attended == 7 and round(meeting.participation, 4) == round(7 / 9, 4)
    later = record(store, "主题党日", "2026-11-20")
    assert later.expected == 10  # 新人 is on the roster by then


def test_types_expect_their_own_attendees(roster_store):
    store = roster_store
    committee = record(store, "支部委员会会议", "2026-10-05")
    assert sorted(a.name for a in committee.attendance) == ["张三", "李四", "王五", "赵六"]
    group = record(store, "党小组会", "2026-10-06", group="第二党小组")
    assert [a.name for a in group.attendance] == ["王五", "钱七", "孙八", "张伟"]
    talk = record(store, "谈心谈话", "2026-10-07", "谈心", named=["周九", "孙八"])
    assert [a.name for a in talk.attendance] == ["孙八", "周九"]  # by roster order
    training = record(store, "集中培训", "2026-10-08", "书记培训班", hours=16)
    assert [a.name for a in training.attendance] == ["张三"] and training.hours == 16.0


def test_a_namesake_absent_must_be_told_apart(roster_store):
    store = roster_store
    with pytest.raises(ValidationError, match="请写作 姓名#编号"):
        record(store, "支部党员大会", "2026-10-12", absent=["张伟:出差"])
    second = [m for m in store.members.all() if m.name == "张伟"][1]
    meeting = record(store, "支部党员大会", "2026-10-12", absent=[f"张伟#{second.id}:出差"])
    assert [a.member_id for a in meeting.with_status("请假")] == [second.id]


def test_an_excused_absence_needs_a_reason_and_an_absentee_must_be_expected(roster_store):
    store = roster_store
    kind = store.meetings.policy().type("支部党员大会")
    roster = store.members.roster()
    attendance = list(default_attendance(kind, roster, date(2026, 10, 12)))
    attendance[1] = replace(attendance[1], status="请假", reason="")
    with pytest.raises(ValidationError, match="李四 请假，请填写请假原因"):
        store.meetings.add(
            MeetingInput("支部党员大会", "2026-10-12", "学习", attendance=tuple(attendance))
        )
    with pytest.raises(ValidationError, match="不在这次支部委员会会议的应到名单中"):
        record(store, "支部委员会会议", "2026-10-12", absent=["孙八:出差"])
    assert store.meetings.count() == 0


def test_someone_not_on_the_roster_that_day_cannot_attend(roster_store):
    store = roster_store
    newcomer = store.members.add(MemberInput("新人", "正式党员"), since="2026-12-01")
    meeting = MeetingInput(
        "主题党日", "2026-11-15", "学习", attendance=(AttendanceInput(newcomer.id),)
    )
    with pytest.raises(ValidationError, match="新人 在2026-11-15不在党员名册中"):
        store.meetings.add(meeting)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "茶话会"}, "没有“茶话会”这种组织生活类型"),
        ({"date": "2026-02-30"}, "不是有效日期"),
        ({"date": "1999-12-31"}, "超出范围"),
        ({"topic": ""}, "请填写“会议主题”"),
        ({"topic": "x" * 201}, "过长"),
        ({"minutes": "a\x1b[31mred"}, "控制字符"),
        ({"hours": 3.0}, "支部党员大会不记录学时"),
        ({"type": "集中培训", "hours": -1.0}, "学时应为"),
        ({"type": "集中培训", "hours": float("nan")}, "学时应为"),
        ({"type": "党小组会"}, "请选择是哪个党小组"),
        ({"type": "谈心谈话"}, "请选择谈心谈话的对象"),
    ],
)
def test_bad_meetings_are_refused_and_nothing_is_written(roster_store, changes, message):
    before = roster_store.db["change_log"].count
    with pytest.raises(DzdeskError, match=message):
        roster_store.meetings.add(
            replace(MeetingInput("支部党员大会", "2026-10-12", "学习"), **changes)
        )
    assert roster_store.meetings.count() == 0 and roster_store.db["change_log"].count == before


def test_edit_replaces_fields_and_attendance_and_logs_each(roster_store):
    store = roster_store
    meeting = record(store, "支部党员大会", "2026-10-12", "学习")
    roster = store.members.roster()
    attendance = default_attendance(
        store.meetings.policy().type("支部党员大会"),
        roster,
        date(2026, 10, 12),
        absent=["孙八:病假"],
    )
    edited = store.meetings.update(
        meeting.id,
        MeetingInput(
            "支部党员大会",
            "2026-10-13",
            "学习贯彻",
            resolutions="一、通过……",
            attendance=attendance,
        ),
    )
    assert (edited.date, edited.topic, edited.resolutions) == (
        "2026-10-13",
        "学习贯彻",
        "一、通过……",
    )
    assert names(edited, "请假") == ["孙八"]
    fields = [c.field for c in store.changes() if c.field.startswith(f"meeting#{meeting.id}.")]
    assert fields == [
        f"meeting#{meeting.id}.{f}" for f in ("add", "date", "topic", "resolutions", "attendance")
    ]


def test_remove_and_restore_keep_the_record(roster_store):
    store = roster_store
    meeting = record(store, "主题党日", "2026-10-20")
    store.meetings.remove(meeting.id)
    assert store.meetings.in_period("2026Q4") == []
    with pytest.raises(NotFoundError):
        store.meetings.get(meeting.id)
    store.meetings.restore(meeting.id)
    assert store.meetings.in_period("2026Q4") == [meeting]


def test_attachments_are_checked_copied_and_kept_once(roster_store, tmp_path):
    store = roster_store
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    scan = tmp_path / "签到表.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    meeting = record(store, "主题党日", "2026-10-20")
    first = store.meetings.add_attachment(meeting.id, photo, "合影")
    again = store.meetings.add_attachment(meeting.id, photo)
    assert again.id == first.id
    store.meetings.add_attachment(meeting.id, scan)
    loaded = store.meetings.get(meeting.id)
    assert [a.original_name for a in loaded.attachments] == ["现场照片.jpg", "签到表.pdf"]
    assert store.meetings.attachment_file(first).read_bytes() == b"\xff\xd8photo"
    bad = tmp_path / "病毒.exe"
    bad.write_bytes(b"MZ")
    with pytest.raises(ValidationError, match="不支持“.exe”类型"):
        store.meetings.add_attachment(meeting.id, bad)
    store.meetings.remove_attachment(first.id)
    assert [a.original_name for a in store.meetings.get(meeting.id).attachments] == ["签到表.pdf"]
    store.meetings.restore_attachment(first.id)
    assert len(store.meetings.get(meeting.id).attachments) == 2


def test_a_bad_attachment_given_with_a_new_meeting_saves_nothing(roster_store, tmp_path):
    store = roster_store
    good = tmp_path / "a.jpg"
    good.write_bytes(b"\xff\xd8")
    kind = store.meetings.policy().type("主题党日")
    attendance = default_attendance(kind, store.members.roster(), date(2026, 10, 20))
    with pytest.raises(ValidationError, match="找不到佐证材料文件"):
        store.meetings.add(
            MeetingInput("主题党日", "2026-10-20", "学习", attendance=attendance),
            files=[good, tmp_path / "gone.jpg"],
        )
    assert store.meetings.count() == 0


def test_a_branch_without_a_roster_records_meetings_without_attendance(store):
    meeting = store.meetings.add(MeetingInput("支部党员大会", "2026-10-12", "学习"))
    assert meeting.attendance == () and meeting.participation is None
    assert store.meetings.get(meeting.id).expected == 0


def test_linked_meetings_and_training_records(roster_store):
    store = roster_store
    record(store, "主题党日", "2026-10-20")
    record(store, "党课", "2026-11-02")
    record(store, "集中培训", "2026-04-01", "培训", hours=8)
    assert [m.type for m in linked_meetings(store, "2026Q4", "1")] == ["主题党日", "党课"]
    assert [m.type for m in linked_meetings(store, "2026Q4", "13")] == ["主题党日"]
    assert [m.date for m in training_records(store, 2026)] == ["2026-04-01"]
    assert training_records(store, 2025) == []


def test_the_committee_setting_overrides_the_roster(roster_store):
    store = roster_store
    assert store.meetings.committee_setting() is None
    store.meetings.set_committee_setting(False)
    assert store.meetings.committee_setting() is False
    store.meetings.set_committee_setting(None)
    assert store.meetings.committee_setting() is None
    assert [c.field for c in store.changes()].count("orglife.committee") == 2
