"""The one translation mechanism for the GUI's own strings.

Source strings are Chinese (the users' language). ``tr()`` returns them as they
are unless English was chosen, in which case it looks them up in
``resources/translations/en.json`` (falling back to the Chinese text). Qt's own
standard-button texts come from the qtbase ``.qm`` files that ship with PySide6.
"""

from __future__ import annotations

import json
from functools import cache

from dzdesk.resources import resource_path

LANGUAGES = {"zh_CN": "中文", "en": "English"}
_language = "zh_CN"


def set_language(code: str) -> None:
    global _language
    _language = code if code in LANGUAGES else "zh_CN"


def language() -> str:
    return _language


@cache
def _english() -> dict[str, str]:
    path = resource_path("translations", "en.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def tr(text: str) -> str:
    if _language == "zh_CN":
        return text
    return _english().get(text, text)
