"""``dzdesk export``, ``dzdesk verify`` and ``dzdesk key …`` through the real command line entry."""

from __future__ import annotations

import pytest
from bundle_tools import PERIOD

from dzdesk.cli import main
from dzdesk.identity import certificate_fingerprint, load_identity
from dzdesk.store import Store


@pytest.fixture
def demo_store(base):
    """The session's demo branch; these commands only read it."""
    with Store(base.paths) as store:
        yield store


@pytest.fixture
def demo_home(base):
    return str(base.paths.data_dir)


def test_export_then_verify(demo_home, demo_store, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--home", demo_home, "--period", PERIOD]) == 0
    out = capsys.readouterr().out
    path = tmp_path / "中共合肥智联信息科技有限公司党支部_2026Q4_自评.dzb"
    assert path.is_file()
    digest = demo_store.require(PERIOD).snapshot_digest
    assert f"已导出并读回校验上报文件：{path}" in out and digest in out

    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    fingerprint = certificate_fingerprint(demo_store.paths)
    for expected in ("上报文件有效", "中共合肥智联信息科技有限公司党支部（非公企业）", "2026年第四季度（2026Q4，第1版）",
                     f"快照摘要：{digest}", f"签名密钥指纹：{fingerprint}", "任务答案 19 项", "佐证材料 44 项",
                     "自评报告 1 份", "建议等次：A"):
        assert expected in out, expected


def test_export_errors_are_one_line(demo_home, tmp_path, capsys):
    assert main(["export", "--home", demo_home, "--period", "2027Q1", "-o", str(tmp_path / "x.dzb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：没有 2027Q1 期间的自评记录") and err.count("\n") == 1
    assert main(["export", "--home", demo_home, "--period", "明年", "-o", str(tmp_path / "x.dzb")]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_key_backup_and_restore(demo_home, demo_store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DZDESK_BACKUP_PASSPHRASE", "备份口令 2026")
    backup = tmp_path / "key.p12"
    assert main(["key", "backup", "--home", demo_home, "-o", str(backup)]) == 0
    captured = capsys.readouterr()
    assert "警告" in captured.err and backup.is_file()
    assert backup.stat().st_mode & 0o077 == 0
    fingerprint = certificate_fingerprint(demo_store.paths)

    fresh = tmp_path / "reinstalled"
    assert main(["key", "restore", "--home", str(fresh), str(backup)]) == 0
    assert fingerprint in capsys.readouterr().out
    assert load_identity(demo_store.paths).fingerprint == load_identity(type(demo_store.paths)(fresh, fresh / "logs", fresh)).fingerprint

    assert main(["key", "restore", "--home", str(fresh), str(backup)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["key", "restore", "--home", str(fresh), "--replace", str(backup)]) == 0
    capsys.readouterr()

    monkeypatch.setenv("DZDESK_BACKUP_PASSPHRASE", "wrong passphrase")
    assert main(["key", "restore", "--home", str(tmp_path / "other"), str(backup)]) == 1
    assert "口令不正确" in capsys.readouterr().err

    assert main(["key", "show", "--home", demo_home]) == 0
    assert fingerprint in capsys.readouterr().out


def test_key_backup_refuses_a_short_passphrase(demo_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DZDESK_BACKUP_PASSPHRASE", "short")
    assert main(["key", "backup", "--home", demo_home, "-o", str(tmp_path / "key.p12")]) == 1
    assert "至少需要8个字符" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [] or all(p.name != "key.p12" for p in tmp_path.iterdir())


def test_key_show_without_identity(tmp_path, capsys):
    assert main(["key", "show", "--home", str(tmp_path / "empty")]) == 1
    assert "还没有党支部签名密钥" in capsys.readouterr().err


def test_key_backup_works_when_the_database_is_damaged(tmp_path, monkeypatch, capsys):
    """The moment a key backup matters most is when the data file is broken."""
    home = tmp_path / "broken"
    assert main(["init", "--home", str(home), "--branch", "测试党支部", "--kind", "social",
                 "--committee", "上级党委", "--secretary", "张三", "--members", "5"]) == 0
    (home / "dzdesk.sqlite").write_bytes(b"not a database any more" * 100)
    capsys.readouterr()
    monkeypatch.setenv("DZDESK_BACKUP_PASSPHRASE", "备份口令 2026")
    assert main(["key", "backup", "--home", str(home), "-o", str(tmp_path / "key.p12")]) == 0
    assert (tmp_path / "key.p12").is_file()
    assert main(["key", "show", "--home", str(home)]) == 0
