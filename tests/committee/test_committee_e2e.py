"""End to end with the real bundle code: 31 branches export, the committee imports and grades.

Covers the issue's acceptance test: a folder of 31 bundles plus 3 broken ones,
the per-file report, the overview, the A quota (3 of 31, the 4th refused),
supersession (newer replaces, older arriving late does not), the key-change
hold, and the summary PDF text and XLSX rows.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import openpyxl
import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from pypdf import PdfReader

from dzdesk.cli import main
from dzdesk.committee import models as m
from dzdesk.committee.overview import overview_rows
from dzdesk.committee.store import CommitteeStore

pytestmark = pytest.mark.slow  # 35 real exports, each with a signed PDF report: ~15 s
PERIOD = "2026Q4"


@pytest.fixture(scope="module")
def world(tmp_path_factory, real_branches):
    rb = real_branches
    root = tmp_path_factory.mktemp("e2e")
    usb = root / "usb"
    aside = root / "aside"
    usb.mkdir()
    aside.mkdir()
    stores = {}
    for i in range(1, 32):
        store, _ = rb.build(root, i)
        stores[i] = store
        rb.export(store, usb / f"{i:02d}.dzb")
    # branch 2's revision 1 is kept aside; its revision 2 goes in the folder (older arrives later)
    shutil.move(usb / "02.dzb", aside / "02-r1.dzb")
    rb.revise(stores[2], rb.keys[0], "done")
    rb.export(stores[2], usb / "02.dzb")
    # branch 1 sends revision 2 after the folder was imported (newer supersedes)
    rb.revise(stores[1], rb.keys[1], "done")
    rb.export(stores[1], aside / "01-r2.dzb")
    # branch 3 reinstalled without restoring its key: same name, new key
    impostor, _ = rb.build(root, 3, home="branch03-reinstalled")
    rb.export(impostor, aside / "03-newkey.dzb")
    # three broken bundles
    good = (usb / "05.dzb").read_bytes()
    (usb / "broken-truncated.dzb").write_bytes(good[: len(good) // 2])
    (usb / "broken-notzip.dzb").write_text("这不是报送包", encoding="utf-8")
    with zipfile.ZipFile(usb / "05.dzb") as src, zipfile.ZipFile(usb / "broken-tampered.dzb", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "assessment.json":
                data = data.replace("第5号支部".encode(), "第6号支部".encode(), 1)
            dst.writestr(info, data)
    for store in [*stores.values(), impostor]:
        store.close()
    return root, usb, aside


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_committee_end_to_end(world, capsys, tmp_path, paths, real_branches):
    branch_name = real_branches.name
    root, usb, aside = world
    code, out, _ = _run(capsys, "committee", "import", str(usb), "--json")
    assert code == 1
    report = {o["file"]: o for o in json.loads(out)}
    assert len(report) == 34
    rejected = {f for f, o in report.items() if o["outcome"] == m.REJECTED}
    assert rejected == {"broken-truncated.dzb", "broken-notzip.dzb", "broken-tampered.dzb"}
    assert all(report[f]["reason"] for f in rejected)
    assert {o["outcome"] for f, o in report.items() if f not in rejected} == {m.IMPORTED}
    assert report["02.dzb"]["revision"] == 2

    # importing files again: already had
    code, out, _ = _run(capsys, "committee", "import", str(usb / "07.dzb"), str(usb / "08.dzb"))
    assert code == 0 and "已导入过 2" in out

    # supersession
    code, out, _ = _run(capsys, "committee", "import", str(aside / "01-r2.dzb"), str(aside / "02-r1.dzb"))
    assert code == 0 and "已导入（替换旧版本）" in out and "较旧版本（仅存档）" in out

    # the key-change hold, then the explicit confirmation
    code, out, _ = _run(capsys, "committee", "import", str(aside / "03-newkey.dzb"))
    assert code == 1 and "待确认（签名密钥变更）" in out and "committee keys" in out
    with CommitteeStore(paths) as committee:
        rows = {r.name: r for r in overview_rows(committee, PERIOD)}
        assert len(rows) == 31 and all(r.submitted for r in rows.values())
        assert rows[branch_name(1)].revision == 2 and rows[branch_name(2)].revision == 2
        assert m.FLAG_KEY_HELD in rows[branch_name(3)].flags
        assert m.FLAG_EMPTY in rows[branch_name(2)].flags and m.FLAG_FOCUSED_HELP in rows[branch_name(1)].flags
        assert rows[branch_name(9)].open_rectifications > 0 and rows[branch_name(4)].kind == "社会组织"
        [change] = committee.key_changes(pending_only=True)
        old_fp = rows[branch_name(3)].fingerprint
    code, out, _ = _run(capsys, "committee", "accept-key", str(change.id))
    assert code == 0 and "已确认" in out
    with CommitteeStore(paths) as committee:
        row = next(r for r in overview_rows(committee, PERIOD) if r.name == branch_name(3))
        assert row.fingerprint != old_fp and m.FLAG_KEY_CHANGED in row.flags

    # the A quota: 31 branches allow 3
    for i in (1, 2, 3):
        assert _run(capsys, "committee", "grade", "--period", PERIOD, "--branch", branch_name(i), "--grade", "A",
                    "--score", "95")[0] == 0
    code, _, err = _run(capsys, "committee", "grade", "--period", PERIOD, "--branch", branch_name(4), "--grade", "A")
    assert code == 1 and "A级名额 3 个：共 31 个已导入的党支部 × 10% = 3.1，向下取整" in err and "已评定 3 个" in err
    for i in range(4, 20):
        grade = "BCD"[i % 3]
        assert _run(capsys, "committee", "grade", "--period", PERIOD, "--branch", branch_name(i), "--grade", grade)[0] == 0
    code, out, _ = _run(capsys, "committee", "list", "--period", PERIOD)
    assert "A级 3/3（已导入党支部 31 个 × 10%）" in out

    # roster: one expected branch has not submitted, branch 31 is not on it
    roster = tmp_path / "名册.csv"
    lines = ["name,kind,secretary"] + [f"{branch_name(i)},非公企业,书记{i}" for i in range(1, 31)] + ["测试99号未报送党支部,社会组织,赵"]
    roster.write_bytes("\n".join(lines).encode("gbk"))
    assert _run(capsys, "committee", "roster", "import", str(roster))[0] == 0
    code, out, _ = _run(capsys, "committee", "list", "--period", PERIOD, "--json")
    listed = {b["name"]: b for b in json.loads(out)["branches"]}
    assert listed["测试99号未报送党支部"]["flags"] == [m.FLAG_NOT_SUBMITTED]
    assert m.FLAG_NOT_ON_ROSTER in listed[branch_name(31)]["flags"]

    # summary PDF and XLSX
    pdf, xlsx = tmp_path / "通报.pdf", tmp_path / "通报.xlsx"
    assert _run(capsys, "committee", "summary", "--period", PERIOD, "-o", str(pdf))[0] == 0
    assert _run(capsys, "committee", "summary", "--period", PERIOD, "-o", str(xlsx))[0] == 0
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
    for expected in ["应报送党支部31个", "已报送31个（其中不在名册1个）", "未报送1个", "A级（先进）3个", "测试99号未报送党支部", "签名密钥变更",
                     "已确认", branch_name(1), "待整改事项"]:
        assert expected in text, expected
    rows = list(openpyxl.load_workbook(xlsx)["党支部"].iter_rows(values_only=True))
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert len(body) == 32 and "考核等次" in header and "自查分" in header
    graded = {r["党支部名称"]: r["考核等次"] for r in body}
    assert [graded[branch_name(i)] for i in (1, 2, 3)] == ["A", "A", "A"] and graded[branch_name(4)] == "C"
    rect = list(openpyxl.load_workbook(xlsx)["整改事项"].iter_rows(values_only=True))
    assert len(rect) > 10 and rect[0][1] == "党支部名称"
