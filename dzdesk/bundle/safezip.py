"""Opening an untrusted zip without trusting it: names, types, sizes and overlaps checked.

Nothing here extracts to disk; memberread.py reads the members' bytes. The
sentences for every way a zip can be damaged are here, so both say them alike.
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
from dataclasses import dataclass
from pathlib import Path

from ..sealed.format import MAGIC as SEALED_MAGIC
from .format import (
    MAX_ENTRY_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
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


def raw_name_length(info: zipfile.ZipInfo) -> int:
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
        shown = shown_name(name)
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
    limits = data_limits(zf)
    if len(limits) != len(infos):  # two entries at one offset
        raise overlapping()
    for info in infos:
        end = info.header_offset + LOCAL_HEADER_SIZE + raw_name_length(info) + info.compress_size
        limit = limits[info.header_offset]
        if info.header_offset < 0 or (limit is not None and end > limit):
            raise overlapping()


_DATA_LIMITS: weakref.WeakKeyDictionary[zipfile.ZipFile, dict[int, int | None]] = weakref.WeakKeyDictionary()


def data_limits(zf: zipfile.ZipFile) -> dict[int, int | None]:
    """Where each member's data must end, by its header offset: the next entry's local header, or the
    central directory. Worked out once per archive: the overlap check and every member read use it."""
    limits = _DATA_LIMITS.get(zf)
    if limits is None:
        offsets = sorted(i.header_offset for i in zf.infolist())
        ends: list[int | None] = [*offsets[1:], getattr(zf, "start_dir", None)]
        limits = _DATA_LIMITS[zf] = dict(zip(offsets, ends, strict=True))
    return limits


def overlapping() -> BundleError:
    return BundleError(
        "上报文件中的条目相互重叠（可能是压缩炸弹），已拒绝。", "Overlapping entries (a possible zip bomb); rejected."
    )


def too_big(name: str) -> BundleError:
    return BundleError(
        f"上报文件中的“{name}”解压后超过大小上限（可能是压缩炸弹），已拒绝。",
        f"Entry '{name}' exceeds the size limit (a possible zip bomb); rejected.",
    )


def shown_name(name: str) -> str:
    """``printable(name)``, without its per-character work for the usual short ASCII names."""
    return name if len(name) <= 80 and name.isascii() and name.isprintable() else printable(name)


class open_zip:  # noqa: N801 - used as ``with open_zip(path) as (zf, size)``, like the function it was
    """Open ``path`` as a zip for reading; entering gives the archive and the (plain) file's size.

    A sealed file (docs/encryption.md) is opened with the first of ``keys`` it is addressed to and read
    through the decrypting reader, so every check after this runs unchanged on the plain zip.
    A class rather than a generator context manager: verify_bundle opens one per bundle, hundreds in a row.
    """

    __slots__ = ("_handle", "_keys", "_path", "_zf", "sealed")

    def __init__(self, path: Path, keys: KeyRing | None = None) -> None:
        self._path = path
        self._keys = keys
        self.sealed = False

    def __enter__(self) -> tuple[zipfile.ZipFile, int]:
        handle = _open_file(self._path)
        try:
            if handle.read(len(SEALED_MAGIC)) == SEALED_MAGIC:
                handle = self._unseal(handle)
            else:
                handle.seek(0)
            zf, size = _open_archive(handle)
        except BaseException:
            handle.close()
            raise
        self._handle, self._zf = handle, zf
        return zf, size

    def _unseal(self, handle):  # noqa: ANN001, ANN202 - binary file objects
        from ..sealed import SealedError, open_sealed

        self.sealed = True
        handle.seek(0)
        try:
            key = (self._keys or KeyRing()).key_for(handle)
            handle.seek(0)
            return open_sealed(handle, key)
        except SealedError as exc:
            handle.close()
            raise BundleError(exc.zh, exc.en) from None

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._zf.close()
        finally:
            self._handle.close()


@dataclass(frozen=True)
class KeyRing:
    """The decryption keys a verifier may use for sealed files, and how a file for none of them is named.

    ``keys`` are DER (PKCS#8, unencrypted) private keys: plain bytes, so a ring can be handed to the
    committee's worker processes. ``refusal`` words the error for the role: a committee says
    "此文件不是发给本党委的"."""

    keys: tuple[bytes, ...] = ()
    refusal: str = "此文件已加密，不是发给本机的"

    def key_for(self, handle):  # noqa: ANN001, ANN201 - a binary file; an EllipticCurvePrivateKey
        from cryptography.hazmat.primitives.serialization import load_der_private_key

        from ..sealed import inspect_sealed, key_fingerprint

        recipients = inspect_sealed(handle).recipients
        for der in self.keys:
            key = load_der_private_key(der, None)
            if key_fingerprint(key) in recipients:
                return key
        listed = "；".join(recipients)
        raise BundleError(
            f"{self.refusal}：文件的收件人密钥指纹为 {listed}，本机没有对应的解密密钥。",
            f"This file is encrypted for other keys ({'; '.join(recipients)}); no key here can open it.",
        )


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
        size = handle.size if hasattr(handle, "size") else os.fstat(handle.fileno()).st_size  # a SealedReader: its plain size
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
