"""``export_bundle``: write a finalized assessment as a signed .dzb, then prove it.

Checks first (finalized, target folder, key, snapshot still matching, every
evidence file present), then the streamed, atomic write (zipwriter), then the
bundle is read back from the target and verified with the same code the
committee uses. A bundle that fails that check is deleted, never reported as
written.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from .. import __version__
from ..canonical import canonical_bytes
from ..identity import Identity, load_identity
from ..models import Assessment, Evidence
from ..periods import parse_period
from ..progress import NO_PROGRESS, Progress
from ..snapshot import snapshot_digest
from ..store import Store
from ..timeutil import now_iso
from . import zipwriter
from .contents import assessment_document, changes_document
from .format import (
    ASSESSMENT,
    CHANGES,
    CHUNK,
    FORMAT_NAME,
    FORMAT_VERSION,
    REPORT,
    ROLE_ASSESSMENT,
    ROLE_CHANGES,
    ROLE_EVIDENCE,
    ROLE_REPORT,
    SIGNATURE_ALGORITHM,
    evidence_member,
)
from .manifest import b64
from .safezip import KeyRing
from .types import BundleError
from .verify import verify_bundle
from .zipwriter import Source, compression_for


class _LinkedProgress(Progress):
    """The report's own progress, cancelled when the export's is."""

    def __init__(self, parent: Progress) -> None:
        super().__init__()
        self.parent = parent

    def check(self) -> None:
        self.parent.check()
        super().check()


def export_bundle(
    store: Store, period: str, out_path: str | Path, *, passphrase: str | None = None, progress: Progress = NO_PROGRESS
) -> Path:
    """Export the finalized ``period`` to ``out_path``; return the path once the bundle there has verified."""
    out_path = Path(out_path).absolute()
    code = parse_period(period).code
    assessment = store.require(code)
    if not assessment.is_finalized:
        raise BundleError(
            f"{code} 的自评尚未定稿，只有定稿后的自评才能导出上报文件。",
            f"Assessment {code} is not finalized; only finalized assessments can be exported.",
        )
    if not out_path.parent.is_dir():
        raise BundleError(f"目标文件夹“{out_path.parent}”不存在。", f"Target folder '{out_path.parent}' does not exist.")
    if out_path.is_dir():
        raise BundleError(f"“{out_path}”是一个文件夹，请另选文件名。", f"'{out_path}' is a folder.")
    identity = load_identity(store.paths, passphrase)
    seal_to, read_back_keys = _recipients(store, passphrase)
    snapshot = store.snapshot(assessment)
    if snapshot_digest(snapshot) != assessment.snapshot_digest:
        raise BundleError(
            "本机数据与定稿时的快照不一致（数据库可能被改动过），不能导出。",
            "The local data no longer matches the finalized snapshot; refusing to export.",
        )
    evidence = _evidence_sources(store, store.evidence(assessment))
    documents = [
        (ASSESSMENT, ROLE_ASSESSMENT, canonical_bytes(assessment_document(snapshot, store.score(code, assessment), store.template_for(assessment)))),
        (CHANGES, ROLE_CHANGES, canonical_bytes(changes_document(_period_changes(store, assessment)))),
    ]
    header = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "generated_at": now_iso(),
        "branch": snapshot["branch"],
        "template": snapshot["template"],
        "period": assessment.period,
        "revision": assessment.revision,
        "finalized_at": assessment.finalized_at,
        "snapshot_digest": assessment.snapshot_digest,
        "signer": {
            "algorithm": SIGNATURE_ALGORITHM,
            "public_key": b64(identity.public_key_der),
            "fingerprint": identity.fingerprint,
            "certificate": identity.certificate_pem.decode("ascii"),
        },
    }
    progress.start(sum(s.size for s in evidence) + sum(len(d[2]) for d in documents), "正在写入上报文件")
    with tempfile.TemporaryDirectory(prefix="dzdesk-export-") as scratch:
        def make_report() -> Source | None:
            """The revision's one signed report (kept in the data folder), built now if it is not there yet."""
            path, size, sha256 = _signed_report(store, code, assessment.snapshot_digest, identity, Path(scratch),
                                                _LinkedProgress(progress))
            progress.total += size  # only known now; only this thread changes the total
            return Source(REPORT, ROLE_REPORT, path, size, sha256, zipfile.ZIP_STORED)

        zipwriter.write_bundle_file(out_path, header, evidence, make_report, documents, identity.sign,
                                    identity.public_key_der, progress, seal_to)
    _read_back(out_path, assessment.snapshot_digest, identity.fingerprint, evidence, progress, read_back_keys)
    return out_path


