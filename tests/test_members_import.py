"""``members import``: real CSV files as Chinese Excel saves them, a preview first, hostile rosters."""

from __future__ import annotations

import time
from datetime import date

import pytest
from orglife_tools import csv_bytes, write_csv

from dzdesk.cli import main
from dzdesk.errors import ValidationError
from dzdesk.orglife.models import MemberInput
from dzdesk.store import Store

HEADER = ["序号", "姓名", "类别", "党小组", "入党日期", "转正日期", "职务"]
ROWS = [
    ["1", "张三", "正式党员", "第一党小组", "2001/7/1", "2002/7/1", "书记"],
    ["2", "李四", "预备党员", "第一党小组", "2026年3月1日", "", ""],
    ["3", "王五", "正式", "第二党小组", "1990.7.1", "", "委员、党小组长"],
    ["4", "张伟", "正式党员", "第二党小组", "2001-07-01", "", ""],
    ["5", "张伟", "正式党员", "第一党小组", "2016-07-01", "", ""],
]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def db_state(store: Store) -> tuple:
    return (
        [tuple(r.values()) for r in store.db.query("SELECT * FROM members ORDER BY id")],
        store.db["member_events"].count,
        store.db["change_log"].count,
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_roster_in_each_encoding_excel_saves(store, tmp_path, encoding):
    path = write_csv(tmp_path / f"名册-{encoding}.csv", [HEADER, *ROWS], encoding)
    plan = store.members.plan_import(path)
    assert [r.member.name for r in plan.adds] == ["张三", "李四", "王五", "张伟", "张伟"]
    assert plan.source.ignored == ("序号",)
    store.members.apply_import(plan)
    members = store.members.all()
    assert [(m.name, m.category, m.joined_party, m.confirmed, m.roles) for m in members] == [
        ("张三", "正式党员", "2001-07-01", "2002-07-01", ("书记",)),
        ("李四", "预备党员", "2026-03-01", "", ()),
        ("王五", "正式党员", "1990-07-01", "", ("委员", "党小组长")),
        ("张伟", "正式党员", "2001-07-01", "", ()),
        ("张伟", "正式党员", "2016-07-01", "", ()),
    ]
    assert all(m.events[0].kind == "转入" and m.events[0].date == "" for m in members)


def test_columns_in_any_order_and_only_name_and_category_required(store, tmp_path):
    path = write_csv(
        tmp_path / "r.csv", [["类别", "姓名"], ["预备党员", "周九"], ["正式党员", "吴十"], ["", ""]]
    )
    store.members.apply_import(store.members.plan_import(path, since="2026-01-01"))
    assert [(m.name, m.category, m.events[0].date) for m in store.members.all()] == [
        ("周九", "预备党员", "2026-01-01"),
        ("吴十", "正式党员", "2026-01-01"),
    ]


def test_a_tab_separated_utf16_file_as_excel_unicode_text(store, tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes(
        b"\xff\xfe"
        + csv_bytes([["姓名", "类别"], ["张三", "正式党员"]], "utf-16-le", delimiter="\t")
    )
    assert [r.member.name for r in store.members.plan_import(path).adds] == ["张三"]


def test_reimport_updates_what_changed_and_records_a_confirmation(store, tmp_path):
    store.members.apply_import(
        store.members.plan_import(write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    )
    changed = [
        HEADER,
        ["", "李四", "正式党员", "第二党小组", "2026-03-01", "2027-03-01", ""],
        ["", "张三", "正式党员", "", "", "", "书记"],
    ]
    plan = store.members.plan_import(write_csv(tmp_path / "b.csv", changed))
    assert plan.adds == () and plan.unchanged == 1  # 张三: blank cells never clear anything
    (update,) = plan.updates
    assert {(c.label, c.old, c.new) for c in update.changes} == {
        ("类别", "预备党员", "正式党员"),
        ("党小组", "第一党小组", "第二党小组"),
        ("转正日期", "", "2027-03-01"),
    }
    assert update.confirm_on == "2027-03-01"
    assert set(plan.not_in_file) == {"王五", "张伟（2001-07-01入党）", "张伟（2016-07-01入党）"}
    store.members.apply_import(plan)
    li = store.members.roster().find("李四", date(2027, 6, 1))
    assert [e.kind for e in li.events] == ["转入", "预备转正"]
    assert (
        store.members.roster().counts(date(2026, 12, 31)).probationary == 1
    )  # still 预备 before 转正
    assert store.members.roster().counts(date(2027, 3, 1)).probationary == 0


def test_a_row_that_could_be_either_namesake_stops_the_import(store, tmp_path):
    store.members.apply_import(
        store.members.plan_import(write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    )
    before = db_state(store)
    path = write_csv(
        tmp_path / "b.csv", [["姓名", "类别", "党小组"], ["张伟", "正式党员", "第三党小组"]]
    )
    with pytest.raises(ValidationError, match="第 2 行“张伟”可能是名册中 2 名同名党员中的任何一名"):
        store.members.plan_import(path)
    assert db_state(store) == before


def test_duplicate_rows_that_nothing_tells_apart_are_named(store, tmp_path):
    rows = [
        HEADER,
        ROWS[0],
        ["", "张伟", "正式党员", "", "", "", ""],
        ["", "张伟", "正式党员", "", "", "", ""],
    ]
    with pytest.raises(ValidationError, match="第 4 行与第 3 行都是“张伟”"):
        store.members.plan_import(write_csv(tmp_path / "dup.csv", rows))
    assert store.members.all() == []


def test_a_same_name_newcomer_with_another_joining_date_is_added_beside_the_first(store, tmp_path):
    store.members.add(MemberInput("张伟", "正式党员", joined_party="2001-07-01"))
    plan = store.members.plan_import(
        write_csv(
            tmp_path / "r.csv", [["姓名", "类别", "入党日期"], ["张伟", "正式党员", "2019-07-01"]]
        )
    )
    assert len(plan.adds) == 1 and "将作为另一名党员新增" in plan.notices[0]
    store.members.apply_import(plan)
    assert [m.joined_party for m in store.members.all()] == ["2001-07-01", "2019-07-01"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["姓名", "党小组"], ["张三", "一组"]], "第 1 行（表头）缺少“类别”列"),
        ([["姓名", "类别", "姓名"], ["张三", "正式党员", "张三"]], "“姓名”出现了两次"),
        ([["姓名", "类别"], ["张三", "正式党员"], ["李四", "群众"]], "第 3 行：类别“群众”无效"),
        (
            [["姓名", "类别", "入党日期"], ["张三", "正式党员", "2001-02-30"]],
            "第 2 行：入党日期“2001-02-30”不是有效日期",
        ),
        ([["姓名", "类别", "职务"], ["张三", "正式党员", "组长"]], "第 2 行：职务“组长”无效"),
        ([["姓名", "类别"], ["张\x07三", "正式党员"]], "第 2 行：“姓名”含有控制字符"),
        ([["姓名", "类别"], ["张\u200b三", "正式党员"]], "第 2 行：“姓名”含有控制字符或不可见字符"),
        (
            [["姓名", "类别", "转正日期"], ["周九", "预备党员", "2026-01-01"]],
            "第 2 行：周九 是预备党员",
        ),
        ([["姓名", "类别"], ["", "正式党员"]], "第 2 行：请填写“姓名”"),
        ([["姓名", "类别"], ["张" * 60, "正式党员"]], "第 2 行：“姓名”过长"),
    ],
)
def test_a_bad_row_is_named_by_number_and_nothing_is_imported(store, tmp_path, rows, message):
    store.members.add(MemberInput("老党员", "正式党员"))
    before = db_state(store)
    with pytest.raises(ValidationError, match=message):
        store.members.plan_import(write_csv(tmp_path / "bad.csv", rows))
    assert db_state(store) == before


def test_nul_bytes_name_the_line_and_import_nothing(store, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes("姓名,类别\n张三,正式党员\n李\x00四,正式党员\n".encode())
    with pytest.raises(ValidationError, match="第 3 行含有空字符"):
        store.members.plan_import(path)
    assert store.members.all() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "是 Excel/WPS 工作簿，不是 CSV"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "是 Excel/WPS 工作簿"),
        (b"", "是空文件"),
        (bytes(range(128, 256)) * 4, "不是 UTF-8 或 GBK 编码"),
    ],
)
def test_files_that_are_not_csv_rosters(store, tmp_path, data, message):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(ValidationError, match=message):
        store.members.plan_import(path)


