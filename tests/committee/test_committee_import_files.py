"""Import reads each bundle once: files written while verified, durable before commit, shared ones stored once.

Real bundles (dzdesk.bundle.export_bundle) and the real verifier throughout.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)

from dzdesk.bundle import verify_bundle
from dzdesk.committee import models as m
from dzdesk.committee.importer import import_bundles
from dzdesk.errors import StoreError
from dzdesk.store.blobs import BlobStore

SHARED = b"\x89PNG shared photo of the joint activity " * 2000  # both branches attach this same file


@pytest.fixture(scope="module")
def usb(tmp_path_factory, real_branches) -> dict[str, Path]:
    """Two branches: 甲 with two evidence files, 乙 with the photo 甲 also has."""
    rb = real_branches
    root = tmp_path_factory.mktemp("import-files")
    out = root / "usb"
    out.mkdir()
    bundles = {}
    for i, own in ((1, b"only in branch 1 " * 5000), (2, None)):
        store, _ = rb.build(root, i)
        shared = root / f"shared{i}.png"
        shared.write_bytes(SHARED)
        store.reopen(rb.period)
        store.add_evidence(rb.period, rb.keys[0], shared, "联合活动")
        if own is not None:
            extra = root / f"own{i}.jpg"
            extra.write_bytes(own)
            store.add_evidence(rb.period, rb.keys[1], extra, "本支部活动")
        store.finalize(rb.period)
        bundles[f"b{i}"] = rb.export(store, out / f"{i:02d}.dzb")
        store.close()
    return bundles


def _files(committee) -> list[Path]:
    root = committee.blobs.root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _tampered_copy(src: Path, dst: Path, member_index: int) -> str:
    """Copy the bundle, flipping bytes of its ``member_index``-th evidence member (same size; zip stays valid)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        evidence = [i.filename for i in zin.infolist() if i.filename.startswith("evidence/")]
        target = evidence[member_index]
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == target:
                data = bytes(b ^ 0x5A for b in data[:64]) + data[64:]
            zout.writestr(info, data)
    return target


def test_the_verifier_hands_over_exactly_the_verified_members(usb):
    copies: dict[str, bytearray] = {}

    class Copy:
        def __init__(self, key: str) -> None:
            self.key = key
            copies[key] = bytearray()

        def write(self, chunk: bytes) -> None:
            copies[self.key].extend(chunk)

        def close(self) -> None:
            pass

    seen = []

    def sink(entry):
        seen.append(entry.role)
        return Copy(entry.path) if entry.role != "changes" else None

    vb = verify_bundle(usb["b1"], sink=sink)
    assert vb == verify_bundle(usb["b1"])  # the sink changes nothing about the result
    assert sorted(seen) == ["assessment", "changes", "evidence", "evidence", "report"]
    for ev in vb.evidence:
        assert hashlib.sha256(copies[ev.member]).hexdigest() == ev.sha256
    assert bytes(copies["report.pdf"]).startswith(b"%PDF")


def test_shared_evidence_is_stored_once_and_each_file_is_in_place(committee, usb):
    report = import_bundles(committee, [usb["b1"], usb["b2"]])
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.IMPORTED]
    shas = set()
    for sub in committee.submissions("2026Q4"):
        for ev in committee.evidence(sub.id):
            blob = committee.blobs.path(ev["sha256"])
            assert hashlib.sha256(blob.read_bytes()).hexdigest() == ev["sha256"]
            shas.add(ev["sha256"])
        assert committee.blobs.path(sub.report_sha256).read_bytes().startswith(b"%PDF")
    assert hashlib.sha256(SHARED).hexdigest() in shas and len(shas) == 2
    files = _files(committee)
    assert not [p for p in files if p.name.startswith(".incoming-")]
    assert len(files) == 2 + 2  # two evidence blobs (one shared) and two reports
    again = import_bundles(committee, [usb["b1"], usb["b2"]])
    assert [o.outcome for o in again.outcomes] == [m.ALREADY, m.ALREADY]
    assert _files(committee) == files


