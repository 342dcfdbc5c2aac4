"""Checking bundles ahead of the thread that records them, in file order.

Verifying a bundle is mostly Python (zip directory, JSON, signature, score)
around one SHA-256 pass. On threads, that Python work and the recording share
one interpreter lock: the recording thread waits for it after every SQLite
call, and a folder of hundreds of bundles ends up bound by the lock, not by
the two cores. So a folder is checked in worker processes (workers.py). A few
bundles, or a verifier passed in by a caller, are checked here on threads
(:class:`VerifyAhead`), where starting processes would cost more than it saves.

Either way the results come back in input order, and every database decision
stays with the caller, so the outcome is that of one bundle after another.
"""

from __future__ import annotations

import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

from ..bundle.types import VerifiedBundle
from .staging import BundleFiles, Staging

VERIFY_THREADS = 2
LOOKAHEAD = 6  # bundles checked ahead of the one being recorded (bounds memory and wasted work on cancel)
# verify(path, *, sink=...) -> VerifiedBundle, as dzdesk.bundle.verify_bundle
Verifier = Callable[..., VerifiedBundle]
Checked = tuple[BundleFiles, VerifiedBundle | None, BaseException | None]
Job = tuple[list[Path], int]  # bundles checked together, and their bytes


class CheckFailed(Exception):
    """An unexpected error in a worker process, carried back by its type name, message and traceback."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(kind, message, detail)
        self.kind, self.detail = kind, detail

    @classmethod
    def of(cls, exc: BaseException) -> CheckFailed:
        return cls(type(exc).__name__, str(exc)[:500], "".join(traceback.format_exception(exc)))


def check_one(path: Path, verify: Verifier, staging: Staging) -> Checked:
    """Verify one bundle, its files written to temporary files; on failure they are deleted at once."""
    files = staging.bundle()
    try:
        return files, verify(path, sink=files), None
    except BaseException as exc:  # handed to the recording thread, which decides what it means
        files.discard()
        return files, None, exc


class Ahead:
    """Jobs running ahead on an executor; yields each bundle's result in input order.

    Subclasses say how to cut the paths into jobs, how far ahead to go, how to start a
    job and how to turn its result into one :data:`Checked` per bundle.
    """

    def __init__(self, jobs: Sequence[Job], pool: Executor) -> None:
        self._pool = pool
        self._todo = deque(jobs)
        self._ahead: deque[tuple[Job, Future]] = deque()
        self._received_not_yielded: deque[tuple[Path, Checked]] = deque()
        self._fill()

    def _fill(self) -> None:
        while self._todo and self._room(self._todo[0]):
            job = self._todo.popleft()
            self._ahead.append((job, self._start(job[0])))

    def _room(self, job: Job) -> bool:
        raise NotImplementedError

    def _start(self, batch: list[Path]) -> Future:
        raise NotImplementedError

    def _received(self, batch: list[Path], future: Future, *, to_keep: bool = True) -> list[Checked]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[Path, Checked]]:
        while self._ahead or self._received_not_yielded:
            if not self._received_not_yielded:
                (batch, _), future = self._ahead[0]
                future.exception()  # waits; interrupted here, the job is still ahead: close() discards its files
                checked = self._received(batch, future)
                self._ahead.popleft()
                self._received_not_yielded.extend(zip(batch, checked, strict=True))
                self._fill()
            yield self._received_not_yielded.popleft()

    def close(self) -> None:
        """Stop: bundles not started are dropped, those checked but not recorded lose their files."""
        self._todo.clear()
        for _, future in self._ahead:
            future.cancel()
        self._pool.shutdown(wait=True)
        unrecorded = [checked for _, checked in self._received_not_yielded]
        for (batch, _), future in self._ahead:
            if not future.cancelled() and future.exception() is None:
                unrecorded += self._received(batch, future, to_keep=False)
        for files, _bundle, _error in unrecorded:
            files.discard()
        self._ahead.clear()
        self._received_not_yielded.clear()


class VerifyAhead(Ahead):
    """Checks bundles on a small thread pool in this process, one a job."""

    def __init__(self, paths: Sequence[Path], verify: Verifier, staging: Staging) -> None:
        self._verify, self._staging = verify, staging
        pool = ThreadPoolExecutor(VERIFY_THREADS, thread_name_prefix="dzdesk-import-verify")
        super().__init__([([path], 0) for path in paths], pool)

    def _room(self, job: Job) -> bool:
        return len(self._ahead) < LOOKAHEAD

    def _start(self, batch: list[Path]) -> Future:
        return self._pool.submit(check_one, batch[0], self._verify, self._staging)

    def _received(self, batch: list[Path], future: Future, *, to_keep: bool = True) -> list[Checked]:
        return [future.result()]
