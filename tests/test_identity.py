"""The branch signing identity: creation, passphrase, backup and restore."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from dzdesk.errors import ValidationError
from dzdesk.identity import (
    backup_identity,
    certificate_fingerprint,
    create_identity,
    load_identity,
    restore_identity,
    verify_signature,
)
from dzdesk.paths import resolve_paths


def test_create_sign_verify_and_fingerprint(paths):
    identity = create_identity(paths, "中共测试党支部", "中共测试区委员会")
    cert = identity.certificate
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "中共测试党支部"
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    signature = identity.sign(b"manifest")
    assert verify_signature(identity.public_key_der, b"manifest", signature)
    assert not verify_signature(identity.public_key_der, b"manifest!", signature)
    assert certificate_fingerprint(paths) == identity.fingerprint
    assert len(identity.fingerprint.replace(" ", "")) == 64
    assert (paths.keys_dir / "branch-key.pem").stat().st_mode & 0o077 == 0
    with pytest.raises(ValidationError, match="不能重复创建"):
        create_identity(paths, "x")


def test_passphrase_protected_key(paths):
    create_identity(paths, "中共测试党支部", passphrase="正确口令123")
    with pytest.raises(ValidationError, match="口令"):
        load_identity(paths)
    with pytest.raises(ValidationError, match="口令不正确"):
        load_identity(paths, "错误口令")
    assert load_identity(paths, "正确口令123").fingerprint == certificate_fingerprint(paths)


def test_backup_and_restore_keeps_the_identity(paths, tmp_path):
    original = create_identity(paths, "中共测试党支部")
    backup = backup_identity(paths, tmp_path / "key.p12", "备份口令12345")
    with pytest.raises(ValidationError, match="至少需要8个字符"):
        backup_identity(paths, tmp_path / "weak.p12", "short")
    other = resolve_paths(tmp_path / "reinstalled")
    with pytest.raises(ValidationError, match="口令不正确"):
        restore_identity(other, backup, "wrong-passphrase")
    restored = restore_identity(other, backup, "备份口令12345")
    assert restored.fingerprint == original.fingerprint
    assert load_identity(other).fingerprint == original.fingerprint
    with pytest.raises(ValidationError, match="找不到"):
        restore_identity(other, tmp_path / "missing.p12", "x" * 8)


def test_no_identity_message(paths):
    assert certificate_fingerprint(paths) is None
    with pytest.raises(ValidationError, match="dzdesk init"):
        load_identity(paths)
