"""The branch store: one SQLite file plus a content-addressed evidence folder."""

from .branch_store import Store

__all__ = ["Store"]
