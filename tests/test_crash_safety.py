"""SIGKILL in the middle of a batch of edits loses nothing that was reported saved."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from dzdesk.store import Store

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from dzdesk.models import BranchProfile
    from dzdesk.store import Store
    store = Store.open(sys.argv[1])
    store.save_profile(BranchProfile("崩溃测试党支部", "social", "上级党委", "张三", 5))
    store.create_assessment("2026Q4")
    photo = Path(sys.argv[1]) / "photo.png"
    i = 0
    while True:
        store.set_answer("2026Q4", str(i % 19 + 1), narrative=f"edit {i}")
        if i % 25 == 0:
            photo.write_bytes(b"png" + str(i).encode() * 5000)
            store.add_evidence("2026Q4", "18", photo, caption=f"photo {i}")
        print(f"saved {i}", flush=True)
        i += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_kill_during_edits_keeps_every_reported_edit(tmp_path):
    home = tmp_path / "crash"
    home.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(home)], stdout=subprocess.PIPE, text=True)
    last = -1
    for line in proc.stdout:
        last = int(line.split()[1])
        if last >= 300:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert last >= 300

    with sqlite3.connect(home / "dzdesk.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Store.open(home) as store:
        logged = {row["new"] for row in store.db.query("SELECT new FROM change_log WHERE field = 'narrative'")}
        missing = [i for i in range(last + 1) if f"edit {i}" not in logged]
        assert missing == []
        captions = {e.caption for e in store.evidence(store.require("2026Q4"), "18")}
        assert {f"photo {i}" for i in range(0, last + 1, 25)} <= captions
        for ev in store.evidence(store.require("2026Q4")):
            assert store.evidence_file(ev).stat().st_size == ev.size
        # the store is still writable after the crash
        store.set_answer("2026Q4", "1", narrative="after the crash")
