"""Content-addressed evidence files: ``evidence/ab/abcdef…`` named by SHA-256.

Files are copied in (the original stays where it was), hashed while copying,
flushed to disk and renamed into place, so a crash never leaves a half file
under a content name. A blob is never deleted by an edit: history and undo
may still point at it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..errors import ValidationError
from ..progress import NO_PROGRESS, Progress
from ..stale import owner_tag, sweep

STAGING_PREFIX = ".incoming-"  # then the writer's owner_tag(): a killed writer's files are swept (stale.py)

CHUNK = 1024 * 1024
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024
ALLOWED_SUFFIXES = frozenset(
    ".jpg .jpeg .png .gif .bmp .tif .tiff .webp .heic .pdf .ofd .doc .docx .xls .xlsx "
    ".ppt .pptx .wps .et .dps .txt .rtf .csv .mp3 .m4a .wav .mp4 .mov .avi .wmv .zip .rar .7z".split()
)
IMAGE_SUFFIXES = frozenset(".jpg .jpeg .png .gif .bmp .tif .tiff .webp".split())


def not_regular(src: Path) -> ValidationError:
    return ValidationError(
        f"“{src}”不是普通文件（可能是文件夹、管道或设备），不能作为佐证材料，请选择一个文件。",
        f"'{src}' is not a regular file and cannot be evidence.",
    )


def check_evidence_file(src: Path) -> int:
    """Return the file's size, or raise a clear error if it cannot be evidence."""
    try:
        info = os.stat(src)  # never opened here: opening a FIFO would wait for a writer
    except (OSError, ValueError):
        raise ValidationError(f"找不到佐证材料文件“{src}”。", f"Evidence file '{src}' not found.") from None
    if not stat.S_ISREG(info.st_mode):
        raise not_regular(src)
    suffix = src.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(
            f"不支持“{src.suffix or '无扩展名'}”类型的文件作为佐证材料，请使用图片、PDF、Office/WPS 文档、音视频或压缩包。",
            f"File type '{src.suffix}' is not accepted as evidence.",
        )
    size = info.st_size
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            f"文件“{src.name}”有 {size / 1024 / 1024:.0f} MB，超过单个佐证材料 200 MB 的上限，请压缩或拆分后再添加。",
            f"Evidence file '{src.name}' exceeds the 200 MB limit.",
        )
    return size


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def sweep_stale(self) -> list[str]:
        """Remove the staging files processes that are gone (killed mid-copy) left here."""
        return sweep(self.root, STAGING_PREFIX)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, src: Path, progress: Progress = NO_PROGRESS) -> tuple[str, int]:
        """Copy ``src`` in; return its SHA-256 and size."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}{owner_tag()}-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, open_regular(src) as inp:
                while chunk := inp.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    progress.step(len(chunk))
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            if final.is_file() and final.stat().st_size == size:
                tmp.unlink()
            else:
                final.parent.mkdir(exist_ok=True)
                os.replace(tmp, final)
            return sha, size
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def open_regular(src: Path) -> BinaryIO:
    """Open ``src`` for reading only if it is a regular file, without waiting on a FIFO
    (O_NONBLOCK makes opening one return at once; it changes nothing for a regular file)."""
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise not_regular(src)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
