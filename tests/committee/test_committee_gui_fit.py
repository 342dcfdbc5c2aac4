"""The committee window and every dialog fit a 1366×768 screen at 100 % and 125 % scaling, and
tables elide long cells (issue 16, item 9). Each scale needs its own QApplication: a child
process (committee_fit_child.py) opens every view on a configured offscreen screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("committee_fit_child.py")
VIEWS = [
    "first-run",
    "window",
    "grade",
    "detail",
    "keys",
    "info",
    "summary",
    "import",
    "help",
    "about",
]
ELIDE_RIGHT = 1  # Qt.TextElideMode.ElideRight


@pytest.fixture(scope="module", params=["1", "1.25"])
def fitted(request) -> dict:
    env = {**os.environ, "QT_SCALE_FACTOR": request.param}
    env.pop("QT_QPA_PLATFORM", None)  # the child configures its own 1366×768 offscreen screen
    done = subprocess.run(
        [sys.executable, str(CHILD)], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_view_fits_the_screen(fitted):
    views = fitted["views"]
    assert list(views) == VIEWS
    width, height = (1366, 768) if fitted["scale"] == "1" else (1093, 614)
    for name, view in views.items():
        x, y, w, h = view["frame"]
        assert view["screen"] == [0, 0, width, height], name
        assert x >= 0 and y >= 0 and x + w <= width and y + h <= height, (name, view["frame"])
        assert view["outside"] == [], name


def test_branch_names_keep_room_in_the_overview(fitted):
    width, needed = fitted["views"]["window"]["name_column"]
    assert width >= needed


def test_tables_elide_long_cells(fitted):
    for name in ("window", "detail", "keys", "import"):
        assert fitted["views"][name]["elide"] == [ELIDE_RIGHT], name
