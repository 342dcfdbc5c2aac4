"""Encryption key pairs: made, written (PEM/DER, with or without a passphrase), read back, and kept apart from signing keys."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from dzdesk.identity import create_identity, fingerprint_of, spki_of
from dzdesk.sealed import (
    SealedKeyError,
    check_separate_from_signing,
    generate_encryption_key,
    key_fingerprint,
    key_is_encrypted,
    load_private_key,
    load_public_key,
    open_sealed,
    private_key_bytes,
    public_key_bytes,
    read_private_key,
    read_public_key,
    save_private_key,
    save_public_key,
    seal_bytes,
)


def _same(a: ec.EllipticCurvePrivateKey, b: ec.EllipticCurvePrivateKey) -> bool:
    return a.private_numbers() == b.private_numbers()


@pytest.mark.parametrize("pem", [True, False])
@pytest.mark.parametrize("passphrase", [None, "正确口令 123"])
def test_private_keys_round_trip(pem: bool, passphrase: str | None) -> None:
    key = generate_encryption_key()
    data = private_key_bytes(key, passphrase, pem=pem)
    assert data.startswith(b"-----BEGIN") == pem
    assert key_is_encrypted(data) == bool(passphrase)
    assert _same(load_private_key(data, passphrase), key)
    if passphrase:
        with pytest.raises(SealedKeyError, match="请输入口令"):
            load_private_key(data)
        with pytest.raises(SealedKeyError, match="口令不正确"):
            load_private_key(data, "错误口令")
    else:
        assert _same(load_private_key(data, "offered but not needed"), key)


@pytest.mark.parametrize("pem", [True, False])
def test_public_keys_round_trip_and_fingerprint_as_identity_does(pem: bool) -> None:
    key = generate_encryption_key()
    data = public_key_bytes(key, pem=pem)
    loaded = load_public_key(data)
    assert public_key_bytes(loaded, pem=False) == spki_of(key.public_key())
    assert (
        key_fingerprint(key) == key_fingerprint(loaded) == fingerprint_of(spki_of(key.public_key()))
    )
    assert len(key_fingerprint(key).replace(" ", "")) == 64


@pytest.mark.parametrize(
    "other",
    [
        lambda: ec.generate_private_key(ec.SECP384R1()),
        lambda: ec.generate_private_key(ec.SECP256K1()),
        ed25519.Ed25519PrivateKey.generate,
    ],
)
def test_keys_that_are_not_p256_are_refused(other) -> None:  # noqa: ANN001
    key = other()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(SealedKeyError, match="P-256"):
        load_private_key(private)
    with pytest.raises(SealedKeyError, match="P-256"):
        load_public_key(public)


@pytest.mark.parametrize(
    "junk",
    [b"", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", os.urandom(120)],
)
def test_damaged_key_data_is_refused(junk: bytes) -> None:
    with pytest.raises(SealedKeyError):
        load_private_key(junk)
    with pytest.raises(SealedKeyError):
        load_public_key(junk)


def test_key_files_are_private_and_read_back(tmp_path: Path) -> None:
    key = generate_encryption_key()
    save_private_key(tmp_path / "keys" / "branch-seal-key.pem", key, "口令口令口令")
    save_public_key(tmp_path / "keys" / "branch-seal-key.pub.pem", key)
    assert (tmp_path / "keys" / "branch-seal-key.pem").stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "branch-seal-key.pem",
        "branch-seal-key.pub.pem",
    ]
    loaded = read_private_key(tmp_path / "keys" / "branch-seal-key.pem", "口令口令口令")
    public = read_public_key(tmp_path / "keys" / "branch-seal-key.pub.pem")
    sealed = seal_bytes(b"round trip", [public])
    with open_sealed(io.BytesIO(sealed), loaded) as reader:
        assert reader.read() == b"round trip"
    with pytest.raises(SealedKeyError, match="找不到"):
        read_private_key(tmp_path / "missing.pem")
    with pytest.raises(SealedKeyError, match="无法读取"):
        read_public_key(tmp_path / "keys")


def test_the_encryption_key_must_not_be_the_signing_key(paths) -> None:  # noqa: ANN001
    identity = create_identity(paths, "中共测试党支部")
    with pytest.raises(SealedKeyError, match="不能与签名密钥相同"):
        check_separate_from_signing(identity.private_key, identity.public_key_der)
    check_separate_from_signing(generate_encryption_key(), identity.public_key_der)