def test_a_hundred_thousand_rows_import_in_one_transaction(store, tmp_path):
    rows = [["姓名", "类别", "党小组"]] + [
        [f"党员{i:06d}", "正式党员", f"第{i % 50}党小组"] for i in range(100_000)
    ]
    path = write_csv(tmp_path / "big.csv", rows)
    started = time.perf_counter()
    plan = store.members.plan_import(path)
    store.members.apply_import(plan)
    elapsed = time.perf_counter() - started
    assert store.members.roster().counts(date(2026, 1, 1)).full == 100_000
    assert store.db["member_events"].count == 100_000
    print(f"100,000 rows planned and imported in {elapsed:.1f} s")


def test_one_row_more_than_the_limit_is_refused(store, tmp_path):
    rows = [["姓名", "类别"]] + [[f"党员{i}", "正式党员"] for i in range(100_001)]
    with pytest.raises(ValidationError, match="超过 100000 行"):
        store.members.plan_import(write_csv(tmp_path / "huge.csv", rows))
    assert store.members.all() == []


def test_a_roster_changed_after_the_preview_is_not_applied(store, tmp_path):
    plan = store.members.plan_import(
        write_csv(tmp_path / "r.csv", [["姓名", "类别"], ["张三", "正式党员"]])
    )
    store.members.add(MemberInput("张三", "正式党员"))  # another window added him meanwhile
    with pytest.raises(ValidationError, match="预览之后有改动"):
        store.members.apply_import(plan)
    assert len(store.members.all()) == 1


