"""签到表 and 会议记录 PDFs, and the meeting commands that make them, read back with poppler."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from orglife_tools import record, seed_roster
from pypdf import PdfReader

from dzdesk.cli import main
from dzdesk.orglife.evidence import attach_meeting_as_evidence
from dzdesk.orglife.models import MemberInput
from dzdesk.orglife.printing import minutes_bytes

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)
MM = 72 / 25.4
LEFT, TOP, RIGHT, BOTTOM = 28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM


def text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages(pdf: Path) -> list[str]:
    return text(pdf).split("\f")[:-1]


def word_boxes(pdf: Path) -> list[tuple[float, float, float, float, str]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    boxes = []
    for m in re.finditer(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
    ):
        boxes.append((*(float(v) for v in m.groups()[:4]), m.group(5)))
    return boxes


def assert_in_text_block(pdf: Path) -> None:
    """Everything but the page number and the footer note sits inside the GB/T 9704 text block."""
    for x0, y0, x1, y1, word in word_boxes(pdf):
        if y0 > BOTTOM:  # page number and footer note, below the block by design
            continue
        assert LEFT - 1 <= x0 and x1 <= RIGHT + 1 and TOP - 1 <= y0, (word, x0, y0, x1, y1)


def assert_fonts_embedded(pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", r) for r in rows), out


@pytest.fixture
def branch(store):
    seed_roster(store)
    return store


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@needs_poppler
def test_sign_in_sheet_has_a_row_per_expected_member(branch, tmp_path, capsys):
    home = str(branch.paths.data_dir)
    out = tmp_path / "签到表.pdf"
    code, said, _ = run(
        capsys,
        "meeting",
        "sheet",
        "--type",
        "支部党员大会",
        "--date",
        "2026-10-12",
        "--topic",
        "学习贯彻全会精神",
        "--place",
        "三楼会议室",
        "-o",
        str(out),
        "--home",
        home,
    )
    assert code == 0 and "已生成签到表" in said
    body = text(out)
    assert (
        "支部党员大会签到表" in body
        and "2026年10月12日" in body
        and "学习贯彻全会精神" in body
        and "三楼会议室" in body
    )
    assert "应到人数" in body and "9 人" in body and "签名" in body
    for name in ("张三", "李四", "王五", "赵六", "钱七", "孙八", "周九"):
        assert name in body
    assert body.count("张伟") == 2 and "2001-07-01入党" in body and "2016-07-01入党" in body
    assert "主持人（签字）" in body and "记录人（签字）" in body
    assert_in_text_block(out)
    assert_fonts_embedded(out)


@needs_poppler
def test_a_committee_sheet_lists_only_the_committee(branch, tmp_path, capsys):
    out = tmp_path / "s.pdf"
    assert (
        run(
            capsys,
            "meeting",
            "sheet",
            "--type",
            "支部委员会会议",
            "--date",
            "2026-10-05",
            "-o",
            str(out),
            "--home",
            str(branch.paths.data_dir),
        )[0]
        == 0
    )
    body = text(out)
    assert "4 人" in body and "张三" in body and "孙八" not in body


@needs_poppler
def test_sixty_members_run_over_pages_with_the_header_repeated(store, tmp_path, capsys):
    for i in range(60):
        store.members.add(MemberInput(f"党员{i + 1:02d}", "正式党员", f"第{i % 4 + 1}党小组"))
    out = tmp_path / "big.pdf"
    assert (
        run(
            capsys,
            "meeting",
            "sheet",
            "--type",
            "主题党日",
            "--date",
            "2026-10-20",
            "-o",
            str(out),
            "--home",
            str(store.paths.data_dir),
        )[0]
        == 0
    )
    sheets = pages(out)
    assert len(sheets) >= 3
    assert all("签名" in page for page in sheets)  # the header row on every page
    assert "党员01" in sheets[0] and "党员60" in sheets[-1]
    assert "主持人（签字）" in sheets[-1]
    assert_in_text_block(out)


@needs_poppler
def test_minutes_carry_attendance_resolutions_and_attachments(branch, tmp_path, capsys):
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    home = str(branch.paths.data_dir)
    code, said, _ = run(
        capsys,
        "meeting",
        "add",
        "--type",
        "支部党员大会",
        "--date",
        "2026-10-12",
        "--topic",
        "学习贯彻全会精神",
        "--place",
        "三楼会议室",
        "--host",
        "张三",
        "--recorder",
        "王五",
        "--absent",
        "李四:出差",
        "钱七",
        "--minutes",
        "张三同志传达了全会精神。\n与会党员逐一发言。",
        "--resolutions",
        "一、开展专题学习。",
        "--attach",
        str(photo),
        "--home",
        home,
    )
    assert code == 0 and "应到 9 人，出席 7 人，请假 1 人，缺席 1 人；附件 1 个" in said
    meeting_id = int(re.search(r"会议记录 (\d+)", said).group(1))
    code, listing, _ = run(capsys, "meeting", "list", "--period", "2026Q4", "--home", home)
    assert code == 0 and f"{meeting_id}  " in listing and "7/9" in listing and "77.8%" in listing
    out = tmp_path / "记录.pdf"
    assert (
        run(capsys, "meeting", "minutes", str(meeting_id), "-o", str(out), "--home", home)[0] == 0
    )
    body = text(out)
    for piece in (
        "支部党员大会会议记录",
        "2026年10月12日",
        "三楼会议室",
        "主持人",
        "张三",
        "记录人",
        "王五",
        "应到人数",
        "9 人",
        "实到人数",
        "7 人",
        "77.8%",
        "请假：李四（出差）",
        "缺席：钱七",
        "张三同志传达了全会精神。",
        "与会党员逐一发言。",
        "一、开展专题学习。",
        "合影.jpg",
        "出席情况",
    ):
        assert piece in body, piece
    assert_in_text_block(out)
    assert_fonts_embedded(out)


@needs_poppler
def test_long_minutes_and_every_field_at_its_limit_still_print(branch, tmp_path):
    meeting = record(
        branch,
        "支部党员大会",
        "2026-10-12",
        "题" * 200,
        place="地" * 200,
        host="主" * 50,
        recorder="记" * 50,
        minutes=("会议内容很长。" * 2000 + "\n" + "无标点" * 2000)[:20_000],
        resolutions=("决议" * 9999)[:20_000],
        absent=[f"{n}:{'因' * 200}" for n in ("李四", "钱七")],
    )
    out = tmp_path / "long.pdf"
    out.write_bytes(minutes_bytes(branch, branch.meetings.get(meeting.id)))
    assert len(PdfReader(out).pages) > 20
    assert_in_text_block(out)


def test_the_same_record_prints_the_same_bytes(branch):
    meeting = record(branch, "主题党日", "2026-10-20")
    assert minutes_bytes(branch, meeting) == minutes_bytes(branch, branch.meetings.get(meeting.id))


def test_a_meeting_becomes_task_evidence_once(branch, tmp_path):
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    meeting = record(branch, "主题党日", "2026-10-20", "志愿服务")
    branch.meetings.add_attachment(meeting.id, photo, "服务现场")
    branch.ensure_assessment("2026Q4")
    first = attach_meeting_as_evidence(branch, "2026Q4", "13", meeting.id)
    again = attach_meeting_as_evidence(branch, "2026Q4", "13", meeting.id)
    assert [e.original_name for e in first] == ["2026-10-20 主题党日活动记录.pdf", "照片.jpg"]
    assert [e.id for e in again] == [e.id for e in first]
    assert [e.caption for e in first] == ["主题党日（2026-10-20）志愿服务", "服务现场"]
    assert len(branch.evidence(branch.require("2026Q4"), "13")) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["sheet", "--type", "茶话会", "--date", "2026-10-12", "-o", "{tmp}/a.pdf"],
            "没有“茶话会”这种组织生活类型",
        ),
        (
            ["sheet", "--type", "党课", "--date", "2026-10-12", "-o", "{tmp}/a.txt"],
            "应以 .pdf 结尾",
        ),
        (["sheet", "--type", "党课", "--date", "2026-10-12", "-o", "{tmp}/no/a.pdf"], "不存在"),
        (["minutes", "999", "-o", "{tmp}/a.pdf"], "找不到编号为 999 的会议记录"),
        (
            ["add", "--type", "党课", "--date", "2026-10-12", "--topic", "x", "--absent", "无名氏"],
            "名册中没有“无名氏”",
        ),
        (
            [
                "add",
                "--type",
                "党课",
                "--date",
                "2026-10-12",
                "--topic",
                "x",
                "--attach",
                "{tmp}/none.jpg",
            ],
            "找不到佐证材料文件",
        ),
    ],
)
def test_cli_mistakes_are_one_line_and_leave_nothing(branch, tmp_path, capsys, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, "meeting", *argv, "--home", str(branch.paths.data_dir))
    assert code == 1 and message in err and err.count("\n") == 1
    assert (
        branch.meetings.count() == 0
        and list(tmp_path.glob("**/*.pdf")) == []
        and list(tmp_path.glob("**/.dzdesk*")) == []
    )


def test_cli_remove_and_restore(branch, capsys):
    meeting = record(branch, "党课", "2026-11-02")
    home = str(branch.paths.data_dir)
    assert run(capsys, "meeting", "remove", str(meeting.id), "--home", home)[0] == 0
    assert "没有会议记录" in run(capsys, "meeting", "list", "--period", "2026Q4", "--home", home)[1]
    assert run(capsys, "meeting", "restore", str(meeting.id), "--home", home)[0] == 0
    assert branch.meetings.in_period("2026Q4")[0].id == meeting.id
