"""The committee workstation: receive branches' bundles, check, grade with the A quota, summarise."""

from .grading import QuotaError, quota, set_grade
from .importer import import_bundles
from .overview import overview_rows, rectifications
from .roster import read_roster
from .store import CommitteeStore

__all__ = [
    "CommitteeStore", "QuotaError", "import_bundles", "overview_rows", "quota", "read_roster",
    "rectifications", "set_grade",
]
