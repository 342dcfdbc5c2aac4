"""Reading an untrusted zip without trusting it: names, types, sizes and ratios checked.

Nothing here extracts to disk. Every member is read as a stream whose bytes are
counted as they arrive, so a header that lies about sizes (a zip bomb) is
stopped at the cap, never after it.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
import unicodedata
import weakref
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .format import (
    CHUNK,
    MAX_ENTRY_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_ALLOWANCE,
    printable,
)
from .types import BundleError

# What the zipfile module raises on damaged input, besides BadZipFile.
ZIP_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
    ValueError, struct.error, OverflowError, KeyError, IndexError, UnicodeError,
)
LOCAL_HEADER_SIZE = 30
_MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # what Path.exists() calls absent


def damaged(detail_zh: str = "", detail_en: str = "") -> BundleError:
    zh = "该文件已损坏或不是完整的上报文件（.dzb）" + (f"：{detail_zh}" if detail_zh else "") + "。"
    en = "The file is damaged or not a complete .dzb bundle" + (f": {detail_en}" if detail_en else "") + "."
    return BundleError(zh, en)


def zip_error(exc: BaseException, member: str = "") -> BundleError:
    """The one sentence for a failure of the zip module (or the file under it) reading ``member``."""
    if isinstance(exc, zipfile.BadZipFile):
        if "CRC" in str(exc):
            return damaged(f"“{member}”的校验码不符", f"CRC mismatch in '{member}'")
        return damaged(f"压缩结构错误（{member or '目录'}）", f"bad zip structure ({member or 'directory'})")
    if isinstance(exc, OSError):
        return BundleError(
            f"读取文件失败（{exc.strerror or exc}），请检查U盘或磁盘是否仍然连接。",
            f"Cannot read the file: {exc}.",
        )
    return damaged(f"压缩数据错误（{member or '目录'}）", f"bad compressed data ({member or 'directory'})")


@contextmanager
def zip_errors(member: str = "") -> Iterator[None]:
    """Turn the zip module's many failure types into one BundleError."""
    try:
        yield
    except BundleError:
        raise
    except (OSError, *ZIP_ERRORS) as exc:
        raise zip_error(exc, member) from None

def unsafe_name(name: str) -> tuple[str, str] | None:
    """Why a member name could escape a folder or collide on some system, or None if it is safe."""
    if not name:
        return "文件名为空", "empty name"
    plain = name.isascii() and name.isprintable()  # the usual case: no control character, checked at C speed
    if not plain and ("\x00" in name or any(unicodedata.category(c) == "Cc" for c in name)):
        return "文件名含控制字符", "control characters in name"
    if "\\" in name:
        return "文件名含反斜杠", "backslash in name"
    if name.startswith("/"):
        return "文件名是绝对路径", "absolute path"
    if len(name) >= 2 and name[1] == ":" and name[0].isascii() and name[0].isalpha():
        return "文件名含盘符", "drive letter in name"
    if ":" in name:
        return "文件名含冒号", "colon in name"
    parts = name.split("/")
    if ".." in parts:
        return "文件名含“..”上级目录", "'..' in name"
    if name.endswith("/"):
        return "包含文件夹条目", "directory entry"
    if any(p in ("", ".") for p in parts):
        return "文件名含空的路径段", "empty path component"
    if len(name.encode("utf-8")) > 255:
        return "文件名过长", "name too long"
    return None


def _raw_name_length(info: zipfile.ZipInfo) -> int:
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    try:
        return len(info.orig_filename.encode(encoding))
    except UnicodeEncodeError:
        return len(info.orig_filename.encode("utf-8"))


