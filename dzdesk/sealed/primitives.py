"""The key schedule: ECDH P-256 + HKDF-SHA-256 wrapping of the file key, the header tag, the payload key.

docs/encryption.md section 4 states each step; the names of the info strings
here are the ones it gives. Nothing in this module touches a file.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..identity import spki_of
from .format import FILE_KEY_SIZE, POINT_SIZE, Stanza

WRAP_INFO = b"dzdesk-sealed/v1/wrap"
HEADER_INFO = b"dzdesk-sealed/v1/header"
PAYLOAD_INFO = b"dzdesk-sealed/v1/payload"
# each wrapping key is used once (a fresh ephemeral key per file, one stanza per recipient)
WRAP_NONCE = bytes(12)
CURVE = ec.SECP256R1()


def point_of(key: ec.EllipticCurvePublicKey) -> bytes:
    """The uncompressed SEC1 encoding: 0x04 || X || Y (65 bytes)."""
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def key_of_point(point: bytes) -> ec.EllipticCurvePublicKey | None:
    """The public key of an uncompressed point, or None if it is not a valid P-256 point."""
    if len(point) != POINT_SIZE or point[0] != 4:
        return None
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(CURVE, point)
    except ValueError:
        return None


def recipient_digest(key: ec.EllipticCurvePublicKey) -> bytes:
    """SHA-256 of the SubjectPublicKeyInfo DER: the recipient's identifier (dzdesk.identity's fingerprint)."""
    return hashlib.sha256(spki_of(key)).digest()


def _hkdf(ikm: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def wrapping_key(shared: bytes, ephemeral_point: bytes, recipient_point: bytes) -> bytes:
    return _hkdf(shared, ephemeral_point + recipient_point, WRAP_INFO)


def wrap(
    file_key: bytes,
    ephemeral: ec.EllipticCurvePrivateKey,
    ephemeral_point: bytes,
    recipient: ec.EllipticCurvePublicKey,
) -> Stanza:
    shared = ephemeral.exchange(ec.ECDH(), recipient)
    key = wrapping_key(shared, ephemeral_point, point_of(recipient))
    return Stanza(recipient_digest(recipient), AESGCM(key).encrypt(WRAP_NONCE, file_key, None))


def unwrap(
    stanza: Stanza,
    ephemeral: ec.EllipticCurvePublicKey,
    ephemeral_point: bytes,
    private_key: ec.EllipticCurvePrivateKey,
) -> bytes | None:
    """The file key in ``stanza``, or None when it does not authenticate."""
    try:
        shared = private_key.exchange(ec.ECDH(), ephemeral)
    except ValueError:
        return None
    key = wrapping_key(shared, ephemeral_point, point_of(private_key.public_key()))
    try:
        file_key = AESGCM(key).decrypt(WRAP_NONCE, stanza.wrapped_key, None)
    except InvalidTag:
        return None
    return file_key if len(file_key) == FILE_KEY_SIZE else None


def header_key(file_key: bytes) -> bytes:
    return _hkdf(file_key, None, HEADER_INFO)


def payload_key(file_key: bytes) -> bytes:
    return _hkdf(file_key, None, PAYLOAD_INFO)


def header_tag(file_key: bytes, body: bytes) -> bytes:
    return hmac.digest(header_key(file_key), body, "sha256")


def header_tag_matches(file_key: bytes, body: bytes, tag: bytes) -> bool:
    return hmac.compare_digest(header_tag(file_key, body), tag)
