"""Where the branch's and the committee's encryption keys live, and how they are made when first needed.

Each side has one ECDH P-256 key pair for sealed files (docs/encryption.md),
separate from its signing key, beside it in the same keys folder: the private
key protected by the signing key's passphrase, the public key in plain PEM so
an export can encrypt to it without asking. The committee's public key travels
to its branches inside the signed profile; a bundle is sealed to the committee
and to the branch itself, so the branch can read back and verify its own export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization

from .sealed import (
    EncryptionKey,
    RecipientKey,
    generate_encryption_key,
    read_private_key,
    read_public_key,
    save_private_key,
    save_public_key,
)

if TYPE_CHECKING:
    from .bundle.safezip import KeyRing
    from .paths import AppPaths

BRANCH_STEM = "branch-seal"
COMMITTEE_STEM = "committee-seal"


@dataclass(frozen=True)
class EncryptionKeyFiles:
    folder: Path
    stem: str

    @property
    def private(self) -> Path:
        return self.folder / f"{self.stem}-key.pem"

    @property
    def public(self) -> Path:
        return self.folder / f"{self.stem}-key.pub.pem"

    def exist(self) -> bool:
        return self.private.is_file() and self.public.is_file()


def ensure_key(files: EncryptionKeyFiles, passphrase: str | None) -> RecipientKey:
    """The public key, the pair made first if there is none (the private half under ``passphrase``)."""
    if not files.exist():
        files.folder.mkdir(parents=True, exist_ok=True)
        key = generate_encryption_key()
        save_private_key(files.private, key, passphrase)  # the private half first: a public key never
        save_public_key(files.public, key)  # exists without the key that opens what is sealed to it
    return read_public_key(files.public)


def public_key(files: EncryptionKeyFiles) -> RecipientKey | None:
    return read_public_key(files.public) if files.exist() else None


def private_key(files: EncryptionKeyFiles, passphrase: str | None) -> EncryptionKey | None:
    return read_private_key(files.private, passphrase) if files.exist() else None


def der_of(key: EncryptionKey) -> bytes:
    """The private key as unencrypted PKCS#8 DER, for a KeyRing (held in memory only)."""
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def spki_der(key: RecipientKey) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def local_keyring(paths: AppPaths, passphrase: str | None = None) -> KeyRing:
    """Every decryption key on this PC (the branch's, the committee's) for ``dzdesk verify``; a key
    whose passphrase is not given is left out."""
    from .bundle.safezip import KeyRing
    from .sealed import SealedError

    folders = ((paths.keys_dir, BRANCH_STEM), (paths.data_dir / "committee" / "keys", COMMITTEE_STEM))
    keys = []
    for folder, stem in folders:
        try:
            key = private_key(EncryptionKeyFiles(folder, stem), passphrase)
        except SealedError:
            continue
        if key is not None:
            keys.append(der_of(key))
    committee = EncryptionKeyFiles(folders[1][0], COMMITTEE_STEM).exist()
    return KeyRing(tuple(keys), "此文件不是发给本党委的" if committee else "此文件已加密，不是发给本机的")
