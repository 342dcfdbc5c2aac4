"""GUI settings (font size, language, window geometry) in a small JSON file."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger("dzdesk.ui")

DEFAULT_FONT_PT = 11
MIN_FONT_PT = 9
MAX_FONT_PT = 20


@dataclass
class Settings:
    font_pt: int = DEFAULT_FONT_PT
    language: str = "zh_CN"
    mode: str = ""  # "branch" or "committee" once chosen
    geometry: dict[str, str] = field(default_factory=dict)  # widget name -> base64 state

    def clamp_font(self, pt: int) -> int:
        self.font_pt = max(MIN_FONT_PT, min(MAX_FONT_PT, int(pt)))
        return self.font_pt


def load_settings(path: Path) -> Settings:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError):
        log.warning("settings file %s unreadable; using defaults", path)
        return Settings()
    settings = Settings()
    if isinstance(data, dict):
        if isinstance(data.get("font_pt"), int):
            settings.clamp_font(data["font_pt"])
        if data.get("language") in ("zh_CN", "en"):
            settings.language = data["language"]
        if data.get("mode") in ("branch", "committee"):
            settings.mode = data["mode"]
        if isinstance(data.get("geometry"), dict):
            settings.geometry = {str(k): str(v) for k, v in data["geometry"].items()}
    return settings


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically; a settings failure is logged, never shown as an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(settings), out, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except OSError:
        log.exception("could not save settings to %s", path)
