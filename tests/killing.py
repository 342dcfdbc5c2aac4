"""Children that stop at a chosen point of a real operation, to be SIGKILLed there (or left running)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dzdesk import stale

BLOCKING = textwrap.dedent(
    """
    import sys, time
    from dzdesk.progress import Progress

    class Blocked(Progress):
        '''Stops for good once ``after`` units of work are done: the parent kills it there, or not.'''
        def __init__(self, after):
            super().__init__()
            self.after = after
        def step(self, amount=1, label=None):
            super().step(amount, label)
            if self.done >= self.after:
                print("ready", flush=True)
                time.sleep(600)
    """
)


def start_blocked(script: str, *args: str) -> subprocess.Popen:
    """A child running ``script`` until it prints "ready" (and then waits to be killed)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", BLOCKING + textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    line = proc.stdout.readline() if ready else ""
    if line.strip() != "ready":
        kill(proc)
        pytest.fail(f"the child did not get to its stop: {proc.stderr.read()}")
    return proc


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the child and everything it started (its own session), as a crash or the task manager would."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def wait_until_gone(names: list[str]) -> None:
    """Every process a staging file names has ended (a killed worker takes a moment to be reaped)."""
    deadline = time.monotonic() + 60
    for name in names:
        for match in stale._TAG.finditer(name):
            while stale.gone(int(match.group(1)), int(match.group(2)), match.group(3)) is not True:
                assert time.monotonic() < deadline, f"{match.group()} still running"
                time.sleep(0.01)


def staging(folder: Path, prefix: str = ".incoming-", suffix: str = "") -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith(prefix) and p.name.endswith(suffix)
    )
