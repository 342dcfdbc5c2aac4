"""Reading a member's bytes out of an untrusted zip whose directory safezip has checked.

Every member is read as a stream whose bytes are counted as they arrive, so a
header that lies about sizes (a zip bomb) is stopped at the cap, never after it.
Stored members go straight into the caller's buffer, small deflated ones (the
JSON a bundle carries) in one read and one decompress call; both give the same
bytes, or the same refusal, as reading through zipfile would.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator

from .crc import crc32
from .format import CHUNK, MAX_RATIO, RATIO_ALLOWANCE, printable
from .safezip import (
    LOCAL_HEADER_SIZE,
    ZIP_ERRORS,
    data_limits,
    overlapping,
    raw_name_length,
    shown_name,
    too_big,
    zip_error,
    zip_errors,
)
from .types import BundleError


def stream_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, *, check_crc: bool = True, buffer: bytearray | None = None,
) -> Iterator[bytes | memoryview]:
    """Yield a member's bytes, counting them: never more than ``cap`` or the ratio limit.

    ``check_crc=False`` is for callers that check a SHA-256 from the signed manifest
    over the same bytes: the zip's CRC-32 would be a second, weaker pass over them.
    With a ``buffer``, a stored member is read straight into it (see :func:`_stream_stored`);
    each chunk is then a view of the buffer, valid until the next one is asked for.
    """
    name = shown_name(info.orig_filename)
    limit = min(cap, info.compress_size * MAX_RATIO + RATIO_ALLOWANCE)
    if buffer is not None and info.compress_type == zipfile.ZIP_STORED and info.compress_size == info.file_size:
        if info.file_size > limit:
            raise too_big(name)
        yield from _stream_stored(zf, info, name, buffer, check_crc)
        return
    with zip_errors(name), zf.open(info) as member:
        if not check_crc and hasattr(member, "_expected_crc"):
            member._expected_crc = None  # zipfile skips the CRC when it has no expected value
        count = 0
        while chunk := member.read(CHUNK):
            count += len(chunk)
            if count > limit:
                raise too_big(name)
            yield chunk


def _stream_stored(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, buffer: bytearray, check_crc: bool,
) -> Iterator[memoryview]:
    """A stored member read from the archive's file into ``buffer``: no decompressor, no fresh memory.

    The local header gets the checks ``zipfile.ZipFile.open`` makes (signature, flags,
    the name agreeing with the central directory), raising the same exceptions, so
    :func:`zip_errors` words every failure as before.
    """
    view = memoryview(buffer)
    with zip_errors(name):
        fp = zf.fp
        fp.seek(_data_offset(zf, info))
        left, crc = info.file_size, 0
        while left:
            count = fp.readinto(view[: min(left, len(view))])
            if not count:
                raise EOFError
            left -= count
            chunk = view[:count]
            if check_crc:
                crc = crc32(chunk, crc)
            yield chunk
        if check_crc and crc != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")


def _data_offset(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, window: Window | None = None, *, like_zipfile: bool = False,
) -> int:
    """Check the member's local header as ``zipfile.ZipFile.open`` does, raising the same exceptions;
    return where the member's data starts. Call inside :func:`zip_errors`.

    ``like_zipfile``: a local header that slides the data into the next entry is left to the checks of
    the running Python's zipfile (3.12 and later refuse it, 3.11 reads on), so a deflated member read
    here is refused in the very words it was when it was read through zipfile; otherwise it is refused
    as overlapping."""
    fp = zf.fp
    if fp is None:
        raise ValueError("archive closed")
    header = _read_at(fp, window, info.header_offset, LOCAL_HEADER_SIZE)
    if len(header) != LOCAL_HEADER_SIZE:
        raise zipfile.BadZipFile("Truncated file header")
    magic, _, _, flags, _, _, _, _, _, _, name_length, extra_length = struct.unpack(zipfile.structFileHeader, header)
    if magic != zipfile.stringFileHeader:
        raise zipfile.BadZipFile("Bad magic number for file header")
    start = info.header_offset + LOCAL_HEADER_SIZE
    raw_name = _read_at(fp, window, start, name_length)
    # The local header's own lengths place the data. The overlap check in check_members used
    # the directory's; a local header claiming more must not slide the data window into the
    # next entry (newer zipfile refuses this too). Sizes the directory itself gets wrong are
    # left to the read, which fails as zipfile's does.
    if like_zipfile:
        end = getattr(info, "_end_offset", None)
        if end is not None and start + name_length + extra_length + info.compress_size > end:
            raise zipfile.BadZipFile(f"Overlapped entries: {info.orig_filename!r} (possible zip bomb)")
    else:
        limit = data_limits(zf).get(info.header_offset)
        if limit is not None and start + name_length + extra_length + info.compress_size > limit >= (
            start + raw_name_length(info) + info.compress_size
        ):
            raise overlapping()
    if info.flag_bits & 0x1:
        raise RuntimeError(f"File {info.orig_filename!r} is encrypted, password required for extraction")
    if info.flag_bits & 0x20:
        raise NotImplementedError("compressed patched data (flag bit 5)")
    if info.flag_bits & 0x40:
        raise NotImplementedError("strong encryption (flag bit 6)")
    if raw_name.decode("utf-8" if flags & 0x800 else "cp437") != info.orig_filename:
        raise zipfile.BadZipFile(f"File name in directory {info.orig_filename!r} and header {raw_name!r} differ.")
    return start + name_length + extra_length


class Window:
    """The archive's bytes from ``start`` up to its central directory, read in one call."""

    __slots__ = ("data", "start")

    def __init__(self, start: int, data: bytes) -> None:
        self.start, self.data = start, data


