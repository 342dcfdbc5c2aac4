"""One signed report per finalized revision, made once and kept in the data folder.

A finalized revision's signed PDF is built the first time anyone asks for it
(``dzdesk report``, the GUI's 生成自评报告, or an export) and kept as
``<data>/reports/<snapshot digest>.pdf``; every later request returns that very
file, so the PDF the secretary prints and the ``report.pdf`` in the export
bundle are byte for byte the same. A reopened and refinalized revision has a
new digest, hence a new file.

Beside each PDF a small sidecar ``<digest>.json`` records what the PDF was made
from (the cache key: snapshot digest, signer fingerprint, the previous
period's snapshot digest for the comparison section, layout version) and the
PDF's size, SHA-256 and page count, and is itself signed with the branch key.
A cached file is used only if the sidecar's signature verifies with the
current branch certificate, its key matches the revision being asked for and
the PDF's bytes hash to the recorded SHA-256; anything else (a tampered or
truncated PDF, a replaced key, a changed previous period) is a miss, and the
report is built, signed and cached afresh. Checking costs a hash of a few
hundred KB and one ECDSA verification, and needs neither reportlab nor pyHanko.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from ..canonical import canonical_bytes
from ..errors import ValidationError
from ..identity import Identity, load_identity, verify_signature
from ..paths import AppPaths
from ..progress import NO_PROGRESS, Progress
from ..snapshot import snapshot_digest
from ..store import Store
from .data import ReportData, gather

REPORTS_FOLDER = "reports"
SIDECAR_FORMAT = "dzdesk-report-cache"
# Bump only when a report made by an earlier version must not be handed out any more.
LAYOUT_VERSION = 1
MAX_SIDECAR_BYTES = 64 * 1024
MAX_REPORT_BYTES = 256 * 1024 * 1024

log = logging.getLogger("dzdesk.report")


@dataclass(frozen=True)
class SignedReport:
    """A validated cached report: the file and the facts the sidecar vouches for."""

    path: Path | None  # None: built, but the data folder would not keep it (see _store)
    sha256: str
    size: int
    pages: int
    snapshot_digest: str
    fingerprint: str
    revision: int


def reports_folder(paths: AppPaths) -> Path:
    return paths.data_dir / REPORTS_FOLDER


def cache_files(paths: AppPaths, digest: str) -> tuple[Path, Path]:
    """(PDF, sidecar) for a finalized revision's snapshot digest."""
    folder = reports_folder(paths)
    return folder / f"{digest}.pdf", folder / f"{digest}.json"


def cache_key(store: Store, data: ReportData, identity: Identity) -> dict[str, Any]:
    """Everything the signed PDF depends on beyond the program version."""
    previous = None
    if data.previous is not None:
        previous = snapshot_digest(store.snapshot(data.previous.assessment))
    return {
        "layout": LAYOUT_VERSION,
        "snapshot_digest": data.digest,
        "period": data.period.code,
        "revision": data.assessment.revision,
        "fingerprint": identity.fingerprint,
        "previous_snapshot_digest": previous,
    }


def signed_report(
    store: Store, period: str, *, passphrase: str | None = None, progress: Progress = NO_PROGRESS
) -> Path:
    """The signed PDF of ``period``'s finalized revision, from the cache or built (and cached) now."""
    data = gather(store, period)
    if not data.finalized:
        raise ValidationError(
            f"{data.period.code} 的自评尚未定稿，只有定稿后才有已签名的自评报告。",
            f"Assessment {data.period.code} is not finalized; only a finalized revision has a signed report.",
        )
    identity = load_identity(store.paths, passphrase)
    progress.start(2, "准备自评报告")
    report = ensure_signed(store, data, identity, progress)[0]
    if report.path is None:
        raise ValidationError(
            f"无法在数据文件夹“{reports_folder(store.paths)}”中保存已签名的自评报告，请检查该文件夹的写入权限和剩余空间。",
            f"Cannot keep the signed report in '{reports_folder(store.paths)}'; check permissions and free space.",
        )
    return report.path


