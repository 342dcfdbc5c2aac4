"""Files on their way into the committee's file store: written while verified, durable before recorded.

The verifier hands each evidence file and report to a :class:`BundleFiles`
while hashing it; a background thread writes the bytes to temporary files and
flushes them to disk, so the disk works while the next bundle is being checked.
A bundle that fails verification has its temporary files deleted. Those of
recorded bundles wait in :class:`Staging` until the batch's database
transaction is about to commit: then they are renamed to their content
address and their folders flushed, and only after that is the transaction
committed. So a committed row never refers to a file that is not on disk, and
a crash leaves at most unreferenced temporary files (``.incoming-*``).
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import queue
import secrets
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from pathlib import Path
from typing import IO

from ..atomic import fsync_dir
from ..bundle.format import ROLE_EVIDENCE, ROLE_REPORT
from ..bundle.manifest import Entry
from ..bundle.types import BundleError
from ..errors import StoreError
from ..store.blobs import BlobStore

CHUNK = 1024 * 1024
QUEUE_CHUNKS = 16  # at most this many chunks (about 16 MB) wait for the writer thread
FSYNC_THREADS = 4
_STOP = object()


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


class FileWriter:
    """One background thread that writes queued chunks; closed files are fsynced by a few more threads.

    Several fsyncs in flight at once share the file system's journal commits
    (about twice the throughput of one after another on ext4), and the writer
    thread goes on writing the next file meanwhile.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[object, ...]] = queue.Queue(QUEUE_CHUNKS)
        self._error: OSError | None = None
        self._lock = threading.Lock()
        self._flushers = ThreadPoolExecutor(FSYNC_THREADS, thread_name_prefix="dzdesk-import-fsync")
        self._flushing: list[Future[None]] = []  # appended by the writer thread only
        self._thread = threading.Thread(target=self._run, name="dzdesk-import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item[0] is _STOP:
                    return
                self._do(*item)
            finally:
                self._queue.task_done()

    def _do(self, op: object, handle: IO[bytes] | _NewFile, chunk: bytes = b"") -> None:
        if handle.closed:
            return  # an earlier write to this file failed; its error is raised at wait()
        try:
            if chunk:
                handle.write(chunk)
            if op == "close":
                handle.flush()
                self._flushing.append(self._flushers.submit(self._sync, handle))
        except Exception as exc:  # the thread must survive anything, or the queue would block forever
            self._fail(exc, handle)

    def _sync(self, handle: IO[bytes] | _NewFile) -> None:
        try:
            os.fsync(handle.fileno())
            handle.close()
        except Exception as exc:
            self._fail(exc, handle)

    def _fail(self, exc: Exception, handle: IO[bytes] | _NewFile) -> None:
        with self._lock:
            self._error = self._error or (exc if isinstance(exc, OSError) else OSError(str(exc)))
        try:
            handle.close()
        except Exception:  # noqa: S110 - the first error is the one reported
            pass

    def _drain(self) -> None:
        self._queue.join()  # the writer thread is idle now: it appends to _flushing no more
        flushing, self._flushing = self._flushing, []
        futures_wait(flushing)

    def each(self, fn: Callable[[Path], object], items: Iterable[Path]) -> None:
        """Run ``fn`` on every item on the flushing threads, side by side; raise the first error."""
        for _ in self._flushers.map(fn, items):
            pass

    def put(self, op: str, handle: IO[bytes] | _NewFile, chunk: bytes = b"") -> None:
        self._queue.put((op, handle, chunk))

    def wait(self) -> None:
        """Block until everything queued is written and flushed; raise the first write error."""
        self._drain()
        if self._error is not None:
            exc, self._error = self._error, None
            raise write_error(exc)

    def quiet_wait(self) -> None:
        """Block until everything queued is done; a write error stays for :meth:`wait` to raise."""
        self._drain()

    def forget_error(self) -> None:
        self._error = None

    def stop(self) -> None:
        self._queue.put((_STOP,))
        self._thread.join()
        self._flushers.shutdown(wait=True)


class _NewFile:
    """A temporary file the writer thread creates when it first touches it.

    Creating a file can wait on the file system journal while the writer thread
    flushes the previous one; done here, that wait overlaps the next bundle's
    checks instead of stalling them. The name is unique to this import and the
    file is created exclusively, never over an existing one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.closed = False
        self._handle: IO[bytes] | None = None

    def _open(self) -> IO[bytes]:
        if self._handle is None:  # private to this user, as tempfile.mkstemp would make it
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            self._handle = os.fdopen(fd, "wb")
        return self._handle

    def write(self, chunk: bytes) -> None:
        self._open().write(chunk)

    def flush(self) -> None:
        self._open().flush()

    def fileno(self) -> int:
        return self._open().fileno()

    def close(self) -> None:
        self.closed = True
        if self._handle is not None:
            self._handle.close()


class _QueuedFile:
    """What the verifier writes a member to: chunks go to the writer thread.

    The last chunk travels with the close, so a member of one chunk (most
    evidence files) costs one handoff to the writer thread, not two.
    """

    def __init__(self, writer: FileWriter, handle: IO[bytes] | _NewFile) -> None:
        self.writer, self.handle = writer, handle
        self._held = b""

    def write(self, chunk: bytes) -> None:
        if self._held:
            self.writer.put("write", self.handle, self._held)
        self._held = chunk

    def close(self) -> None:
        held, self._held = self._held, b""
        self.writer.put("close", self.handle, held)


class Staging:
    """The temporary files of one import: per bundle while it is checked, per batch until it commits."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs
        self.writer = FileWriter()
        self.pending: dict[str, Path] = {}  # sha256 -> temp file, of bundles recorded in this batch
        self._root_ready = False
        self._prefix = f".incoming-{os.getpid()}-{secrets.token_hex(6)}-"
        self._numbers = itertools.count()

    def has(self, sha256: str, size: int) -> bool:
        if sha256 in self.pending:
            return True
        try:
            return self.blobs.path(sha256).stat().st_size == size
        except OSError:
            return False

    def bundle(self) -> BundleFiles:
        return BundleFiles(self)

    def new_temp(self) -> tuple[_QueuedFile, Path]:
        """A temporary file in the file store, written (and created) by the writer thread."""
        if not self._root_ready:
            self.blobs.root.mkdir(parents=True, exist_ok=True)
            self._root_ready = True
        tmp = self.blobs.root / f"{self._prefix}{next(self._numbers)}"
        return _QueuedFile(self.writer, _NewFile(tmp)), tmp

    def keep(self, files: BundleFiles) -> None:
        """The bundle was recorded (not yet committed): its files wait for the batch's end."""
        # two bundles verified side by side may both have written the same content
        twice = [tmp for sha, tmp in files.temps.items() if sha in self.pending]
        self.pending.update({sha: tmp for sha, tmp in files.temps.items() if sha not in self.pending})
        files.temps = {}
        if twice:
            self.discard(twice)

    def discard(self, temps: Iterable[Path]) -> None:
        self.writer.quiet_wait()  # the writer may still hold them open (Windows cannot delete those)
        for tmp in temps:
            tmp.unlink(missing_ok=True)

    def make_durable(self) -> None:
        """Before the batch commits: every pending file flushed, renamed to its content address, folders flushed."""
        self.writer.wait()
        folders: set[Path] = set()
        try:
            for sha, tmp in list(self.pending.items()):
                final = self.blobs.path(sha)
                if not final.parent.is_dir():
                    final.parent.mkdir()
                    folders.add(self.blobs.root)
                os.replace(tmp, final)
                folders.add(final.parent)
                del self.pending[sha]
            self.writer.each(fsync_dir, sorted(folders))
        except OSError as exc:
            raise write_error(exc) from None

    def abandon(self) -> None:
        """The batch did not commit: delete its temporary files (renamed ones are complete and harmless)."""
        self.discard(self.pending.values())
        self.pending = {}
        self.writer.forget_error()

    def close(self) -> None:
        self.writer.stop()


class BundleFiles:
    """The sink for one bundle's evidence and report; skips content the store already has."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.temps: dict[str, Path] = {}
        self.report_sha256 = ""

    def __call__(self, entry: Entry) -> _QueuedFile | None:
        if entry.role not in (ROLE_EVIDENCE, ROLE_REPORT):
            return None
        if entry.role == ROLE_REPORT:
            self.report_sha256 = entry.sha256
        if entry.sha256 in self.temps or self.staging.has(entry.sha256, entry.size):
            return None
        out, tmp = self.staging.new_temp()
        self.temps[entry.sha256] = tmp
        return out

    def copy(self, stream: IO[bytes], expected: str | None, size: int | None = None) -> str:
        """For verifiers without a sink: copy a member after verification, checking it did not change."""
        if expected is not None and size is not None and (expected in self.temps or self.staging.has(expected, size)):
            return expected
        out, tmp = self.staging.new_temp()
        digest = hashlib.sha256()
        written = 0
        try:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                written += len(chunk)
        finally:
            out.close()
        sha = digest.hexdigest()
        if expected is not None and sha != expected:
            self.staging.discard([tmp])
            raise BundleError("报送包在校验后被改动（佐证材料的摘要不符），已拒收。", "Bundle changed after verification.")
        if sha in self.temps or self.staging.has(sha, written):
            self.staging.discard([tmp])
        else:
            self.temps[sha] = tmp
        return sha

    def discard(self) -> None:
        self.staging.discard(self.temps.values())
        self.temps = {}
