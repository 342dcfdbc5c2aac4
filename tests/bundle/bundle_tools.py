"""Helpers for the bundle tests: one real exported bundle, and ways to take it apart.

The base bundle is a real export of the demo branch (2026Q4), built once per
test session; hostile variants are made from its members in memory.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import shutil
import struct
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from dzdesk.bundle import export_bundle
from dzdesk.canonical import canonical_bytes
from dzdesk.demo import create_demo
from dzdesk.identity import Identity, load_identity
from dzdesk.paths import AppPaths, resolve_paths
from dzdesk.store import Store

PERIOD = "2026Q4"


@dataclass(frozen=True)
class Base:
    path: Path
    data: bytes
    paths: AppPaths
    identity: Identity
    digest: str

    def members(self) -> list[tuple[zipfile.ZipInfo, bytes]]:
        return read_members(self.data)

    def member_dict(self) -> dict[str, bytes]:
        return {info.filename: data for info, data in self.members()}


@cache
def base_bundle() -> Base:
    root = Path(tempfile.mkdtemp(prefix="dzdesk-bundle-base-"))
    atexit.register(shutil.rmtree, root, True)
    paths = resolve_paths(root / "home")
    with Store(paths, actor="tester") as store:
        create_demo(store, today=date(2026, 11, 28))
        path = export_bundle(store, PERIOD, root / "base.dzb")
        digest = store.require(PERIOD).snapshot_digest
    return Base(path, path.read_bytes(), paths, load_identity(paths), digest)


def read_members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def build_zip(members: list[tuple[zipfile.ZipInfo | str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding exactly these members, names and attributes as given (duplicates allowed)."""
    out = BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w") as zf:
            for info, data in members:
                if isinstance(info, str):
                    info = zipfile.ZipInfo(info, (2026, 11, 28, 12, 0, 0))
                    info.compress_type = compression
                zf.writestr(info, data)
    return out.getvalue()


def rebuild(members: dict[str, bytes]) -> bytes:
    return build_zip([(name, data) for name, data in members.items()])


def manifest_of(members: dict[str, bytes]) -> dict[str, Any]:
    import json

    return json.loads(members["manifest.json"])


def set_entry(manifest: dict[str, Any], path: str, data: bytes, role: str = "evidence") -> None:
    """Record ``data`` as the content of ``path`` (adding the entry if absent)."""
    for entry in manifest["entries"]:
        if entry["path"] == path:
            entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
            return
    manifest["entries"].append({"path": path, "role": role, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})


def signed(members: dict[str, bytes], manifest: dict[str, Any], identity: Identity, claimed: Identity | None = None) -> dict[str, bytes]:
    """Members with ``manifest`` written and signed by ``identity`` (signature.json claiming ``claimed``'s key)."""
    data = canonical_bytes(manifest)
    key = (claimed or identity).public_key_der
    signature = canonical_bytes({
        "format": "dzdesk-signature", "format_version": 1, "algorithm": "ECDSA-P256-SHA256",
        "signed_member": "manifest.json", "public_key": base64.b64encode(key).decode(),
        "signature": base64.b64encode(identity.sign(data)).decode(),
    })
    return {**members, "manifest.json": data, "signature.json": signature}


def patch_central(data: bytes, name: str, *, file_size: int | None = None, header_offset: int | None = None) -> bytes:
    """Rewrite fields of ``name``'s central-directory record, as a hostile tool would."""
    buf = bytearray(data)
    i = 0
    while (i := buf.find(b"PK\x01\x02", i)) >= 0:
        length = struct.unpack_from("<H", buf, i + 28)[0]
        if bytes(buf[i + 46 : i + 46 + length]) == name.encode():
            if file_size is not None:
                struct.pack_into("<I", buf, i + 24, file_size)
            if header_offset is not None:
                struct.pack_into("<I", buf, i + 42, header_offset)
            return bytes(buf)
        i += 4
    raise KeyError(name)


def tree_state(*roots: Path, ignore: tuple[str, ...] = ("logs",)) -> dict[str, tuple[int, int]]:
    """Every file under ``roots`` with its size and mtime, to prove nothing was written."""
    state = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if any(part in ignore for part in path.relative_to(root).parts):
                continue
            st = path.lstat()
            state[str(path)] = (st.st_size, st.st_mtime_ns)
    return state


def signer_fields(identity: Identity) -> dict[str, str]:
    """manifest.signer for a bundle signed by ``identity``."""
    return {
        "algorithm": "ECDSA-P256-SHA256", "public_key": base64.b64encode(identity.public_key_der).decode(),
        "fingerprint": identity.fingerprint, "certificate": identity.certificate_pem.decode("ascii"),
    }


def craft(
    base: Base, *, doc: Any = None, manifest: Any = None, changes: Any = None, signer: Identity | None = None,
) -> bytes:
    """The base bundle as a hostile sender holding a real branch key would remake it: ``doc(assessment)``,
    ``changes(changes_doc)`` and ``manifest(manifest)`` edit the JSON in place; the manifest's copy of the
    snapshot fields, the snapshot digest and every entry are recomputed, and the whole is signed again
    (by ``signer`` when given, which the manifest then names)."""
    import json

    from dzdesk.snapshot import snapshot_digest

    members = base.member_dict()
    document = json.loads(members["assessment.json"])
    if doc is not None:
        doc(document)
    snapshot = document["snapshot"]
    man = manifest_of(members)
    for key in ("period", "revision", "template", "branch"):
        man[key] = snapshot[key]
    man["snapshot_digest"] = snapshot_digest(snapshot)
    data = canonical_bytes(document)
    members["assessment.json"] = data
    set_entry(man, "assessment.json", data, role="assessment")
    if changes is not None:
        log = json.loads(members["changes.json"])
        changes(log)
        members["changes.json"] = canonical_bytes(log)
        set_entry(man, "changes.json", members["changes.json"], role="changes")
    if signer is not None:
        man["signer"] = signer_fields(signer)
    if manifest is not None:
        manifest(man)
    return rebuild(signed(members, man, signer or base.identity))


def other_identity(name: str = "中共冒名党支部") -> Identity:
    """A real branch identity created on another 'computer' (its own data folder)."""
    from dzdesk.identity import create_identity

    folder = tempfile.mkdtemp(prefix="dzdesk-other-key-")
    atexit.register(shutil.rmtree, folder, True)
    return create_identity(resolve_paths(folder), name, "中共某委员会")
