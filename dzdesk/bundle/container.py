"""``open_signed``: check any dzdesk signed file as a container, or say in one sentence why not.

Every kind of file (kinds.py) is checked here the same way, in this order:
the zip's structure first (nothing is trusted yet), then the manifest and
its signature (which make the manifest trustworthy), then every member
against the manifest's sizes, SHA-256 and the zip's CRC-32. What the members
*mean* is the kind's own check (contents.py for an assessment bundle), done
by the caller on what this returns.

Nothing is written anywhere, unless the caller passes a ``sink``: then each
member the sink asks for is handed to it chunk by chunk while it is being
hashed, so an importer reads every byte only once. The sink only ever sees
members listed in the signed manifest, and a member's bytes are trustworthy
only when the caller's checks return; on any error the caller must throw
away what its sink wrote. A chunk may be a view of a buffer that is reused
for the next one: a sink copies what it keeps.

Stored members (most evidence: photos, PDFs) are read straight into one buffer
per thread, so checking hundreds of files does not ask the system for fresh
memory for every megabyte; this may run on several threads at once.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509

from ..identity import fingerprint_of, spki_of, verify_with_key
from ..progress import NO_PROGRESS, Progress
from .format import (
    CHUNK,
    MANIFEST,
    MAX_ENTRY_BYTES,
    MAX_JSON_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    SIGNATURE,
    printable,
)
from .kinds import KindSpec
from .manifest import Entry, Manifest, parse_manifest, parse_signature
from .memberread import (
    Window,
    is_small_deflated,
    read_member,
    read_small_deflated,
    read_window,
    stream_member,
)
from .safezip import KeyRing, check_members, open_zip
from .types import BundleError

PDF_MAGIC = b"%PDF-"
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


@dataclass(frozen=True)
class Signed:
    """A signed file whose container checked out: authentic for ``fingerprint``, every member as listed."""

    path: Path
    manifest: Manifest
    manifest_bytes: bytes  # exactly as signed
    kept: dict[str, bytes]  # the kind's JSON members, whole; its PDF members' first bytes
    fingerprint: str
    file_size: int
    first_parsed: object = None  # what the kind's names_from parsed of its first member (None: it did not parse)
    sealed: bool = False  # it arrived encrypted (docs/encryption.md) and was read through the decrypting reader

    @property
    def kind(self) -> KindSpec:
        return self.manifest.kind


def open_signed(
    path: str | Path, kinds: Mapping[str, KindSpec], progress: Progress = NO_PROGRESS, *, sink: MemberSink | None = None,
    keys: KeyRing | None = None,
) -> Signed:
    """Check the file at ``path`` as a signed file of one of ``kinds`` (by name); raise :class:`BundleError`
    with one clear reason, worded for the kind expected, if it is not one. A sealed (encrypted) file is
    opened with ``keys``."""
    path = Path(path)
    expected = next(iter(kinds.values()))
    try:
        return _open(path, kinds, progress, sink, keys)
    except BundleError as exc:
        if expected.name == "assessment" or len(kinds) > 1:
            raise
        raise BundleError(expected.relabel(exc.zh), exc.en) from None


def _open(
    path: Path, kinds: Mapping[str, KindSpec], progress: Progress, sink: MemberSink | None, keys: KeyRing | None
) -> Signed:
    small = {MANIFEST, SIGNATURE}.union(*(k.json_members for k in kinds.values()))
    opened = open_zip(path, keys)
    with opened as (zf, file_size):
        members = check_members(zf, file_size)
        window = read_window(zf, [i for n in small if (i := members.get(n)) and is_small_deflated(i)])
        manifest_bytes = _required(
            zf, members, window, MANIFEST, MAX_MANIFEST_BYTES,
            "不是 dzdesk 上报文件：缺少清单 manifest.json", "not a dzdesk bundle: manifest.json is missing",
        )
        manifest = parse_manifest(manifest_bytes, kinds)
        signature_bytes = _required(
            zf, members, window, SIGNATURE, MAX_SIGNATURE_BYTES,
            "上报文件没有签名（缺少 signature.json），不能确认来源", "the bundle is unsigned (signature.json is missing)",
        )
        fingerprint = fingerprint_of(manifest.public_key_der)
        _check_signature(manifest, signature_bytes, manifest_bytes, fingerprint)
        _check_member_set(manifest, members)
        parsed: list[object] = [None]
        kept = _check_entries(zf, members, manifest, progress, sink, window, parsed)
    for role, what in manifest.kind.pdf_roles.items():
        entry = next((e for e in manifest.entries if e.role == role), None)
        if entry is not None and not kept[entry.path].startswith(PDF_MAGIC):
            raise BundleError(f"上报文件中的{what}不是 PDF 文件。", f"The {role} entry is not a PDF file.")
    return Signed(path, manifest, manifest_bytes, kept, fingerprint, file_size, parsed[0], opened.sealed)


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
            f"签名所用的密钥（指纹 {fingerprint_of(signing_key)[:19]}…）不是清单声明的签名密钥，不能采信。",
            "The file was signed with a different key than the manifest claims.",
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
        raise BundleError(f"上报文件不完整：缺少“{missing[0]}”。", f"Incomplete file: '{missing[0]}' is missing.")
    extra = sorted(present - listed)
    if extra:
        raise BundleError(
            f"上报文件含有清单以外的文件“{printable(extra[0])}”，可能被改动过。",
            f"The file contains '{printable(extra[0])}', which the manifest does not list.",
        )


def _check_entries(
    zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], manifest: Manifest, progress: Progress,
    sink: MemberSink | None = None, window: Window | None = None, parsed: list[object] | None = None,
) -> dict[str, bytes]:
    """Hash every listed member; keep the JSON members and the PDF members' first bytes.

    ``parsed[0]`` receives what the kind's ``names_from`` parsed of its first member (parsed once)."""
    spec = manifest.kind
    progress.start(sum(e.size for e in manifest.entries), f"正在校验{spec.label}")
    kept: dict[str, bytes] = {}
    names: dict[str, str] = {}
    buffer = _read_buffer()
    # The first JSON member first, so a damaged file can be named as the person who added it named it.
    for entry in sorted(manifest.entries, key=lambda e: e.path != spec.first):
        json_member = entry.path in spec.json_members or entry.role in spec.json_roles
        pdf_member = entry.role in spec.pdf_roles
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
                if json_member or (pdf_member and not parts):
                    parts.append(bytes(chunk if json_member else chunk[: len(PDF_MAGIC)]))
                progress.step(len(chunk))
        finally:
            if out is not None:
                out.close()
        _check_hash(entry, size, digest.hexdigest(), names.get(entry.sha256, ""))
        if json_member or pdf_member:
            kept[entry.path] = b"".join(parts)
        if entry.path == spec.first and spec.names_from is not None:
            names, first = spec.names_from(kept[entry.path])
            if parsed is not None:
                parsed[0] = first
    return kept


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
