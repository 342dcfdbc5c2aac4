"""GUI speed: cold start to the main window shown, and switching between tasks.

    python benchmarks/bench_gui.py [--runs 7]

Cold start runs ``python -m dzdesk`` (with DZDESK_SMOKE_EXIT=1, on a demo data
folder) in fresh subprocesses and compares the median with a bare PySide6
QMainWindow start measured the same way in the same run (target <= 1.5x).
Task switching shows each of the 19 task pages in turn, repaint included,
and reports the 95th percentile (target <= 50 ms). Uses the offscreen
platform unless a display (e.g. xvfb-run) is present.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BARE = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\nw = QMainWindow()\nw.resize(1366, 768)\nw.show()\n"
    "app.processEvents()\nprint('shown', flush=True)\n"
)


# packaging/dzdesk.spec excludes numpy; sqlite-utils imports it when present (~0.15 s)
AS_PACKAGED = "import sys, runpy; sys.modules['numpy'] = None; sys.argv = ['dzdesk']; runpy.run_module('dzdesk', run_name='__main__')"


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), DZDESK_HOME=home, DZDESK_SMOKE_EXIT="1")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _timed(cmd: list[str], env: dict[str, str], marker: str) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO)
    for line in proc.stdout:
        if marker in line:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{cmd} never printed {marker!r}")
    proc.wait(timeout=30)
    return elapsed


def make_demo(home: str) -> None:
    from dzdesk.demo import create_demo
    from dzdesk.paths import resolve_paths
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store:
        create_demo(store, today=date.today(), finalize_current=False)


def cold_start(home: str, runs: int) -> tuple[float, float, float]:
    """Medians for the bare window, ``python -m dzdesk``, and dzdesk as packaged (no numpy)."""
    env = _env(home)
    commands = {
        "bare": ([sys.executable, "-c", BARE], "shown"),
        "dzdesk": ([sys.executable, "-m", "dzdesk"], "main window shown"),
        "packaged": ([sys.executable, "-c", AS_PACKAGED], "main window shown"),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    _timed(*commands["dzdesk"][:1], env, "main window shown")  # warm the OS file cache once
    for _ in range(runs):  # interleaved so all see the same machine load
        for name, (cmd, marker) in commands.items():
            times[name].append(_timed(cmd, env, marker))
    return tuple(statistics.median(times[name]) for name in commands)


def task_switching(home: str, rounds: int = 5) -> list[float]:
    os.environ.update({k: v for k, v in _env(home).items() if k == "QT_QPA_PLATFORM"})
    from dzdesk.paths import resolve_paths
    from ui.app import open_branch_window, prepare_app
    from ui.operations import SyncExecutor

    paths = resolve_paths(home)
    app, settings = prepare_app(paths)
    window = open_branch_window(paths, settings, SyncExecutor())
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    keys = window.session.state.template.task_keys
    times: list[float] = []
    for _ in range(rounds):
        for key in keys:
            start = time.perf_counter()
            window.go_to_task(key)
            window.repaint()
            app.processEvents()
            times.append((time.perf_counter() - start) * 1000)
    window.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dzdesk-bench-") as home:
        make_demo(home)
        bare, dz, packaged = cold_start(home, args.runs)
        print(f"cold start, median of {args.runs}: bare QMainWindow {bare * 1000:.0f} ms; "
              f"python -m dzdesk {dz * 1000:.0f} ms, ratio {dz / bare:.2f}x; "
              f"as packaged (no numpy) {packaged * 1000:.0f} ms, ratio {packaged / bare:.2f}x (target <= 1.5x)")
        times = sorted(task_switching(home))
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"task switching over {len(times)} switches: median {statistics.median(times):.1f} ms, "
              f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms (target p95 <= 50 ms)")


if __name__ == "__main__":
    main()
