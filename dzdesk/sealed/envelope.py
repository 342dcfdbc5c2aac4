"""What a sealed file tells without a key: whether it is one, its header's claims, its recipients.

Also the file access the reader shares: a path opened (and closed) here or a
caller's file object, every OSError turned into a SealedReadError.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import SealedDamagedError, SealedError, SealedReadError, SealedTruncatedError
from .format import MAGIC, PRELUDE_SIZE, VERSION, Header, parse_header, parse_prelude

Source = str | os.PathLike[str] | BinaryIO


@dataclass(frozen=True)
class SealedInfo:
    """What a sealed file's header says. From ``inspect_sealed`` it is unauthenticated (no key was used)."""

    version: int
    inner_kind: str
    inner_length: int
    chunk_size: int
    chunks: int
    recipients: tuple[str, ...]  # fingerprints, dzdesk.identity's form
    header_length: int
    file_size: int


def header_info(header: Header, file_size: int) -> SealedInfo:
    return SealedInfo(
        VERSION,
        header.inner_kind,
        header.inner_length,
        header.chunk_size,
        header.chunks,
        header.fingerprints,
        header.length,
        file_size,
    )


class Opened:
    """The source as a binary file: opened here (and closed here) when given as a path."""

    def __init__(self, source: Source) -> None:
        self.owned = isinstance(source, str | os.PathLike)
        self.name = os.fspath(source) if self.owned else ""
        if self.owned:
            not_a_file = SealedError(
                f"“{self.name}”不是一个文件。", f"'{self.name}' is not a regular file."
            )
            try:
                if not stat.S_ISREG(os.stat(source).st_mode):  # a folder, a device, a pipe
                    raise not_a_file
                self.file: BinaryIO = open(source, "rb", buffering=0)  # noqa: SIM115 - closed by close()
            except FileNotFoundError:
                raise SealedError(
                    f"找不到文件“{self.name}”。", f"File '{self.name}' not found."
                ) from None
            except IsADirectoryError:
                raise not_a_file from None
            except OSError as exc:
                raise SealedReadError(exc, self.name) from None
        else:
            self.file = source  # type: ignore[assignment]

    def size(self) -> int:
        try:
            return self.file.seek(0, io.SEEK_END)
        except OSError as exc:
            raise SealedReadError(exc, self.name) from None

    def position(self) -> int | None:
        """Where a caller's file object stands, to restore it after a look (None for a path opened here)."""
        if self.owned:
            return None
        try:
            return self.file.tell()
        except OSError as exc:
            raise SealedReadError(exc, self.name) from None

    def restore(self, position: int | None) -> None:
        if position is not None:
            try:
                self.file.seek(position)
            except OSError as exc:
                raise SealedReadError(exc, self.name) from None

    def read_at(self, offset: int, into: memoryview) -> int:
        """Fill ``into`` from ``offset`` as far as the file goes; the count read."""
        try:
            self.file.seek(offset)
            done = 0
            while done < len(into):
                count = self.file.readinto(into[done:])
                if not count:
                    break
                done += count
            return done
        except OSError as exc:
            raise SealedReadError(exc, self.name) from None

    def close(self) -> None:
        if self.owned:
            self.file.close()


def read_header(opened: Opened, size: int) -> Header:
    prelude = bytearray(min(size, PRELUDE_SIZE))
    opened.read_at(0, memoryview(prelude))
    length = parse_prelude(bytes(prelude))[0]
    if size < length:
        raise SealedTruncatedError(size, length)
    data = bytearray(length)
    if opened.read_at(0, memoryview(data)) != length:
        raise SealedDamagedError(
            "读取文件头时文件变短了", "the file shrank while its header was read"
        )
    header = parse_header(bytes(data))
    if size != header.sealed_size:
        raise SealedTruncatedError(size, header.sealed_size)
    return header


def is_sealed(source: Source) -> bool:
    """Whether the file starts with the sealed-file magic (no key needed; nothing else is checked)."""
    try:
        opened = Opened(source)
    except SealedError:
        if isinstance(source, str | os.PathLike) and not Path(source).is_file():
            return False
        raise
    position = opened.position()
    try:
        start = bytearray(len(MAGIC))
        return opened.read_at(0, memoryview(start)) == len(MAGIC) and bytes(start) == MAGIC
    finally:
        opened.restore(position)
        opened.close()


def inspect_sealed(source: Source) -> SealedInfo:
    """The header of a sealed file, checked for shape and exact file length, but not authenticated.

    Raises NotSealedError for another kind of file, SealedVersionError for a newer format,
    SealedDamagedError (or its SealedTruncatedError) when the header or the length is wrong.
    """
    opened = Opened(source)
    position = opened.position()
    try:
        size = opened.size()
        return header_info(read_header(opened, size), size)
    finally:
        opened.restore(position)
        opened.close()
