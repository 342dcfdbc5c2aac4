"""Where to suggest saving a bundle: a mounted removable drive (USB stick) if there is one."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

DRIVE_REMOVABLE = 2


def _posix_mount_roots() -> list[Path]:
    try:
        user = getpass.getuser()
    except Exception:  # no login name on some locked-down PCs
        user = ""
    roots = [Path("/media") / user, Path("/run/media") / user, Path("/media")] if user else [Path("/media")]
    if sys.platform == "darwin":
        roots.append(Path("/Volumes"))
    return roots


def _windows_removable() -> list[Path]:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    drives = []
    for i in range(26):
        if mask & (1 << i):
            root = f"{chr(65 + i)}:\\"
            if kernel32.GetDriveTypeW(root) == DRIVE_REMOVABLE:
                drives.append(Path(root))
    return drives


def removable_folders(roots: Sequence[Path] | None = None) -> list[Path]:
    """Writable folders of mounted removable drives, best guess first; empty if there are none."""
    if roots is None and os.name == "nt":
        try:
            candidates = _windows_removable()
        except (OSError, AttributeError):
            return []
        return [p for p in candidates if os.access(p, os.W_OK)]
    found: list[Path] = []
    for root in roots if roots is not None else _posix_mount_roots():
        try:
            children = sorted(p for p in Path(root).iterdir() if p.is_dir() and not p.is_symlink())
        except OSError:
            continue
        for child in children:
            if child not in found and os.path.ismount(child) and os.access(child, os.W_OK):
                found.append(child)
    return found


def default_export_folder(fallback: Path | None = None) -> Path:
    """The first removable drive, else ``fallback`` (e.g. the Documents folder), else the home folder."""
    drives = removable_folders()
    if drives:
        return drives[0]
    return fallback or Path.home()
