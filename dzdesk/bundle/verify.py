"""``verify_bundle``: check a .dzb completely, or say in one sentence why not.

The container (signature, every member's size, SHA-256 and CRC-32) is checked
by container.open_signed, as for every kind of signed file; then the content:
the snapshot against the signed digest, the answers against the template, the
score recomputed (contents.py, scorecheck.py). See container.py for ``sink``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..progress import NO_PROGRESS, Progress
from .assessment_kind import ASSESSMENT_KIND
from .container import MemberSink, open_signed
from .contents import check_assessment, check_changes
from .format import ASSESSMENT, CHANGES, ROLE_REPORT
from .kinds import KIND_ASSESSMENT
from .manifest import parse_json
from .safezip import KeyRing
from .scorecheck import TemplateLookup, parse_assessment
from .types import BundleEvidence, VerifiedBundle

KINDS = {KIND_ASSESSMENT: ASSESSMENT_KIND}
__all__ = ["MemberSink", "verify_bundle"]


def verify_bundle(
    path: str | Path, progress: Progress = NO_PROGRESS, *, sink: MemberSink | None = None,
    templates: TemplateLookup | None = None, keys: KeyRing | None = None,
) -> VerifiedBundle:
    """Verify the bundle at ``path``; raise :class:`BundleError` with one clear reason if it is not valid.

    ``sink`` (optional) receives copies of the members it asks for while they are hashed; see the module notes.
    ``templates`` (by hash) are templates the caller holds beyond the built-in ones (a committee's own);
    the score is recomputed with the bundle's template wherever it can be had (see scorecheck.py).
    ``keys`` open a sealed (encrypted) bundle.
    """
    path = Path(path)
    signed = open_signed(path, KINDS, progress, sink=sink, keys=keys)
    manifest, kept, fingerprint = signed.manifest, signed.kept, signed.fingerprint
    assessment, carried = signed.first_parsed or parse_assessment(kept[ASSESSMENT])  # type: ignore[misc]
    snapshot, score, scored = check_assessment(assessment, manifest, templates, carried)
    changes = check_changes(parse_json(kept[CHANGES], CHANGES))
    report = manifest.role(ROLE_REPORT)
    raw = manifest.raw
    evidence = tuple(
        BundleEvidence(e["task_key"], e["sha256"], e["name"], e["size"], e["caption"], f"evidence/{e['sha256']}")
        for e in snapshot["evidence"]
    )
    return VerifiedBundle(
        path=path,
        manifest=raw,
        snapshot=snapshot,
        snapshot_digest=raw["snapshot_digest"],
        branch=manifest.branch,
        period=raw["period"],
        revision=raw["revision"],
        template=dict(raw["template"]),
        score=scored.result.total if scored.result else float(score["total"]),
        grade=scored.result.grade if scored.result else score["grade"],
        flags=tuple(scored.result.flags if scored.result else score["flags"]),
        signer_public_key_der=manifest.public_key_der,
        signer_fingerprint=fingerprint,
        evidence=evidence,
        report_member=report.path if report else "",
        generated_at=raw["generated_at"],
        app_version=raw["app_version"],
        score_verified=scored.verified,
        scored_by=scored.source,
        checklist=scored.template,
        extra={
            "score": score,
            "changes": len(changes),
            "files": sum(1 for e in manifest.entries if e.role == "evidence"),
            "size": signed.file_size,
            "signer_certificate_pem": raw["signer"]["certificate"],
            # the exact bytes, so an importer stores them without serialising the JSON again
            "manifest_bytes": signed.manifest_bytes,
            "snapshot_bytes": _snapshot_bytes(kept[ASSESSMENT], raw["snapshot_digest"]),
            "sealed": signed.sealed,
        },
    )


def _snapshot_bytes(assessment: bytes, digest: str) -> bytes | None:
    """The snapshot's canonical bytes cut out of a canonical assessment.json (keys sorted: "snapshot" is
    followed only by "template", when the bundle carries it), or None when the document is not in that
    form; the SHA-256 against the signed digest proves the cut."""
    marker = b',"snapshot":'
    if not assessment.endswith(b"}"):
        return None
    end = assessment.rfind(b',"template":')
    for stop in ((end, len(assessment) - 1) if end > 0 else (len(assessment) - 1,)):
        start = assessment.rfind(marker, 0, stop)
        if start >= 0:
            candidate = assessment[start + len(marker) : stop]
            if hashlib.sha256(candidate).hexdigest() == digest:
                return candidate
    return None
