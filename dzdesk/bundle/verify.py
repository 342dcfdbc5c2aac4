"""``verify_bundle``: check a .dzb completely, or say in one sentence why not.

Order matters: the zip's structure first (nothing is trusted yet), then the
manifest and its signature (which make the manifest trustworthy), then every
member against the manifest's sizes and hashes, then the content against the
signed snapshot digest. Nothing is written anywhere, unless the caller passes
a ``sink``: then each member the sink asks for is handed to it chunk by chunk
while it is being hashed, so an importer reads every byte only once. The sink
only ever sees members listed in the signed manifest, and a member's bytes are
trustworthy only when ``verify_bundle`` returns; on any error the caller must
throw away what its sink wrote. A chunk may be a view of a buffer that is
reused for the next one: a sink copies what it keeps.

Stored members (most evidence: photos, PDFs) are read straight into one buffer
per thread, so checking hundreds of bundles does not ask the system for fresh
memory for every megabyte; verify_bundle may run on several threads at once.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from cryptography import x509

from ..identity import fingerprint_of, spki_of, verify_with_key
from ..progress import NO_PROGRESS, Progress
from .contents import check_assessment, check_changes
from .format import (
    ASSESSMENT,
    CHANGES,
    CHUNK,
    MANIFEST,
    MAX_ENTRY_BYTES,
    MAX_JSON_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    ROLE_ASSESSMENT,
    ROLE_REPORT,
    SIGNATURE,
    printable,
)
from .manifest import Entry, Manifest, parse_json, parse_manifest, parse_signature
from .memberread import (
    Window,
    is_small_deflated,
    read_member,
    read_small_deflated,
    read_window,
    stream_member,
)
from .safezip import check_members, open_zip
from .scorecheck import TemplateLookup, parse_assessment
from .types import BundleError, BundleEvidence, VerifiedBundle

PDF_MAGIC = b"%PDF-"
SMALL_MEMBERS = (ASSESSMENT, CHANGES, MANIFEST, SIGNATURE)  # written last, read through one window
_local = threading.local()


def _read_buffer() -> bytearray:
    """This thread's buffer for stored members, made once and reused."""
    buffer = getattr(_local, "buffer", None)
    if buffer is None:
        buffer = _local.buffer = bytearray(CHUNK)
    return buffer


class MemberWriter(Protocol):
    def write(self, chunk: bytes | memoryview) -> object: ...  # valid only during the call
    def close(self) -> object: ...


# Called once per manifest entry (path, role, size and SHA-256 as the signed manifest states them),
# before its bytes are read; returns where to copy them, or None to skip that member.
MemberSink = Callable[[Entry], MemberWriter | None]


def verify_bundle(
    path: str | Path, progress: Progress = NO_PROGRESS, *, sink: MemberSink | None = None,
    templates: TemplateLookup | None = None,
) -> VerifiedBundle:
    """Verify the bundle at ``path``; raise :class:`BundleError` with one clear reason if it is not valid.

    ``sink`` (optional) receives copies of the members it asks for while they are hashed; see the module notes.
    ``templates`` (by hash) are templates the caller holds beyond the built-in ones (a committee's own);
    the score is recomputed with the bundle's template wherever it can be had (see scorecheck.py).
    """
    path = Path(path)
    with open_zip(path) as (zf, file_size):
        members = check_members(zf, file_size)
        window = read_window(zf, [i for n in SMALL_MEMBERS if (i := members.get(n)) and is_small_deflated(i)])
        manifest_bytes = _required(
            zf, members, window, MANIFEST, MAX_MANIFEST_BYTES,
            "不是 dzdesk 上报文件：缺少清单 manifest.json", "not a dzdesk bundle: manifest.json is missing",
        )
        manifest = parse_manifest(manifest_bytes)
        signature_bytes = _required(
            zf, members, window, SIGNATURE, MAX_SIGNATURE_BYTES,
            "上报文件没有签名（缺少 signature.json），不能确认来源", "the bundle is unsigned (signature.json is missing)",
        )
        fingerprint = fingerprint_of(manifest.public_key_der)
        _check_signature(manifest, signature_bytes, manifest_bytes, fingerprint)
        _check_member_set(manifest, members)
        parsed: dict[str, object] = {}
        kept = _check_entries(zf, members, manifest, progress, sink, parsed, window)
    assessment, carried = parsed[ASSESSMENT] if ASSESSMENT in parsed else parse_assessment(kept[ASSESSMENT])
    snapshot, score, scored = check_assessment(assessment, manifest, templates, carried)
    changes = check_changes(parse_json(kept[CHANGES], CHANGES))
    report = manifest.role(ROLE_REPORT)
    if report is not None and not kept[report.path].startswith(PDF_MAGIC):
        raise BundleError("上报文件中的自评报告不是 PDF 文件。", "The report entry is not a PDF file.")
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
            "size": file_size,
            "signer_certificate_pem": raw["signer"]["certificate"],
            # the exact bytes, so an importer stores them without serialising the JSON again
            "manifest_bytes": manifest_bytes,
            "snapshot_bytes": _snapshot_bytes(kept[ASSESSMENT], raw["snapshot_digest"]),
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


def _required(
    zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], window: Window | None, name: str, cap: int, zh: str, en: str,
) -> bytes:
    info = members.get(name)
    if info is None:
        raise BundleError(f"{zh}。", f"{en[0].upper()}{en[1:]}.")
    return read_member(zf, info, cap, window=window)


