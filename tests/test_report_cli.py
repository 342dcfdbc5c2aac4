"""``dzdesk report``: the command writes the signed PDF and every failure is one line."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from dzdesk.cli import main
from dzdesk.demo import create_demo
from dzdesk.identity import create_identity
from dzdesk.paths import resolve_paths
from dzdesk.store import Store


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    with Store(resolve_paths(home), actor="tester") as store:
        create_demo(store, today=date(2026, 11, 28))
    return home


def test_report_command_writes_a_signed_pdf(demo_home, tmp_path, capsys):
    out = tmp_path / "报告.pdf"
    assert main(["report", "--home", str(demo_home), "--period", "2026q4", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "已签名" in printed and "快照摘要" in printed and "签名密钥指纹" in printed
    assert len(PdfReader(str(out)).pages) == int(printed.split("（")[1].split(" 页")[0])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--period", "2026Q9"], "格式不正确"),
        (["--period", "2024Q1"], "没有 2024Q1"),
        (["--period", "2026Q4", "--passphrase-file", "/nonexistent/pass.txt"], "找不到口令文件"),
    ],
)
def test_errors_are_one_line(demo_home, tmp_path, capsys, args, fragment):
    out = tmp_path / "r.pdf"
    assert main(["report", "--home", str(demo_home), *args, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_output_must_be_a_pdf_in_an_existing_folder(demo_home, tmp_path, capsys):
    assert main(["report", "--home", str(demo_home), "--period", "2026Q4", "-o", str(tmp_path / "r.docx")]) == 1
    assert main(["report", "--home", str(demo_home), "--period", "2026Q4", "-o", str(tmp_path / "no" / "r.pdf")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and ".pdf" in err[0] and "不存在" in err[1]
    assert list(tmp_path.iterdir()) == []


def test_empty_home_says_to_set_up_first(tmp_path, capsys):
    assert main(["report", "--home", str(tmp_path / "new"), "--period", "2026Q4", "-o", str(tmp_path / "r.pdf")]) == 1
    err = capsys.readouterr().err
    assert "dzdesk init" in err and len(err.strip().splitlines()) == 1


def test_passphrase_file(store, paths, tmp_path, capsys):
    create_identity(paths, "中共测试科技有限公司党支部", "中共测试区综合委员会", passphrase="口令 with spaces")
    template = store.template_for(store.create_assessment("2026Q4"))
    with store.batch():
        for task in template.tasks:
            store.set_answer("2026Q4", task.key, status="na", narrative="本期不适用。")
    store.finalize("2026Q4")
    home = str(paths.data_dir)
    secret = tmp_path / "pass.txt"
    secret.write_text("wrong\n", encoding="utf-8")
    out = tmp_path / "r.pdf"
    assert main(["report", "--home", home, "--period", "2026Q4", "-o", str(out), "--passphrase-file", str(secret)]) == 1
    assert "口令不正确" in capsys.readouterr().err and not out.exists()
    secret.write_text("口令 with spaces\n", encoding="utf-8")
    assert main(["report", "--home", home, "--period", "2026Q4", "-o", str(out), "--passphrase-file", str(secret)]) == 0
    assert "已签名" in capsys.readouterr().out
    secret.write_bytes(b"\xff\xfe\x00bad")
    assert main(["report", "--home", home, "--period", "2026Q4", "-o", str(out), "--passphrase-file", str(secret)]) == 1
    assert "UTF-8" in capsys.readouterr().err