@pytest.mark.parametrize("member_index", [0, 1])
def test_a_bundle_failing_halfway_leaves_no_files_and_no_rows(committee, usb, tmp_path, member_index):
    bad = tmp_path / "tampered.dzb"
    _tampered_copy(usb["b1"], bad, member_index)
    [outcome] = import_bundles(committee, [bad]).outcomes
    assert outcome.outcome == m.REJECTED and "哈希值不符" in outcome.reason
    assert _files(committee) == []
    assert committee.submissions(states=("current", "superseded", "held")) == []
    assert committee.branches() == []


def test_a_bad_bundle_beside_good_ones_leaves_only_the_good_ones(committee, usb, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(usb["b2"], folder / "a.dzb")
    _tampered_copy(usb["b1"], folder / "b.dzb", 1)
    report = import_bundles(committee, [folder])
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.REJECTED]
    [sub] = committee.submissions("2026Q4")
    wanted = {committee.blobs.path(sub.report_sha256)} | {committee.blobs.path(e["sha256"]) for e in committee.evidence(sub.id)}
    assert set(_files(committee)) == wanted


def test_files_are_flushed_before_the_commit_that_refers_to_them(committee, usb, monkeypatch):
    events: list[tuple[str, object]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        events.append(("fsync", os.fstat(fd).st_ino))

    monkeypatch.setattr(os, "fsync", fsync)
    committee.db.conn.set_trace_callback(lambda sql: events.append(("sql", sql.strip().upper())))
    import_bundles(committee, [usb["b1"], usb["b2"]])
    committee.db.conn.set_trace_callback(None)
    commit = events.index(("sql", "COMMIT"))
    flushed = {ino for kind, ino in events[:commit] if kind == "fsync"}
    for blob in _files(committee):
        assert blob.stat().st_ino in flushed, f"{blob.name} was not flushed before the commit"
        if os.name != "nt":
            assert blob.parent.stat().st_ino in flushed, f"{blob.parent.name}/ was not flushed before the commit"


def test_a_disk_error_stops_the_import_and_saves_nothing_of_the_batch(committee, usb, monkeypatch):
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_size > 10000:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StoreError, match="磁盘空间已满"):
        import_bundles(committee, [usb["b1"], usb["b2"]])
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert committee.submissions(states=("current", "superseded", "held")) == []
    assert committee.branches() == []
    assert not [p for p in _files(committee) if p.name.startswith(".incoming-")]
    report = import_bundles(committee, [usb["b1"], usb["b2"]])  # with space again, the same import works
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.IMPORTED]


def test_temporary_files_are_created_exclusively_and_privately(tmp_path):
    from dzdesk.committee.staging import Staging, discard

    staging = Staging(BlobStore(tmp_path / "files"))
    try:
        full, empty = staging.new_temp(), staging.new_temp()
        full_tmp, empty_tmp = full.path, empty.path
        assert full_tmp != empty_tmp and full_tmp.parent == empty_tmp.parent == tmp_path / "files"
        assert full_tmp.name.startswith(".incoming-")
        for chunk in (b"a" * 10, b"b" * 5):
            full.write(chunk)
        full.close()
        empty.close()  # a member of 0 bytes still becomes a (flushed) file
        for temp in (full, empty):
            temp.done.wait()
            assert temp.error is None
        assert full_tmp.read_bytes() == b"a" * 10 + b"b" * 5
        assert empty_tmp.read_bytes() == b""
        if os.name != "nt":
            assert stat.S_IMODE(full_tmp.stat().st_mode) == 0o600  # private, as tempfile.mkstemp made them

        clash = staging.new_temp()
        clash_tmp = clash.path
        clash_tmp.write_bytes(b"someone else's file")  # never overwritten, even if a name came up twice
        clash.write(b"new content")
        clash.close()
        clash.done.wait()
        assert isinstance(clash.error, FileExistsError)
        assert clash_tmp.read_bytes() == b"someone else's file"
        discard([full, empty, clash])  # the clashing file is not ours: it stays
        assert not full_tmp.exists() and not empty_tmp.exists()
        assert clash_tmp.read_bytes() == b"someone else's file"
    finally:
        staging.close()


