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
candidate whose table directory shows either is skipped. Discovery reads only
that directory (a few hundred bytes); a face is parsed (:func:`parsed_font`)
when a document first needs it, and at most once per process, so a TrueType
collection such as simsun.ttc is never read twice. WenQuanYi Micro Hei is also the
per-character fallback for anything a chosen face lacks (e.g. a rare surname
outside GB 2312), so no character is ever printed as a missing-glyph box.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .resources import resource_path

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

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


TRUETYPE_VERSIONS = (0x00010000, 0x74727565)  # 1.0 and 'true'; 'OTTO' means CFF outlines
REQUIRED_TABLES = (b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp")


def _loadable(path: Path, subfont: int) -> bool:
    """True when reportlab can embed this face: TrueType outlines, tables present, embedding allowed.

    Reads the sfnt table directory and the OS/2 licence bits only, not the font.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(12)
            start = 0
            if head[:4] == b"ttcf":
                count = struct.unpack(">L", head[8:12])[0]
                if not 0 <= subfont < count:
                    return False
                handle.seek(12 + 4 * subfont)
                start = struct.unpack(">L", handle.read(4))[0]
                handle.seek(start)
                head = handle.read(12)
            version, tables = struct.unpack(">LH", head[:6])
            if version not in TRUETYPE_VERSIONS or not 0 < tables < 200:
                return False
            records = handle.read(16 * tables)
            size = os.fstat(handle.fileno()).st_size
            directory = {}
            for i in range(tables):
                tag, _, offset, length = struct.unpack(">4sLLL", records[16 * i : 16 * i + 16])
                if offset + length > size:
                    return False
                directory[tag] = offset
            if any(tag not in directory for tag in REQUIRED_TABLES):
                return False
            if b"OS/2" in directory:
                handle.seek(directory[b"OS/2"] + 8)
                fs_type = struct.unpack(">H", handle.read(2))[0]
                if fs_type == 0x0002 or fs_type & 0x0300:  # reportlab's own test: embedding or subsetting forbidden
                    return False
    except (OSError, struct.error):
        return False
    return True


def font_name(font: FontFile) -> str:
    """The name a face is registered under with reportlab."""
    return f"dz-{font.path.stem}-{font.subfont}"


def parsed_font(font: FontFile) -> TTFont:
    """The face parsed by reportlab, once per process per file and subfont (raises TTFError if unusable)."""
    return _parse(str(font.path), font.subfont, font_name(font))


@cache
def _parse(path: str, subfont: int, name: str) -> TTFont:
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(name, path, subfontIndex=subfont)
    # glyph -> characters is only read by reportlab's HarfBuzz shaping, which dzdesk does not use
    # (and which refills it on demand); dropping it saves about 5 MB per large CJK face
    font.face.glyphToChar = {}
    return font


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