def _check_signature(manifest: Manifest, signature_bytes: bytes, manifest_bytes: bytes, fingerprint: str) -> None:
    signer = manifest.raw["signer"]
    claimed = manifest.public_key_der
    if fingerprint != signer["fingerprint"]:
        raise BundleError("清单中的签名密钥指纹与公钥不符。", "The signer fingerprint does not match the signer's public key.")
    try:
        certificate = x509.load_pem_x509_certificate(signer["certificate"].encode("utf-8"))
        cert_public_key = certificate.public_key()
        cert_key = spki_of(cert_public_key)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise BundleError("清单中的签名证书无法读取。", "The signer certificate in the manifest cannot be read.") from None
    if cert_key != claimed:
        raise BundleError("清单中的签名证书与签名公钥不符。", "The signer certificate does not match the signer's public key.")
    signing_key, signature = parse_signature(signature_bytes)
    if signing_key != claimed:
        raise BundleError(
            f"签名所用的密钥（指纹 {fingerprint_of(signing_key)[:19]}…）不是清单声明的党支部密钥，不能采信。",
            "The bundle was signed with a different key than the manifest claims.",
        )
    # The certificate's key object is the claimed key: its DER form was just found equal to ``claimed``
    # (the same check public_key_der makes), so verifying with it is verifying with a fresh load of ``claimed``.
    if not verify_with_key(cert_public_key, manifest_bytes, signature):
        raise BundleError(
            "上报文件的签名无效：清单在签名后被改动过，或签名已损坏。",
            "Invalid signature: the manifest was changed after signing, or the signature is damaged.",
        )


def _check_member_set(manifest: Manifest, members: dict[str, zipfile.ZipInfo]) -> None:
    listed = set(manifest.by_path)
    present = set(members) - {MANIFEST, SIGNATURE}
    missing = sorted(listed - present)
    if missing:
        raise BundleError(f"上报文件不完整：缺少“{missing[0]}”。", f"Incomplete bundle: '{missing[0]}' is missing.")
    extra = sorted(present - listed)
    if extra:
        raise BundleError(
            f"上报文件含有清单以外的文件“{printable(extra[0])}”，可能被改动过。",
            f"The bundle contains '{printable(extra[0])}', which the manifest does not list.",
        )


def _check_entries(
    zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], manifest: Manifest, progress: Progress,
    sink: MemberSink | None = None, parsed: dict[str, object] | None = None, window: Window | None = None,
) -> dict[str, bytes]:
    """Hash every listed member; keep the JSON members and the report's first bytes.

    ``parsed`` receives assessment.json's parsed JSON when it parses (so it is parsed once).
    """
    progress.start(sum(e.size for e in manifest.entries), "正在校验上报文件")
    kept: dict[str, bytes] = {}
    names: dict[str, str] = {}
    buffer = _read_buffer()
    # The JSON members first, so a damaged evidence file can be named as the branch named it.
    for entry in sorted(manifest.entries, key=lambda e: e.role != ROLE_ASSESSMENT):
        json_member = entry.path in (ASSESSMENT, CHANGES)
        cap = MAX_JSON_BYTES if json_member else MAX_ENTRY_BYTES
        if entry.size > cap:
            raise BundleError(f"“{entry.path}”超过大小上限。", f"'{entry.path}' exceeds the size limit.")
        info = members[entry.path]
        # SHA-256 checked below. A small JSON member is read whole first (one read, one decompress),
        # so a damaged one never reaches the sink; the others stream, a chunk possibly a view of the
        # buffer, so what is kept is copied.
        if json_member and is_small_deflated(info):
            chunks: Iterable[bytes | memoryview] = (read_small_deflated(zf, info, cap, window=window),)
        else:
            chunks = stream_member(zf, info, cap, buffer=buffer)
        digest = hashlib.sha256()
        size = 0
        parts: list[bytes] = []
        out = sink(entry) if sink is not None else None
        try:
            for chunk in chunks:
                size += len(chunk)
                if size > entry.size:
                    break  # longer than the manifest says: a mismatch, stop reading
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
                if json_member or (entry.role == ROLE_REPORT and not parts):
                    parts.append(bytes(chunk if json_member else chunk[: len(PDF_MAGIC)]))
                progress.step(len(chunk))
        finally:
            if out is not None:
                out.close()
        _check_hash(entry, size, digest.hexdigest(), names.get(entry.sha256, ""))
        if json_member or entry.role == ROLE_REPORT:
            kept[entry.path] = b"".join(parts)
        if entry.role == ROLE_ASSESSMENT:
            names = _evidence_names(kept[entry.path], parsed if parsed is not None else {})
    return kept


def _evidence_names(data: bytes, parsed: dict[str, object]) -> dict[str, str]:
    """Best effort, for messages only: sha256 -> original file name (checked properly later)."""
    try:
        parsed[ASSESSMENT] = result = parse_assessment(data)
        items = result[0]["snapshot"]["evidence"]
        return {e["sha256"]: e["name"] for e in items if isinstance(e["sha256"], str) and isinstance(e["name"], str)}
    except (BundleError, KeyError, TypeError, AttributeError):
        return {}


def _check_hash(entry: Entry, size: int, sha256: str, name: str = "") -> None:
    if size == entry.size and sha256 == entry.sha256:
        return
    name = printable(name)
    if name:
        raise BundleError(
            f"佐证材料“{name}”（{entry.path[:17]}…）的内容与清单记录的哈希值不符，文件已被改动或损坏。",
            f"Evidence '{name}' ({entry.path}) does not match its SHA-256 in the manifest; it was altered or damaged.",
        )
    raise BundleError(
        f"“{entry.path}”的内容与清单记录的哈希值不符，文件已被改动或损坏。",
        f"'{entry.path}' does not match its SHA-256 in the manifest; it was altered or damaged.",
    )
