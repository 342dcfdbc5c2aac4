"""The .dzb format's fixed names, limits and naming rules (see docs/bundle-format.md).

Both the writer and the verifier read these constants, so a bundle this
program writes is always inside the limits its verifier enforces.
"""

from __future__ import annotations

import re

from ..models import BranchProfile
from ..textrules import shown
from .types import BUNDLE_SUFFIX

FORMAT_NAME = "dzdesk-bundle"
FORMAT_VERSION = 1
ASSESSMENT_FORMAT = "dzdesk-assessment"
CHANGES_FORMAT = "dzdesk-changes"
SIGNATURE_FORMAT = "dzdesk-signature"
SIGNATURE_ALGORITHM = "ECDSA-P256-SHA256"

MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
ASSESSMENT = "assessment.json"
CHANGES = "changes.json"
REPORT = "report.pdf"
EVIDENCE_DIR = "evidence/"

ROLE_ASSESSMENT = "assessment"
ROLE_CHANGES = "changes"
ROLE_REPORT = "report"
ROLE_EVIDENCE = "evidence"
ROLES = (ROLE_ASSESSMENT, ROLE_CHANGES, ROLE_REPORT, ROLE_EVIDENCE)
FIXED_MEMBERS = {ROLE_ASSESSMENT: ASSESSMENT, ROLE_CHANGES: CHANGES, ROLE_REPORT: REPORT}

MiB = 1024 * 1024
MAX_MEMBERS = 5000
MAX_MANIFEST_BYTES = 4 * MiB
MAX_SIGNATURE_BYTES = 64 * 1024
MAX_JSON_BYTES = 32 * MiB  # assessment.json and changes.json, parsed in memory
MAX_ENTRY_BYTES = 256 * MiB  # evidence is capped at 200 MB when added; the report is far smaller
MAX_TOTAL_BYTES = 8 * 1024 * MiB
MAX_RATIO = 1000  # uncompressed / compressed, beyond a 1 MiB allowance per entry
RATIO_ALLOWANCE = MiB
CHUNK = MiB

# Ranges of the numbers a bundle states (docs/bundle-format.md, section 9). A number outside is a
# shape error: no branch has 100,001 members, and a revision of 2**62 would block every later one.
MAX_REVISION = 10_000
MAX_PARTY_MEMBERS = 100_000  # 正式党员, 预备党员
MAX_SCORE = 100

SHA256_RE = re.compile(r"[0-9a-f]{64}")
EVIDENCE_MEMBER_RE = re.compile(r"evidence/[0-9a-f]{64}")
PERIOD_RE = re.compile(r"\d{4}Q[1-4]")
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def printable(text: str, limit: int = 80) -> str:
    """Text from a bundle made safe for a one-line message: control characters shown as '?', length capped."""
    return shown(text, limit)


def evidence_member(sha256: str) -> str:
    return f"{EVIDENCE_DIR}{sha256}"


def suggested_filename(profile: BranchProfile, period: str) -> str:
    """``中共××党支部_2026Q4_自评.dzb``, with characters Windows forbids replaced."""
    name = WINDOWS_FORBIDDEN.sub("_", profile.display_name).strip(" .") or "党支部"
    return f"{name}_{period}_自评{BUNDLE_SUFFIX}"
