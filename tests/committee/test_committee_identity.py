"""The committee's own identity: its name (the 通报's issuer) and its signing key; the CLI over it
(`committee init --name`, `committee key show`) and the migration that adds it (issue 16, item 11)."""

from __future__ import annotations

import stat

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles)
from cryptography.x509.oid import NameOID
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dzdesk.cli import main
from dzdesk.committee.identity import init_committee, key_files, key_state
from dzdesk.committee.migrations import committee_migrations
from dzdesk.committee.store import CommitteeStore
from dzdesk.errors import ValidationError
from dzdesk.identity import files_encrypted, files_fingerprint, read_identity

NAME = "中共合肥市律师协会委员会"


def test_init_names_the_committee_and_makes_its_key(committee, paths):
    identity = init_committee(committee, f"  {NAME} ")
    files = key_files(paths)
    assert files.folder == paths.data_dir / "committee" / "keys"
    assert identity.name == NAME and identity.fingerprint == files_fingerprint(files)
    for path in (files.key, files.cert):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # owner only, like the branch key
    key = read_identity(files)
    [cn] = key.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert cn.value == NAME
    assert not files_encrypted(files) and committee.own_identity() == identity
    assert not (paths.keys_dir / "branch-key.pem").exists()  # the branch key is another one


def test_init_again_renames_and_keeps_the_key(committee):
    first = init_committee(committee, NAME)
    second = init_committee(committee, "中共合肥市律师行业委员会", passphrase="ignored-now")
    assert second.name == "中共合肥市律师行业委员会" and second.fingerprint == first.fingerprint
    assert second.created_at == first.created_at and second.renamed_at
    assert [r["action"] for r in committee.log()][-2:] == ["identity.created", "identity.renamed"]
    assert init_committee(committee, "中共合肥市律师行业委员会") == second  # no change, no log row
    assert [r["action"] for r in committee.log()][-1] == "identity.renamed"


def test_a_passphrase_protects_the_new_key(committee, paths):
    init_committee(committee, NAME, passphrase="secret-6")
    files = key_files(paths)
    assert files_encrypted(files) and key_state(committee).encrypted
    with pytest.raises(ValidationError, match="口令"):
        read_identity(files)
    assert read_identity(files, "secret-6").fingerprint == committee.own_identity().fingerprint


@pytest.mark.parametrize(
    ("name", "passphrase", "says"),
    [
        ("   ", None, "请填写本党委的名称"),
        ("中" * 101, None, "最多 100 字"),
        ("中共\u202e委员会", None, "控制字符"),
        (NAME, "short", "至少需要 6 个字符"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(committee, paths, name, passphrase, says):
    with pytest.raises(ValidationError, match=says):
        init_committee(committee, name, passphrase)
    assert committee.own_identity() is None and not key_files(paths).folder.exists()


def test_an_interrupted_first_run_adopts_the_key_it_made(committee, paths, monkeypatch):
    def fail(*_a, **_k):
        raise OSError("disk gone")

    monkeypatch.setattr(committee, "save_own_identity", fail)
    with pytest.raises(OSError):
        init_committee(committee, NAME)
    made = files_fingerprint(key_files(paths))
    assert made and committee.own_identity() is None
    monkeypatch.undo()
    assert init_committee(committee, NAME).fingerprint == made  # the same key, not a second one


def test_a_key_restored_from_elsewhere_is_reported(committee, paths):
    init_committee(committee, NAME)
    files = key_files(paths)
    files.key.unlink()
    files.cert.unlink()
    state = key_state(committee)
    assert state.fingerprint is None and state.identity is not None
    again = init_committee(committee, NAME)  # a new key, recorded
    assert again.fingerprint == files_fingerprint(files) and not key_state(committee).mismatch


def test_cli_init_rename_and_key_show(paths, capsys):
    home = str(paths.data_dir)
    assert main(["--home", home, "committee", "key", "show"]) == 1
    assert "请先运行 dzdesk committee init --name" in capsys.readouterr().err
    assert main(["--home", home, "committee", "init", "--name", NAME]) == 0
    out = capsys.readouterr().out
    assert f"本党委：{NAME}" in out and "（新建）" in out
    fingerprint = files_fingerprint(key_files(paths))
    assert fingerprint in out
    assert main(["--home", home, "committee", "init", "--name", "中共合肥市律师行业委员会"]) == 0
    out = capsys.readouterr().out
    assert (
        f"已改名：{NAME} → 中共合肥市律师行业委员会（签名密钥不变）" in out
        and "（新建）" not in out
    )
    assert main(["--home", home, "committee", "key", "show"]) == 0
    out = capsys.readouterr().out
    assert "本党委：中共合肥市律师行业委员会" in out and f"签名密钥指纹：{fingerprint}" in out
    assert str(key_files(paths).folder) in out
    assert main(["--home", home, "committee", "init", "--name", ""]) == 1
    assert "请填写本党委的名称" in capsys.readouterr().err


def test_cli_init_asks_for_a_passphrase_twice(paths, capsys, monkeypatch):
    answers = iter(["secret-6", "secret-6"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert (
        main(
            ["--home", str(paths.data_dir), "committee", "init", "--name", NAME, "--ask-passphrase"]
        )
        == 0
    )
    assert files_encrypted(key_files(paths))
    with CommitteeStore(paths) as store:
        assert store.own_identity() is not None
    capsys.readouterr()
    answers = iter(["secret-6", "other-66"])
    paths2 = paths.__class__(paths.data_dir / "second", paths.log_dir, paths.config_dir)
    assert (
        main(
            [
                "--home",
                str(paths2.data_dir),
                "committee",
                "init",
                "--name",
                NAME,
                "--ask-passphrase",
            ]
        )
        == 1
    )
    assert "两次输入的密码不一致" in capsys.readouterr().err
    assert not key_files(paths2).folder.exists()


def test_migration_0003_upgrades_an_existing_committee_database(paths, fake_bundles):
    older = Migrations(committee_migrations.name)
    older._migrations = committee_migrations._migrations[:2]  # the schema before 0003
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(paths.committee_db)
    older.apply(db)
    db.conn.close()
    with CommitteeStore(paths) as store:
        assert store.own_identity() is None and "committee_identity" in store.db.table_names()
        assert "0003_committee_identity" in [m.name for m in committee_migrations.applied(store.db)]
    assert any("before-0003_committee_identity" in p.name for p in paths.backup_dir.iterdir())
