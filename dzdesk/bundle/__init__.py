"""The .dzb export bundle: one signed, tamper-evident file per finalized assessment.

``export_bundle`` writes it, ``verify_bundle`` checks it (the CLI's ``dzdesk
verify`` and the committee import both use it). The format is specified in
docs/bundle-format.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .format import FORMAT_NAME, FORMAT_VERSION, suggested_filename
    from .location import default_export_folder, removable_folders
    from .types import BUNDLE_SUFFIX, BundleError, BundleEvidence, VerifiedBundle
    from .verify import verify_bundle
    from .writer import export_bundle

# Loaded on first use: a committee import's worker process needs the verifier, not the writer
# (which brings the branch store and sqlite-utils, ~0.1 s per spawned worker).
_WHERE = {
    "FORMAT_NAME": ".format", "FORMAT_VERSION": ".format", "suggested_filename": ".format",
    "default_export_folder": ".location", "removable_folders": ".location",
    "BUNDLE_SUFFIX": ".types", "BundleError": ".types", "BundleEvidence": ".types", "VerifiedBundle": ".types",
    "verify_bundle": ".verify", "export_bundle": ".writer",
}
__all__ = [
    "BUNDLE_SUFFIX",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "BundleError",
    "BundleEvidence",
    "VerifiedBundle",
    "default_export_folder",
    "export_bundle",
    "removable_folders",
    "suggested_filename",
    "verify_bundle",
]


__getattr__, __dir__ = exports(__name__, _WHERE, globals())
