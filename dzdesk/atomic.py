"""Writing a whole file so that readers see the old one or the new one, never half of it."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import ValidationError


class ReplaceRefused(PermissionError):
    """The finished file could not take the target's place (on Windows: the target is open elsewhere)."""


def cannot_replace(target: Path, programs: str) -> ValidationError:
    """The sentence for :class:`ReplaceRefused`; ``programs`` names what usually holds such a file open."""
    return ValidationError(
        f"无法覆盖“{target.name}”，该文件可能正被其他程序（如 {programs}）打开，请关闭后重试，或换一个文件名。",
        f"Cannot replace '{target.name}'; it may be open in another program.",
    )


@contextmanager
def atomic_path(target: Path, *, prefix: str = ".dzdesk-", suffix: str = ".tmp", mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside ``target``; what the block writes there replaces ``target`` on success.

    The file is flushed to disk before the rename and ``mode`` is set before any byte is
    written. On any failure it is removed and ``target`` (if any) stays as it was.
    """
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise ReplaceRefused(*exc.args) from exc
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def write_atomically(target: Path, data: bytes, *, prefix: str = ".dzdesk-", mode: int | None = None) -> None:
    """Write ``data`` as ``target`` through atomic_path (creating the folder if needed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target, prefix=prefix, mode=mode) as tmp:
        tmp.write_bytes(data)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to flush)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno != errno.EINVAL:  # a file system that cannot flush folders (some USB drives)
            raise
    finally:
        os.close(fd)
