"""Streaming a bundle's members into a zip in the target folder, atomically.

Evidence is streamed in a worker thread (hashing, CRC-32 and file I/O release
the GIL) while the caller's thread renders the report; memory stays bounded
by one chunk per stream whatever the evidence size. The file is flushed,
fsynced and renamed into place; on any failure the temporary file is removed
and nothing is left under the final name.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..atomic import fsync_dir
from ..canonical import canonical_bytes
from ..progress import Cancelled, Progress
from ..stale import owner_tag, sweep
from .format import CHUNK, MANIFEST, MAX_RATIO, SIGNATURE, SIGNATURE_ALGORITHM, SIGNATURE_FORMAT
from .manifest import b64
from .types import BundleError

# Already-compressed formats gain nothing from deflate; store them as they are.
STORED_SUFFIXES = frozenset(
    ".jpg .jpeg .png .gif .webp .heic .pdf .ofd .docx .xlsx .pptx .mp3 .m4a .mp4 .mov .avi .wmv .zip .rar .7z".split()
)
PART_PREFIX, PART_SUFFIX = ".~dzb-", ".part"  # the bundle being written beside its final name
SAMPLE_BYTES = 1024 * 1024
MAX_SAMPLE_RATIO = MAX_RATIO // 50  # far below the verifier's ratio cap, whatever the rest of the file holds


@dataclass(frozen=True)
class Source:
    member: str
    role: str
    path: Path
    size: int
    sha256: str  # known (content-addressed blob) or "" to compute while writing
    compression: int = zipfile.ZIP_STORED


def _open_output(fd: int) -> BinaryIO:
    """The file object the bundle is written through; tests replace it to simulate a full disk."""
    return os.fdopen(fd, "wb")


def compression_for(path: Path, name: str) -> int:
    """Deflate only what measurably shrinks, and never beyond what the verifier's ratio cap allows."""
    if Path(name).suffix.lower() in STORED_SUFFIXES:
        return zipfile.ZIP_STORED
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample:
        return zipfile.ZIP_STORED
    packed = len(zlib.compress(sample, 1))
    if packed > 0.9 * len(sample) or len(sample) > packed * MAX_SAMPLE_RATIO:
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def _zipinfo(name: str, size: int, compression: int, when: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, when[:6])
    info.compress_type = compression
    info.create_system = 3
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.file_size = size
    return info


