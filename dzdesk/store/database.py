"""Opening a SQLite file safely: WAL, migrations with a backup first, refusal of newer schemas."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ..errors import StoreError

MIN_SQLITE = (3, 35, 0)
QUICK_CHECK_LIMIT = 64 * 1024 * 1024  # check smaller files fully at every open


def check_sqlite_version() -> None:
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StoreError(
            f"本机 SQLite 版本 {sqlite3.sqlite_version} 过旧，dzdesk 需要 3.35 或更高版本，请联系管理员更新程序。",
            f"SQLite {sqlite3.sqlite_version} is too old; dzdesk needs 3.35 or newer.",
        )


def _read_only_error(path: Path) -> StoreError:
    return StoreError(
        f"数据目录“{path.parent}”是只读的，无法保存修改。请检查文件夹权限，或用 --home 选择可写的目录。",
        f"Data folder '{path.parent}' is read-only.",
    )


def _writable(folder: Path) -> bool:
    """Try it: os.access() says yes to root even on an immutable folder."""
    probe = folder / f".dzdesk-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def translate_write_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """Turn SQLite's write failures into a sentence a person can act on."""
    text = str(exc).lower()
    if "full" in text:
        return StoreError(
            f"磁盘空间已满，本次修改未保存。请清理“{path.parent}”所在磁盘后重试。",
            "The disk is full; the change was not saved.",
        )
    if "readonly" in text or "read-only" in text:
        return _read_only_error(path)
    return StoreError(f"保存失败（{exc}），本次修改未保存。", f"Saving failed: {exc}.")


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _writable(path.parent):
            raise _read_only_error(path)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=5)
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except PermissionError:
        raise StoreError(
            f"无法在“{path.parent}”中创建数据文件：没有写入权限。请选择可写的数据目录（--home）。",
            f"No permission to write in '{path.parent}'.",
        ) from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"数据文件“{path}”无法打开（{exc}），它可能已损坏或不是 dzdesk 的数据文件。请从 backups 文件夹恢复备份。",
            f"Database '{path}' cannot be opened ({exc}); it may be corrupt.",
        ) from None


def _backup(conn: sqlite3.Connection, path: Path, backup_dir: Path, label: str) -> Path:
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{path.stem}-{stamp}-before-{label}{path.suffix}"
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def open_database(path: Path, migrations: Migrations, backup_dir: Path) -> Database:
    """Open (creating if needed) and migrate a dzdesk database.

    Raises :class:`StoreError` for an unreadable, corrupt, read-only or newer file.
    """
    check_sqlite_version()
    existed = path.exists() and path.stat().st_size > 0
    conn = _connect(path)
    try:
        db = Database(conn)
        if existed and path.stat().st_size < QUICK_CHECK_LIMIT:
            problems = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if problems != "ok":
                raise sqlite3.DatabaseError(problems)
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(db)}
        unknown = sorted(applied - known)
        if unknown:
            raise StoreError(
                f"数据文件“{path.name}”由更新版本的 dzdesk 创建（结构 {unknown[-1]}），本版本无法安全打开。请安装新版本后再使用。",
                f"Database '{path.name}' was written by a newer dzdesk ({unknown[-1]}); please upgrade.",
            )
        if not existed:
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
        pending = migrations.pending(db)
        if pending and existed and db.table_names():
            _backup(conn, path, backup_dir, pending[0].name)
        if pending:
            migrations.apply(db)
        conn.execute("PRAGMA journal_mode=WAL").fetchone()
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        return db
    except sqlite3.OperationalError as exc:
        conn.close()
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise StoreError(
                f"数据文件“{path}”是只读的，无法保存修改。请检查文件或文件夹权限，或用 --home 选择可写的目录。",
                f"Database '{path}' is read-only.",
            ) from None
        raise StoreError(f"数据文件“{path}”无法使用：{exc}。", f"Database '{path}' failed: {exc}.") from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"数据文件“{path}”已损坏（{exc}）。请从 backups 文件夹恢复备份。",
            f"Database '{path}' is corrupt: {exc}.",
        ) from None
    except BaseException:
        conn.close()
        raise
