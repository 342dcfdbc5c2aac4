"""Importing bundles: verify each, copy its files in content-addressed, record it, report per file.

A bad file never stops the run: it is reported with its reason and the next
file is taken. Every byte of a bundle is read once: the verifier hands the
evidence and report to the file store while hashing them (see staging.py).
Files are durable before the transaction with the rows that refer to them
commits, so a crash leaves at most unreferenced files, never a row without
its files.
"""

from __future__ import annotations

import inspect
import logging
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..bundle.types import BUNDLE_SUFFIX, VerifiedBundle
from ..errors import DzdeskError, StoreError, ValidationError
from ..progress import NO_PROGRESS, Cancelled, Progress
from . import models as m
from .staging import BundleFiles, Staging
from .store import CommitteeStore

log = logging.getLogger("dzdesk.committee")
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


def _takes_sink(verify: Verifier) -> bool:
    try:
        return "sink" in inspect.signature(verify).parameters
    except (TypeError, ValueError):
        return False


def _copy_after(files: BundleFiles, vb: VerifiedBundle) -> None:
    """For a verifier that cannot hand over the bytes: read the members again, checking them."""
    with zipfile.ZipFile(vb.path) as zf:
        for ev in vb.evidence:
            with zf.open(ev.member) as stream:
                files.copy(stream, ev.sha256, ev.size)
        if vb.report_member:
            with zf.open(vb.report_member) as stream:
                files.report_sha256 = files.copy(stream, None)


def import_one(store: CommitteeStore, path: Path, verify: Verifier, staging: Staging, sink: bool) -> m.ImportOutcome:
    """Verify and record one bundle; its files join the batch's pending files only if it was recorded."""
    files = staging.bundle()
    try:
        vb = verify(path, sink=files) if sink else verify(path)
        existing = store.find_submission(vb.signer_fingerprint, vb.period, vb.snapshot_digest)
        if existing is not None:
            files.discard()
            return store.outcome_for_existing(existing, path.name)
        if not sink:
            _copy_after(files, vb)
        outcome = store.record_submission(vb, files.report_sha256, looked_up=True)
        staging.keep(files)
        return outcome
    except StoreError:  # the committee's own disk or database failed: stop, as a full disk does
        files.discard()
        raise
    except DzdeskError as exc:
        files.discard()
        return m.ImportOutcome(path.name, m.REJECTED, reason=exc.zh)
    except Exception as exc:  # a bug or odd file must not stop the other imports
        files.discard()
        log.exception("import of %s failed", path)
        return m.ImportOutcome(path.name, m.REJECTED, reason=f"文件无法读取或格式不正确（{type(exc).__name__}）。")
    except BaseException:
        files.discard()
        raise


def import_bundles(
    store: CommitteeStore, sources: Iterable[str | Path], *,
    verify: Verifier | None = None, progress: Progress = NO_PROGRESS,
) -> m.ImportReport:
    """Import every bundle named (files or folders); never stops at a bad file."""
    files = bundle_files(list(sources))
    verify = verify or _default_verifier()
    sink = _takes_sink(verify)
    progress.start(len(files), "正在导入报送包")
    outcomes: list[m.ImportOutcome] = []
    # Each bundle is recorded in its own savepoint (all of it or none of it); the
    # enclosing transaction is committed every COMMIT_EVERY bundles, so a folder of
    # hundreds does not pay one durable commit (and file flush) per file. Before each
    # commit the batch's files are made durable. Cancelling keeps what was done.
    cancelled = False
    staging = Staging(store.blobs)
    try:
        for start in range(0, len(files), COMMIT_EVERY):
            try:
                with store.transaction():
                    for path in files[start : start + COMMIT_EVERY]:
                        outcomes.append(import_one(store, path, verify, staging, sink))
                        try:
                            progress.step(label=path.name)
                        except Cancelled:
                            cancelled = True
                            break
                    staging.make_durable()
            except BaseException:
                staging.abandon()
                raise
            if cancelled:
                raise Cancelled()
    finally:
        staging.close()
    return m.ImportReport(tuple(outcomes))
