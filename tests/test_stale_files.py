"""Staging files of killed processes are swept when their store opens (or the next export runs);
a live process's never are (issue 14, item 13)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from killing import kill, staging, start_blocked

from dzdesk import stale
from dzdesk.bundle import export_bundle
from dzdesk.identity import create_identity
from dzdesk.models import BranchProfile
from dzdesk.paths import resolve_paths
from dzdesk.store import Store

needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
PERIOD = "2026Q4"
MiB = 1024 * 1024


# -- the rule itself ---------------------------------------------------------------------------
def test_the_rule_on_crafted_names(tmp_path):  # also on Windows: OpenProcess instead of /proc
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        started = stale._started(live.pid)
        here = stale._host()
        dead = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
        )
        dead_pid = int(dead.stdout)
        old = time.time() - stale.STALE_AGE - 60
        names = {
            f".incoming-{stale.owner_tag()}-a": True,  # this process: kept
            f".incoming-{stale.tag_for(live.pid, started, here)}-a": True,  # a live process: kept
            f".incoming-{stale.tag_for(live.pid, started + 1, here)}-a": False,  # its id, another start: reused
            f".incoming-{stale.tag_for(dead_pid, 123, here)}-a": False,  # ended
            f".incoming-{stale.tag_for(dead_pid, 123, 'abcdef')}-a": True,  # another computer, fresh: kept
            f".incoming-{stale.tag_for(dead_pid, 123, 'abcdef')}-old": False,  # another computer, a week old
            ".incoming-1234-0123456789ab-7": True,  # named before tags, fresh: kept
            ".incoming-1234-0123456789ab-old": False,  # named before tags, a week old
            # a committee worker's file: gone only when the importer and the worker are
            f".incoming-{stale.tag_for(dead_pid, 123, here)}-0a1b-w{stale.tag_for(live.pid, started, here)}-3": True,
            f".incoming-{stale.tag_for(dead_pid, 123, here)}-0a1b-w{stale.tag_for(dead_pid, 1, here)}-3": False,
            f"photo-{stale.tag_for(dead_pid, 123, here)}.jpg": True,  # not a staging name
        }
        for name in names:
            (tmp_path / name).write_bytes(b"x")
            if name.endswith("old"):
                os.utime(tmp_path / name, (old, old))
        (
            tmp_path / f".incoming-{stale.tag_for(dead_pid, 1, here)}-dir"
        ).mkdir()  # not a file: never touched
        removed = stale.sweep(tmp_path, ".incoming-")
        assert sorted(removed) == sorted(n for n, keep in names.items() if not keep)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [n for n, keep in names.items() if keep]
            + [f".incoming-{stale.tag_for(dead_pid, 1, here)}-dir"]
        )
    finally:
        live.kill()
        live.wait()
    assert stale.sweep(tmp_path / "no such folder", ".incoming-") == []


# -- answers import ------------------------------------------------------------------------
def branch(home: Path, evidence_bytes: int = 0) -> Path:
    """A branch with its key, period and (optionally) one large evidence file; its data folder."""
    paths = resolve_paths(home)
    with Store(paths, actor="书记") as store:
        store.save_profile(BranchProfile("测试党支部", "social", "上级党委", "张三", 5))
        create_identity(paths, "中共测试党支部", "上级党委")
        if evidence_bytes:
            photo = home.parent / "大文件.mp4"
            photo.write_bytes(os.urandom(evidence_bytes))
            store.create_assessment(PERIOD)
            for key in store.template_for(store.require(PERIOD)).task_keys:
                store.set_answer(PERIOD, key, status="done", narrative="已完成")
            store.add_evidence(PERIOD, "1", photo)
            store.finalize(PERIOD)
    return home


ANSWERS = """
import sys
from pathlib import Path
from dzdesk.answers_import import import_answers
from dzdesk.store import Store
with Store.open(sys.argv[1]) as store:
    import_answers(store, "2026Q4", Path(sys.argv[2]), Blocked(int(sys.argv[3])))
"""


@needs_sigkill
def test_a_killed_answers_import_leaves_no_evidence_copy_behind(tmp_path):
    home = branch(tmp_path / "home")
    (tmp_path / "answers").mkdir()
    for i in range(2):
        (tmp_path / "answers" / f"录像{i}.mp4").write_bytes(os.urandom(4 * MiB))
    answers = tmp_path / "answers" / "answers.json"
    answers.write_text(
        json.dumps({"1": {"status": "done", "evidence": ["录像0.mp4", "录像1.mp4"]}}),
        encoding="utf-8",
    )
    evidence = home / "evidence"
    live = start_blocked(ANSWERS, str(home), str(answers), str(MiB))  # mid-copy of the first file
    try:
        live_files = staging(evidence)
        killed = start_blocked(
            ANSWERS, str(home), str(answers), str(5 * MiB)
        )  # mid-copy of the second
        left = sorted(set(staging(evidence)) - set(live_files))
        assert live_files and left  # each has a copy under way
        kill(killed)
        with Store.open(home) as store:  # opening sweeps: the killed import's copies only
            assert staging(evidence) == live_files
            assert store.assessments() == []  # and the import had written nothing (item 10)
    finally:
        kill(live)
    with Store.open(home):
        assert staging(evidence) == []


# -- export ----------------------------------------------------------------------------------
EXPORT = """
import sys
from dzdesk.bundle import export_bundle
from dzdesk.store import Store
with Store.open(sys.argv[1]) as store:
    export_bundle(store, "2026Q4", sys.argv[2], progress=Blocked(int(sys.argv[3])))
"""


@needs_sigkill
def test_a_killed_export_leaves_no_part_file_after_the_next_export(tmp_path):
    home = branch(tmp_path / "home", evidence_bytes=12 * MiB)
    usb = tmp_path / "usb"
    usb.mkdir()
    live = start_blocked(EXPORT, str(home), str(usb / "a.dzb"), str(2 * MiB))
    try:
        live_part = staging(usb, ".~dzb-", ".part")
        killed = start_blocked(EXPORT, str(home), str(usb / "b.dzb"), str(4 * MiB))
        left = sorted(set(staging(usb, ".~dzb-", ".part")) - set(live_part))
        assert len(live_part) == 1 and len(left) == 1
        kill(killed)
        with Store.open(home) as store:
            export_bundle(
                store, PERIOD, usb / "c.dzb"
            )  # removes the killed export's part, not the live one's
        assert staging(usb, ".~dzb-", ".part") == live_part
        assert sorted(p.name for p in usb.iterdir() if not p.name.startswith(".")) == ["c.dzb"]
    finally:
        kill(live)
    with Store.open(home) as store:
        export_bundle(store, PERIOD, usb / "c.dzb")
    assert staging(usb, ".~dzb-", ".part") == []
