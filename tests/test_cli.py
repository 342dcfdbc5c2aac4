"""The headless CLI: init, answers import, status, finalize, demo, --home placement, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dzdesk.cli import main
from dzdesk.store import Store

INIT = ["init", "--branch", "测试党支部", "--kind", "nonpublic", "--committee", "中共测试区委员会", "--secretary", "张三", "--members", "5"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot_db(home):
    with Store.open(home) as store:
        return (
            [tuple(r.values()) for r in store.db.query("SELECT * FROM answers ORDER BY assessment_id, task_key")],
            store.db["evidence"].count,
            store.db["change_log"].count,
        )


@pytest.fixture
def branch_home(tmp_path, capsys):
    home = tmp_path / "h"
    assert run(capsys, "--home", str(home), *INIT)[0] == 0
    return home


def answers_file(tmp_path, data, name="answers.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def full_answers(tmp_path):
    (tmp_path / "ev").mkdir(exist_ok=True)
    (tmp_path / "ev" / "签到表.jpg").write_bytes(b"\xff\xd8jpeg")
    data = {str(k): {"status": "done", "narrative": f"任务{k}已完成", "evidence": ["ev/签到表.jpg"]} for k in range(1, 20)}
    data["5"] = {
        "status": "partial",
        "narrative": "发展党员工作推进中",
        "rectification": {"problem": "积极分子少", "measures": "加强培养", "owner": "李四", "deadline": "2026-12-31"},
    }
    return answers_file(tmp_path, data)


def test_home_before_or_after_command(tmp_path, capsys):
    home = tmp_path / "after"
    code, out, _ = run(capsys, *INIT, "--home", str(home))
    assert code == 0 and "中共测试党支部" in out and "签名密钥指纹" in out
    assert (home / "dzdesk.sqlite").is_file() and (home / "keys" / "branch-key.pem").is_file()
    assert oct((home / "keys" / "branch-key.pem").stat().st_mode & 0o777) == "0o600"


def test_full_flow_import_status_finalize(branch_home, tmp_path, capsys):
    path = full_answers(tmp_path)
    code, out, err = run(capsys, "answers", "import", str(path), "--period", "2026Q4", "--home", str(branch_home))
    assert code == 0, err
    assert "19 项" in out
    code, out, _ = run(capsys, "--home", str(branch_home), "status", "--period", "2026Q4")
    assert code == 0 and "19/19" in out and "可以定稿" in out and "建议等次" in out
    code, out, _ = run(capsys, "--home", str(branch_home), "status", "--period", "2026Q4", "--json")
    status = json.loads(out)
    assert status["answered"] == 19 and status["grade"] == "A" and status["blockers"] == []
    code, out, _ = run(capsys, "--home", str(branch_home), "finalize", "--period", "2026Q4")
    assert code == 0 and "已定稿" in out
    code, _, err = run(capsys, "--home", str(branch_home), "answers", "import", str(path), "--period", "2026Q4")
    assert code == 1 and "已定稿" in err


def test_import_same_file_twice_does_not_duplicate_evidence(branch_home, tmp_path, capsys):
    path = full_answers(tmp_path)
    run(capsys, "--home", str(branch_home), "answers", "import", str(path), "--period", "2026Q4")
    before = snapshot_db(branch_home)
    assert run(capsys, "--home", str(branch_home), "answers", "import", str(path), "--period", "2026Q4")[0] == 0
    after = snapshot_db(branch_home)
    assert after[1] == before[1] == 18


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "不是有效的 UTF-8 JSON"),
        (b"[1, 2]", "JSON 对象"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (json.dumps({"99": {"status": "done"}}).encode(), "没有这个任务编号"),
        (json.dumps({"1": {"status": "finished"}}).encode(), "完成状态"),
        (json.dumps({"1": {"status": "partial", "rectification": {"deadline": "2026-13-01"}}}).encode(), "不是有效日期"),
        (json.dumps({"1": {"status": "done", "evidence": ["nope.jpg"]}}).encode(), "找不到佐证材料"),
        (json.dumps({"1": {"status": "done", "evidence": "x.jpg"}}).encode(), "文件路径列表"),
        (json.dumps({"1": "done"}).encode(), "JSON 对象"),
        (json.dumps({"1": {"status": "done", "colour": 1}}).encode(), "无法识别"),
        (json.dumps({"1": {"narrative": 42}}).encode(), "应为文字"),
    ],
)
def test_bad_answers_files_change_nothing(branch_home, tmp_path, capsys, content, fragment):
    run(capsys, "--home", str(branch_home), "answers", "import", str(full_answers(tmp_path)), "--period", "2026Q4")
    before = snapshot_db(branch_home)
    # a valid first entry must not be written when a later one is bad
    bad = tmp_path / "bad.json"
    if content.startswith(b"{\"") and b"\"1\"" in content:
        data = json.loads(content)
        content = json.dumps({"2": {"status": "undone", "narrative": "不应写入"}, **data}).encode()
    bad.write_bytes(content)
    code, out, err = run(capsys, "--home", str(branch_home), "answers", "import", str(bad), "--period", "2026Q4")
    assert code == 1
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot_db(branch_home) == before


def test_oversized_answers_file(branch_home, tmp_path, capsys):
    big = tmp_path / "big.json"
    big.write_bytes(b'{"1": {"narrative": "' + b"a" * (6 * 1024 * 1024) + b'"}}')
    code, _, err = run(capsys, "--home", str(branch_home), "answers", "import", str(big), "--period", "2026Q4")
    assert code == 1 and "过大" in err


def test_status_and_finalize_errors(branch_home, tmp_path, capsys):
    code, _, err = run(capsys, "--home", str(branch_home), "status", "--period", "2026Q1")
    assert code == 1 and "没有 2026Q1" in err
    code, _, err = run(capsys, "--home", str(branch_home), "status", "--period", "26Q1")
    assert code == 1 and "格式不正确" in err
    run(capsys, "--home", str(branch_home), "answers", "import", str(answers_file(tmp_path, {"1": {"status": "done"}})), "--period", "2026Q4")
    code, out, _ = run(capsys, "--home", str(branch_home), "status", "--period", "2026Q4")
    assert "定稿前须解决（18）" in out
    code, _, err = run(capsys, "--home", str(branch_home), "finalize", "--period", "2026Q4")
    assert code == 1 and "还不能定稿" in err and "18 处问题" in err


def test_commands_before_init_say_what_to_do(tmp_path, capsys):
    code, _, err = run(capsys, "--home", str(tmp_path / "empty"), "status", "--period", "2026Q4")
    assert code == 1 and "dzdesk init" in err


def test_demo(tmp_path, capsys):
    home = tmp_path / "demo"
    code, out, _ = run(capsys, "demo", "--home", str(home))
    assert code == 0 and "演示党支部" in out and "已定稿" in out
    code, _, err = run(capsys, "demo", "--home", str(home))
    assert code == 1 and "已经存在" in err


def test_demo_refuses_a_real_branch_folder(branch_home, capsys):
    code, _, err = run(capsys, "demo", "--home", str(branch_home))
    assert code == 1 and "测试党支部" in err


def test_usage_errors_exit_2_and_help(tmp_path):
    env = {**os.environ, "DZDESK_HOME": str(tmp_path)}
    bad = subprocess.run([sys.executable, "-m", "dzdesk", "init", "--branch", "x"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "required" in bad.stderr
    version = subprocess.run([sys.executable, "-m", "dzdesk", "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and "hefei-sfj-2018-nonpublic" in version.stdout


def test_error_output_in_a_subprocess_is_one_line_without_traceback(tmp_path):
    env = {**os.environ, "DZDESK_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "dzdesk", "status", "--period", "2026Q9"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr and "2026Q9" in result.stderr


def test_a_broken_gui_install_is_reported_as_itself(monkeypatch, capsys):
    """No guard that turns a missing Qt library into "update to a newer version": the real ImportError shows."""
    import importlib

    real = importlib.import_module

    def broken(name, *args):
        if name == "ui.app":
            raise ImportError("libEGL.so.1: cannot open shared object file")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", broken)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "图形界面无法启动" in err and "libEGL.so.1" in err
