"""Encryption key pairs (ECDH P-256): make, write, read, fingerprint.

These are separate from the branch's ECDSA signing key (dzdesk.identity): one
key for one purpose, so a flaw in one use never weakens the other and each can
be replaced on its own. Private keys are PKCS#8, optionally encrypted with a
passphrase exactly as the signing key is; public keys are SubjectPublicKeyInfo,
and their fingerprint is dzdesk.identity's (SHA-256 of the DER SPKI).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from ..atomic import write_atomically
from ..identity import fingerprint_of, spki_of
from .errors import SealedKeyError

PEM_BEGIN = b"-----BEGIN"

EncryptionKey = ec.EllipticCurvePrivateKey
RecipientKey = ec.EllipticCurvePublicKey


def generate_encryption_key() -> EncryptionKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_fingerprint(key: EncryptionKey | RecipientKey) -> str:
    """The fingerprint people compare ("ABCD EF01 …"), of a private key's public half or a public key."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return fingerprint_of(spki_of(public))


def _encryption(passphrase: str | None) -> serialization.KeySerializationEncryption:
    if passphrase:
        return serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
    return serialization.NoEncryption()


def private_key_bytes(
    key: EncryptionKey, passphrase: str | None = None, *, pem: bool = True
) -> bytes:
    """PKCS#8, PEM or DER, encrypted with ``passphrase`` when one is given."""
    encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
    return key.private_bytes(encoding, serialization.PrivateFormat.PKCS8, _encryption(passphrase))


def public_key_bytes(key: EncryptionKey | RecipientKey, *, pem: bool = True) -> bytes:
    """SubjectPublicKeyInfo, PEM or DER: what a committee hands its branches to encrypt to."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    if not pem:
        return spki_of(public)
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _not_p256(what_zh: str, what_en: str) -> SealedKeyError:
    return SealedKeyError(
        f"{what_zh}不是 dzdesk 加密密钥（ECDH P-256）。",
        f"{what_en} is not a dzdesk encryption key (ECDH P-256).",
    )


def _check_curve(key: PrivateKeyTypes | PublicKeyTypes, what_zh: str, what_en: str) -> None:
    if not is_p256(key):
        raise _not_p256(what_zh, what_en)


def is_p256(key: object) -> bool:
    """Whether ``key`` is an elliptic-curve key (private or public) on P-256."""
    is_ec = isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey)
    return is_ec and isinstance(key.curve, ec.SECP256R1)  # type: ignore[union-attr]


def key_is_encrypted(data: bytes) -> bool:
    """Whether a PEM private key needs a passphrase (DER keys: whether it is EncryptedPrivateKeyInfo)."""
    if data.lstrip().startswith(PEM_BEGIN):
        return b"ENCRYPTED" in data.lstrip()[:64]
    try:
        serialization.load_der_private_key(data, None)
    except TypeError:
        return True
    except ValueError:
        return False
    return False


def load_private_key(data: bytes, passphrase: str | None = None) -> EncryptionKey:
    """A private encryption key from PKCS#8 (PEM or DER); clear errors for a passphrase or a damaged file."""
    pem = data.lstrip().startswith(PEM_BEGIN)
    load = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        try:
            key = load(data, secret)
        except TypeError:
            if secret is None:
                raise SealedKeyError(
                    "解密密钥设有口令，请输入口令。", "The decryption key needs its passphrase."
                ) from None
            key = load(data, None)  # a passphrase was offered for a key that has none
    except (ValueError, TypeError, UnicodeError):
        raise SealedKeyError(
            "解密密钥口令不正确，或密钥文件已损坏。", "Wrong passphrase or damaged key file."
        ) from None
    _check_curve(key, "该私钥", "The private key")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def load_public_key(data: bytes) -> RecipientKey:
    """A recipient's public key from SubjectPublicKeyInfo (PEM or DER)."""
    try:
        if data.lstrip().startswith(PEM_BEGIN):
            key = serialization.load_pem_public_key(data)
        else:
            key = serialization.load_der_public_key(data)
    except (ValueError, TypeError, UnicodeError):
        raise SealedKeyError(
            "无法读取该公钥：文件已损坏或不是公钥。",
            "Cannot read the public key: damaged or not a public key.",
        ) from None
    _check_curve(key, "该公钥", "The public key")
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def save_private_key(path: Path, key: EncryptionKey, passphrase: str | None = None) -> None:
    """Owner-readable only from the first byte, written atomically (as the signing key is)."""
    write_atomically(Path(path), private_key_bytes(key, passphrase), prefix=".tmp-", mode=0o600)


def save_public_key(path: Path, key: EncryptionKey | RecipientKey) -> None:
    write_atomically(Path(path), public_key_bytes(key), prefix=".tmp-")


def read_private_key(path: Path, passphrase: str | None = None) -> EncryptionKey:
    return load_private_key(_read(Path(path), "密钥文件", "key file"), passphrase)


def read_public_key(path: Path) -> RecipientKey:
    return load_public_key(_read(Path(path), "公钥文件", "public key file"))


def _read(path: Path, zh: str, en: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SealedKeyError(f"找不到{zh}“{path}”。", f"The {en} '{path}' was not found.") from None
    except OSError as exc:
        raise SealedKeyError(
            f"无法读取{zh}“{path}”（{exc.strerror or exc}）。",
            f"Cannot read the {en} '{path}': {exc}.",
        ) from None


def check_separate_from_signing(
    key: EncryptionKey | RecipientKey, signing_public_key_der: bytes
) -> None:
    """Refuse an encryption key that is the signing key: each key serves one purpose."""
    if public_key_bytes(key, pem=False) == signing_public_key_der:
        raise SealedKeyError(
            "加密密钥不能与签名密钥相同，请另行生成加密密钥。",
            "The encryption key must not be the signing key; generate a separate one.",
        )
