"""The branch store: one SQLite file plus a content-addressed evidence folder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .branch_store import Store

__all__ = ["Store"]


def __getattr__(name: str) -> Any:
    # Lazy so that ``dzdesk.store.blobs`` and friends can be imported without
    # sqlite-utils (~0.1 s): the GUI shows its window before opening the store.
    if name == "Store":
        from .branch_store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
