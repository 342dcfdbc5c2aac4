"""Sealed files: any file encrypted to one or more recipients' ECDH P-256 keys (docs/encryption.md).

Write with :class:`SealedWriter` (or :func:`seal_file`), read with
:func:`open_sealed`, which gives a seekable read-only file object
``zipfile.ZipFile`` can open directly; :func:`is_sealed` and
:func:`inspect_sealed` tell what a file is and whom it is for without a key.
Every failure is a :class:`SealedError` (a DzdeskError) with one sentence in
Chinese and English.
"""

from __future__ import annotations

from .envelope import SealedInfo, inspect_sealed, is_sealed
from .errors import (
    NotARecipientError,
    NotSealedError,
    SealedDamagedError,
    SealedError,
    SealedKeyError,
    SealedReadError,
    SealedTruncatedError,
    SealedVersionError,
    SealedWriteError,
)
from .format import (
    DEFAULT_CHUNK_SIZE,
    MAGIC,
    MAX_CHUNK_SIZE,
    MAX_RECIPIENTS,
    MIN_CHUNK_SIZE,
    VERSION,
)
from .keys import (
    EncryptionKey,
    RecipientKey,
    check_separate_from_signing,
    generate_encryption_key,
    key_fingerprint,
    key_is_encrypted,
    load_private_key,
    load_public_key,
    private_key_bytes,
    public_key_bytes,
    read_private_key,
    read_public_key,
    save_private_key,
    save_public_key,
)
from .reader import SealedReader, authenticate_sealed, open_sealed
from .writer import FixedEntropy, SealedWriter, seal_bytes, seal_file

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAGIC",
    "MAX_CHUNK_SIZE",
    "MAX_RECIPIENTS",
    "MIN_CHUNK_SIZE",
    "VERSION",
    "EncryptionKey",
    "FixedEntropy",
    "NotARecipientError",
    "NotSealedError",
    "RecipientKey",
    "SealedDamagedError",
    "SealedError",
    "SealedInfo",
    "SealedKeyError",
    "SealedReadError",
    "SealedReader",
    "SealedTruncatedError",
    "SealedVersionError",
    "SealedWriteError",
    "SealedWriter",
    "authenticate_sealed",
    "check_separate_from_signing",
    "generate_encryption_key",
    "inspect_sealed",
    "is_sealed",
    "key_fingerprint",
    "key_is_encrypted",
    "load_private_key",
    "load_public_key",
    "open_sealed",
    "private_key_bytes",
    "public_key_bytes",
    "read_private_key",
    "read_public_key",
    "save_private_key",
    "save_public_key",
    "seal_bytes",
    "seal_file",
]
