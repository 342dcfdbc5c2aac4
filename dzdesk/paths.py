"""The one place that decides where user data, logs and settings live.

Order of precedence: an explicit ``home`` argument (``--home DIR``), the
``DZDESK_HOME`` environment variable, portable mode (a file named ``portable``
or a ``data/`` folder beside the frozen executable), then platformdirs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "dzdesk"
APP_AUTHOR = "dzdesk"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    log_dir: Path
    config_dir: Path

    @property
    def branch_db(self) -> Path:
        return self.data_dir / "dzdesk.sqlite"

    @property
    def committee_db(self) -> Path:
        return self.data_dir / "committee.sqlite"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"


def portable_root() -> Path | None:
    """Folder beside the executable when running portably from a USB stick."""
    if not getattr(sys, "frozen", False):
        return None
    exe_dir = Path(sys.executable).resolve().parent
    if (exe_dir / "portable").exists() or (exe_dir / "data").is_dir():
        return exe_dir / "data"
    return None


def resolve_paths(home: str | os.PathLike[str] | None = None) -> AppPaths:
    base = home or os.environ.get("DZDESK_HOME") or portable_root()
    if base:
        root = Path(base).expanduser().resolve()
        return AppPaths(data_dir=root, log_dir=root / "logs", config_dir=root)
    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
    )
