"""How branch names are compared: the roster, bundles and the CLI spell them differently."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """中共 ×× 党支部 and ××党支部 (full-width or not, any spacing) compare equal."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _SPACE.sub("", text)
    return text.removeprefix("中共")

