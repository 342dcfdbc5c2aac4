"""Files on their way into the committee's file store: written while verified, durable before recorded.

The verifier hands each evidence file and report to a :class:`BundleFiles`
while hashing it. The bytes go straight to a temporary file from the thread
or worker process that checks the bundle (several do so at once; see
checking.py), and a few threads of the importing process flush each finished
file to disk (a worker's files once it hands them over: :meth:`TempFile.adopt`),
so the disk works while the next bundles are checked. A bundle that fails
verification has its temporary files deleted. Those of recorded bundles wait in :class:`Staging` until the
batch's database transaction is about to commit: then they are renamed to
their content address and their folders flushed, and only after that is the
transaction committed. A recorded bundle may also refer to a file the store
already had (stored by an earlier import, or by another one running now,
whose folder flush may not have happened yet): that file and its folder are
flushed too before the commit. So a committed row never refers to a file that
is not on disk, and a crash leaves at most unreferenced temporary files
(``.incoming-*``); at the end of an import, :meth:`Staging.close` deletes
any its workers left (one killed mid-write, say).
"""

from __future__ import annotations

import errno
import itertools
import os
import secrets
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

from ..atomic import fsync_dir
from ..bundle.format import ROLE_EVIDENCE, ROLE_REPORT
from ..bundle.manifest import Entry
from ..errors import StoreError
from ..stale import owner_tag
from ..store.blobs import STAGING_PREFIX, BlobStore

FSYNC_THREADS = 4
# Temporary files open at once (written, or waiting for their flush). Checking runs ahead of
# the flushers; without a bound a slow disk piles up descriptors until opening fails.
OPEN_FILES = 64
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_REOPEN_FLAGS = os.O_WRONLY | getattr(os, "O_BINARY", 0)
REOPEN_PAUSES = (0.05, 0.1, 0.2, 0.4)  # seconds


def write_error(exc: OSError) -> StoreError:
    if exc.errno == errno.ENOSPC:
        return StoreError(
            "磁盘空间已满，导入已停止：本批报送包未保存，之前已导入的不受影响。请清理磁盘后重新导入。",
            "The disk is full; the import stopped and this batch was not saved.",
        )
    return StoreError(
        f"写入佐证材料失败（{exc.strerror or exc}），导入已停止：本批报送包未保存，请检查磁盘后重新导入。",
        f"Writing evidence files failed ({exc}); the import stopped and this batch was not saved.",
    )


class TempFile:
    """One temporary file, written by the thread that checks its bundle, flushed by a flusher thread.

    It is created exclusively (never over an existing file) and private to this
    user, as tempfile.mkstemp would make it. ``done`` is set once it is flushed
    and closed, or has failed (``error``).
    """

    def __init__(self, staging: Staging, path: Path, size: int = -1) -> None:
        self.staging, self.path, self.size = staging, path, size
        self.done = threading.Event()
        self.error: OSError | None = None
        self.closing = False  # close() was called: ``done`` follows
        self._fd: int | None = None
        self._created = False
        self._adopted = False

    @classmethod
    def adopt(cls, staging: Staging, path: Path, size: int, error: OSError | None, *, flush: bool = True) -> TempFile:
        """A temporary file a worker process wrote and closed (or failed to): flushed from here,
        unless it is only adopted to be deleted (``flush=False``)."""
        temp = cls(staging, path, size)
        temp._created = temp._adopted = temp.closing = True
        if error is not None or not flush:
            temp.error = error
            temp.done.set()
        else:
            staging.flushers.submit(temp._flush)
        return temp

    def created(self) -> bool:
        """Whether this import created the file: only then may it delete it."""
        return self._created

    def _open(self) -> int:
        if self._fd is None:
            if self._created and not self._adopted:
                raise OSError(errno.EBADF, "already closed")
            self.staging.open_slots.acquire()  # waits for a flusher when OPEN_FILES are open
            try:
                self._fd = self._reopen() if self._adopted else os.open(self.path, _OPEN_FLAGS, 0o600)
            except BaseException:
                self.staging.open_slots.release()
                raise
            self._created = True
            self._adopted = False
        return self._fd

    def _reopen(self) -> int:
        """An adopted file, opened once more to flush it (Windows flushes only writable handles)."""
        return _open_again(self.path, _REOPEN_FLAGS)

    def write(self, chunk: bytes | memoryview) -> None:
        if self.error is not None:
            return
        try:
            fd = self._open()
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            self._fail(exc)

    def close(self) -> None:
        """Written: the flush runs on a flusher thread, side by side with others."""
        self.closing = True
        if self.error is not None:
            return
        try:
            self._open()  # a member of 0 bytes still becomes a file
        except OSError as exc:
            self._fail(exc)
            return
        if self.staging.flushes:
            self.staging.flushers.submit(self._flush)
        else:
            self._finish(flush=False)

    def _flush(self) -> None:
        self._finish(flush=True)

    def _finish(self, *, flush: bool) -> None:
        try:
            fd = self._open()
            if flush:
                os.fsync(fd)
            self._close_fd(quiet=False)
        except OSError as exc:
            self._fail(exc)
        else:
            self.done.set()

    def _close_fd(self, *, quiet: bool = True) -> None:
        fd, self._fd = self._fd, None  # never closed twice: the number may belong to another file by then
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                if not quiet:
                    raise
            finally:
                self.staging.open_slots.release()

    def _fail(self, exc: OSError) -> None:
        self.error = self.error or exc
        self._close_fd()
        self.done.set()