def test_a_failing_file_is_reported_before_the_commit_and_the_others_are_written(tmp_path, monkeypatch):
    from dzdesk.committee.staging import Staging

    staging = Staging(BlobStore(tmp_path / "files"))
    try:
        real_fsync = os.fsync
        failing = []

        def fsync(fd: int) -> None:
            if os.fstat(fd).st_ino in failing:
                raise OSError(5, "Input/output error")
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        bad, good = staging.new_temp(), staging.new_temp()
        bad.write(b"a" * 10)
        failing.append(bad.path.stat().st_ino)
        good.write(b"b" * 10)
        bad.close()
        good.close()
        staging.pending = {"0" * 64: bad, "1" * 64: good}
        with pytest.raises(StoreError, match="写入佐证材料失败"):
            staging.make_durable()
        assert good.done.is_set() and good.error is None and good.path.read_bytes() == b"b" * 10
        assert not staging.blobs.path("1" * 64).exists()  # nothing renamed while a file of the batch failed
        staging.abandon()  # the batch does not commit: both temporary files go
        assert not bad.path.exists() and not good.path.exists()
    finally:
        staging.close()


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 - 7])
def test_files_of_any_size_are_written_exactly(tmp_path, size):
    """Chunks of any size, as stored and deflated members give them: every file comes out byte for byte."""
    from dzdesk.committee.staging import Staging

    data = os.urandom(size)
    staging = Staging(BlobStore(tmp_path / "files"))
    try:
        temp = staging.new_temp()
        for start in range(0, size, 300_001):  # odd chunk sizes, as a deflated member gives them
            temp.write(memoryview(data)[start : start + 300_001])
        temp.close()
        temp.done.wait()
        assert temp.error is None
        assert temp.path.read_bytes() == data
    finally:
        staging.close()


def test_a_full_committee_database_stops_the_import_with_one_sentence(committee, usb):
    """SQLite's own 'disk is full' (here: a page limit) is reported as such, not as a bad bundle."""
    pages = committee.db.execute("PRAGMA page_count").fetchone()[0]
    committee.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as info:
        import_bundles(committee, [usb["b1"]])
    assert "磁盘空间已满" in info.value.zh
    committee.db.execute("PRAGMA max_page_count = 1073741823")
    assert committee.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0
    assert import_bundles(committee, [usb["b1"]]).outcomes[0].outcome == m.IMPORTED


def _sha_named(path: Path) -> bool:
    return hashlib.sha256(path.read_bytes()).hexdigest() == path.name


def test_a_folder_flush_failure_leaves_complete_files_that_the_retry_flushes_itself(committee, usb, monkeypatch):
    """Renamed into place but their folder entries not flushed: the files stay (each complete: it was
    flushed before it was renamed; another import may already rely on it), and the import that relies
    on them later flushes them and their folders before its commit."""
    from dzdesk.committee import staging

    def failing_dir_flush(folder):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(staging, "fsync_dir", failing_dir_flush)
    with pytest.raises(StoreError, match="写入佐证材料失败"):
        import_bundles(committee, [usb["b1"], usb["b2"]])
    placed = _files(committee)
    assert placed and all(_sha_named(p) for p in placed)  # no temporary file, nothing half written
    assert committee.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0
    monkeypatch.undo()
    flushed_files: list[Path] = []
    flushed_folders: list[Path] = []
    real_file, real_folder = staging.flush_stored, staging.fsync_dir
    monkeypatch.setattr(staging, "flush_stored", lambda path: (flushed_files.append(path), real_file(path)))
    monkeypatch.setattr(staging, "fsync_dir", lambda folder: (flushed_folders.append(folder), real_folder(folder)))
    report = import_bundles(committee, [usb["b1"], usb["b2"]])
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.IMPORTED]
    assert set(placed) <= set(flushed_files)
    assert {p.parent for p in placed} <= set(flushed_folders)
    for sub in committee.submissions():
        assert committee.blobs.path(sub.report_sha256).is_file()
        assert all(committee.blobs.path(e["sha256"]).is_file() for e in committee.evidence(sub.id))


