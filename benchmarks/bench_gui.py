"""GUI speed: cold start to the main window shown, and switching between tasks.

    python benchmarks/bench_gui.py [--runs 7]

Cold start runs ``python -m dzdesk`` (with DZDESK_SMOKE_EXIT=1, on a demo data
folder) in fresh subprocesses and compares the median with a bare PySide6
QMainWindow start measured the same way in the same run (target <= 1.5x).
dzdesk puts its window on screen before the store is open, so two moments are
timed in each run: "window shown" (frame with menus, period bar and "正在打开自评记录…",
shown and events processed, like the bare baseline) and "data shown" (task tree
and the current task's page filled in, after the next event-loop turn).
Task switching starts the window through ``BranchLauncher`` (the path ``dzdesk``
takes, store on its own thread), then shows each of the 19 task pages in turn,
repaint included, and reports the 95th percentile (target <= 50 ms). Uses the offscreen
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


# packaging/dzdesk.spec excludes numpy (the GUI also hides it while sqlite-utils loads)
AS_PACKAGED = "import sys, runpy; sys.modules['numpy'] = None; sys.argv = ['dzdesk']; runpy.run_module('dzdesk', run_name='__main__')"


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), DZDESK_HOME=home, DZDESK_SMOKE_EXIT="1")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _timed(cmd: list[str], env: dict[str, str], *markers: str) -> list[float]:
    """Seconds from process start to each marker line, in order."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO)
    elapsed: list[float] = []
    for line in proc.stdout:
        if markers[len(elapsed)] in line:
            elapsed.append(time.perf_counter() - start)
            if len(elapsed) == len(markers):
                break
    if len(elapsed) < len(markers):
        raise RuntimeError(f"{cmd} never printed {markers[len(elapsed)]!r}")
    proc.wait(timeout=30)
    return elapsed


def make_demo(home: str) -> None:
    from dzdesk.demo import create_demo
    from dzdesk.paths import resolve_paths
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store:
        create_demo(store, today=date.today(), finalize_current=False)


SHOWN, DATA = "main window shown", "data shown"


def cold_start(home: str, runs: int) -> dict[str, float]:
    """Medians (seconds) for the bare window and for dzdesk's window and data, plain and as packaged."""
    env = _env(home)
    commands = {
        "bare": ([sys.executable, "-c", BARE], ("shown",)),
        "dzdesk": ([sys.executable, "-m", "dzdesk"], (SHOWN, DATA)),
        "packaged": ([sys.executable, "-c", AS_PACKAGED], (SHOWN, DATA)),
    }
    times: dict[str, list[float]] = {}
    _timed(commands["dzdesk"][0], env, SHOWN, DATA)  # warm the OS file cache once
    for _ in range(runs):  # interleaved so all see the same machine load
        for name, (cmd, markers) in commands.items():
            for marker, seconds in zip(markers, _timed(cmd, env, *markers), strict=True):
                times.setdefault(f"{name} {marker}", []).append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def task_switching(home: str, rounds: int = 5) -> list[float]:
    os.environ.update({k: v for k, v in _env(home).items() if k == "QT_QPA_PLATFORM"})
    from dzdesk.paths import resolve_paths
    from ui.app import prepare_app
    from ui.startup import BranchLauncher

    paths = resolve_paths(home)
    app, settings = prepare_app(paths)
    launcher = BranchLauncher(paths, settings)  # as run_gui starts: the store on its own thread
    window = launcher.window
    window.resize(1366, 768)
    shown: list[bool] = []
    launcher.on_data_shown = lambda: shown.append(True)
    launcher.start()
    deadline = time.monotonic() + 60
    while not shown:
        if launcher.exit_code is not None or time.monotonic() > deadline:
            raise RuntimeError("the demo period never came on screen")
        app.processEvents()
        time.sleep(0.005)
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
    launcher.finish()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dzdesk-bench-") as home:
        make_demo(home)
        medians = cold_start(home, args.runs)
        bare = medians["bare shown"]
        print(f"cold start, median of {args.runs} runs each: bare QMainWindow shown {bare * 1000:.0f} ms")
        for name in ("dzdesk", "packaged"):
            label = "python -m dzdesk" if name == "dzdesk" else "as packaged (no numpy)"
            shown, data = medians[f"{name} {SHOWN}"], medians[f"{name} {DATA}"]
            print(f"  {label}: window shown {shown * 1000:.0f} ms, ratio {shown / bare:.2f}x (target <= 1.5x); "
                  f"data shown {data * 1000:.0f} ms, ratio {data / bare:.2f}x")
        times = sorted(task_switching(home))
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"task switching over {len(times)} switches: median {statistics.median(times):.1f} ms, "
              f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms (target p95 <= 50 ms)")


if __name__ == "__main__":
    main()
