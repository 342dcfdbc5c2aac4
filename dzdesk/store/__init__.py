"""The branch store: one SQLite file plus a content-addressed evidence folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .branch_store import Store

# Lazy so that ``dzdesk.store.blobs`` and friends can be imported without
# sqlite-utils (~0.1 s): the GUI shows its window before opening the store.
_WHERE = {"Store": ".branch_store"}
__all__ = ["Store"]

__getattr__, __dir__ = exports(__name__, _WHERE, globals())
