"""A folder is checked in worker processes; the outcome must be exactly that of checking on threads.

Real bundles (real signatures, real evidence), imported once with forked and once
with spawned workers, against the thread path that the pipeline tests pin down
file by file. Also: a worker that dies, an unexpected error inside a worker,
cancelling, and what the importing process does with files a worker wrote.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import subprocess
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from committee_fixtures import CancelWhileRecording, outcome_rows, submission_states

from dzdesk.bundle import verify as verify_module
from dzdesk.committee import models as m
from dzdesk.committee import workers
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.staging import Staging, TempFile
from dzdesk.committee.store import CommitteeStore
from dzdesk.errors import DzdeskError, StoreError
from dzdesk.paths import resolve_paths
from dzdesk.progress import Cancelled


@pytest.fixture(scope="module")
def folder(tmp_path_factory, real_branches) -> Path:
    """Nine real bundles whose outcomes depend on order (a revision, a new key), a copy and a damaged file."""
    rb = real_branches
    root = tmp_path_factory.mktemp("workers")
    usb = root / "usb"
    usb.mkdir()
    first, _ = rb.build(root, 1)
    rb.export(first, usb / "01.dzb")
    rb.revise(first, rb.keys[3], "done")
    rb.export(first, usb / "02.dzb")  # revision 2 of branch 1 supersedes 01
    for i in range(2, 8):
        store, _ = rb.build(root, i)
        photo = root / f"photo{i}.jpg"
        photo.write_bytes(os.urandom(70_000 + i))  # large enough for the direct-write path
        store.reopen(rb.period)
        store.add_evidence(rb.period, rb.keys[0], photo, "现场照片")
        store.finalize(rb.period)
        rb.export(store, usb / f"{i + 1:02d}.dzb")
        store.close()
    impostor, _ = rb.build(root, 9, name=rb.name(3), home="impostor")  # branch 3's name, another key: held
    rb.export(impostor, usb / "09.dzb")
    first.close()
    impostor.close()
    shutil.copy(usb / "04.dzb", usb / "10.dzb")
    (usb / "11.dzb").write_bytes((usb / "05.dzb").read_bytes()[:-300])  # cut short on the stick
    return usb


@pytest.fixture
def pools(monkeypatch) -> list[str]:
    """The start method of every worker pool an import creates, in order."""
    started: list[str] = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            started.append(kwargs["mp_context"].get_start_method())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counted)
    return started


def _import(home: Path, folder: Path, monkeypatch, start: str, **kwargs) -> tuple[m.ImportReport, CommitteeStore]:
    monkeypatch.setenv("DZDESK_IMPORT_START", start)
    store = CommitteeStore(resolve_paths(home), actor="委员甲")
    return import_bundles(store, [folder], **kwargs), store


def _stored(store: CommitteeStore) -> list[tuple[str, bytes]]:
    root = store.blobs.root
    return sorted((p.name, p.read_bytes()) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_workers_give_exactly_the_outcomes_of_threads(folder, tmp_path, monkeypatch, start, pools):
    threads, by_threads = _import(tmp_path / "threads", folder, monkeypatch, "threads")
    assert pools == []
    workers, by_workers = _import(tmp_path / start, folder, monkeypatch, start)
    assert pools == [start]
    with by_threads, by_workers:
        assert outcome_rows(workers) == outcome_rows(threads)
        assert [o.outcome for o in workers.outcomes].count(m.REJECTED) == 1
        assert {m.IMPORTED, m.REPLACED, m.ALREADY, m.HELD} <= {o.outcome for o in workers.outcomes}
        assert submission_states(by_workers) == submission_states(by_threads)
        stored = _stored(by_workers)
        assert stored == _stored(by_threads)  # same files, same bytes, nothing temporary left
        assert not [name for name, _ in stored if name.startswith(".incoming")]


_real_check = workers.check_in_worker


def _dies_on_the_fifth(paths: list[str], root: str, prefix: str, context) -> list[workers.Staged]:  # noqa: ANN001
    """Sent to forked workers by name: this module is loaded there too."""
    if any(path.endswith("05.dzb") for path in paths):
        os._exit(3)  # as the system's out-of-memory killer would end it
    return _real_check(paths, root, prefix, context)


def test_a_worker_that_dies_stops_the_import_with_one_sentence_and_nothing_half_done(folder, committee, monkeypatch):
    monkeypatch.setattr(workers, "check_in_worker", _dies_on_the_fifth)
    monkeypatch.setenv("DZDESK_IMPORT_START", "fork")
    with pytest.raises(DzdeskError) as caught:
        import_bundles(committee, [folder])
    assert "后台进程意外退出" in caught.value.zh and "重新导入" in caught.value.zh
    assert committee.submissions(states=("current", "superseded", "held")) == []  # the batch did not commit
    assert _stored(committee) == []  # every file the workers wrote is gone


def test_an_unexpected_error_inside_a_worker_rejects_that_file_naming_the_error(folder, committee, monkeypatch):
    real = verify_module.verify_bundle

    def trips(path, progress=None, *, sink=None, templates=None, keys=None):
        if Path(path).name == "03.dzb":
            raise ZeroDivisionError("a bug, not a bad file")
        return real(path, sink=sink, templates=templates, keys=keys)

    monkeypatch.setattr(verify_module, "verify_bundle", trips)
    monkeypatch.setenv("DZDESK_IMPORT_START", "fork")
    report = import_bundles(committee, [folder])
    rejected = {o.file: o.reason for o in report.outcomes if o.outcome == m.REJECTED}
    assert rejected["03.dzb"] == "文件无法读取或格式不正确（ZeroDivisionError）。"
    assert set(rejected) == {"03.dzb", "11.dzb"}  # the others imported as usual
    assert not [name for name, _ in _stored(committee) if name.startswith(".incoming")]


def test_cancelling_with_workers_keeps_what_was_recorded_and_leaves_no_temporary_file(folder, committee, monkeypatch):
    monkeypatch.setenv("DZDESK_IMPORT_START", "fork")
    with pytest.raises(Cancelled):
        import_bundles(committee, [folder], progress=CancelWhileRecording(at=3))
    kept = committee.submissions(states=("current", "superseded", "held"))
    assert len(kept) == 3  # 01, 02 (its revision 2, replacing it) and 03 were recorded before the cancel
    files = [name for name, _ in _stored(committee)]
    assert not [name for name in files if name.startswith(".incoming")]
    wanted = {committee.blobs.path(e["sha256"]).name for sub in kept for e in committee.evidence(sub.id)}
    wanted |= {committee.blobs.path(sub.report_sha256).name for sub in kept if sub.report_sha256}
    assert set(files) == wanted


def test_a_file_a_worker_could_not_write_fails_the_batch_as_a_full_disk_does(committee, tmp_path):
    staging = Staging(committee.blobs)
    committee.blobs.root.mkdir(parents=True, exist_ok=True)
    written = committee.blobs.root / f"{staging.prefix}w1-0"
    written.write_bytes(b"half")
    files = staging.bundle()
    files.temps["ab" * 32] = TempFile.adopt(staging, written, 10, OSError(errno.ENOSPC, "No space left on device"))
    staging.keep(files)
    with pytest.raises(StoreError) as caught:
        staging.make_durable()
    assert "磁盘空间已满" in caught.value.zh
    staging.abandon()
    staging.close()
    assert not written.exists()


def test_an_adopted_file_is_flushed_here_before_it_is_placed(committee, monkeypatch):
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd))[1])
    staging = Staging(committee.blobs)
    committee.blobs.root.mkdir(parents=True, exist_ok=True)
    written = committee.blobs.root / f"{staging.prefix}w1-0"
    written.write_bytes(b"evidence bytes")
    files = staging.bundle()
    sha = "cd" * 32
    files.temps[sha] = TempFile.adopt(staging, written, 14, None)
    staging.keep(files)
    staging.make_durable()
    staging.close()
    assert committee.blobs.path(sha).read_bytes() == b"evidence bytes"
    assert len(flushed) >= 2  # the file itself, then its folder


def test_where_worker_processes_cannot_start_the_folder_is_checked_on_threads(folder, committee, monkeypatch):
    def no_semaphores(*args, **kwargs):
        raise OSError(errno.ENOSYS, "Function not implemented")  # as on a system without /dev/shm

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_semaphores)
    monkeypatch.setenv("DZDESK_IMPORT_START", "fork")
    report = import_bundles(committee, [folder])
    assert [o.outcome for o in report.outcomes].count(m.REJECTED) == 1
    assert len(committee.submissions()) == 7  # branches 1-7; the impostor is held, the copy already had


def test_a_folder_gets_workers_and_a_few_files_stay_on_threads(folder, tmp_path, monkeypatch, pools):
    monkeypatch.delenv("DZDESK_IMPORT_START", raising=False)
    monkeypatch.setattr(workers, "start_method", lambda: "fork")  # what the command line gets; see below
    few = sorted(folder.glob("*.dzb"))[: workers.PROCESS_FROM["fork"] - 1]
    with CommitteeStore(resolve_paths(tmp_path / "few"), actor="委员甲") as store:
        assert import_bundles(store, few).ok
    assert pools == []
    with CommitteeStore(resolve_paths(tmp_path / "all"), actor="委员甲") as store:
        import_bundles(store, [folder])
    assert pools == ["fork"]


CHOICE = "from dzdesk.committee.workers import start_method; {before}print(start_method())"
# Python's join() returns before the system has removed the thread: wait until it lists one thread.
GONE = ("import os, time; deadline = time.monotonic() + 30\n"
        "while len(os.listdir('/proc/self/task')) > 1 and time.monotonic() < deadline: time.sleep(0.01)\n")
# A thread Python does not know about (as Qt starts them): only the system's count shows it. It
# waits on a pipe; ``LET_GO`` has start_method's first pause release it, so it is exiting while
# start_method looks (as a joined thread may still be), and gives start_method all the time it needs.
NATIVE = ("import ctypes, os, time; from dzdesk.committee import workers; r, w = os.pipe()\n"
          "fn = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(lambda _: os.read(r, 1) and None)\n"
          "ctypes.CDLL(None).pthread_create(ctypes.byref(ctypes.c_ulong()), None, fn, None)\n"
          "while len(os.listdir('/proc/self/task')) < 2: time.sleep(0.001)\n")
LET_GO = ("workers.EXITING_GRACE = 60; pause = time.sleep\n"
          "time.sleep = lambda s: (os.write(w, b'x'), pause(s))\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is only chosen on Linux")
@pytest.mark.parametrize(("before", "expected"), [
    ("", "fork"),  # the command line: one thread
    ("import threading, time; threading.Thread(target=time.sleep, args=(600,), daemon=True).start(); ", "spawn"),
    ("import threading; t = threading.Thread(target=lambda: print(end='')); t.start(); t.join()\n" + GONE, "fork"),
    (NATIVE + "workers.EXITING_GRACE = 0.05\n", "spawn"),  # it stays
    (NATIVE + LET_GO, "fork"),  # it ends while start_method waits for it
], ids=["alone", "python thread", "joined thread", "native thread", "native thread ending"])
def test_workers_are_forked_only_from_a_process_with_one_thread(before, expected):
    env = {k: v for k, v in os.environ.items() if k != "DZDESK_IMPORT_START"}
    done = subprocess.run([sys.executable, "-c", CHOICE.format(before=before)], capture_output=True, text=True,
                          env=env, timeout=60, cwd=Path(workers.__file__).parents[2])
    assert done.stdout.strip().splitlines()[-1] == expected, done.stderr


def _returns_something_unsendable(paths: list[str], root: str, prefix: str, context) -> list:  # noqa: ANN001
    """A job that fails as a whole in the worker (here: its result cannot be sent back)."""
    result = _real_check(paths, root, prefix, context)
    return [*result, lambda: None] if any(path.endswith("05.dzb") for path in paths) else result


def test_a_job_that_fails_as_a_whole_rejects_its_files_and_the_rest_imports(folder, committee, monkeypatch):
    monkeypatch.setattr(workers, "check_in_worker", _returns_something_unsendable)
    monkeypatch.setenv("DZDESK_IMPORT_START", "fork")
    report = import_bundles(committee, [folder])
    rejected = {o.file: o.reason for o in report.outcomes if o.outcome == m.REJECTED}
    job = next(batch for batch, _ in workers.jobs_for(sorted(folder.glob("*.dzb"))) if batch[0].name <= "05.dzb" <= batch[-1].name)
    assert {name for name in rejected if name != "11.dzb"} == {path.name for path in job}
    assert {rejected[path.name] for path in job} == {"文件无法读取或格式不正确（AttributeError）。"}
    assert [o.outcome for o in report.outcomes].count(m.IMPORTED) >= 3  # the other jobs' bundles
    assert not [name for name, _ in _stored(committee) if name.startswith(".incoming")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_that_could_not_be_started_leaves_no_process_behind(folder, committee, monkeypatch):
    context = multiprocessing.get_context("fork")
    real_popen = context.Process._Popen
    started: list[int] = []

    def second_fork_fails(process):  # as near the process limit (EAGAIN) or out of memory
        if started:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        popen = real_popen(process)
        started.append(popen.pid)
        return popen

    monkeypatch.setattr(context.Process, "_Popen", staticmethod(second_fork_fails))
    monkeypatch.setenv("DZDESK_IMPORT_START", "fork")
    report = import_bundles(committee, [folder])  # checked on threads instead
    assert [o.outcome for o in report.outcomes].count(m.REJECTED) == 1
    assert len(started) == 1
    state = Path(f"/proc/{started[0]}/stat")
    assert not state.exists() or state.read_text().split()[2] == "Z"  # gone (or only waiting to be reaped)


def test_large_bundles_are_checked_one_a_job_and_not_far_ahead(tmp_path, monkeypatch):
    sizes = [3_000_000] * 3 + [100] * 9 + [300_000_000] * 3
    paths = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"{i:02d}.dzb"
        with open(path, "wb") as f:
            f.truncate(size)  # sparse: only the size matters here
        paths.append(path)
    jobs = workers.jobs_for(paths)
    assert [len(batch) for batch, _ in jobs] == [2, 4, 4, 2, 1, 1, 1]  # <= 4 a job, <= 8 MiB beyond the first
    assert [p for batch, _ in jobs for p in batch] == paths
    ahead = workers.ProcessAhead.__new__(workers.ProcessAhead)
    ahead._workers, ahead._ahead = 2, deque()
    for job in jobs[:4]:
        assert ahead._room(job)
        ahead._ahead.append((job, None))
    assert not ahead._room(jobs[4])  # 300 MB would pass the 256 MB bound: waits for room
    ahead._ahead = deque([(jobs[4], None)])
    assert ahead._room(jobs[5])  # but every worker gets a job, however large
