"""Roster CSV files a committee clerk may be handed: invisible characters anywhere, runaway quotes, odd encodings."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import unicodedata

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee)

from dzdesk.cli import main
from dzdesk.committee import models as m
from dzdesk.committee.roster import INVISIBLE, MAX_ROSTER_ROWS, parse_roster, read_roster
from dzdesk.errors import ValidationError

HEADER = "name,kind,secretary,备注\n"


def roster_text(rows: int) -> list[str]:
    return [f"第{i:05d}党支部,非公企业,书记{i},\n" for i in range(rows)]


def refused_file(capsys, tmp_path, data: bytes, fragment: str, committee) -> str:
    """`committee roster import` refuses with one sentence naming ``fragment``; the roster stays as it was."""
    before = committee.roster()
    path = tmp_path / "名册.csv"
    path.write_bytes(data)
    code = main(
        ["--home", str(committee.paths.data_dir), "committee", "roster", "import", str(path)]
    )
    out, err = capsys.readouterr()
    assert code == 1, out
    assert fragment in err, err
    assert err.count("\n") == 1 and "程序内部错误" not in err and "Traceback" not in err
    assert "\x00" not in err and "\x1b" not in err
    assert committee.roster() == before
    return err


INVISIBLES = [
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\u00ad",
    "\u200b",
    "\u200e",
    "\u202e",
    "\u2066",
    "\u2028",
    "\ufeff",
    "\U000e0041",
]


@pytest.mark.parametrize("char", INVISIBLES, ids=[f"U+{ord(c):04X}" for c in INVISIBLES])
@pytest.mark.parametrize("column", [0, 1, 2, 3])
def test_an_invisible_character_anywhere_is_refused_with_its_row(
    capsys, tmp_path, committee, char, column
):
    committee.replace_roster([m.RosterEntry("原有党支部", "social")])
    lines = roster_text(3000)  # far beyond the first 4 KiB
    cells = lines[2499].rstrip("\n").split(",")
    cells[column] = cells[column][:2] + char + cells[column][2:]
    lines[2499] = ",".join(cells) + "\n"
    err = refused_file(
        capsys, tmp_path, (HEADER + "".join(lines)).encode("utf-8"), "第2501行", committee
    )
    assert f"U+{ord(char):04X}" in err


def test_rows_are_numbered_as_excel_shows_them(tmp_path):
    """A quoted line break stays in its row and blank rows count, so the number is the one on screen."""
    text = HEADER + '甲党支部,非公企业,张三,"两行\n备注"\n\n乙党支部,非公企业,李\x01四,\n'
    with pytest.raises(ValidationError, match="第4行"):
        parse_roster(text)
    with pytest.raises(ValidationError, match="第3行的类型"):
        parse_roster("name,kind\n\n甲党支部,工厂\n")


def test_a_runaway_quote_gets_its_own_message(capsys, tmp_path, committee):
    lines = roster_text(10)
    lines[3] = '丁党支部,非公企业,"书记\n' + "很长的备注" * 40_000 + "\n"
    err = refused_file(
        capsys, tmp_path, (HEADER + "".join(lines)).encode(), "第5行有一个单元格超过", committee
    )
    assert str(csv.field_size_limit()) in err and "引号" in err
    assert "空字符" not in err


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('name,kind\n"甲\n党支部",非公企业\n', "换行符"),
        ("name,kind\n甲\t党支部,非公企业\n", "制表符"),
        ("name,kind,secretary\n甲党支部,非公企业,张\t三\n", "制表符"),
        ("name,kind\n" + "长" * 101 + "党支部,非公企业\n", "超过 100 个字"),
        ("name,kind,secretary\n甲党支部,非公企业," + "张" * 101 + "\n", "超过 100 个字"),
    ],
)
def test_names_are_one_line_of_sane_length(text, fragment):
    with pytest.raises(ValidationError, match=fragment):
        parse_roster(text)


def test_too_many_rows_say_what_committees_have(capsys, tmp_path, committee):
    data = (HEADER + "".join(roster_text(MAX_ROSTER_ROWS + 1))).encode()
    err = refused_file(capsys, tmp_path, data, f"超过 {MAX_ROSTER_ROWS} 行", committee)
    assert "远没有这么多" in err
    assert len(parse_roster(HEADER + "".join(roster_text(MAX_ROSTER_ROWS)))) == MAX_ROSTER_ROWS


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text_is_named(capsys, tmp_path, committee, encoding):
    refused_file(
        capsys,
        tmp_path,
        (HEADER + "甲党支部,非公企业,张三,\n").encode(encoding),
        "UTF-16",
        committee,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_folder_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "folder.csv").mkdir()
    for target in ("pipe.csv", "folder.csv"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "dzdesk",
                "--home",
                str(tmp_path / "home"),
                "committee",
                "roster",
                "import",
                str(tmp_path / target),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1 and "不是普通文件" in done.stderr, done.stderr


def test_the_invisible_set_is_unicodes_control_and_format_characters():
    """INVISIBLE is written out as ranges (compiling it from unicodedata would cost every start); it may
    name characters a newer Unicode assigns, which are unassigned (Cn) in an older one."""
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        invisible = category in ("Cf", "Zl", "Zp") or (category == "Cc" and char not in "\t\r\n")
        if INVISIBLE.fullmatch(char):
            assert invisible or category == "Cn", f"U+{code:04X}"
        else:
            assert not invisible, f"U+{code:04X}"


def test_a_good_roster_with_blank_rows_and_quoted_notes_imports(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_text(
        HEADER + '\n甲党支部,非公企业,张三,"备注\n两行"\n\n乙党支部,社会组织,,\n',
        encoding="utf-8-sig",
    )
    assert [(e.name, e.kind, e.secretary) for e in read_roster(path)] == [
        ("甲党支部", "nonpublic", "张三"),
        ("乙党支部", "social", ""),
    ]
