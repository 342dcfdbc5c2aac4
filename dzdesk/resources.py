"""The one way to find bundled read-only files (templates, fonts, translations, icons).

Works from a source checkout (``<repo>/resources``), an installed wheel (the
wheel force-includes ``resources/`` as ``dzdesk/resources``) and a PyInstaller
build (the spec copies it to the same package path).
"""

from __future__ import annotations

from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path


@cache
def resource_root() -> Path:
    packaged = Path(str(importlib_resources.files("dzdesk"))) / "resources"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("dzdesk resources folder not found (broken installation)")


def resource_path(*parts: str) -> Path:
    """Absolute path of a bundled resource, e.g. ``resource_path("fonts", "x.ttc")``."""
    return resource_root().joinpath(*parts)
