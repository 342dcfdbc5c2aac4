"""Importing bundles: verify each, copy its files in content-addressed, record it, report per file.

A bad file never stops the run: it is reported with its reason and the next
file is taken. Files are copied before the database row is written, so a
crash leaves at most an unreferenced blob, never a row without its files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO

from ..bundle.types import BUNDLE_SUFFIX, BundleError, VerifiedBundle
from ..errors import DzdeskError, ValidationError
from ..progress import NO_PROGRESS, Cancelled, Progress
from ..store.blobs import BlobStore
from . import models as m
from .store import CommitteeStore

log = logging.getLogger("dzdesk.committee")
CHUNK = 1024 * 1024
COMMIT_EVERY = 50
Verifier = Callable[..., VerifiedBundle]


def bundle_files(sources: Sequence[str | Path]) -> list[Path]:
    """The files to import: named files as given, folders searched for ``*.dzb``."""
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == BUNDLE_SUFFIX)
            if not found:
                raise ValidationError(f"文件夹“{path}”中没有 .dzb 报送包。", f"No .dzb bundles in '{path}'.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise ValidationError(f"找不到“{path}”。", f"'{path}' does not exist.")
    return list(dict.fromkeys(files))


def _default_verifier() -> Verifier:
    from ..bundle import verify_bundle

    return verify_bundle


def _copy_member(blobs: BlobStore, stream: IO[bytes], expected: str | None) -> str:
    """Copy a zip member into the blob store, hashing as it goes; returns its SHA-256."""
    blobs.root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=blobs.root)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        if expected is not None and sha != expected:
            raise BundleError("报送包在校验后被改动（佐证材料的摘要不符），已拒收。", "Bundle changed after verification.")
        final = blobs.path(sha)
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)
        return sha
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def store_files(store: CommitteeStore, vb: VerifiedBundle) -> str:
    """Copy the bundle's evidence and report into the committee's file store; returns the report's SHA-256."""
    with zipfile.ZipFile(vb.path) as zf:
        for ev in vb.evidence:
            target = store.blobs.path(ev.sha256)
            if target.is_file() and target.stat().st_size == ev.size:
                continue
            with zf.open(ev.member) as stream:
                _copy_member(store.blobs, stream, ev.sha256)
        if not vb.report_member:
            return ""
        with zf.open(vb.report_member) as stream:
            return _copy_member(store.blobs, stream, None)


def import_one(store: CommitteeStore, path: Path, verify: Verifier) -> m.ImportOutcome:
    try:
        vb = verify(path)
        existing = store.find_submission(vb.signer_fingerprint, vb.period, vb.snapshot_digest)
        if existing is not None:
            return store.outcome_for_existing(existing, path.name)
        report_sha = store_files(store, vb)
        return store.record_submission(vb, report_sha)
    except DzdeskError as exc:
        return m.ImportOutcome(path.name, m.REJECTED, reason=exc.zh)
    except Exception as exc:  # a bug or odd file must not stop the other imports
        log.exception("import of %s failed", path)
        return m.ImportOutcome(path.name, m.REJECTED, reason=f"文件无法读取或格式不正确（{type(exc).__name__}）。")


def import_bundles(
    store: CommitteeStore, sources: Iterable[str | Path], *,
    verify: Verifier | None = None, progress: Progress = NO_PROGRESS,
) -> m.ImportReport:
    """Import every bundle named (files or folders); never stops at a bad file."""
    files = bundle_files(list(sources))
    verify = verify or _default_verifier()
    progress.start(len(files), "正在导入报送包")
    outcomes: list[m.ImportOutcome] = []
    # Each bundle is recorded in its own savepoint (all of it or none of it); the
    # enclosing transaction is committed every COMMIT_EVERY bundles, so a folder of
    # hundreds does not pay one durable commit per file. Cancelling keeps what was done.
    cancelled = False
    for start in range(0, len(files), COMMIT_EVERY):
        with store.transaction():
            for path in files[start : start + COMMIT_EVERY]:
                outcomes.append(import_one(store, path, verify))
                try:
                    progress.step(label=path.name)
                except Cancelled:
                    cancelled = True
                    break
        if cancelled:
            raise Cancelled()
    return m.ImportReport(tuple(outcomes))
