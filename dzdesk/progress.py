"""A plain progress object the engine updates and front ends read (Anki-style).

The engine calls :meth:`Progress.step` between items; a front end polls
``done``/``total``/``label`` on a timer and sets ``cancelled`` to ask the engine
to stop at the next safe point, where it raises :class:`Cancelled`.
"""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """The person cancelled the operation; nothing was written."""


class Progress:
    def __init__(self, total: int = 0, label: str = "") -> None:
        self._lock = threading.Lock()
        self.done = 0
        self.total = total
        self.label = label
        self.cancelled = False

    def start(self, total: int, label: str = "") -> None:
        with self._lock:
            self.total, self.done = total, 0
            if label:
                self.label = label
        self.check()

    def step(self, amount: int = 1, label: str | None = None) -> None:
        with self._lock:
            self.done += amount
            if label is not None:
                self.label = label
        self.check()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def cancel(self) -> None:
        self.cancelled = True


NO_PROGRESS = Progress()