def check_members(zf: zipfile.ZipFile, file_size: int) -> dict[str, zipfile.ZipInfo]:
    """Validate every central-directory entry; return them by name."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BundleError(f"上报文件包含 {len(infos)} 个条目，超过上限。", f"Too many entries ({len(infos)}).")
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        name = info.orig_filename
        shown = _shown(name)
        reason = unsafe_name(name)
        if reason:
            raise BundleError(
                f"上报文件含有不安全的条目“{shown}”（{reason[0]}），已拒绝。",
                f"Unsafe entry '{shown}' ({reason[1]}); rejected.",
            )
        key = unicodedata.normalize("NFC", name).casefold()
        if key in seen:
            raise BundleError(
                f"上报文件中有重名条目“{shown}”，已拒绝。", f"Duplicate entry name '{shown}'; rejected."
            )
        seen[key] = name
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise BundleError(f"上报文件中的“{shown}”是符号链接，已拒绝。", f"Entry '{shown}' is a symbolic link; rejected.")
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG) or info.external_attr & 0x10:
            raise BundleError(f"上报文件中的“{shown}”不是普通文件，已拒绝。", f"Entry '{shown}' is not a regular file; rejected.")
        if info.flag_bits & 0x1:
            raise BundleError(f"上报文件中的“{shown}”被加密，无法校验。", f"Entry '{shown}' is encrypted.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleError(
                f"上报文件中的“{shown}”使用了不支持的压缩方式。", f"Entry '{shown}' uses an unsupported compression method."
            )
        if info.file_size > MAX_ENTRY_BYTES:
            raise too_big(shown)
        if info.compress_size > file_size:
            raise damaged(f"“{shown}”的大小超出文件本身", f"'{shown}' is larger than the file")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleError("上报文件解压后的总大小超过上限，已拒绝。", "Total uncompressed size exceeds the limit; rejected.")
    _check_no_overlap(infos, zf)
    return {info.orig_filename: info for info in infos}


def _check_no_overlap(infos: list[zipfile.ZipInfo], zf: zipfile.ZipFile) -> None:
    """Entries sharing compressed data are the 'overlapping files' zip bomb; refuse them."""
    end_of_data = getattr(zf, "start_dir", None)
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for info, following in zip(ordered, ordered[1:] + [None], strict=True):
        end = info.header_offset + LOCAL_HEADER_SIZE + _raw_name_length(info) + info.compress_size
        limit = following.header_offset if following is not None else end_of_data
        if info.header_offset < 0 or (limit is not None and end > limit):
            raise overlapping()


def overlapping() -> BundleError:
    return BundleError(
        "上报文件中的条目相互重叠（可能是压缩炸弹），已拒绝。", "Overlapping entries (a possible zip bomb); rejected."
    )


_DATA_LIMITS: weakref.WeakKeyDictionary[zipfile.ZipFile, dict[int, int | None]] = weakref.WeakKeyDictionary()


def _data_limit(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int | None:
    """Where the member's data must end: the next entry's local header, or the central directory."""
    limits = _DATA_LIMITS.get(zf)
    if limits is None:
        offsets = sorted(i.header_offset for i in zf.infolist())
        ends: list[int | None] = [*offsets[1:], getattr(zf, "start_dir", None)]
        limits = _DATA_LIMITS[zf] = dict(zip(offsets, ends, strict=True))
    return limits.get(info.header_offset)


def too_big(name: str) -> BundleError:
    return BundleError(
        f"上报文件中的“{name}”解压后超过大小上限（可能是压缩炸弹），已拒绝。",
        f"Entry '{name}' exceeds the size limit (a possible zip bomb); rejected.",
    )


def _shown(name: str) -> str:
    """``printable(name)``, without its per-character work for the usual short ASCII names."""
    return name if len(name) <= 80 and name.isascii() and name.isprintable() else printable(name)


def stream_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, *, check_crc: bool = True, buffer: bytearray | None = None,
) -> Iterator[bytes | memoryview]:
    """Yield a member's bytes, counting them: never more than ``cap`` or the ratio limit.

    ``check_crc=False`` is for callers that check a SHA-256 from the signed manifest
    over the same bytes: the zip's CRC-32 would be a second, weaker pass over them.
    With a ``buffer``, a stored member is read straight into it (see :func:`_stream_stored`);
    each chunk is then a view of the buffer, valid until the next one is asked for.
    """
    name = _shown(info.orig_filename)
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
                crc = zlib.crc32(chunk, crc)
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
        limit = _data_limit(zf, info)
        if limit is not None and start + name_length + extra_length + info.compress_size > limit >= (
            start + _raw_name_length(info) + info.compress_size
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
    name = _shown(info.orig_filename)
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
        if check_crc and zlib.crc32(data) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    except BundleError:
        raise
    except (OSError, *ZIP_ERRORS) as exc:  # zip_errors' wording, without a context manager per member
        raise zip_error(exc, name) from None
    if len(data) > limit:
        raise too_big(name)
    return data


class open_zip:  # noqa: N801 - used as ``with open_zip(path) as (zf, size)``, like the function it was
    """Open ``path`` as a zip for reading; entering gives the archive and the file's size.

    A class rather than a generator context manager: verify_bundle opens one per bundle, hundreds in a row.
    """

    __slots__ = ("_handle", "_path", "_zf")

    def __init__(self, path: Path) -> None:
        self._path = path

    def __enter__(self) -> tuple[zipfile.ZipFile, int]:
        handle = _open_file(self._path)
        try:
            zf, size = _open_archive(handle)
        except BaseException:
            handle.close()
            raise
        self._handle, self._zf = handle, zf
        return zf, size

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._zf.close()
        finally:
            self._handle.close()


def _open_file(path: Path):  # noqa: ANN202 - a binary file object
    try:
        # one stat instead of Path.exists() + Path.is_file(), answering as they did: missing (or a
        # path they call missing: dangling link, loop, invalid name) versus present but not a file
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            if exc.errno not in _MISSING_ERRNOS:
                raise
            mode = None
        except ValueError:
            mode = None
        if mode is None:
            raise BundleError(f"找不到上报文件“{path}”。", f"Bundle '{path}' not found.")
        if not stat.S_ISREG(mode):
            raise BundleError(f"“{path}”不是一个文件，请选择 .dzb 上报文件。", f"'{path}' is not a regular file.")
        return open(path, "rb")  # noqa: SIM115 - closed by open_zip
    except OSError as exc:
        raise BundleError(f"无法打开上报文件“{path}”（{exc.strerror or exc}）。", f"Cannot open '{path}': {exc}.") from None


def _open_archive(handle) -> tuple[zipfile.ZipFile, int]:  # noqa: ANN001 - a binary file object
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, *ZIP_ERRORS) as exc:
        raise zip_error(exc) from None
    if size == 0:
        raise damaged("文件为空", "empty file")
    try:
        return zipfile.ZipFile(handle), size
    except (OSError, *ZIP_ERRORS) as exc:
        error = zip_error(exc)
    if not _has_zip_end(handle):
        raise BundleError(
            "该文件不是上报文件（.dzb）：不是 zip 格式，或文件不完整（可能复制时被截断）。",
            "Not a .dzb bundle: not a zip file, or the file is truncated.",
        )
    raise error

def _has_zip_end(handle) -> bool:
    """Whether the end-of-central-directory signature appears in the file's last 64 KiB."""
    try:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 65557))
        return b"PK\x05\x06" in handle.read()
    except OSError:
        return False
