"""The frequency check: required, held, overdue and 参与率 per type, and a property test against a recount."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orglife_tools import record, seed_roster

from dzdesk.cli import main
from dzdesk.orglife.check import intervals
from dzdesk.orglife.models import AttendanceInput, MeetingInput, MemberInput
from dzdesk.orglife.policy import default_policy
from dzdesk.orglife.summary import meeting_summary
from dzdesk.paths import resolve_paths
from dzdesk.store import Store


@pytest.fixture
def q4(store):
    """The seeded roster and a fourth quarter with some of everything."""
    seed_roster(store)
    record(store, "支部党员大会", "2026-10-12", absent=["李四:出差", "钱七"])
    record(store, "主题党日", "2026-10-20")
    record(store, "主题党日", "2026-10-25")
    record(store, "支部委员会会议", "2026-10-05")
    record(store, "支部委员会会议", "2026-11-03")
    record(store, "党小组会", "2026-10-06", group="第一党小组")
    record(store, "党小组会", "2026-10-07", group="第二党小组")
    record(store, "党小组会", "2026-11-07", group="第二党小组")
    record(store, "谈心谈话", "2026-10-08", "谈心", named=["周九", "孙八", "钱七"])
    record(store, "集中培训", "2026-04-10", "书记培训班", hours=8)
    record(store, "集中培训", "2026-11-10", "书记培训班（二）", hours=4.5)
    return store


def test_each_type_in_a_quarter(q4):
    check = meeting_summary(q4, "2026Q4", date(2026, 11, 28))
    got = {t.name: (t.applies, t.required, t.met, t.held, t.overdue) for t in check.types}
    assert got == {
        "支部党员大会": (True, 1, 1, 1, 0),
        "支部委员会会议": (True, 3, 2, 2, 0),
        "党小组会": (True, 6, 3, 3, 0),
        "党课": (True, 1, 0, 0, 0),
        "主题党日": (True, 3, 1, 2, 0),  # two in October count once; November is still open
        "组织生活会": (True, 1, 0, 0, 0),
        "民主评议党员": (True, 1, 0, 0, 0),
        "谈心谈话": (True, 9, 3, 1, 0),  # per member on the roster
        "集中培训": (True, 1, 1, 1, 0),  # April's training counts for the year
    }
    assert check.type("集中培训").hours == 12.5
    assert check.strip.startswith(
        "支部党员大会 1/1 · 支部委员会会议 2/3 · 党小组会 3/6 · 党课 0/1 · 主题党日 1/3"
    )
    assert "谈心谈话 3/9人" in check.strip


def test_overdue_once_an_interval_has_ended(q4):
    check = meeting_summary(q4, "2026Q4", date(2026, 12, 15))
    theme = check.type("主题党日")
    assert (theme.overdue, theme.overdue_labels) == (1, ("2026年11月",))
    assert check.type("党小组会").overdue_labels == (
        "2026年11月",
    )  # 第一党小组 met only in October
    assert check.type("主题党日").strip_text == "主题党日 1/3 逾期"
    after = meeting_summary(q4, "2026Q4", date(2027, 1, 5))
    assert after.type("组织生活会").overdue == 1 and after.type("主题党日").overdue == 2
    assert after.type("谈心谈话").overdue == 6


def test_yearly_types_are_pending_not_overdue_in_earlier_quarters(q4):
    check = meeting_summary(q4, "2026Q2", date(2027, 3, 1))
    life = check.type("组织生活会")
    assert (life.required, life.met, life.overdue) == (1, 0, 0)
    assert life.strip_text == "组织生活会 本年0/1"
    assert check.type("集中培训").met == 1  # April
    assert check.type("支部党员大会").overdue == 1  # nothing in Q2, which has ended


def test_participation_per_meeting_per_type_and_overall(q4):
    check = meeting_summary(q4, "2026Q4", date(2026, 11, 28))
    congress = check.type("支部党员大会")
    assert (congress.attended, congress.expected) == (7, 9)
    (rate,) = congress.meetings
    assert rate.rate == pytest.approx(7 / 9)
    counted = [t for t in check.applicable if t.type.participation]
    assert check.attended == sum(t.attended for t in counted) and check.expected == sum(
        t.expected for t in counted
    )
    assert "谈心谈话" not in {t.name for t in counted} and "集中培训" not in {
        t.name for t in counted
    }
    assert check.participation == pytest.approx(check.attended / check.expected)


def test_a_small_branch_has_no_committee_unless_configured(store):
    for name in ("甲", "乙", "丙"):
        store.members.add(MemberInput(name, "正式党员"))
    check = meeting_summary(store, "2026Q4", date(2026, 11, 28))
    committee = check.type("支部委员会会议")
    assert not committee.applies and "不足7人" in committee.reason and committee.required == 0
    assert not check.type("党小组会").applies
    store.meetings.set_committee_setting(True)
    assert meeting_summary(store, "2026Q4", date(2026, 11, 28)).type("支部委员会会议").required == 3


def test_a_branch_without_a_roster_is_checked_by_records(store):
    store.meetings.add(MeetingInput("谈心谈话", "2026-10-10", "谈心"))
    check = meeting_summary(store, "2026", date(2026, 11, 28))
    talk = check.type("谈心谈话")
    assert (talk.required, talk.met, talk.reason) == (1, 1, "未建党员名册，按党支部计")
    assert check.type("支部委员会会议").applies  # the profile's 7 正式党员
    assert check.participation is None and not check.roster_kept


def test_intervals_of_each_frequency():
    assert [i.label for i in intervals("month", date(2026, 10, 1), date(2026, 12, 31))] == [
        "2026年10月",
        "2026年11月",
        "2026年12月",
    ]
    assert [i.label for i in intervals("quarter", date(2026, 1, 1), date(2026, 12, 31))][
        -1
    ] == "2026年第四季度"
    assert [(i.start, i.end) for i in intervals("half", date(2026, 10, 1), date(2026, 12, 31))] == [
        (date(2026, 7, 1), date(2026, 12, 31))
    ]
    assert [i.label for i in intervals("year", date(2026, 4, 1), date(2026, 6, 30))] == ["2026年度"]


def test_cli_check_prints_every_type_and_exits_0(q4, capsys):
    home = str(q4.paths.data_dir)
    assert (
        main(["meeting", "check", "--period", "2026Q4", "--today", "2026-12-15", "--home", home])
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "主题党日（每月至少1次）：应开 3 次，已开 1 次（本期记录 2 条），逾期 1 次（2026年11月）"
        in out
    )
    assert "谈心谈话（每年每名党员至少1次）：应开 9 人，已开 3 人" in out
    assert "总体参与率：" in out and "各次会议参与率：" in out
    assert (
        main(
            [
                "meeting",
                "check",
                "--period",
                "2026Q4",
                "--json",
                "--today",
                "2026-12-15",
                "--home",
                home,
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    theme = next(t for t in data["types"] if t["type"] == "主题党日")
    assert (theme["required"], theme["met"], theme["overdue"], theme["dates"]) == (
        3,
        1,
        1,
        ["2026-10-20", "2026-10-25"],
    )


# -- the property: `meeting check --json` agrees with a plain recount ---------------------------

DAY0 = date(2025, 7, 1)
PERIODS = ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026H1", "2026H2", "2026"]
TYPES = default_policy().names


def days(lo: int = 0, hi: int = 640) -> st.SearchStrategy[date]:
    return st.integers(lo, hi).map(lambda n: DAY0 + timedelta(days=n))


member_strategy = st.fixed_dictionaries(
    {
        "category": st.sampled_from(["正式党员", "预备党员"]),
        "group": st.sampled_from(["", "一组", "二组"]),
        "roles": st.sampled_from([(), ("书记",), ("委员",), ("副书记",)]),
        "join": st.one_of(st.none(), days(0, 500)),
        "stay": st.one_of(st.none(), st.integers(1, 300)),
        "confirm_after": st.one_of(st.none(), st.integers(1, 200)),
    }
)
meeting_strategy = st.fixed_dictionaries(
    {
        "type": st.sampled_from(TYPES),
        "date": days(90, 640),
        "picks": st.lists(
            st.sampled_from(["出席", "请假", "缺席", None]), min_size=12, max_size=12
        ),
        "group": st.integers(0, 5),
        "hours": st.integers(1, 40),
    }
)


def on_roster(m: dict, day: date) -> bool:
    start = m["join"] or date.min
    return start <= day and (m["leave"] is None or day < m["leave"])


def full_on(m: dict, day: date) -> bool:
    if m["confirmed"]:
        return day >= m["confirmed"]
    return m["category"] == "正式党员"


def recount(members: list[dict], meetings: list[dict], code: str, today: date) -> dict[str, tuple]:
    """Written from the rules as stated, loop by loop, sharing nothing with dzdesk.orglife.check."""
    year = 2026
    first, last = {
        "2026Q1": (date(year, 1, 1), date(year, 3, 31)),
        "2026Q2": (date(year, 4, 1), date(year, 6, 30)),
        "2026Q3": (date(year, 7, 1), date(year, 9, 30)),
        "2026Q4": (date(year, 10, 1), date(year, 12, 31)),
        "2026H1": (date(year, 1, 1), date(year, 6, 30)),
        "2026H2": (date(year, 7, 1), date(year, 12, 31)),
        "2026": (date(year, 1, 1), date(year, 12, 31)),
    }[code]
    on_last = [m for m in members if on_roster(m, last)]
    result = {}
    for kind in default_policy().types:
        if kind.applies == "committee":
            applies = sum(full_on(m, last) for m in on_last) >= 7 or any(
                "委员" in m["roles"] for m in on_last
            )
        elif kind.applies == "groups":
            applies = any(m["group"] for m in on_last)
        else:
            applies = True
        required = met = overdue = 0
        if applies:
            step = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind.frequency]
            starts = []
            month = first.year * 12 + first.month - 1
            while month <= last.year * 12 + last.month - 1:
                begin = month // step * step
                if begin not in starts:
                    starts.append(begin)
                month += 1
            for begin in starts:
                start = date(begin // 12, begin % 12 + 1, 1)
                end = date((begin + step) // 12, (begin + step) % 12 + 1, 1) - timedelta(days=1)
                stop = min(end, last)
                mine = [
                    g for g in meetings if g["type"] == kind.name and start <= g["date"] <= stop
                ]
                present = [m for m in members if on_roster(m, stop)]
                if kind.scope == "group":
                    units = [
                        [g for g in mine if g["group"] == name]
                        for name in dict.fromkeys(m["group"] for m in present if m["group"])
                    ]
                elif (
                    kind.scope == "member" and members
                ):  # without any roster: counted for the branch
                    units = [[g for g in mine if g["att"].get(m["id"]) == "出席"] for m in present]
                elif kind.scope == "secretary" and any("书记" in m["roles"] for m in present):
                    units = [
                        [g for g in mine if g["att"].get(m["id"]) == "出席"]
                        for m in present
                        if "书记" in m["roles"]
                    ]
                else:
                    units = [mine]
                for held in units:
                    required += kind.min
                    met += min(len(held), kind.min)
                    if len(held) < kind.min and end <= last and end < today:
                        overdue += kind.min - len(held)
        inside = [g for g in meetings if g["type"] == kind.name and first <= g["date"] <= last]
        expected = sum(len(g["att"]) for g in inside)
        attended = sum(1 for g in inside for s in g["att"].values() if s == "出席")
        result[kind.name] = (applies, required, met, len(inside), overdue, expected, attended)
    return result


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw_members=st.lists(member_strategy, min_size=0, max_size=12),
    raw_meetings=st.lists(meeting_strategy, min_size=0, max_size=30),
    code=st.sampled_from(PERIODS),
    today=days(180, 640),
)
def test_meeting_check_agrees_with_a_plain_recount(
    tmp_path_factory, raw_members, raw_meetings, code, today
):
    home = str(
        tmp_path_factory.getbasetemp() / "recount"
    )  # one folder for every example: a fresh database each
    paths = resolve_paths(home)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{paths.branch_db}{suffix}").unlink(missing_ok=True)
    with Store(paths) as store, store.batch():  # one transaction: fast
        members = []
        for i, raw in enumerate(raw_members):
            m = dict(raw, name=f"党员{i}", leave=None, confirmed=None)
            if m["join"] and m["stay"]:
                m["leave"] = m["join"] + timedelta(days=m["stay"])
            saved = store.members.add(
                MemberInput(m["name"], m["category"], m["group"], roles=m["roles"]),
                since=m["join"].isoformat() if m["join"] else "",
            )
            m["id"] = saved.id
            if m["category"] == "预备党员" and m["confirm_after"] and m["join"]:
                confirm = m["join"] + timedelta(days=m["confirm_after"])
                if m["leave"] is None or confirm < m["leave"]:
                    store.members.record_event(saved.id, "预备转正", confirm.isoformat())
                    m["confirmed"] = confirm
            if m["leave"]:
                store.members.record_event(saved.id, "转出", m["leave"].isoformat())
            members.append(m)
        kinds = {t.name: t for t in default_policy().types}
        meetings = []
        for raw in raw_meetings:
            day = raw["date"]
            present = [m for m in members if on_roster(m, day)]
            groups = list(dict.fromkeys(m["group"] for m in present if m["group"]))
            group = ""
            if kinds[raw["type"]].attendees == "group" and groups:
                group = groups[raw["group"] % len(groups)]
            att = {m["id"]: s for m, s in zip(present, raw["picks"], strict=False) if s is not None}
            if kinds[raw["type"]].attendees == "named" and present and not att:
                att = {present[0]["id"]: "出席"}
            store.meetings.add(
                MeetingInput(
                    raw["type"],
                    day.isoformat(),
                    "主题",
                    party_group=group,
                    hours=float(raw["hours"]) if kinds[raw["type"]].hours else None,
                    attendance=tuple(
                        AttendanceInput(i, s, "事假" if s == "请假" else "") for i, s in att.items()
                    ),
                )
            )
            meetings.append({"type": raw["type"], "date": day, "group": group, "att": att})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code_ = main(
            [
                "meeting",
                "check",
                "--period",
                code,
                "--json",
                "--today",
                today.isoformat(),
                "--home",
                home,
            ]
        )
    assert code_ == 0
    data = json.loads(out.getvalue())
    got = {
        t["type"]: (
            t["applies"],
            t["required"],
            t["met"],
            t["held"],
            t["overdue"],
            t["expected"],
            t["attended"],
        )
        for t in data["types"]
    }
    assert got == recount(members, meetings, code, today)
