"""Import checks bundles ahead on worker threads; the outcome must be that of one bundle after another.

Covers: the same outcomes as importing file by file (revisions, late older
revisions, key-change holds, duplicates), a bad bundle in the middle of a
batch, cancelling mid-run, and a database failure stopping the run with every
worker thread shut down.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from committee_fixtures import CancelWhileRecording, outcome_rows, submission_states

from dzdesk.committee import importer
from dzdesk.committee import models as m
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.store import CommitteeStore
from dzdesk.errors import StoreError
from dzdesk.paths import resolve_paths
from dzdesk.progress import Cancelled


def _import_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("dzdesk-import")]


def _files(store: CommitteeStore) -> list[Path]:
    root = store.blobs.root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _referenced(store: CommitteeStore) -> set[Path]:
    """The files the committed rows refer to (every state: history keeps its files)."""
    wanted = set()
    for sub in store.submissions(states=("current", "superseded", "held", "declined")):
        wanted.add(store.blobs.path(sub.report_sha256))
        wanted |= {store.blobs.path(e["sha256"]) for e in store.evidence(sub.id)}
    return wanted


@pytest.fixture
def tangled(fake_bundles):
    """A folder whose outcomes depend on order: revisions of one branch, a late older one, a new key, a copy."""
    fb = fake_bundles
    fb.make("甲公司党支部", revision=1, done=12, partial=7, file="01.dzb")
    fb.make("甲公司党支部", revision=2, done=16, generated_at="2026-12-21T10:00:00.000+08:00", file="02.dzb")
    fb.make("乙协会党支部", revision=1, kind="social", file="03.dzb")
    fb.make("甲公司党支部", revision=3, done=19, generated_at="2026-12-22T10:00:00.000+08:00", file="04.dzb")
    fb.make("甲公司党支部", revision=1, done=9, file="05.dzb")  # another file claiming revision 1: held
    fb.make("乙协会党支部", revision=2, key=fb.new_key(), file="06.dzb")  # same name, another key: held
    shutil.copy(fb.folder / "03.dzb", fb.folder / "07.dzb")
    fb.made[fb.folder / "07.dzb"] = fb.made[fb.folder / "03.dzb"]  # the same bundle twice: already had
    (fb.folder / "08.dzb").write_bytes(b"PK\x03\x04 truncated on the stick")
    for i in range(9, 16):
        fb.make(f"第{i}党支部", file=f"{i:02d}.dzb", evidence_bytes=3000 + i)
    return fb


def test_a_folder_gives_the_outcomes_of_one_file_after_another(committee, tangled, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "COMMIT_EVERY", 4)  # several batches, bundles checked across their ends
    report = import_bundles(committee, [tangled.folder], verify=tangled.verify)

    with CommitteeStore(resolve_paths(tmp_path / "one-by-one"), actor="委员甲") as single:
        one_by_one = [import_bundles(single, [path], verify=tangled.verify).outcomes[0]
                      for path in sorted(tangled.folder.glob("*.dzb"))]
        assert outcome_rows(report) == outcome_rows(m.ImportReport(tuple(one_by_one)))
        assert submission_states(committee) == submission_states(single)
    got = {o.file: o.outcome for o in report.outcomes}
    assert [got[f] for f in ("01.dzb", "02.dzb", "04.dzb", "05.dzb")] == [m.IMPORTED, m.REPLACED, m.REPLACED, m.HELD]
    assert (got["06.dzb"], got["07.dzb"], got["08.dzb"]) == (m.HELD, m.ALREADY, m.REJECTED)
    assert set(_files(committee)) == _referenced(committee)
    assert _import_threads() == []


def test_a_bad_bundle_in_the_middle_of_a_batch_leaves_only_its_neighbours(committee, real_branches, tmp_path):
    rb = real_branches
    folder = tmp_path / "usb"
    folder.mkdir()
    for i in (1, 2, 3):
        store, _ = rb.build(tmp_path, i)
        rb.export(store, folder / f"{i}.dzb")
        store.close()
    middle = folder / "2.dzb"
    data = middle.read_bytes()
    middle.write_bytes(data[: len(data) // 2])  # copied off the stick halfway
    report = import_bundles(committee, [folder])
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.REJECTED, m.IMPORTED]
    assert "截断" in report.outcomes[1].reason
    assert sorted(s.bundle_name for s in committee.submissions("2026Q4")) == ["1.dzb", "3.dzb"]
    assert set(_files(committee)) == _referenced(committee)
    assert not [p for p in _files(committee) if p.name.startswith(".incoming-")]


def test_cancel_keeps_the_committed_bundles_and_no_staged_files(committee, fake_bundles, monkeypatch):
    monkeypatch.setattr(importer, "COMMIT_EVERY", 3)
    for i in range(12):
        fake_bundles.make(f"第{i:02d}党支部", file=f"{i:02d}.dzb", evidence_bytes=2000 + i)

    with pytest.raises(Cancelled):
        import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify, progress=CancelWhileRecording(at=5))
    assert _import_threads() == []
    committee.close()
    with CommitteeStore(committee.paths) as reopened:
        assert sorted(s.bundle_name for s in reopened.submissions("2026Q4")) == [f"{i:02d}.dzb" for i in range(5)]
        files = _files(reopened)
        assert not [p for p in files if p.name.startswith(".incoming-")]  # those checked ahead were deleted
        assert set(files) == _referenced(reopened)


def test_a_full_database_stops_the_run_and_every_worker_thread(committee, fake_bundles):
    for i in range(20):
        fake_bundles.make(f"第{i:02d}党支部", file=f"{i:02d}.dzb")
    pages = committee.db.execute("PRAGMA page_count").fetchone()[0]
    committee.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as info:
        import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    assert "磁盘空间已满" in info.value.zh
    assert _import_threads() == []
    assert _files(committee) == []  # the bundles checked ahead lost their temporary files
    committee.db.execute("PRAGMA max_page_count = 1073741823")
    assert committee.submissions(states=("current", "superseded", "held")) == []


def test_a_verifier_crash_is_one_rejection_not_a_stopped_run(committee, fake_bundles):
    for i in range(4):
        fake_bundles.make(f"第{i}党支部", file=f"{i}.dzb")

    def verify(path, progress=None, *, sink=None):
        if path.name == "1.dzb":
            raise RuntimeError("a bug in a checker")
        return fake_bundles.verify(path, sink=sink)

    report = import_bundles(committee, [fake_bundles.folder], verify=verify)
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.REJECTED, m.IMPORTED, m.IMPORTED]
    assert "RuntimeError" in report.outcomes[1].reason
    assert set(_files(committee)) == _referenced(committee)


def test_open_temporary_files_are_bounded_while_flushes_lag(committee, fake_bundles, monkeypatch):
    """Checking runs ahead of the flushers; on a slow disk descriptors must not pile up without bound."""
    from dzdesk.committee import staging

    monkeypatch.setattr(staging, "OPEN_FILES", 3)
    real_fsync = staging.os.fsync
    open_now, peak = [0], [0]
    lock = threading.Lock()
    real_open, real_close = staging.os.open, staging.os.close
    ours: set[int] = set()

    def counting_open(path, flags, mode=0o777):
        fd = real_open(path, flags, mode)
        if ".incoming-" in str(path):
            with lock:
                ours.add(fd)
                open_now[0] += 1
                peak[0] = max(peak[0], open_now[0])
        return fd

    def counting_close(fd):
        with lock:
            if fd in ours:
                ours.discard(fd)
                open_now[0] -= 1
        return real_close(fd)

    def slow_fsync(fd):
        threading.Event().wait(0.01)  # a slow USB disk
        return real_fsync(fd)

    monkeypatch.setattr(staging.os, "open", counting_open)
    monkeypatch.setattr(staging.os, "close", counting_close)
    monkeypatch.setattr(staging.os, "fsync", slow_fsync)
    for i in range(12):
        fake_bundles.make(f"第{i:02d}党支部", file=f"{i:02d}.dzb", evidence_bytes=3000 + i)
    report = import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    assert report.count(m.IMPORTED) == 12
    assert 0 < peak[0] <= 3 and open_now[0] == 0
    assert _referenced(committee) == set(_files(committee))


def test_interrupted_while_waiting_for_a_check_leaves_no_staged_files(committee, fake_bundles):
    """Ctrl-C (or any exception) while the recording thread waits: the bundle being waited for is discarded too."""
    import _thread

    paths = [fake_bundles.make(f"支部{i}", file=f"{i:02d}.dzb") for i in range(3)]

    def verify(path, progress=None, *, sink=None):
        checked = fake_bundles.verify(path, sink=sink)  # its files are written and closed
        if path.name == "00.dzb":
            threading.Timer(0.1, _thread.interrupt_main).start()  # arrives while the main thread waits
            threading.Event().wait(0.5)
        return checked

    with pytest.raises(KeyboardInterrupt):
        import_bundles(committee, paths, verify=verify)
    assert not _import_threads()
    root = committee.blobs.root
    assert not (root.exists() and list(root.glob(".incoming-*")))


def test_content_committed_by_an_earlier_batch_is_not_written_over(committee, fake_bundles, monkeypatch):
    """A bundle checked ahead of a batch boundary may have staged content the earlier batch then
    committed: that file is kept, not replaced (on Windows a replace fails while it is open)."""
    from dzdesk.committee import staging

    monkeypatch.setattr(importer, "COMMIT_EVERY", 2)
    real_replace = staging.os.replace
    over: list[str] = []

    def replace(src, dst):
        if Path(dst).exists():
            over.append(Path(dst).name)
        return real_replace(src, dst)

    monkeypatch.setattr(staging.os, "replace", replace)
    # the same branch and revision in four quarters: identical evidence bytes in every bundle
    paths = [fake_bundles.make("甲公司党支部", period=p, file=f"{i}.dzb")
             for i, p in enumerate(["2026Q1", "2026Q2", "2026Q3", "2026Q4"])]
    report = import_bundles(committee, paths, verify=fake_bundles.verify)
    assert report.count(m.IMPORTED) == 4
    assert over == []
    assert _referenced(committee) == set(_files(committee))


def test_a_temporary_file_that_cannot_be_deleted_does_not_stop_the_import(committee, fake_bundles, monkeypatch):
    """A scanner holding a refused bundle's temporary file (Windows) leaves a stray file, nothing more."""
    from dzdesk.committee import staging

    good = fake_bundles.make("甲党支部", file="00.dzb")
    bad = fake_bundles.make("乙党支部", file="01.dzb")
    raw = bytearray(bad.read_bytes())
    raw[-30] ^= 0xFF  # damage the bundle after its evidence was written to a temporary file
    bad.write_bytes(raw)
    real_unlink = Path.unlink

    def held(self, missing_ok=False):
        if self.name.startswith(".incoming-"):
            raise PermissionError(13, "The process cannot access the file", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(staging.Path, "unlink", held)
    report = import_bundles(committee, [good, bad], verify=fake_bundles.verify)
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.REJECTED]
    assert len(committee.submissions()) == 1
