"""Which CJK typefaces documents are set in, and where they come from.

GB/T 9704 asks for 仿宋 (body), 黑体 (level-1 headings), 楷体 (level-2 headings)
and 小标宋 (title). For each role the first face found wins, in this order:

1. the override folder: the ``font_dir`` argument, else the ``DZDESK_FONT_DIR``
   environment variable (lets a committee point at its licensed fonts);
2. the Windows font folders: ``%WINDIR%\\Fonts`` and the per-user
   ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``;
3. the bundled TrueType fonts in ``resources/fonts``: AR PL SungtiL GB for 仿宋
   and 宋体 (there is no free 仿宋 with TrueType outlines), AR PL KaitiM GB for
   楷体 and WenQuanYi Micro Hei for 黑体 and the title.

Only TrueType-outlined fonts qualify: reportlab cannot embed CFF outlines (Noto
CJK, Source Han) and refuses fonts whose licence bits forbid embedding, so a
candidate that fails to load is skipped. WenQuanYi Micro Hei is also the
per-character fallback for anything a chosen face lacks (e.g. a rare surname
outside GB 2312), so no character is ever printed as a missing-glyph box.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .resources import resource_path

ROLES = ("fangsong", "heiti", "kaiti", "songti", "title")

# (file name, subfont index in a .ttc); file names are matched case-insensitively.
WINDOWS_CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    "fangsong": (("simfang.ttf", 0), ("STFANGSO.TTF", 0)),
    "heiti": (("simhei.ttf", 0),),
    "kaiti": (("simkai.ttf", 0), ("STKAITI.TTF", 0)),
    "songti": (("simsun.ttc", 0), ("STSONG.TTF", 0)),
    "title": (("FZXBSJW.TTF", 0), ("方正小标宋简体.ttf", 0), ("STZHONGS.TTF", 0), ("simhei.ttf", 0)),
}
BUNDLED_SONG = "gbsn00lp.ttf"
BUNDLED_KAI = "gkai00mp.ttf"
BUNDLED_HEI = "wqy-microhei.ttc"
BUNDLED: dict[str, tuple[str, int]] = {
    "fangsong": (BUNDLED_SONG, 0),
    "heiti": (BUNDLED_HEI, 0),
    "kaiti": (BUNDLED_KAI, 0),
    "songti": (BUNDLED_SONG, 0),
    "title": (BUNDLED_HEI, 0),
}
FALLBACK: tuple[str, int] = (BUNDLED_HEI, 0)


@dataclass(frozen=True)
class FontFile:
    path: Path
    subfont: int
    source: str  # "override", "windows" or "bundled"

    @property
    def label(self) -> str:
        return f"{self.path.name}#{self.subfont}" if self.path.suffix.lower() == ".ttc" else self.path.name


@dataclass(frozen=True)
class FontChoice:
    """The face for each role plus the glyph fallback, before registration."""

    fangsong: FontFile
    heiti: FontFile
    kaiti: FontFile
    songti: FontFile
    title: FontFile
    fallback: FontFile

    def role(self, name: str) -> FontFile:
        return getattr(self, name)


def windows_font_dirs() -> list[Path]:
    dirs = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return [d for d in dirs if d.is_dir()]


def _find(folder: Path, name: str) -> Path | None:
    exact = folder / name
    if exact.is_file():
        return exact
    wanted = name.lower()
    try:
        return next((p for p in folder.iterdir() if p.name.lower() == wanted and p.is_file()), None)
    except OSError:
        return None


def _loadable(path: Path, subfont: int) -> bool:
    """True when reportlab can embed this face (TrueType outlines, embedding allowed)."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        TTFont("dzdesk-probe", str(path), subfontIndex=subfont)
    except (TTFError, OSError, ValueError, IndexError, KeyError):
        return False
    return True


def _bundled(name: str, subfont: int) -> FontFile:
    return FontFile(resource_path("fonts", name), subfont, "bundled")


def discover_fonts(font_dir: str | Path | None = None, use_windows: bool = True) -> FontChoice:
    """Choose a face for every role (see the module docstring for the order)."""
    override = font_dir if font_dir is not None else os.environ.get("DZDESK_FONT_DIR")
    places: list[tuple[Path, str]] = []
    if override and Path(override).is_dir():
        places.append((Path(override), "override"))
    if use_windows:
        places += [(d, "windows") for d in windows_font_dirs()]
    chosen: dict[str, FontFile] = {}
    for role in ROLES:
        for folder, source in places:
            for name, subfont in WINDOWS_CANDIDATES[role]:
                path = _find(folder, name)
                if path is not None and _loadable(path, subfont):
                    chosen[role] = FontFile(path, subfont, source)
                    break
            if role in chosen:
                break
        chosen.setdefault(role, _bundled(*BUNDLED[role]))
    return FontChoice(fallback=_bundled(*FALLBACK), **chosen)


@cache
def default_fonts() -> FontChoice:
    """The fonts for this process, discovered once."""
    return discover_fonts()