class Staging:
    """The temporary files of one import: per bundle while it is checked, per batch until it commits.

    Verifier threads call :meth:`has` and :meth:`new_temp`; everything else runs on the
    thread that records the bundles. ``flushes=False`` is for a worker process: it only
    writes and closes; the recording process flushes what it adopts.
    """

    def __init__(self, blobs: BlobStore, *, flushes: bool = True, prefix: str = "") -> None:
        self.blobs = blobs
        self.flushes = flushes
        self.flushers = ThreadPoolExecutor(FSYNC_THREADS, thread_name_prefix="dzdesk-import-fsync")
        self.pending: dict[str, TempFile] = {}  # sha256 -> temp file, of bundles recorded in this batch
        self.relied: set[str] = set()  # stored files that bundles recorded in this batch refer to
        self.open_slots = threading.BoundedSemaphore(OPEN_FILES)
        self._root_ready = False
        # A worker process names its files under the importing process's prefix, so that one sweep
        # finds whatever a worker that was killed mid-write left behind.
        # Both name their process (stale.py), so the next store to open sweeps what a killed one left.
        self.prefix = prefix or f"{STAGING_PREFIX}{owner_tag()}-{secrets.token_hex(6)}-"
        self._prefix = self.prefix if not prefix else f"{prefix}w{owner_tag()}-"
        self._numbers = itertools.count()

    def has(self, sha256: str, size: int) -> bool:
        return sha256 in self.pending or self._stored(sha256, size)

    def _stored(self, sha256: str, size: int) -> bool:
        try:
            return self.blobs.path(sha256).stat().st_size == size
        except OSError:
            return False

    def bundle(self) -> BundleFiles:
        return BundleFiles(self)

    def new_temp(self, size: int = -1) -> TempFile:
        """A temporary file in the file store, created when its first bytes (or its close) arrive."""
        if not self._root_ready:
            self.blobs.root.mkdir(parents=True, exist_ok=True)
            self._root_ready = True
        return TempFile(self, self.blobs.root / f"{self._prefix}{next(self._numbers)}", size)

    def keep(self, files: BundleFiles, evidence: Iterable[str] = ()) -> None:
        """The bundle was recorded (not yet committed): its files wait for the batch's end; so do
        the stored files it refers to (``evidence``: SHA-256s; and its report), to be flushed then too."""
        # Two bundles checked side by side may both have written the same content, or one checked
        # ahead may have written what an earlier batch has committed since: keep one copy, never
        # replace a committed file.
        stored = {sha for sha, temp in files.temps.items() if sha in self.pending or self._stored(sha, temp.size)}
        twice = [temp for sha, temp in files.temps.items() if sha in stored]
        self.pending.update({sha: temp for sha, temp in files.temps.items() if sha not in stored})
        files.temps = {}
        refers = {*evidence, files.report_sha256} - {""}
        self.relied.update(refers - self.pending.keys())
        if twice:
            discard(twice)

    def make_durable(self) -> None:
        """Before the batch commits: every pending file flushed, renamed to its content address, folders
        flushed; every stored file the batch refers to flushed with its folder.

        A file is renamed into place only once its bytes are flushed, so whatever is placed is
        complete and stays even if this fails; an import that later relies on it flushes it and
        its folder itself (``relied``) before committing. Nothing placed is ever taken back out:
        another import may already rely on it.
        """
        for temp in self.pending.values():
            temp.done.wait()
        failed = next((temp.error for temp in self.pending.values() if temp.error is not None), None)
        if failed is not None:
            raise write_error(failed)
        relied = sorted(self.blobs.path(sha) for sha in self.relied - self.pending.keys())
        folders: set[Path] = {path.parent for path in relied}
        try:
            for sha, temp in list(self.pending.items()):
                final = self.blobs.path(sha)
                if not final.parent.is_dir():
                    final.parent.mkdir()
                    folders.add(self.blobs.root)
                os.replace(temp.path, final)
                folders.add(final.parent)
                del self.pending[sha]
            for _ in self.flushers.map(flush_stored, relied):  # side by side, as the new files were
                pass
            for _ in self.flushers.map(fsync_dir, sorted(folders)):
                pass
        except FileNotFoundError as exc:
            raise StoreError(
                "文件库中的佐证材料在导入过程中被移除，导入已停止：本批报送包未保存，之前已导入的不受影响。请重新导入。",
                f"A stored file this batch refers to disappeared during the import ({exc.filename}); "
                "the batch was not saved.",
            ) from None
        except OSError as exc:
            raise write_error(exc) from None
        self.relied = set()

    def abandon(self) -> None:
        """The batch did not commit: delete its temporary files (renamed ones are complete and harmless)."""
        discard(self.pending.values())
        self.pending = {}
        self.relied = set()

    def close(self) -> None:
        """The import is over: every file it wrote is recorded, or deleted here."""
        self.flushers.shutdown(wait=True)
        try:
            strays = [entry.path for entry in os.scandir(self.blobs.root) if entry.name.startswith(self.prefix)]
        except OSError:
            return
        for path in strays:
            with suppress(OSError):
                os.unlink(path)


