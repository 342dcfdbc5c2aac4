"""Opening the store: corrupt and newer files, read-only folders, migrations with backups."""

from __future__ import annotations

import sqlite3

import pytest
from readonly import read_only
from sqlite_utils.migrations import Migrations

from dzdesk.errors import StoreError
from dzdesk.paths import resolve_paths
from dzdesk.store import Store
from dzdesk.store.database import open_database


def test_corrupt_file_is_refused_clearly_and_left_untouched(tmp_path):
    paths = resolve_paths(tmp_path)
    garbage = b"this is not a database at all" * 100
    paths.branch_db.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        Store(paths)
    assert "损坏" in info.value.zh or "无法打开" in info.value.zh
    assert paths.branch_db.read_bytes() == garbage


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_truncated_database_is_refused(demo_store, fraction):
    paths = demo_store.paths
    demo_store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    demo_store.close()
    data = paths.branch_db.read_bytes()
    cut = data[: int(len(data) * fraction) // 4096 * 4096]
    paths.branch_db.write_bytes(cut)
    with pytest.raises(StoreError) as info:
        Store(paths)
    assert "损坏" in info.value.zh or "无法打开" in info.value.zh
    assert paths.branch_db.read_bytes() == cut


def test_database_from_a_newer_version_is_refused(tmp_path, profile):
    paths = resolve_paths(tmp_path)
    with Store(paths) as store:
        store.save_profile(profile)
        store.db["_sqlite_migrations"].insert(
            {"migration_set": "dzdesk.branch", "name": "0099_from_the_future", "applied_at": "2030-01-01"}
        )
    with pytest.raises(StoreError) as info:
        Store(paths)
    assert "更新版本" in info.value.zh and "0099_from_the_future" in info.value.zh
    with sqlite3.connect(paths.branch_db) as conn:
        assert conn.execute("SELECT name FROM branch").fetchone()[0] == profile.name


def test_pending_migration_backs_up_first_and_runs_in_order(tmp_path):
    path = tmp_path / "x.sqlite"
    first = Migrations("test.set")

    @first(name="0001")
    def m1(db):
        db["things"].insert({"id": 1, "name": "旧数据"}, pk="id")

    open_database(path, first, tmp_path / "backups").conn.close()
    assert not (tmp_path / "backups").exists()

    second = Migrations("test.set")
    second(name="0001")(m1)

    @second(name="0002_add_colour")
    def m2(db):
        db["things"].add_column("colour", str)

    db = open_database(path, second, tmp_path / "backups")
    assert "colour" in db["things"].columns_dict
    backups = list((tmp_path / "backups").glob("*before-0002_add_colour*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT name FROM things").fetchone()[0] == "旧数据"
        assert "colour" not in [r[1] for r in conn.execute("PRAGMA table_info(things)")]
    db.conn.close()


def test_failed_migration_rolls_back_and_stays_pending(tmp_path):
    path = tmp_path / "y.sqlite"
    broken = Migrations("test.broken")

    @broken(name="0001")
    def m1(db):
        db["t"].insert({"id": 1}, pk="id")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        open_database(path, broken, tmp_path / "b")
    with sqlite3.connect(path) as conn:
        assert "t" not in [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]


def test_read_only_data_folder_gives_a_clear_error(tmp_path, profile):
    paths = resolve_paths(tmp_path / "data")
    with Store(paths) as store:
        store.save_profile(profile)
    before = paths.branch_db.read_bytes()
    with read_only(paths.data_dir):
        with pytest.raises(StoreError) as info:
            Store(paths)
        assert "只读" in info.value.zh
    assert paths.branch_db.read_bytes() == before


def test_new_store_in_read_only_parent(tmp_path):
    with read_only(tmp_path):
        with pytest.raises(StoreError, match="没有写入权限|只读"):
            Store(resolve_paths(tmp_path / "sub"))
