"""Frozen entry point of the windowed ``dzdesk`` executable.

Without a console, argparse output would go nowhere, so only ``--home DIR`` is
understood here; every other command belongs to ``dzdesk-cli``.
"""

import multiprocessing
import sys


def _home(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--home" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--home="):
            return arg.split("=", 1)[1]
    return None


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a committee import's worker process starts here (spawn), before any window
    from ui.app import run_gui

    sys.exit(run_gui(_home(sys.argv[1:])) or 0)
