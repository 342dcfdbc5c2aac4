"""Log file setup: one rotating file in the user log folder, never the console."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE = "dzdesk.log"
_configured: set[Path] = set()


def setup_logging(log_dir: Path) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    if path not in _configured:
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("dzdesk")
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        _configured.add(path)
    return path
