"""The test vectors of docs/encryption.md, checked two ways.

1. An independent reading written here from the specification's text, with only the
   primitives of ``cryptography`` (no dzdesk.sealed code): every intermediate value and
   the plaintext must come out as the document states.
2. dzdesk.sealed: the writer, given the vector's fixed randomness, writes exactly the
   document's bytes, and the reader opens them with each recipient's key.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dzdesk.sealed import FixedEntropy, SealedWriter, open_sealed

SPEC = Path(__file__).resolve().parents[2] / "docs" / "encryption.md"


def _vectors() -> list[dict[str, str]]:
    blocks = re.findall(r"```text\n(vector: .*?)```", SPEC.read_text(encoding="utf-8"), re.S)
    vectors = []
    for block in blocks:
        fields: dict[str, str] = {}
        name = ""
        for line in block.splitlines():
            if line.startswith("    "):
                fields[name] += line.strip()
            else:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
        vectors.append(fields)
    return vectors


VECTORS = _vectors()


def test_the_document_has_its_vectors() -> None:
    assert [v["vector"] for v in VECTORS] == ["1", "2", "3"]
    assert {v["plaintext"] == "" for v in VECTORS} == {
        True,
        False,
    }  # an empty file and non-empty ones
    assert any(v.get("recipient_2_private") for v in VECTORS)  # two recipients


def _h(value: str) -> bytes:
    return bytes.fromhex(value)


def _recipients(vector: dict[str, str]) -> list[ec.EllipticCurvePrivateKey]:
    count = sum(1 for k in vector if re.fullmatch(r"recipient_\d+_private", k))
    return [
        ec.derive_private_key(int(vector[f"recipient_{i}_private"], 16), ec.SECP256R1())
        for i in range(1, count + 1)
    ]


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _hkdf(ikm: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"vector{v['vector']}")
def test_an_independent_reading_of_the_specification_gets_every_value(
    vector: dict[str, str],
) -> None:
    sealed = _h(vector["sealed"])
    magic, version, flags, length, chunk_size, inner_length, k = struct.unpack_from(
        ">8sHHIQQB", sealed
    )
    assert (magic, version, flags) == (b"\x89DZSEAL\n", 1, 0)
    assert chunk_size == int(vector["chunk_size"]) and length == int(vector["header_length"])
    assert sealed[33 : 33 + k].decode("ascii") == vector["inner_kind"]
    prefix = sealed[33 + k : 40 + k]
    assert prefix == _h(vector["nonce_prefix"])
    ephemeral_point = sealed[40 + k : 105 + k]
    assert ephemeral_point == _h(vector["ephemeral_point"])
    (n,) = struct.unpack_from(">I", sealed, 105 + k)
    assert length == 141 + k + 80 * n
    ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ephemeral_point)
    assert (
        _point(
            ec.derive_private_key(int(vector["ephemeral_private"], 16), ec.SECP256R1()).public_key()
        )
        == ephemeral_point
    )
    file_key = None
    for i, private in enumerate(_recipients(vector), 1):
        spki = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        assert spki == _h(vector[f"recipient_{i}_spki"]) and len(spki) == 91
        stanza = sealed[109 + k + 80 * (i - 1) : 109 + k + 80 * i]
        assert (
            stanza[:32] == hashlib.sha256(spki).digest() == _h(vector[f"recipient_{i}_fingerprint"])
        )
        assert stanza[32:] == _h(vector[f"recipient_{i}_wrapped_key"])
        shared = private.exchange(ec.ECDH(), ephemeral)
        assert shared == _h(vector[f"recipient_{i}_shared"])
        wrapping = _hkdf(
            shared, ephemeral_point + _point(private.public_key()), b"dzdesk-sealed/v1/wrap"
        )
        assert wrapping == _h(vector[f"recipient_{i}_wrapping_key"])
        unwrapped = AESGCM(wrapping).decrypt(bytes(12), stanza[32:], None)
        assert file_key in (None, unwrapped)
        file_key = unwrapped
    assert file_key == _h(vector["file_key"])
    header_key = _hkdf(file_key, None, b"dzdesk-sealed/v1/header")
    payload_key = _hkdf(file_key, None, b"dzdesk-sealed/v1/payload")
    assert (header_key, payload_key) == (_h(vector["header_key"]), _h(vector["payload_key"]))
    tag = hmac.digest(header_key, sealed[: length - 32], "sha256")
    assert tag == sealed[length - 32 : length] == _h(vector["header_tag"])
    chunks = max(1, -(-inner_length // chunk_size))
    assert len(sealed) == length + inner_length + 16 * chunks
    plain, pos = b"", length
    for i in range(chunks):
        size = chunk_size if i < chunks - 1 else inner_length - (chunks - 1) * chunk_size
        nonce = prefix + struct.pack(">I", i) + (b"\x01" if i == chunks - 1 else b"\x00")
        assert nonce == _h(vector[f"chunk_{i}_nonce"])
        plain += AESGCM(payload_key).decrypt(nonce, sealed[pos : pos + size + 16], None)
        pos += size + 16
    assert plain == _h(vector["plaintext"])


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"vector{v['vector']}")
def test_dzdesk_writes_exactly_the_vector_and_reads_it(vector: dict[str, str]) -> None:
    recipients = _recipients(vector)
    entropy = FixedEntropy(
        ec.derive_private_key(int(vector["ephemeral_private"], 16), ec.SECP256R1()),
        _h(vector["file_key"]),
        _h(vector["nonce_prefix"]),
    )
    out = io.BytesIO()
    with SealedWriter(
        out,
        [k.public_key() for k in recipients],
        inner_kind=vector["inner_kind"],
        chunk_size=int(vector["chunk_size"]),
        _entropy=entropy,
    ) as writer:
        writer.write(_h(vector["plaintext"]))
    assert out.getvalue().hex() == vector["sealed"]
    for private in recipients:
        with open_sealed(io.BytesIO(_h(vector["sealed"])), private) as reader:
            assert (
                reader.read() == _h(vector["plaintext"])
                and reader.inner_kind == vector["inner_kind"]
            )