@pytest.mark.parametrize("checked_in", ["threads", "fork"])
def test_a_stored_file_a_new_bundle_refers_to_is_flushed_before_the_commit(committee, usb, monkeypatch, checked_in):
    """乙's photo is stored already (甲 brought it, perhaps in another import still running): 乙's
    import does not write it again, but flushes it and its folder before 乙's row is committed.
    The same whether 乙 is checked on a thread or in a worker process."""
    from dzdesk.committee import staging

    if checked_in == "fork" and not hasattr(os, "fork"):
        pytest.skip("no fork on this platform (spawned workers are covered in test_committee_import_workers)")
    monkeypatch.setenv("DZDESK_IMPORT_START", checked_in)
    import_bundles(committee, [usb["b1"]])
    shared = committee.blobs.path(hashlib.sha256(SHARED).hexdigest())
    assert shared.is_file()
    seen: list[tuple[str, Path, int]] = []
    real_file, real_folder = staging.flush_stored, staging.fsync_dir

    def committed() -> int:  # what another connection sees: only committed rows
        import sqlite3

        with sqlite3.connect(committee.db_file) as other:
            return other.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]

    monkeypatch.setattr(staging, "flush_stored", lambda path: (seen.append(("file", path, committed())), real_file(path)))
    monkeypatch.setattr(staging, "fsync_dir", lambda folder: (seen.append(("folder", folder, committed())), real_folder(folder)))
    written_before = shared.stat().st_mtime_ns
    report = import_bundles(committee, [usb["b2"]])
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED]
    assert ("file", shared, 1) in seen  # flushed while only 甲's row was committed
    assert ("folder", shared.parent, 1) in seen
    assert shared.stat().st_mtime_ns == written_before  # relied on, not written again
    assert committed() == 2


def test_a_stored_file_removed_before_the_commit_stops_the_batch_and_the_retry_stores_it(committee, usb, monkeypatch):
    """If the stored file a bundle relies on is gone when the batch is made durable, the batch is
    not committed (its row would point at nothing); importing again writes the file anew."""
    from dzdesk.committee import staging

    import_bundles(committee, [usb["b1"]])
    shared = committee.blobs.path(hashlib.sha256(SHARED).hexdigest())
    real_file = staging.flush_stored

    def removed_meanwhile(path: Path) -> None:
        path.unlink(missing_ok=True)  # as if taken away between the check and the commit
        real_file(path)

    monkeypatch.setattr(staging, "flush_stored", removed_meanwhile)
    with pytest.raises(StoreError) as caught:
        import_bundles(committee, [usb["b2"]])
    assert "被移除" in caught.value.zh and "请重新导入" in caught.value.zh
    assert committee.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
    assert not [p for p in _files(committee) if p.name.startswith(".incoming")]
    monkeypatch.undo()
    report = import_bundles(committee, [usb["b2"]])
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED]
    assert shared.read_bytes() == SHARED


def test_a_file_held_for_a_moment_is_opened_again_and_one_held_for_long_is_an_error(tmp_path, monkeypatch):
    """As a virus scanner does on Windows, right after a worker closed a file: the flush waits briefly."""
    from dzdesk.committee import staging

    monkeypatch.setattr(staging, "REOPEN_PAUSES", (0.001, 0.001, 0.001))
    stored = tmp_path / "ab" / ("ab" * 32)
    stored.parent.mkdir()
    stored.write_bytes(b"stored evidence")
    real_open = os.open
    held = {"times": 2}

    def open_held(path, flags, *args):
        if Path(path) == stored and held["times"]:
            held["times"] -= 1
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", open_held)
    staging.flush_stored(stored)  # held twice, opened the third time
    assert held["times"] == 0
    held["times"] = 10
    with pytest.raises(PermissionError):
        staging.flush_stored(stored)  # still held after every pause: the import reports it
    assert held["times"] == 10 - 4


def test_the_staging_is_closed_even_when_stopping_the_checkers_fails(committee, usb, monkeypatch):
    """A second Ctrl-C while the checkers stop: this import's temporary files are still swept."""
    from dzdesk.committee import checking, staging

    made: list[staging.Staging] = []
    real_init = staging.Staging.__init__
    monkeypatch.setattr(staging.Staging, "__init__", lambda self, *a, **k: (made.append(self), real_init(self, *a, **k))[1])

    def interrupted(self) -> None:
        (committee.blobs.root / f"{made[0].prefix}left-behind").write_bytes(b"a file a worker was writing")
        raise KeyboardInterrupt

    monkeypatch.setattr(checking.VerifyAhead, "close", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_bundles(committee, [usb["b1"]])
    assert made[0].flushers._shutdown  # the flusher threads were stopped
    assert not [p for p in committee.blobs.root.iterdir() if p.name.startswith(".incoming")]
