"""The snapshot of a finalized revision and its digest.

The snapshot is the canonical record of what a branch declared: profile,
template identity, answers and evidence hashes. Its digest (SHA-256 over
:func:`dzdesk.canonical.canonical_bytes`) is printed on the paper report and
carried in the export bundle, so paper and file can be matched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from .canonical import sha256_hex
from .models import Answer, Assessment, BranchProfile, Evidence
from .template import Template

SNAPSHOT_FORMAT = "dzdesk-snapshot"
SNAPSHOT_VERSION = 1


def build_snapshot(
    profile: BranchProfile,
    template: Template,
    assessment: Assessment,
    answers: Mapping[str, Answer],
    evidence: Sequence[Evidence],
) -> dict[str, Any]:
    order = {key: i for i, key in enumerate(template.task_keys)}
    rows = []
    for key in template.task_keys:
        answer = answers.get(key) or Answer(task_key=key)
        rows.append(
            {
                "task_key": key,
                "status": answer.status,
                "narrative": answer.narrative,
                "rectification": asdict(answer.rectification),
            }
        )
    files = sorted(evidence, key=lambda e: (order.get(e.task_key, 10**6), e.position, e.id))
    return {
        "format": SNAPSHOT_FORMAT,
        "format_version": SNAPSHOT_VERSION,
        "branch": asdict(profile),
        "template": {"id": template.id, "version": template.version, "hash": template.hash},
        "period": assessment.period,
        "revision": assessment.revision,
        "finalized_at": assessment.finalized_at,
        "answers": rows,
        "evidence": [
            {
                "task_key": e.task_key,
                "sha256": e.sha256,
                "name": e.original_name,
                "size": e.size,
                "caption": e.caption,
            }
            for e in files
        ],
    }


def snapshot_digest(snapshot: Mapping[str, Any]) -> str:
    return sha256_hex(dict(snapshot))


def short_digest(digest: str) -> str:
    """The form printed in page footers: first 16 hex digits in groups of four."""
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4)).upper()
