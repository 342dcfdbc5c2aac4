"""A zip written through SealedWriter and read through SealedReader, with zipfile and with the bundle verifier's readers.

No plaintext copy of the zip exists anywhere: it goes from zipfile into the writer,
and from the reader into zipfile.
"""

from __future__ import annotations

import json
import os
import random
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sealed_tools import BRANCH, COMMITTEE, STRANGER, key

from dzdesk.bundle import export_bundle
from dzdesk.bundle.memberread import read_member, stream_member
from dzdesk.bundle.safezip import check_members
from dzdesk.demo import create_demo
from dzdesk.paths import resolve_paths
from dzdesk.sealed import (
    NotARecipientError,
    SealedWriter,
    generate_encryption_key,
    inspect_sealed,
    key_fingerprint,
    open_sealed,
    seal_file,
)
from dzdesk.store import Store

RECIPIENTS = (key(COMMITTEE), key(BRANCH))


def _members() -> dict[str, bytes]:
    rng = random.Random(7)
    members = {
        "evidence/photo.jpg": rng.randbytes(700_000),  # stored, spans many chunks
        "notes.txt": ("三会一课记录 " * 20_000).encode(),  # deflated
        "empty.txt": b"",
    }
    for i in range(40):
        members[f"docs/{i:02d}.json"] = json.dumps(
            {"i": i, "text": "谈心谈话" * i}, ensure_ascii=False
        ).encode()
    return members


def _write_zip_sealed(path: Path, members: dict[str, bytes], chunk_size: int) -> None:
    with (
        open(path, "wb") as raw,
        SealedWriter(raw, [k.public_key() for k in RECIPIENTS], chunk_size=chunk_size) as sealed,
    ):
        with zipfile.ZipFile(sealed, "w") as zf:
            for name, data in members.items():
                method = zipfile.ZIP_STORED if name.endswith(".jpg") else zipfile.ZIP_DEFLATED
                if name == "notes.txt":  # streamed in pieces, as the export streams evidence
                    with zf.open(zipfile.ZipInfo(name), "w") as member:
                        for start in range(0, len(data), 50_000):
                            member.write(data[start : start + 50_000])
                else:
                    zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)


