"""What a verified export bundle offers to its readers (CLI verify, committee import).

The implementation (writer, verifier) lives beside this module; this file is
the contract the committee workstation builds on. Fields may be added, never
renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DzdeskError
from ..models import BranchProfile
from ..template import Template

BUNDLE_SUFFIX = ".dzb"


class BundleError(DzdeskError):
    """A bundle is unreadable, malformed, tampered with or unsafe; nothing was written."""


@dataclass(frozen=True)
class BundleEvidence:
    task_key: str
    sha256: str
    name: str  # the original file name, as the branch added it
    size: int
    caption: str
    member: str  # path of the entry inside the zip


@dataclass(frozen=True)
class VerifiedBundle:
    path: Path
    manifest: dict[str, Any]
    snapshot: dict[str, Any]  # dzdesk.snapshot.build_snapshot form; its digest is snapshot_digest
    snapshot_digest: str
    branch: BranchProfile
    period: str
    revision: int
    template: dict[str, str]  # id, version, hash
    score: float  # recomputed by the verifier when score_verified, else as the bundle states it
    grade: str  # the branch's suggested (self) grade, recomputed likewise
    flags: tuple[str, ...]
    signer_public_key_der: bytes
    signer_fingerprint: str
    evidence: tuple[BundleEvidence, ...]
    report_member: str  # zip entry of the signed PDF report
    generated_at: str
    app_version: str
    score_verified: bool = True  # False: the template is unknown here, score, grade and flags are as stated
    scored_by: str = ""  # "bundle" (the template it carries), "known" (one the verifier holds) or ""
    checklist: Template | None = None  # the template the score was recomputed with
    extra: dict[str, Any] = field(default_factory=dict)
