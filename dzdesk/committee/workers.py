"""Checking a folder of bundles in worker processes.

Each worker verifies the bundles of a job (a few small ones, or one large one)
and writes their evidence and report to temporary files under the importing
process's prefix; it hands back the checked bundles and the files' names, and
the importing process adopts the files and flushes them (staging.py) before
the batch that records them commits. How far the workers run ahead is bounded
in jobs and in bytes, so a folder of very large bundles does not fill the disk
with temporary copies, and cancelling waits for little.

Workers are forked where that is safe and cheap (Linux, the import running on
a process's only thread: the command line) and spawned otherwise (the GUI
imports on a worker thread next to Qt's threads; Windows has only spawn).
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..bundle.types import VerifiedBundle
from ..errors import DzdeskError
from ..store.blobs import BlobStore
from .checking import Ahead, Checked, CheckFailed, Job, check_one
from .intake import Intake
from .staging import BundleFiles, Staging, TempFile

# Fewer bundles than this are checked on threads: starting worker processes would cost more
# than it saves (a forked worker starts in milliseconds, a spawned one in about 0.1 s).
PROCESS_FROM = {"fork": 8, "spawn": 32}
JOB_BUNDLES = 4  # one bundle a job would spend as long handing jobs and results over as checking small bundles
JOB_BYTES = 8 * 1024 * 1024  # a job takes more bundles only while they are this small together
AHEAD_JOBS = 16  # enough for the workers to keep going while a batch's files reach the disk
AHEAD_BYTES = 256 * 1024 * 1024  # bundles checked but not yet recorded keep their files in temporary copies
EXITING_GRACE = 0.25  # seconds a joined thread may take to leave the system's thread list


@dataclass(frozen=True)
class Staged:
    """What a worker process hands back: the checked bundle or why not, and the files it wrote."""

    bundle: VerifiedBundle | None
    error: BaseException | None
    files: tuple[tuple[str, str, int, int, str], ...]  # sha256, path, size, errno (0: written), strerror
    report_sha256: str


class WorkersStopped(DzdeskError):
    """A worker process ended without answering (killed, or out of memory), or could not be started."""


def _stopped() -> WorkersStopped:
    return WorkersStopped(
        "检查报送包的后台进程意外退出，导入已停止：本批报送包未保存，之前已导入的不受影响。请关闭其他程序后重新导入。",
        "A worker process checking the bundles stopped unexpectedly; this batch was not saved.",
    )


def jobs_for(paths: Sequence[Path]) -> list[Job]:
    """Consecutive bundles grouped into jobs of at most JOB_BUNDLES and (beyond the first) JOB_BYTES."""
    jobs: list[Job] = []
    batch: list[Path] = []
    size = 0
    for path in paths:
        try:
            bytes_ = os.stat(path).st_size
        except OSError:
            bytes_ = 0  # the check says what is wrong with it
        if batch and (len(batch) == JOB_BUNDLES or size + bytes_ > JOB_BYTES):
            jobs.append((batch, size))
            batch, size = [], 0
        batch.append(path)
        size += bytes_
    if batch:
        jobs.append((batch, size))
    return jobs


class ProcessAhead(Ahead):
    """Checks bundles in worker processes; their files are adopted and flushed here."""

    def __init__(self, paths: Sequence[Path], staging: Staging, workers: int, method: str, context: Intake) -> None:
        self._staging, self._root, self._workers = staging, str(staging.blobs.root), workers
        self._context = context
        self._started = False
        staging.blobs.root.mkdir(parents=True, exist_ok=True)
        context = multiprocessing.get_context(method)
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
        try:
            super().__init__(jobs_for(paths), pool)
        except BaseException:  # the first workers could not start (fork failed): the caller checks on threads
            _terminate(pool)
            raise
        self._started = True

    def _room(self, job: Job) -> bool:
        if len(self._ahead) < self._workers:
            return True  # every worker busy, whatever the size
        ahead = sum(size for (_, size), _ in self._ahead)
        return len(self._ahead) < AHEAD_JOBS and ahead + job[1] <= AHEAD_BYTES

    def _start(self, batch: list[Path]) -> Future:
        try:
            with _no_interrupts():  # a worker started now inherits Ctrl-C ignored: only this process stops the run
                return self._pool.submit(
                    check_in_worker, [str(path) for path in batch], self._root, self._staging.prefix, self._context
                )
        except (OSError, RuntimeError):
            if not self._started:
                raise
            raise _stopped() from None  # a spawned worker could not start midway

    def __iter__(self) -> Iterator[tuple[Path, Checked]]:
        try:
            yield from super().__iter__()
        except BrokenProcessPool:
            raise _stopped() from None

    def _received(self, batch: list[Path], future: Future, *, to_keep: bool = True) -> list[Checked]:
        try:
            staged = future.result()
        except BrokenProcessPool:
            raise
        except Exception as exc:  # the job failed as a whole (its result could not be sent): reject its files
            return [(self._staging.bundle(), None, CheckFailed.of(exc)) for _ in batch]
        return [self._adopt(one, to_keep) for one in staged]

    def _adopt(self, staged: Staged, to_keep: bool) -> Checked:
        files = self._staging.bundle()
        for sha, path, size, code, message in staged.files:
            error = OSError(code, message) if code else None
            files.temps[sha] = TempFile.adopt(self._staging, Path(path), size, error, flush=to_keep)
        files.report_sha256 = staged.report_sha256
        return files, staged.bundle, staged.error


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose start failed halfway: a worker already forked would otherwise wait forever
    for jobs, and the process would hang at exit waiting for it."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public way in Python 3.11
        process.terminate()
        process.join(5)
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _no_interrupts() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals belong to the main thread; the worker's initializer ignores Ctrl-C too
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the recording process stops the workers in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_method() -> str:
    """``fork`` where it is safe and cheap (Linux, called from a process's only thread), else ``spawn``.

    Forking next to other threads could copy a lock one of them holds into the child. Threads
    started by native code (Qt's) are invisible to ``threading``, so Linux's own count is asked too.
    A thread Python has joined is still listed there while it finishes exiting: when Python knows
    of no other thread, the count is given EXITING_GRACE to come down to one (a native thread that
    stays means spawn, a little later).
    """
    override = os.environ.get("DZDESK_IMPORT_START")  # for tests and the frozen build's smoke test
    if override in ("fork", "spawn"):
        return override
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return "spawn"
    if threading.active_count() != 1:
        return "spawn"
    deadline = time.monotonic() + EXITING_GRACE
    try:
        while len(os.listdir("/proc/self/task")) > 1:
            if time.monotonic() >= deadline:
                return "spawn"
            time.sleep(0.002)
    except OSError:
        return "spawn"
    return "fork"


def plan(bundles: int) -> tuple[int, str]:
    """How a folder of ``bundles`` is checked: (worker processes, how they start); 0 workers: on threads here."""
    forced = os.environ.get("DZDESK_IMPORT_START")  # fork/spawn: processes for any number of bundles
    if forced == "threads":
        return 0, ""
    method = start_method()
    if forced not in ("fork", "spawn") and bundles < PROCESS_FROM[method]:
        return 0, method
    return max(2, min(4, os.cpu_count() or 2)), method


_worker_staging: dict[str, Staging] = {}


def check_in_worker(paths: list[str], root: str, prefix: str, context: Intake) -> list[Staged]:
    """Run in a worker process: verify the bundles at ``paths``, writing their files under ``root``."""
    staging = _worker_staging.get(prefix)
    if staging is None:
        staging = _worker_staging[prefix] = Staging(BlobStore(Path(root)), flushes=False, prefix=prefix)
    verify = context.verifier()
    return [_staged(*check_one(Path(path), verify, staging)) for path in paths]


def _staged(files: BundleFiles, bundle: VerifiedBundle | None, error: BaseException | None) -> Staged:
    if error is not None and not isinstance(error, DzdeskError):
        error = CheckFailed.of(error)
    written = []
    for sha, temp in files.temps.items():
        temp.done.wait()  # set at close: a worker writes and closes, the recording process flushes
        failure = temp.error
        code = (failure.errno or errno.EIO) if failure is not None else 0
        written.append((sha, str(temp.path), temp.size, code, failure.strerror or str(failure) if failure else ""))
    return Staged(bundle, error, tuple(written), files.report_sha256)
