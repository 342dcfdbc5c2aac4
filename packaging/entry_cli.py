"""Frozen entry point of ``dzdesk-cli``: the console front end (same as ``python -m dzdesk``)."""

import sys

from dzdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
