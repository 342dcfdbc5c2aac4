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


# -- cost that grows with the roster and the rectifications, not with their square (issue 14, item 12)
class _WrapCount:
    """Characters reportlab lays out into lines, through dzdesk's CJK splitters (every paragraph here)."""

    def __init__(self, monkeypatch) -> None:
        import reportlab.platypus.paragraph as rl_paragraph

        self.chars = 0
        word, frag = rl_paragraph.wordSplit, rl_paragraph.cjkFragSplit

        def word_split(text, *args, **kwargs):
            self.chars += len(text)
            return word(text, *args, **kwargs)

        def frag_split(frags, *args, **kwargs):
            self.chars += sum(len(f.text) for f in frags)
            return frag(frags, *args, **kwargs)

        monkeypatch.setattr(rl_paragraph, "wordSplit", word_split)
        monkeypatch.setattr(rl_paragraph, "cjkFragSplit", frag_split)


def test_a_long_name_list_is_laid_out_once_not_once_a_page(graded, tmp_path, monkeypatch):
    missing = [f"第{i:04d}号未报送{'社会组织' if i % 3 else '非公企业'}党支部" for i in range(3000)]
    graded.replace_roster([m.RosterEntry(f"第{i + 1:02d}党支部", "nonpublic") for i in range(12)]
                          + [m.RosterEntry(name, "social") for name in missing])
    count = _WrapCount(monkeypatch)
    out = write_summary(graded, "2026Q4", tmp_path / "通报.pdf", today=date(2027, 1, 5))
    listed = sum(len(name) + 1 for name in missing)
    pages = len(PdfReader(out).pages)
    assert pages > 40  # the list runs over many pages
    assert count.chars < 4 * listed, (count.chars, listed)  # the old summary wrapped it ~pages/2 times
    text = _pdf_text(out)
    section = re.sub(r"—\d+—", "", text[text.index("三、未报送党支部"):text.index("四、待整改事项")])  # page numbers
    assert section.count("号未报送") == 3000 and "、".join(missing[:50]) in section


def test_a_long_list_breaks_where_one_paragraph_would(graded):
    from dzdesk.committee.summary_pdf import LINES_PER_PARAGRAPH, flowing
    from dzdesk.report.typography import BLOCK_WIDTH, typography

    typo = typography()
    # digits, Latin, spaces, marks that may not start a line, and a character the main face lacks
    names = [f"第{i}号{'ABC 科技' if i % 7 == 0 else '𠀾记' if i % 11 == 0 else '建设'}公司党支部（联合）" for i in range(900)]
    text = "、".join(names) + "。"

    def lines(paragraph) -> list[str]:
        paragraph.wrap(BLOCK_WIDTH, 1e9)
        return ["".join(w.text for w in line.words) for line in paragraph.blPara.lines]

    whole = lines(typo.para(text, "body"))
    pieces = flowing(typo, text)
    assert len(pieces) == -(-len(whole) // LINES_PER_PARAGRAPH) > 5
    assert [line for piece in pieces for line in lines(piece)] == whole
    assert pieces[0].style.firstLineIndent > 0 and all(p.style.firstLineIndent == 0 for p in pieces[1:])


def test_the_rectification_table_is_built_a_page_at_a_time(committee, fake_bundles, tmp_path, monkeypatch):
    from reportlab.platypus import tables

    for i in range(40):
        fake_bundles.make(f"第{i + 1:02d}党支部", done=4, partial=10)
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    built: list[int] = []
    real_init = tables.Table.__init__

    def counting_init(self, data, *args, **kwargs):
        built.append(len(data))
        real_init(self, data, *args, **kwargs)

    monkeypatch.setattr(tables.Table, "__init__", counting_init)
    out = write_summary(committee, "2026Q4", tmp_path / "通报.pdf", today=date(2027, 1, 5))
    rows = 40 * 15
    assert sum(built) < 4 * rows, (sum(built), rows)  # the old table was rebuilt from each page on
    pages = [re.sub(r"\s", "", page.extract_text()) for page in PdfReader(out).pages]
    table_pages = [p for p in pages if "整改时限" in p]
    assert len(table_pages) > 10
    # a row: 序号, branch, task, problem, deadline (2027-0x-15); the first follows the header
    numbers = [int(n) for p in table_pages for n in re.findall(r"(?:-15|整改时限)(\d{1,3})第\d\d党支部", p)]
    assert numbers == list(range(1, rows + 1))  # every row once, in order, the header on every page


def test_a_page_long_problem_is_shortened_in_the_pdf_and_whole_in_the_workbook(committee, fake_bundles, tmp_path):
    fake_bundles.make("甲党支部", done=18, partial=1)
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    row = committee.db.execute("SELECT id, snapshot_json FROM submissions").fetchone()
    snapshot = json.loads(row[1])
    long_problem = "问题描述很长" * 333  # about what a branch may write (2,000 characters)
    for answer in snapshot["answers"]:
        if answer["status"] == "partial":
            answer["rectification"]["problem"] = long_problem
    committee.db.execute("UPDATE submissions SET snapshot_json = ? WHERE id = ?", [json.dumps(snapshot), row[0]])
    committee.db.conn.commit()
    pdf = write_summary(committee, "2026Q4", tmp_path / "通报.pdf", today=date(2027, 1, 5))
    assert "问题描述很长" in _pdf_text(pdf) and long_problem not in _pdf_text(pdf)
    xlsx = write_summary(committee, "2026Q4", tmp_path / "通报.xlsx", today=date(2027, 1, 5))
    rect = list(openpyxl.load_workbook(xlsx)["整改事项"].iter_rows(values_only=True))
    assert long_problem in [r[5] for r in rect]
