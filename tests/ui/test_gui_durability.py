"""Nothing typed is lost: not on close right after typing, not when the process is killed."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import Qt

REPO = Path(__file__).resolve().parents[2]
PERIOD = "2026Q4"


def test_close_right_after_typing_loses_nothing(make_window, store, paths, db_answer, type_text, qtbot):
    window = make_window(store, executor=ThreadPoolExecutor(max_workers=1))
    qtbot.mouseClick(window.task_page.status_buttons["partial"], Qt.MouseButton.LeftButton)
    type_text(window.task_page.narrative, "刚刚输入的最后一句话")
    type_text(window.task_page.owner, "赵六")
    assert window.save_label.text() == "正在输入…"
    window.close()  # no pause, no "save?" question
    row = db_answer(PERIOD, "1")
    assert row["narrative"] == "刚刚输入的最后一句话"
    assert row["owner"] == "赵六" and row["status"] == "partial"
    assert window.save_label.text().startswith("已自动保存")
    window.ops.shutdown()


def test_killed_process_keeps_what_the_indicator_said_was_saved(store, paths, db_answer):
    text = "杀掉进程前已保存的内容"
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    store.ensure_assessment(PERIOD)
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("gui_kill_child.py")), str(paths.data_dir), text, "2026-11-28"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    try:
        ready, _, _ = select.select([child.stdout], [], [], 60)  # a stuck child fails the test, never hangs it
        line = child.stdout.readline() if ready else "no answer from the child within 60 s"
        assert line.startswith("SAVED 已自动保存"), line + child.stderr.read() if not line else line
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert db_answer(PERIOD, "1")["narrative"] == text