def write_bundle_file(
    out_path: Path,
    header: dict[str, Any],
    evidence: list[Source],
    make_report: Callable[[], Source | None],
    documents: list[tuple[str, str, bytes]],
    sign: Callable[[bytes], bytes],
    public_key_der: bytes,
    progress: Progress,
    seal_to: Sequence[Any] = (),
) -> None:
    """Write the complete bundle to ``out_path`` (temp file, fsync, rename, fsync folder); with ``seal_to``
    (ECDH public keys) the zip is written through the sealing writer, encrypted to those recipients."""
    sweep(out_path.parent, PART_PREFIX, PART_SUFFIX)  # parts killed exports left here (stale.py)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{PART_PREFIX}{owner_tag()}-", suffix=PART_SUFFIX, dir=out_path.parent)
    tmp = Path(tmp_name)
    when = tuple(datetime.now().timetuple())
    with suppress(OSError):  # mkstemp makes it private; a bundle is meant to be handed on
        os.chmod(tmp, 0o644)
    try:
        with _open_output(fd) as raw:
            with _sealed(raw, seal_to) as target, zipfile.ZipFile(target, "w") as zf:
                entries = _evidence_and_report(zf, evidence, make_report, when, progress)
                for name, role, data in documents:
                    zf.writestr(_zipinfo(name, len(data), zipfile.ZIP_DEFLATED, when), data)
                    progress.step(len(data))
                    entries.append({"path": name, "role": role, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
                manifest = canonical_bytes(header | {"entries": entries})
                signature = canonical_bytes({
                    "format": SIGNATURE_FORMAT, "format_version": 1, "algorithm": SIGNATURE_ALGORITHM,
                    "signed_member": MANIFEST, "public_key": b64(public_key_der), "signature": b64(sign(manifest)),
                })
                for name, data in ((MANIFEST, manifest), (SIGNATURE, signature)):
                    zf.writestr(_zipinfo(name, len(data), zipfile.ZIP_DEFLATED, when), data)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, out_path)
        tmp = out_path  # from here on, a failure must remove the file under its final name
        fsync_dir(out_path.parent)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise write_failed(exc, out_path) from None
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def _sealed(raw: BinaryIO, recipients: Sequence[Any]) -> AbstractContextManager[BinaryIO]:
    if not recipients:
        return nullcontext(raw)
    from ..sealed import SealedWriter

    return SealedWriter(raw, list(recipients), inner_kind="dzb")  # type: ignore[return-value]


def _evidence_and_report(
    zf: zipfile.ZipFile, evidence: list[Source], make_report: Callable[[], Source | None], when: tuple[int, ...], progress: Progress
) -> list[dict[str, Any]]:
    """Stream evidence in a worker while this thread makes the report; then add the report."""
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dzdesk-export") as pool:
        future = pool.submit(lambda: [_add_source(zf, s, when, progress, stop) for s in evidence])
        try:
            report = make_report()
        except BaseException:
            stop.set()  # the pool's exit waits for the worker to notice
            raise
        entries = future.result()
    if report is not None:
        entries.append(_add_source(zf, report, when, progress, stop))
    return entries


def _add_source(zf: zipfile.ZipFile, source: Source, when: tuple[int, ...], progress: Progress, stop: threading.Event) -> dict[str, Any]:
    """Copy one file into the zip. A known SHA-256 is not recomputed here: the read-back verification hashes every byte against it."""
    digest = None if source.sha256 else hashlib.sha256()
    count = 0
    try:
        handle = open(source.path, "rb")  # noqa: SIM115 - closed by the with block below
    except OSError as exc:
        raise _read_failed(exc, source.path) from None
    with handle, zf.open(_zipinfo(source.member, source.size, source.compression, when), "w") as member:
        while True:
            if stop.is_set():
                raise Cancelled()
            try:
                chunk = handle.read(CHUNK)
            except OSError as exc:
                raise _read_failed(exc, source.path) from None
            if not chunk:
                break
            if digest is not None:
                digest.update(chunk)
            count += len(chunk)
            member.write(chunk)
            progress.step(len(chunk))
    if count != source.size:
        raise BundleError(
            f"本机文件“{source.path.name}”在导出过程中发生了变化，未生成上报文件。",
            f"Local file '{source.path.name}' changed during the export; no bundle was written.",
        )
    return {"path": source.member, "role": source.role, "size": count,
            "sha256": digest.hexdigest() if digest is not None else source.sha256}


def _read_failed(exc: OSError, path: Path) -> BundleError:
    return BundleError(
        f"读取本机文件“{path.name}”失败（{exc.strerror or exc}），未生成上报文件。",
        f"Cannot read local file '{path.name}': {exc}; no bundle was written.",
    )


def write_failed(exc: OSError, out_path: Path) -> BundleError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return BundleError(
            f"目标磁盘空间不足，上报文件“{out_path.name}”没有写入，也未留下不完整的文件。请清理空间或换一个U盘后重试。",
            "The target disk is full; no bundle (and no partial file) was written.",
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BundleError(
            f"没有权限写入“{out_path.parent}”（U盘可能处于写保护状态），上报文件没有写入。",
            f"No permission to write to '{out_path.parent}'; no bundle was written.",
        )
    return BundleError(
        f"写入上报文件失败（{exc.strerror or exc}），可能是U盘被拔出或磁盘故障；没有留下不完整的文件，请重新导出。",
        f"Writing the bundle failed ({exc}); the drive may have been removed. No partial file was left.",
    )


def drop_cached_pages(path: Path) -> None:
    """Ask the OS to forget the file's cached pages so the read-back comes from the drive itself."""
    if not hasattr(os, "posix_fadvise"):
        return
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
