"""A committee import killed mid-way: its temporary files are swept when the store next opens,
those of an import still running are not (issue 14, item 13)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: real_branches)
from killing import kill, staging, start_blocked, wait_until_gone

from dzdesk.committee import models as m
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.store import CommitteeStore
from dzdesk.paths import resolve_paths

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
BUNDLES = 12

IMPORT = """
import sys
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.store import CommitteeStore
from dzdesk.paths import resolve_paths
with CommitteeStore(resolve_paths(sys.argv[1]), actor="委员甲") as store:
    import_bundles(store, [sys.argv[2]], progress=Blocked(int(sys.argv[3])))
"""
# another import into the same store, still writing: a temporary file of its own, open
WRITING = """
import sys
from pathlib import Path
from dzdesk.committee.staging import Staging
from dzdesk.store.blobs import BlobStore
staging = Staging(BlobStore(Path(sys.argv[1])))
temp = staging.new_temp()
temp.write(b"still being written")
Blocked(0).step(0)
"""


@pytest.fixture(scope="module")
def usb(tmp_path_factory, real_branches) -> Path:
    root = tmp_path_factory.mktemp("killed")
    folder = root / "usb"
    folder.mkdir()
    for i in range(BUNDLES):
        store, _ = real_branches.build(root, i + 1)
        photo = root / f"photo{i}.jpg"
        photo.write_bytes(os.urandom(150_000 + i))
        store.reopen(real_branches.period)
        store.add_evidence(real_branches.period, real_branches.keys[0], photo, "现场照片")
        store.finalize(real_branches.period)
        real_branches.export(store, folder / f"{i + 1:02d}.dzb")
        store.close()
    return folder


@pytest.mark.parametrize("start", ["threads", "fork"])
def test_a_killed_import_leaves_no_temporary_file_once_the_store_opens(
    usb, tmp_path, monkeypatch, start
):
    monkeypatch.setenv("DZDESK_IMPORT_START", start)
    home = tmp_path / "committee"
    with CommitteeStore(resolve_paths(home), actor="委员甲") as store:
        files = store.blobs.root
    live = start_blocked(WRITING, str(files))
    try:
        still_writing = staging(files)
        killed = start_blocked(
            IMPORT, str(home), str(usb), "3"
        )  # three bundles recorded, more checked ahead
        left = sorted(set(staging(files)) - set(still_writing))
        assert (
            len(still_writing) == 1 and len(left) >= 3
        )  # the kill leaves files behind: the test means something
        kill(killed)
        wait_until_gone(left)  # its worker processes too
        with CommitteeStore(resolve_paths(home), actor="委员甲") as store:
            assert (
                staging(files) == still_writing
            )  # the killed import's files went, the running one's stayed
            assert store.submissions() == []  # its first batch had not committed
            report = import_bundles(store, [usb])
            assert report.count(m.IMPORTED) == BUNDLES
            assert staging(files) == still_writing
    finally:
        kill(live)
    with CommitteeStore(resolve_paths(home), actor="委员甲"):
        assert staging(files) == []