def _recipients(store: Store, passphrase: str | None) -> tuple[list[Any], KeyRing | None]:
    """Whom the bundle is sealed to: the committee (its key from the imported profile) and the branch
    itself, so this read-back and any later one can open it; nobody (signed only) without a profile key."""
    standard = store.standards.current()
    if standard is None or standard.encryption_key is None:
        return [], None
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    from ..encryption_keys import BRANCH_STEM, EncryptionKeyFiles, der_of, ensure_key, private_key

    files = EncryptionKeyFiles(store.paths.keys_dir, BRANCH_STEM)
    own_public = ensure_key(files, passphrase)
    own_private = private_key(files, passphrase)
    assert own_private is not None
    return [load_der_public_key(standard.encryption_key), own_public], KeyRing((der_of(own_private),))


def _read_back(
    out_path: Path, digest: str, fingerprint: str, evidence: list[Source], progress: Progress, keys: KeyRing | None = None
) -> None:
    """Verify the bundle as written to the target; delete it and say why if it does not verify."""
    try:
        zipwriter.drop_cached_pages(out_path)
        verified = verify_bundle(out_path, progress, keys=keys)
        if verified.snapshot_digest != digest or verified.signer_fingerprint != fingerprint:
            raise BundleError("写入后的上报文件与本机数据不符。", "The written bundle does not match the local data.")
    except BaseException as exc:
        with suppress(OSError):
            out_path.unlink()
        if not isinstance(exc, BundleError):
            raise
        damaged = _damaged_source(evidence)
        if damaged is not None:
            raise BundleError(
                f"本机的佐证材料文件“{damaged.path.name}”已损坏（与定稿时的记录不符），不能导出。",
                f"Local evidence file '{damaged.path.name}' is damaged; it no longer matches the finalized record.",
            ) from None
        raise BundleError(
            f"上报文件写入后校验失败，已删除：{exc.zh}请换一个U盘或位置重试。",
            f"The written bundle failed verification and was deleted: {exc.en}",
        ) from None


def _damaged_source(sources: list[Source]) -> Source | None:
    """On a failed read-back only: is it the local evidence that is bad, rather than the drive?"""
    for source in sources:
        digest = hashlib.sha256()
        try:
            with open(source.path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
        except OSError:
            return source
        if digest.hexdigest() != source.sha256:
            return source
    return None


def _evidence_sources(store: Store, evidence: list[Evidence]) -> list[Source]:
    """One entry per distinct SHA-256, after checking each file is present with the recorded size."""
    sources: dict[str, Source] = {}
    for item in evidence:
        if item.sha256 in sources:
            continue
        path = store.evidence_file(item)
        try:
            size = path.stat().st_size
            compression = compression_for(path, item.original_name)
        except OSError:
            size = -1
        if size != item.size:
            raise BundleError(
                f"本机的佐证材料“{item.original_name}”文件缺失或已损坏，不能导出。",
                f"Evidence file '{item.original_name}' is missing or damaged locally.",
            )
        sources[item.sha256] = Source(evidence_member(item.sha256), ROLE_EVIDENCE, path, size, item.sha256, compression)
    return list(sources.values())


def _period_changes(store: Store, assessment: Assessment) -> list[tuple[int, Any]]:
    revisions = [a for a in store.assessments() if a.period == assessment.period and a.revision <= assessment.revision]
    return [(a.revision, c) for a in revisions for c in store.changes(a)]


def _signed_report(
    store: Store, period: str, digest: str, identity: Identity, scratch: Path, progress: Progress
) -> tuple[Path, int, str]:
    """(path, size, SHA-256) of the signed report to ship: the cached file, validated just now.

    The SHA-256 goes into the manifest as vouched for by the cache check, so a
    file changed after that check fails the read-back instead of being shipped.
    """
    from ..report.cache import ensure_signed
    from ..report.data import gather

    data = gather(store, period)
    report, pdf = ensure_signed(store, data, identity, progress)
    if not data.finalized or report.snapshot_digest != digest or report.fingerprint != identity.fingerprint:
        raise BundleError(
            "生成的自评报告未签名或与定稿快照不符，未生成上报文件。",
            "The generated report is unsigned or does not match the finalized snapshot; no bundle was written.",
        )
    path = report.path
    if path is None:  # the data folder would not keep it: ship these very bytes from the scratch folder
        path = scratch / REPORT
        path.write_bytes(pdf)
    return path, report.size, report.sha256
