"""How branch names are compared: the roster, bundles and the CLI spell them differently.

The rule lives in dzdesk/textrules.py (the branch side uses it too); this module
keeps the name the committee code has always imported.
"""

from __future__ import annotations

from ..textrules import name_key

__all__ = ["name_key"]