def _open_again(path: Path, flags: int) -> int:
    """Open a file someone closed a moment ago. A virus scanner may hold it for a moment after
    its writer closed it (Windows): try again briefly."""
    for pause in (*REOPEN_PAUSES, None):
        try:
            return os.open(path, flags)
        except PermissionError:
            if pause is None:
                raise
            time.sleep(pause)
    raise AssertionError("unreachable")


def flush_stored(path: Path) -> None:
    """Flush a file already in the store. Opened for reading where that is enough to flush it (the file
    may be read-only); Windows flushes only writable handles."""
    fd = _open_again(path, _REOPEN_FLAGS if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def discard(temps: Iterable[TempFile]) -> None:
    """Delete temporary files once they are closed (Windows cannot delete open files)."""
    for temp in temps:
        if not temp.closing:  # a verifier stopped without closing it: nobody writes to it any more
            temp._fail(OSError(errno.EIO, "abandoned before it was complete"))
        temp.done.wait()
        if temp.created():
            with suppress(OSError):  # e.g. a virus scanner holding it on Windows: a stray .incoming-* is harmless
                temp.path.unlink(missing_ok=True)


class BundleFiles:
    """The sink for one bundle's evidence and report; skips content the store already has."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.temps: dict[str, TempFile] = {}
        self.report_sha256 = ""

    def __call__(self, entry: Entry) -> TempFile | None:
        if entry.role not in (ROLE_EVIDENCE, ROLE_REPORT):
            return None
        if entry.role == ROLE_REPORT:
            self.report_sha256 = entry.sha256
        if entry.sha256 in self.temps or self.staging.has(entry.sha256, entry.size):
            return None
        temp = self.staging.new_temp(entry.size)
        self.temps[entry.sha256] = temp
        return temp

    def discard(self) -> None:
        discard(self.temps.values())
        self.temps = {}
