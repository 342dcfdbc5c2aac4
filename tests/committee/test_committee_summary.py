"""Summary 通报 (PDF read back with pypdf) and workbook (read back with openpyxl), and the CLI over them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from pypdf import PdfReader

from dzdesk.cli import main
from dzdesk.committee import models as m
from dzdesk.committee.grading import set_grade
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.summary import write_summary
from dzdesk.errors import ValidationError


@pytest.fixture
def graded(committee, fake_bundles):
    for i in range(12):
        fake_bundles.make(f"第{i + 1:02d}党支部", done=19 - i, members=2 if i == 5 else 8)
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    committee.replace_roster(
        [m.RosterEntry(f"第{i + 1:02d}党支部", "nonpublic") for i in range(12)] + [m.RosterEntry("未交党支部", "social")]
    )
    set_grade(committee, "2026Q4", "第01党支部", "A", score=96, comment="示范引领")
    for i in range(2, 8):
        set_grade(committee, "2026Q4", f"第{i:02d}党支部", "B", score=85)
    set_grade(committee, "2026Q4", "第09党支部", "D", score=50)
    return committee


def _pdf_text(path) -> str:
    """The PDF's text with all whitespace removed (line wrapping inserts spaces and breaks)."""
    return re.sub(r"\s", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def test_pdf_summary_lists_grades_missing_and_rectifications(graded, tmp_path):
    out = write_summary(graded, "2026Q4", tmp_path / "通报.pdf", today=date(2027, 1, 5))
    text = _pdf_text(out)
    for expected in [
        "关于2026年第四季度党支部建设提升行动考核验收结果的通报", "中共测试区综合委员会所属各党支部：",
        "A级（先进）1个", "B级（较好）6个", "D级（后进）1个", "未报送1个", "未交党支部",
        "A级（先进）1个", "第01党支部", "各等次党支部数量", "待整改事项", "2027-01-15",
        "本期无签名密钥变更", "—1—", "2027年1月5日", "至多1个",
    ]:
        assert expected in text, expected
    a_list = text[text.index("二、各等次党支部名单"):text.index("三、未报送党支部")]
    assert "A级（先进）1个第01党支部。" in a_list and "D级（后进）1个第09党支部。" in a_list
    if shutil.which("pdffonts"):  # every font embedded, the chart's included (no bare Helvetica)
        listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
        fonts = listing.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), listing


def test_xlsx_summary_rows(graded, tmp_path):
    out = write_summary(graded, "2026Q4", tmp_path / "通报.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["党支部", "整改事项"]
    ws = wb["党支部"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "党支部名称", "类型", "党支部书记") and "考核等次" in rows[0]
    assert len(rows) == 1 + 13 and ws.freeze_panes == "A2"
    by_name = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_name["第01党支部"]["考核等次"] == "A" and by_name["第01党支部"]["考核分"] == 96
    assert by_name["第01党支部"]["自查分"] == 100 and by_name["第01党支部"]["评语"] == "示范引领"
    assert "重点帮扶" in by_name["第06党支部"]["标记"]
    assert by_name["未交党支部"]["标记"] == "未提交" and by_name["未交党支部"]["提交时间"] is None
    rect = list(wb["整改事项"].iter_rows(values_only=True))
    assert rect[0][1] == "党支部名称" and len(rect) - 1 == sum(range(12))
    assert ws.column_dimensions["B"].width >= 30


def test_summary_refuses_bad_targets_without_leaving_files(graded, tmp_path):
    with pytest.raises(ValidationError, match=r"\.pdf 或 \.xlsx"):
        write_summary(graded, "2026Q4", tmp_path / "x.docx")
    with pytest.raises(ValidationError, match="不存在"):
        write_summary(graded, "2026Q4", tmp_path / "nope" / "x.pdf")
    with pytest.raises(ValidationError, match="还没有收到任何报送包"):
        write_summary(graded, "2025Q1", tmp_path / "x.pdf")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == []


def test_cli_list_grade_summary_roster_deadline(graded, tmp_path, capsys, home):
    graded.close()
    assert main(["committee", "list", "--period", "2026Q4"]) == 0
    out = capsys.readouterr().out
    assert "A级 1/1（名册党支部 13 个 × 10%）" in out and "未交党支部" in out
    assert main(["committee", "grade", "--period", "2026Q4", "--branch", "第02党支部", "--grade", "A"]) == 1
    err = capsys.readouterr().err
    assert "不能再评定A级" in err and "13 个" in err and "A级名额 1 个" in err
    assert main(["committee", "grade", "--period", "2026Q4", "--branch", "第10党支部", "--grade", "c",
                 "--score", "70", "--comment", "需加强"]) == 0
    assert "C级（一般）" in capsys.readouterr().out
    assert main(["committee", "deadline", "--period", "2026Q4", "--date", "2026-12-01"]) == 0
    assert "2026-12-01" in capsys.readouterr().out
    assert main(["committee", "list", "--period", "2026Q4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["quota"] == {"base": 13, "allowed": 1, "used": 1, "from_roster": True}
    assert all("逾期提交" in b["flags"] for b in data["branches"] if b["submission_id"])
    csv = tmp_path / "名册.csv"
    csv.write_bytes("name,kind,secretary\n新党支部,非公企业,赵六\n".encode("gbk"))
    assert main(["committee", "roster", "import", str(csv)]) == 0
    assert "1 个党支部" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind\n甲,工厂\n", encoding="utf-8")
    assert main(["committee", "roster", "import", str(bad)]) == 1
    assert "第2行" in capsys.readouterr().err
    assert main(["committee", "summary", "--period", "2026Q4", "-o", str(tmp_path / "s.xlsx")]) == 0
    assert (tmp_path / "s.xlsx").is_file()
    assert main(["committee", "accept-key", "7"]) == 1
    assert "待确认密钥变更" in capsys.readouterr().err


def test_xlsx_never_turns_branch_text_into_formulas(committee, fake_bundles, tmp_path):
    fake_bundles.make('=HYPERLINK("http://example.invalid","点我")党支部', done=18, partial=1, file="evil.dzb")
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    set_grade(committee, "2026Q4", "1", "B", comment="=1+1")
    out = write_summary(committee, "2026Q4", tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(out)["党支部"]
    assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("=HYPERLINK")
    assert ws["L2"].data_type == "s" and ws["L2"].value == "=1+1"


def test_a_summary_open_in_excel_is_one_sentence_and_the_old_file_stays(graded, tmp_path, monkeypatch):
    """On Windows a workbook open in Excel/WPS cannot be replaced: say so, keep it, leave nothing behind."""
    import dzdesk.atomic as atomic_module

    out = tmp_path / "out"
    out.mkdir()
    target = out / "通报.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(src), None, str(dst))

    monkeypatch.setattr(atomic_module.os, "replace", locked)
    with pytest.raises(ValidationError) as err:
        write_summary(graded, "2026Q4", target)
    assert "正被其他程序" in err.value.zh and "通报.xlsx" in err.value.zh
    assert target.read_bytes() == b"old" and [p.name for p in out.iterdir()] == ["通报.xlsx"]
