"""The branch signing identity: an ECDSA P-256 key and a self-issued certificate.

The key signs the PDF report (PAdES, via pyHanko) and the export bundle's
manifest. It lives in ``<data>/keys/`` (owner-readable only), optionally
protected by a passphrase, and can be backed up to and restored from a
PKCS#12 file so a reinstalled PC keeps the branch's identity.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .atomic import write_atomically
from .errors import ValidationError
from .paths import AppPaths

KEY_FILE = "branch-key.pem"
CERT_FILE = "branch-cert.pem"
CERT_YEARS = 30


@dataclass(frozen=True)
class Identity:
    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def public_key_der(self) -> bytes:
        return public_key_der(self.certificate)

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_key_der)

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, _ECDSA_SHA256)


def public_key_der(certificate: x509.Certificate) -> bytes:
    return spki_of(certificate.public_key())


def spki_of(key: PublicKeyTypes) -> bytes:
    """A public key as DER SubjectPublicKeyInfo: the form fingerprints and manifests use."""
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint_of(spki_der: bytes) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, upper-case hex in groups of four."""
    digest = hashlib.sha256(spki_der).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())  # immutable; made once for the hundreds of checks of an import


def verify_signature(spki_der: bytes, data: bytes, signature: bytes) -> bool:
    try:
        key = serialization.load_der_public_key(spki_der)
    except (ValueError, TypeError):
        return False
    return verify_with_key(key, data, signature)


def verify_with_key(key: object, data: bytes, signature: bytes) -> bool:
    """``verify_signature`` for a public key object already at hand (a certificate's own), saving the DER load."""
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, data, _ECDSA_SHA256)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def _write_private(path: Path, data: bytes) -> None:
    """Owner-only from the first byte, written atomically."""
    write_atomically(path, data, prefix=".tmp-", mode=0o600)


@dataclass(frozen=True)
class KeyFiles:
    """Where one signing identity lives: a private key and its certificate in ``folder``.

    The branch key is ``KeyFiles(paths.keys_dir)``; the committee's own key uses the same
    machinery in its own folder (see dzdesk/committee/identity.py).
    """

    folder: Path
    key_name: str = KEY_FILE
    cert_name: str = CERT_FILE

    @property
    def key(self) -> Path:
        return self.folder / self.key_name

    @property
    def cert(self) -> Path:
        return self.folder / self.cert_name

    def exist(self) -> bool:
        return self.key.is_file() and self.cert.is_file()


def branch_key_files(paths: AppPaths) -> KeyFiles:
    return KeyFiles(paths.keys_dir)


def has_identity(paths: AppPaths) -> bool:
    return branch_key_files(paths).exist()


def _certificate(key: ec.EllipticCurvePrivateKey, branch_name: str, committee: str) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, committee[:64] or branch_name[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, branch_name[:64]),
        ]
    )
    now = datetime.now(UTC).replace(microsecond=0)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _encryption(passphrase: str | None) -> serialization.KeySerializationEncryption:
    if passphrase:
        return serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
    return serialization.NoEncryption()


def create_identity(paths: AppPaths, branch_name: str, committee: str = "", passphrase: str | None = None) -> Identity:
    """Create the branch key pair and certificate; refuses to overwrite an existing one."""
    if has_identity(paths):
        raise ValidationError("本机已有党支部签名密钥，不能重复创建。", "A branch signing key already exists.")
    return new_identity(branch_key_files(paths), branch_name, committee, passphrase)


def new_identity(files: KeyFiles, common_name: str, organization: str = "", passphrase: str | None = None) -> Identity:
    """A new key pair and self-issued certificate saved in ``files`` (the caller checks none exists)."""
    key = ec.generate_private_key(ec.SECP256R1())
    identity = Identity(key, _certificate(key, common_name, organization))
    save_identity(files, identity, passphrase)
    return identity


def _save(paths: AppPaths, identity: Identity, passphrase: str | None) -> None:
    save_identity(branch_key_files(paths), identity, passphrase)


def save_identity(files: KeyFiles, identity: Identity, passphrase: str | None) -> None:
    pem = identity.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase)
    )
    _write_private(files.cert, identity.certificate_pem)
    _write_private(files.key, pem)


def key_is_encrypted(paths: AppPaths) -> bool:
    return files_encrypted(branch_key_files(paths))


def files_encrypted(files: KeyFiles) -> bool:
    return b"ENCRYPTED" in files.key.read_bytes()[:64]


def load_identity(paths: AppPaths, passphrase: str | None = None) -> Identity:
    if not has_identity(paths):
        raise ValidationError(
            "本机还没有党支部签名密钥，请先完成首次设置（dzdesk init）或从备份恢复密钥。",
            "No branch signing key; run 'dzdesk init' or restore a key backup.",
        )
    return read_identity(branch_key_files(paths), passphrase)


def read_identity(files: KeyFiles, passphrase: str | None = None) -> Identity:
    """The identity in ``files`` (which must exist), unlocked with ``passphrase``."""
    try:
        key = serialization.load_pem_private_key(files.key.read_bytes(), passphrase.encode("utf-8") if passphrase else None)
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    except TypeError:
        raise ValidationError("签名密钥设有口令，请输入口令。", "The signing key needs its passphrase.") from None
    except ValueError:
        raise ValidationError("签名密钥口令不正确，或密钥文件已损坏。", "Wrong passphrase or damaged key file.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or public_key_der(cert) != spki_of(key.public_key()):
        raise ValidationError("签名密钥与证书不匹配，请从备份恢复。", "Signing key and certificate do not match.")
    return Identity(key, cert)


def certificate_fingerprint(paths: AppPaths) -> str | None:
    """The public fingerprint without needing the passphrase, or None if no identity exists."""
    return files_fingerprint(branch_key_files(paths))


def files_fingerprint(files: KeyFiles) -> str | None:
    """The certificate's fingerprint in ``files``, or None if that identity does not exist."""
    if not files.exist():
        return None
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    return fingerprint_of(public_key_der(cert))


def backup_identity(paths: AppPaths, target: Path, backup_passphrase: str, passphrase: str | None = None) -> Path:
    """Write a passphrase-protected PKCS#12 backup. Whoever has the file and passphrase can sign as the branch."""
    if len(backup_passphrase) < 8:
        raise ValidationError("备份口令至少需要8个字符。", "The backup passphrase needs at least 8 characters.")
    identity = load_identity(paths, passphrase)
    data = pkcs12.serialize_key_and_certificates(
        b"dzdesk branch key", identity.private_key, identity.certificate, None,
        serialization.BestAvailableEncryption(backup_passphrase.encode("utf-8")),
    )
    _write_private(Path(target), data)
    return Path(target)


def restore_identity(paths: AppPaths, source: Path, backup_passphrase: str, new_passphrase: str | None = None) -> Identity:
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(Path(source).read_bytes(), backup_passphrase.encode("utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"找不到密钥备份文件“{source}”。", f"Key backup '{source}' not found.") from None
    except ValueError:
        raise ValidationError("密钥备份口令不正确，或备份文件已损坏。", "Wrong backup passphrase or damaged file.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert is None:
        raise ValidationError("该备份文件不是 dzdesk 的党支部密钥。", "Not a dzdesk branch key backup.")
    identity = Identity(key, cert)
    _save(paths, identity, new_passphrase)
    return identity
