"""What the branch store and the committee store share: one SQLite file, one lock, one way to write."""

from __future__ import annotations

import getpass
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from sqlite_utils import Database

from ..paths import resolve_paths
from .database import translate_write_error


class SqliteStore:
    """Subclasses take ``(paths, actor)`` and set ``db``, ``db_file`` and ``_lock`` in ``__init__``."""

    db: Database
    db_file: Path
    _lock: threading.RLock

    @classmethod
    def open(cls, home: str | Path | None = None, actor: str | None = None) -> Self:
        return cls(resolve_paths(home), actor)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction (a savepoint when nested), serialized; SQLite's write errors as one sentence."""
        with self._lock:
            try:
                with self.db.atomic():
                    yield
            except sqlite3.OperationalError as exc:
                raise translate_write_error(exc, self.db_file) from None


def os_user() -> str:
    """Who is working, for the audit trail of both stores."""
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down PCs
        return "user"
