"""Checking bundles ahead of the thread that records them, in file order.

Verifying a bundle is mostly Python (zip directory, JSON, signature, score)
around one SHA-256 pass. On threads, that Python work and the recording share
one interpreter lock: the recording thread waits for it after every SQLite
call, and a folder of hundreds of bundles ends up bound by the lock, not by
the two cores. So a folder is checked in worker processes
(:class:`ProcessAhead`): each verifies a bundle and writes its evidence and
report to temporary files, and hands back the checked bundle and the files'
names; the recording process flushes them (see staging.py). A few bundles, or
a verifier passed in by a caller, are checked on threads
(:class:`VerifyAhead`), where starting processes would cost more than it saves.

Either way the results come back in input order, and every database decision
stays with the caller, so the outcome is that of one bundle after another.
"""

from __future__ import annotations

import errno
import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..bundle.types import VerifiedBundle
from ..errors import DzdeskError
from ..store.blobs import BlobStore
from .staging import BundleFiles, Staging, TempFile

VERIFY_THREADS = 2
# Fewer bundles than this are checked on threads: starting worker processes would cost more
# than it saves (a forked worker starts in milliseconds, a spawned one in about 0.1 s).
PROCESS_FROM = {"fork": 8, "spawn": 32}
LOOKAHEAD = 6  # bundles checked ahead of the one being recorded (bounds memory and wasted work on cancel)
# Jobs (of ProcessAhead.chunk bundles) checked ahead by worker processes: enough for the workers to
# keep going while the recording thread waits for a batch's files to reach the disk.
PROCESS_LOOKAHEAD = 16
# verify(path, *, sink=...) -> VerifiedBundle, as dzdesk.bundle.verify_bundle
Verifier = Callable[..., VerifiedBundle]
Checked = tuple[BundleFiles, VerifiedBundle | None, BaseException | None]


def check_one(path: Path, verify: Verifier, staging: Staging) -> Checked:
    """Verify one bundle, its files written to temporary files; on failure they are deleted at once."""
    files = staging.bundle()
    try:
        return files, verify(path, sink=files), None
    except BaseException as exc:  # handed to the recording thread, which decides what it means
        files.discard()
        return files, None, exc


class _Ahead:
    """Checks running ahead on an executor, ``chunk`` bundles a job; yields the results in input order."""

    chunk = 1

    def __init__(self, paths: Sequence[Path], pool: Executor, lookahead: int) -> None:
        self._pool = pool
        self._todo = iter(paths)
        self._ahead: deque[tuple[list[Path], Future]] = deque()
        self._received_not_yielded: deque[tuple[Path, Checked]] = deque()
        for _ in range(lookahead):
            self._submit()

    def _submit(self) -> None:
        batch = list(itertools.islice(self._todo, self.chunk))
        if batch:
            self._ahead.append((batch, self._start(batch)))

    def _start(self, batch: list[Path]) -> Future:
        raise NotImplementedError

    def _received(self, result: object) -> list[Checked]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[Path, Checked]]:
        while self._ahead or self._received_not_yielded:
            if not self._received_not_yielded:
                batch, future = self._ahead[0]
                checked = self._received(future.result())  # interrupted here, the job is still ahead: close() discards its files
                self._ahead.popleft()
                self._received_not_yielded.extend(zip(batch, checked, strict=True))
                self._submit()
            yield self._received_not_yielded.popleft()

    def close(self) -> None:
        """Stop: bundles not started are dropped, those checked but not recorded lose their files."""
        for _, future in self._ahead:
            future.cancel()
        self._pool.shutdown(wait=True)
        for _, future in self._ahead:
            if not future.cancelled() and future.exception() is None:
                self._received_not_yielded.extend((None, checked) for checked in self._received(future.result()))
        for _, (files, _bundle, _error) in self._received_not_yielded:
            files.discard()
        self._ahead.clear()
        self._received_not_yielded.clear()


class VerifyAhead(_Ahead):
    """Checks bundles on a small thread pool in this process, one a job."""

    def __init__(self, paths: Sequence[Path], verify: Verifier, staging: Staging) -> None:
        self._verify, self._staging = verify, staging
        pool = ThreadPoolExecutor(VERIFY_THREADS, thread_name_prefix="dzdesk-import-verify")
        super().__init__(paths, pool, LOOKAHEAD)

    def _start(self, batch: list[Path]) -> Future:
        return self._pool.submit(check_one, batch[0], self._verify, self._staging)

    def _received(self, result: object) -> list[Checked]:
        return [result]  # type: ignore[list-item]