@pytest.mark.parametrize("chunk_size", [4096, 256 * 1024])
def test_zipfile_reads_a_sealed_zip_directly_with_random_access(
    tmp_path: Path, chunk_size: int
) -> None:
    members = _members()
    path = tmp_path / "sealed.dzb"
    _write_zip_sealed(path, members, chunk_size)
    raw = path.read_bytes()
    assert b"PK\x03\x04" not in raw and b"notes.txt" not in raw and "三会一课".encode() not in raw
    rng = random.Random(chunk_size)
    for private in RECIPIENTS:
        with open_sealed(path, private) as reader, zipfile.ZipFile(reader) as zf:
            assert sorted(zf.namelist()) == sorted(members)
            assert zf.testzip() is None  # every member's CRC, read through the reader
            names = list(members)
            rng.shuffle(names)
            for name in names:
                assert zf.read(name) == members[name]
            # the bundle verifier's readers, on members with data descriptors
            checked = check_members(zf, reader.size)
            assert all(info.flag_bits & 0x08 for info in checked.values())
            photo = b"".join(
                bytes(c)
                for c in stream_member(
                    zf, checked["evidence/photo.jpg"], 1 << 30, buffer=bytearray(1 << 20)
                )
            )
            assert photo == members["evidence/photo.jpg"]
            assert read_member(zf, checked["notes.txt"], 1 << 30) == members["notes.txt"]
            # seeking inside a member: seeks of the reader
            with zf.open("evidence/photo.jpg") as member:
                data = members["evidence/photo.jpg"]
                for _ in range(60):
                    start = rng.randrange(len(data))
                    size = rng.randrange(1, 20_000)
                    member.seek(start)
                    assert member.read(size) == data[start : start + size]
    with pytest.raises(NotARecipientError):
        open_sealed(path, key(STRANGER))


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A real export of the demo branch, plain, and its snapshot."""
    root = tmp_path_factory.mktemp("sealed-bundle")
    with Store(resolve_paths(root / "home"), actor="tester") as store:
        create_demo(store, today=date(2026, 11, 28))
        path = export_bundle(store, "2026Q4", root / "plain.dzb")
        snapshot = store.snapshot(store.require("2026Q4"))
    return path, snapshot


def _needles(snapshot: dict) -> list[str]:
    """What a reader of the stick must not learn: narratives, names, evidence file names, captions."""
    texts = [a["narrative"] for a in snapshot["answers"]]
    texts += [e["name"] for e in snapshot["evidence"]] + [
        e["caption"] for e in snapshot["evidence"]
    ]
    texts += [snapshot["branch"]["name"], snapshot["branch"]["secretary"]]
    found = sorted({t[:12] for t in texts if len(t) >= 3})
    assert len(found) > 10, found
    return found


def test_nothing_of_a_real_bundle_is_readable_in_its_sealed_file(
    tmp_path: Path, demo_bundle: tuple[Path, dict]
) -> None:
    """The grep of the issue: every narrative, name and file name is in the bundle's plaintext, none in the sealed file.

    The bundle deflates its JSON, so the plaintext searched is the same members stored uncompressed:
    there every needle is present, which shows the search would find a leak.
    """
    plain, snapshot = demo_bundle
    needles = [n.encode("utf-8") for n in _needles(snapshot)] + [
        b"manifest.json",
        b"evidence/",
        b"%PDF",
    ]
    stored = tmp_path / "stored.dzb"
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    stored_bytes = stored.read_bytes()
    assert all(n in stored_bytes for n in needles)
    for inner in (stored, plain):
        data = seal_file(
            inner, tmp_path / "sealed.dzb", [k.public_key() for k in RECIPIENTS]
        ).read_bytes()
        assert [n.decode() for n in needles if n in data] == []


def test_a_real_bundle_sealed_reads_back_through_the_verifier_readers(
    tmp_path: Path, demo_bundle: tuple[Path, dict]
) -> None:
    plain, _ = demo_bundle
    sealed = seal_file(plain, tmp_path / "sealed.dzb", [k.public_key() for k in RECIPIENTS])
    assert inspect_sealed(sealed).inner_length == plain.stat().st_size
    with zipfile.ZipFile(plain) as reference:
        expected = {info.filename: reference.read(info) for info in reference.infolist()}
    for private in RECIPIENTS:
        with open_sealed(sealed, private) as reader, zipfile.ZipFile(reader) as zf:
            members = check_members(zf, reader.size)  # the verifier's directory checks
            assert set(members) == set(expected)
            buffer = bytearray(1024 * 1024)
            for name, info in members.items():
                if (
                    info.compress_type == zipfile.ZIP_STORED
                ):  # the verifier's fast path: zf.fp.seek + readinto
                    got = b"".join(
                        bytes(c) for c in stream_member(zf, info, 1 << 30, buffer=buffer)
                    )
                else:
                    got = read_member(zf, info, 1 << 30)
                assert got == expected[name], name


def test_sealing_to_one_key_and_reading_with_the_other(tmp_path: Path) -> None:
    members = {"a.txt": os.urandom(10)}
    path = tmp_path / "one.dzb"
    with (
        open(path, "wb") as raw,
        SealedWriter(raw, [key(COMMITTEE).public_key()]) as sealed,
        zipfile.ZipFile(sealed, "w") as zf,
    ):
        zf.writestr("a.txt", members["a.txt"])
    with open_sealed(path, key(COMMITTEE)) as reader, zipfile.ZipFile(reader) as zf:
        assert zf.read("a.txt") == members["a.txt"]
    with pytest.raises(NotARecipientError):
        open_sealed(path, key(BRANCH))


def test_the_bundle_verifier_opens_a_sealed_bundle_with_a_key_it_is_addressed_to(
    tmp_path: Path, demo_bundle: tuple[Path, dict]
) -> None:
    """verify_bundle(keys=...) reads a sealed bundle through the decrypting reader: the same bundle, every
    check unchanged; with no key for it, one sentence naming the recipients."""
    from cryptography.hazmat.primitives import serialization

    from dzdesk.bundle import BundleError, verify_bundle
    from dzdesk.bundle.safezip import KeyRing

    plain, _ = demo_bundle
    expected = verify_bundle(plain)
    sealed = seal_file(plain, tmp_path / "sealed.dzb", [k.public_key() for k in RECIPIENTS])

    def ring(*keys, refusal: str = "此文件不是发给本党委的") -> KeyRing:
        der = tuple(k.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()) for k in keys)
        return KeyRing(der, refusal)

    for private in RECIPIENTS:
        verified = verify_bundle(sealed, keys=ring(generate_encryption_key(), private))
        assert verified.snapshot_digest == expected.snapshot_digest and verified.extra["sealed"]
        assert verified.signer_fingerprint == expected.signer_fingerprint
        assert [e.sha256 for e in verified.evidence] == [e.sha256 for e in expected.evidence]
        assert verified.extra["manifest_bytes"] == expected.extra["manifest_bytes"]
    with pytest.raises(BundleError, match="此文件不是发给本党委的") as info:
        verify_bundle(sealed, keys=ring(generate_encryption_key()))
    assert all(key_fingerprint(k) in info.value.zh for k in RECIPIENTS)
    with pytest.raises(BundleError, match="此文件已加密，不是发给本机的"):
        verify_bundle(sealed)
