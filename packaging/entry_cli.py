"""Frozen entry point of ``dzdesk-cli``: the console front end (same as ``python -m dzdesk``)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a committee import's worker process starts here (spawn), before the CLI loads
    from dzdesk.cli import main

    sys.exit(main())