WINDOW_LIMIT = 4 * CHUNK


def read_window(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> Window | None:
    """One read covering ``infos`` (small members, which the writer puts last) and what follows them,
    instead of a seek and three reads per member; None when that span is large or cannot be read
    (each member is then read on its own, failing as it always did)."""
    end = getattr(zf, "start_dir", None)
    if not infos or zf.fp is None or not isinstance(end, int):
        return None
    start = min(info.header_offset for info in infos)
    if not 0 <= start < end or end - start > WINDOW_LIMIT:
        return None
    try:
        zf.fp.seek(start)
        data = zf.fp.read(end - start)
    except (OSError, ValueError):
        return None
    return Window(start, data)


def _read_at(fp, window: Window | None, offset: int, size: int) -> bytes:  # noqa: ANN001 - the archive's file
    """``size`` bytes at ``offset`` (fewer at the end of the file), from the window when it holds them all:
    the same bytes a seek and read would give."""
    if window is not None:
        i = offset - window.start
        if i >= 0 and i + size <= len(window.data):
            return window.data[i : i + size]
    fp.seek(offset)
    return fp.read(size)


def read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, *, check_crc: bool = True, window: Window | None = None,
) -> bytes:
    """A whole member's bytes (never more than ``cap``); ``check_crc`` as for :func:`stream_member`."""
    if info.file_size > cap:
        raise too_big(printable(info.orig_filename))
    if is_small_deflated(info):
        return read_small_deflated(zf, info, cap, check_crc=check_crc, window=window)
    return b"".join(stream_member(zf, info, cap, check_crc=check_crc))


def is_small_deflated(info: zipfile.ZipInfo) -> bool:
    return info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size <= CHUNK and info.file_size <= CHUNK


def read_small_deflated(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, *, check_crc: bool = True, window: Window | None = None,
) -> bytes:
    """A deflated member of at most CHUNK bytes either way, in one read and one decompress call.

    The same bytes and the same exceptions as ``zf.open(info).read(CHUNK)`` (what :func:`stream_member`
    does) for such a member: ZipExtFile reads all of its compressed data at once (it asks for
    max(CHUNK, 4096) bytes), decompresses at most CHUNK bytes, flushes when the stream or its input
    ends, cuts the result to ``file_size`` and then checks the CRC; reaching the end of the file
    before the stream ends is an EOFError. tests/bundle/test_bundle_small_read.py reads damaged
    members both ways and compares.
    """
    name = shown_name(info.orig_filename)
    limit = min(cap, info.compress_size * MAX_RATIO + RATIO_ALLOWANCE)
    try:
        start = _data_offset(zf, info, window, like_zipfile=True)
        compressed = _read_at(zf.fp, window, start, info.compress_size)
        if not compressed and info.compress_size:
            raise EOFError
        decompressor = zlib.decompressobj(-15)
        data = decompressor.decompress(compressed, CHUNK)
        if len(data) < info.file_size and not decompressor.eof and len(compressed) < info.compress_size:
            raise EOFError  # zipfile would read on, and find the end of the file
        if decompressor.eof or len(compressed) == info.compress_size and not decompressor.unconsumed_tail:
            data += decompressor.flush()
        data = data[: info.file_size]
        if check_crc and crc32(data) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    except BundleError:
        raise
    except (OSError, *ZIP_ERRORS) as exc:  # zip_errors' wording, without a context manager per member
        raise zip_error(exc, name) from None
    if len(data) > limit:
        raise too_big(name)
    return data