# -- the command line -------------------------------------------------------------------


def test_cli_shows_the_preview_and_imports_only_when_confirmed(store, tmp_path, capsys):
    home = str(store.paths.data_dir)
    path = write_csv(tmp_path / "名册.csv", [HEADER, *ROWS], "gbk")
    code, out, err = run(capsys, "members", "import", str(path), "--home", home)
    assert (
        code == 1
        and "将新增 5 名党员" in out
        and "第 4 行　王五　正式党员" in out
        and "加 --yes" in err
    )
    assert "GBK" in out and "已忽略的列：序号" in out
    assert store.members.all() == []
    code, out, _ = run(capsys, "members", "import", str(path), "--dry-run", "--home", home)
    assert code == 0 and "仅预览" in out and store.members.all() == []
    code, out, _ = run(capsys, "members", "import", str(path), "--yes", "--home", home)
    assert code == 0 and "已导入：新增 5 名" in out and "正式党员 4 名、预备党员 1 名" in out
    code, out, _ = run(capsys, "members", "import", str(path), "--yes", "--home", home)
    assert code == 0 and "无变化 5 名" in out and "没有需要导入的变化" in out


def test_cli_bad_row_is_one_line_and_exit_1(store, tmp_path, capsys):
    path = write_csv(
        tmp_path / "bad.csv", [["姓名", "类别"], ["张三", "正式党员"], ["李四", "群众"]]
    )
    code, out, err = run(
        capsys, "members", "import", str(path), "--yes", "--home", str(store.paths.data_dir)
    )
    assert code == 1 and out == ""
    assert err.startswith("错误：第 3 行：类别“群众”无效") and err.count("\n") == 1
    assert store.members.all() == []


def test_cli_list_at_a_past_date_and_all(store, capsys):
    home = str(store.paths.data_dir)
    a = store.members.add(MemberInput("甲", "正式党员", "一组"), since="2024-01-01")
    store.members.add(MemberInput("乙", "预备党员", joined_party="2025-01-01"), since="2025-01-01")
    store.members.record_event(a.id, "转出", "2025-06-01")
    code, out, _ = run(capsys, "members", "list", "--at", "2025-03-01", "--home", home)
    assert (
        code == 0
        and "甲" in out
        and "乙" in out
        and "在册 2 名：正式党员 1 名，预备党员 1 名" in out
    )
    code, out, _ = run(capsys, "members", "list", "--at", "2025-06-01", "--home", home)
    assert "甲" not in out and "在册 1 名" in out
    code, out, _ = run(capsys, "members", "list", "--all", "--at", "2025-07-01", "--home", home)
    assert "转出 2025-06-01" in out and "在册" in out
    code, out, _ = run(
        capsys,
        "members",
        "event",
        "乙",
        "--kind",
        "预备转正",
        "--date",
        "2026-01-01",
        "--home",
        home,
    )
    assert code == 0 and "乙 预备转正 2026-01-01" in out