def ensure_signed(
    store: Store, data: ReportData, identity: Identity, progress: Progress = NO_PROGRESS
) -> tuple[SignedReport, bytes]:
    """The validated cached report and its bytes, building it first on a miss; advances ``progress`` by 2."""
    key = cache_key(store, data, identity)
    hit = lookup(store.paths, key, identity.public_key_der)
    if hit is not None:
        progress.step(2, label="使用已签名的自评报告")
        return hit
    progress.step(label="排版报告")
    pdf, pages = _build(data, identity, lambda: progress.step(label="数字签名"))
    return _store(store.paths, key, pdf, pages, identity), pdf


def lookup(paths: AppPaths, key: dict[str, Any], public_key_der: bytes) -> tuple[SignedReport, bytes] | None:
    """The cached report for ``key`` if present and intact, else None (a miss, never an error)."""
    pdf_path, sidecar_path = cache_files(paths, key["snapshot_digest"])
    try:
        with open(sidecar_path, "rb") as handle:
            raw = handle.read(MAX_SIDECAR_BYTES + 1)
        sidecar = json.loads(raw.decode("utf-8"))
        signature = base64.b64decode(sidecar.pop("signature"), validate=True)
        if len(raw) > MAX_SIDECAR_BYTES or sidecar.get("format") != SIDECAR_FORMAT or sidecar.get("key") != key:
            return None
        if not verify_signature(public_key_der, canonical_bytes(sidecar), signature):
            return None
        facts = sidecar["pdf"]
        size, sha, pages = int(facts["size"]), str(facts["sha256"]), int(facts["pages"])
        if not 0 < size <= MAX_REPORT_BYTES:
            return None
        with open(pdf_path, "rb") as handle:
            pdf = handle.read(size + 1)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, binascii.Error, RecursionError):
        return None
    if len(pdf) != size or hashlib.sha256(pdf).hexdigest() != sha or not pdf.startswith(b"%PDF-"):
        return None
    report = SignedReport(pdf_path, sha, size, pages, key["snapshot_digest"], key["fingerprint"], key["revision"])
    return report, pdf


def _build(data: ReportData, identity: Identity, before_signing: Callable[[], None] = lambda: None) -> tuple[bytes, int]:
    from .render import render  # reportlab and pyHanko load only when a report is really made
    from .signing import sign_pdf

    unsigned, pages = render(data)
    before_signing()  # progress, and the last chance to cancel
    out = io.BytesIO()
    sign_pdf(
        io.BytesIO(unsigned), out, identity,
        reason=f"{data.period.label}自评报告（第{data.assessment.revision}版），快照摘要 {data.digest}",
        location=data.profile.committee or "中国", name=data.profile.display_name,
    )
    return out.getvalue(), pages


def _store(paths: AppPaths, key: dict[str, Any], pdf: bytes, pages: int, identity: Identity) -> SignedReport:
    """Write the PDF, then its signed sidecar, each atomically; the sidecar last, so a crash leaves a miss.

    Keeping the file is best effort: if the data folder refuses it, the caller
    still gets the signed bytes (``path`` None) and the failure goes to the log.
    """
    sha = hashlib.sha256(pdf).hexdigest()
    sidecar: dict[str, Any] = {
        "format": SIDECAR_FORMAT,
        "format_version": 1,
        "key": key,
        "pdf": {"sha256": sha, "size": len(pdf), "pages": pages},
    }
    sidecar["signature"] = base64.b64encode(identity.sign(canonical_bytes(sidecar))).decode("ascii")
    pdf_path, sidecar_path = cache_files(paths, key["snapshot_digest"])
    try:
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(pdf_path, pdf)
        write_atomically(sidecar_path, canonical_bytes(sidecar))
    except OSError as exc:
        log.warning("signed report not kept in %s: %s", pdf_path.parent, exc)
        with suppress(OSError):
            sidecar_path.unlink()
        return SignedReport(None, sha, len(pdf), pages, key["snapshot_digest"], key["fingerprint"], key["revision"])
    return SignedReport(pdf_path, sha, len(pdf), pages, key["snapshot_digest"], key["fingerprint"], key["revision"])
