"""Errors that front ends show to people: one sentence in Chinese, one in English."""

from __future__ import annotations


class DzdeskError(Exception):
    """An expected failure with a message a person can act on.

    ``zh`` is what the GUI shows; ``en`` accompanies it on the command line.
    """

    exit_code = 1

    def __init__(self, zh: str, en: str = "") -> None:
        super().__init__(zh if not en else f"{zh} ({en})")
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return self.zh if not self.en else f"{self.zh} / {self.en}"


class ValidationError(DzdeskError):
    """Input (a file, an argument, a field) is not acceptable; nothing was written."""


class StoreError(DzdeskError):
    """The local database cannot be opened or written."""


class LockedError(DzdeskError):
    """The assessment is finalized and read-only."""


class NotFoundError(DzdeskError):
    """A period, task or evidence item the caller named does not exist."""