@dataclass(frozen=True)
class Staged:
    """What a worker process hands back: the checked bundle or why not, and the files it wrote."""

    bundle: VerifiedBundle | None
    error: BaseException | None
    files: tuple[tuple[str, str, int, int, str], ...]  # sha256, path, size, errno (0: written), strerror
    report_sha256: str


class CheckFailed(Exception):
    """An unexpected error in a worker process, carried back by its type name and message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(kind, message)
        self.kind = kind


class WorkersStopped(DzdeskError):
    """A worker process ended without answering (killed, or out of memory)."""


class ProcessAhead(_Ahead):
    """Checks bundles in worker processes, a few a job; their files are adopted and flushed here."""

    chunk = 4  # a job per bundle would spend as long handing jobs and results over as checking small bundles

    def __init__(self, paths: Sequence[Path], staging: Staging, workers: int) -> None:
        self._staging, self._root = staging, str(staging.blobs.root)
        staging.blobs.root.mkdir(parents=True, exist_ok=True)
        context = multiprocessing.get_context(start_method())
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
        try:
            super().__init__(paths, pool, PROCESS_LOOKAHEAD)
        except BaseException:  # the first workers could not start (fork failed): the caller checks on threads
            pool.shutdown(wait=False, cancel_futures=True)
            raise

    def _start(self, batch: list[Path]) -> Future:
        return self._pool.submit(check_in_worker, [str(path) for path in batch], self._root, self._staging.prefix)

    def __iter__(self) -> Iterator[tuple[Path, Checked]]:
        try:
            yield from super().__iter__()
        except BrokenProcessPool:
            raise WorkersStopped(
                "检查报送包的后台进程意外退出，导入已停止：本批报送包未保存，之前已导入的不受影响。请关闭其他程序后重新导入。",
                "A worker process checking the bundles stopped unexpectedly; this batch was not saved.",
            ) from None

    def _received(self, result: object) -> list[Checked]:
        assert isinstance(result, list)
        return [self._adopt(staged) for staged in result]

    def _adopt(self, staged: Staged) -> Checked:
        files = self._staging.bundle()
        for sha, path, size, code, message in staged.files:
            error = OSError(code, message) if code else None
            files.temps[sha] = TempFile.adopt(self._staging, Path(path), size, error)
        files.report_sha256 = staged.report_sha256
        return files, staged.bundle, staged.error


def start_method() -> str:
    """``fork`` where it is safe and cheap (Linux, called from a process's only thread), else ``spawn``.

    A GUI imports on a worker thread next to Qt's own threads: forking there could copy a lock
    another thread holds, so it spawns, which costs a fresh interpreter per worker.
    """
    override = os.environ.get("DZDESK_IMPORT_START")  # for tests and the frozen build's smoke test
    if override in ("fork", "spawn"):
        return override
    alone = threading.current_thread() is threading.main_thread() and threading.active_count() == 1
    return "fork" if sys.platform.startswith("linux") and alone else "spawn"


def worker_count(bundles: int) -> int:
    """Worker processes for a folder of ``bundles``: 0 means check on threads here."""
    forced = os.environ.get("DZDESK_IMPORT_START")  # fork/spawn: processes for any number of bundles
    if forced == "threads" or (forced not in ("fork", "spawn") and bundles < PROCESS_FROM[start_method()]):
        return 0
    return max(2, min(4, os.cpu_count() or 2))


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the recording process stops the workers in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_worker_staging: dict[str, Staging] = {}


def check_in_worker(paths: list[str], root: str, prefix: str) -> list[Staged]:
    """Run in a worker process: verify the bundles at ``paths``, writing their files under ``root``."""
    from ..bundle.verify import verify_bundle

    staging = _worker_staging.get(prefix)
    if staging is None:
        staging = _worker_staging[prefix] = Staging(BlobStore(Path(root)), flushes=False, prefix=prefix)
    return [_staged(*check_one(Path(path), verify_bundle, staging)) for path in paths]


def _staged(files: BundleFiles, bundle: VerifiedBundle | None, error: BaseException | None) -> Staged:
    if error is not None and not isinstance(error, DzdeskError):
        error = CheckFailed(type(error).__name__, str(error)[:500])
    written = []
    for sha, temp in files.temps.items():
        temp.done.wait()  # set at close: a worker writes and closes, the recording process flushes
        failure = temp.error
        code = (failure.errno or errno.EIO) if failure is not None else 0
        written.append((sha, str(temp.path), temp.size, code, failure.strerror or str(failure) if failure else ""))
    return Staged(bundle, error, tuple(written), files.report_sha256)
