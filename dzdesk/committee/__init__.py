"""The committee workstation: receive branches' bundles, check, grade with the A quota, summarise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .grading import QuotaError, quota, set_grade
    from .importer import import_bundles
    from .overview import overview_rows, rectifications
    from .roster import read_roster
    from .store import CommitteeStore

# Loaded on first use: an import's worker process needs checking.py, not the store or sqlite-utils.
_WHERE = {
    "CommitteeStore": ".store", "QuotaError": ".grading", "import_bundles": ".importer",
    "overview_rows": ".overview", "quota": ".grading", "read_roster": ".roster",
    "rectifications": ".overview", "set_grade": ".grading",
}
__all__ = [
    "CommitteeStore",
    "QuotaError",
    "import_bundles",
    "overview_rows",
    "quota",
    "read_roster",
    "rectifications",
    "set_grade",
]


__getattr__, __dir__ = exports(__name__, _WHERE, globals())
