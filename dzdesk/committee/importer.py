"""Importing bundles: verify each, copy its files in content-addressed, record it, report per file.

A bad file never stops the run: it is reported with its reason and the next
file is taken. Every byte of a bundle is read once: the verifier hands the
evidence and report to the file store while hashing them (see staging.py).
Files are durable before the transaction with the rows that refer to them
commits, so a crash leaves at most unreferenced files, never a row without
its files.

Bundles are checked ahead, in worker processes for a folder, while the
calling thread records them (see checking.py). Every database decision stays
on the calling thread, in the order the files were given, so the outcome is
the same as one bundle after another.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle.types import BUNDLE_SUFFIX
from ..errors import DzdeskError, StoreError, ValidationError
from ..progress import NO_PROGRESS, Cancelled, Progress
from . import models as m
from .checking import Checked, CheckFailed, Verifier, VerifyAhead
from .intake import Intake, intake
from .staging import Staging
from .store import CommitteeStore

if TYPE_CHECKING:
    from .workers import ProcessAhead

log = logging.getLogger("dzdesk.committee")
COMMIT_EVERY = 50


def bundle_files(sources: Sequence[str | Path]) -> list[Path]:
    """The files to import: named files as given, folders searched for ``*.dzb``."""
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() == BUNDLE_SUFFIX and p.is_file())
            if not found:
                raise ValidationError(f"文件夹“{path}”中没有 .dzb 报送包。", f"No .dzb bundles in '{path}'.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise ValidationError(f"找不到“{path}”。", f"'{path}' does not exist.")
    return list(dict.fromkeys(files))


def _checker(
    files: Sequence[Path], verify: Verifier | None, staging: Staging, context: Intake
) -> VerifyAhead | ProcessAhead:
    """Worker processes for a folder checked with the real verifier; threads otherwise."""
    from .workers import (  # only an import of a folder needs the process machinery
        ProcessAhead,
        plan,
    )

    workers, method = plan(len(files)) if verify is None else (0, "")
    if workers:
        try:
            return ProcessAhead(files, staging, workers, method, context)
        except (OSError, RuntimeError, ImportError, NotImplementedError) as exc:  # e.g. no /dev/shm for semaphores
            log.warning("checking on threads: worker processes cannot start here (%s)", exc)
    return VerifyAhead(files, verify or context.verifier(), staging)


def record_one(store: CommitteeStore, path: Path, checked: Checked, staging: Staging) -> m.ImportOutcome:
    """Record one checked bundle; its files join the batch's pending files only if it was recorded
    (``keep`` takes them; whatever is left in ``files`` afterwards is deleted)."""
    files, vb, error = checked
    try:
        if error is not None:
            raise error
        assert vb is not None
        existing = store.find_submission(vb.signer_fingerprint, vb.period, vb.snapshot_digest)
        if existing is not None:
            return store.outcome_for_existing(existing, path.name)
        outcome = store.record_submission(vb, files.report_sha256, looked_up=True)
        staging.keep(files, (e.sha256 for e in vb.evidence))
        return outcome
    except StoreError:  # the committee's own disk or database failed: stop, as a full disk does
        raise
    except DzdeskError as exc:
        return m.ImportOutcome(path.name, m.REJECTED, reason=exc.zh)
    except Exception as exc:  # a bug or odd file must not stop the other imports
        log.error("import of %s failed", path, exc_info=exc)
        if isinstance(exc, CheckFailed):  # an error in a worker process, with the worker's traceback
            log.error("worker traceback for %s:\n%s", path, exc.detail)
        kind = exc.kind if isinstance(exc, CheckFailed) else type(exc).__name__
        return m.ImportOutcome(path.name, m.REJECTED, reason=f"文件无法读取或格式不正确（{kind}）。")
    finally:
        files.discard()


def import_bundles(
    store: CommitteeStore, sources: Iterable[str | Path], *,
    verify: Verifier | None = None, progress: Progress = NO_PROGRESS, passphrase: str | None = None,
) -> m.ImportReport:
    """Import every bundle named (files or folders); never stops at a bad file.

    Bundles are checked with the committee's own templates and, for sealed bundles, its decryption
    key (unlocked with ``passphrase`` when it has one; see intake.py).
    ``verify`` must accept ``sink=`` as :func:`dzdesk.bundle.verify_bundle` does.
    What stops the run (a full disk, cancelling, Ctrl-C) carries the outcomes of the files
    whose batches were committed before it: :func:`kept_before_stop`.
    """
    files = bundle_files(list(sources))
    context = intake(store, passphrase)
    progress.start(len(files), "正在导入报送包")
    outcomes: list[m.ImportOutcome] = []
    # Each bundle is recorded in its own savepoint (all of it or none of it); the
    # enclosing transaction is committed every COMMIT_EVERY bundles, so a folder of
    # hundreds does not pay one durable commit (and file flush) per file. Before each
    # commit the batch's files are made durable. Cancelling keeps what was done.
    cancelled = False
    committed = 0
    staging = Staging(store.blobs)
    ahead: VerifyAhead | ProcessAhead | None = None
    try:
        ahead = _checker(files, verify, staging, context)
        checked = iter(ahead)
        for start in range(0, len(files), COMMIT_EVERY):
            try:
                with store.transaction():
                    for path, result in checked:
                        outcomes.append(record_one(store, path, result, staging))
                        try:
                            progress.step(label=path.name)
                        except Cancelled:
                            cancelled = True
                            break
                        if len(outcomes) - start >= COMMIT_EVERY:
                            break
                    staging.make_durable()
            except BaseException:
                staging.abandon()
                raise
            committed = len(outcomes)
            if cancelled:
                raise Cancelled()
    except BaseException as exc:
        exc.kept = m.ImportReport(tuple(outcomes[:committed]))  # type: ignore[attr-defined]
        raise
    finally:
        try:
            if ahead is not None:
                ahead.close()
        finally:  # a second Ctrl-C while the workers stop must not leave this import's files behind
            staging.close()
    return m.ImportReport(tuple(outcomes))


def kept_before_stop(exc: BaseException) -> m.ImportReport | None:
    """The outcomes an import had committed when ``exc`` stopped it (None if it never started)."""
    kept = getattr(exc, "kept", None)
    return kept if isinstance(kept, m.ImportReport) else None
