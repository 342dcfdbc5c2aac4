"""The .dzb export bundle: one signed, tamper-evident file per finalized assessment.

``export_bundle`` writes it, ``verify_bundle`` checks it (the CLI's ``dzdesk
verify`` and the committee import both use it). The format is specified in
docs/bundle-format.md.
"""

from .format import FORMAT_NAME, FORMAT_VERSION, suggested_filename
from .location import default_export_folder, removable_folders
from .types import BUNDLE_SUFFIX, BundleError, BundleEvidence, VerifiedBundle
from .verify import verify_bundle
from .writer import export_bundle

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
