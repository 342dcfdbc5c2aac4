"""The committee's own identity: its name (the 通报's issuer) and its signing key.

The key is made with the branch key's machinery (dzdesk/identity.py) and kept beside
the committee database, in ``<data>/committee/keys/`` (owner-readable only), with the
same optional passphrase. The name lives in the committee database; renaming keeps
the key, so whatever the committee signs later stays recognisable as the same committee.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import ValidationError
from ..identity import KeyFiles, files_encrypted, files_fingerprint, new_identity
from ..paths import AppPaths
from . import models as m
from .store import CommitteeStore

KEY_FILE = "committee-key.pem"
CERT_FILE = "committee-cert.pem"
MAX_NAME = 100
MIN_PASSPHRASE = 6  # as the branch key's (ui/setup_dialog.py)


def key_files(paths: AppPaths) -> KeyFiles:
    return KeyFiles(paths.data_dir / "committee" / "keys", KEY_FILE, CERT_FILE)


def clean_name(name: str) -> str:
    """The committee's name as it is printed: required, one line, at most ``MAX_NAME`` characters."""
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError(
            "请填写本党委的名称，例如：中共合肥市律师协会委员会。",
            "The committee's name is required.",
        )
    if len(text) > MAX_NAME:
        raise ValidationError(
            f"党委名称过长（{len(text)} 字），最多 {MAX_NAME} 字。",
            f"The name is longer than {MAX_NAME} characters.",
        )
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise ValidationError(
            "党委名称含有不可见的控制字符，请重新输入。", "The name contains control characters."
        )
    return text


def check_passphrase(passphrase: str | None, again: str | None = None) -> str | None:
    """An optional passphrase, typed twice when ``again`` is given; '' means none."""
    passphrase = passphrase or ""
    if again is not None and passphrase != again:
        raise ValidationError("两次输入的密码不一致，请重新输入。", "The two passphrases differ.")
    if passphrase and len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            f"密码至少需要 {MIN_PASSPHRASE} 个字符；不想设密码请留空。",
            f"The passphrase needs at least {MIN_PASSPHRASE} characters; leave it empty for none.",
        )
    return passphrase or None


@dataclass(frozen=True)
class KeyState:
    """What ``committee key show`` and the 党委信息 dialog show about the key."""

    identity: m.CommitteeIdentity | None
    fingerprint: str | None  # of the key files; None if there is no key
    encrypted: bool
    folder: Path

    @property
    def mismatch(self) -> bool:
        """The database names another key than the one in the key folder (restored from elsewhere)."""
        return bool(
            self.identity and self.fingerprint and self.identity.fingerprint != self.fingerprint
        )


def init_committee(
    store: CommitteeStore, name: str, passphrase: str | None = None
) -> m.CommitteeIdentity:
    """Name the committee; the first time, make its signing key (protected by ``passphrase``).

    Called again with another name it renames; the key stays (``passphrase`` is then unused).
    The key files are written before the database row, so an interrupted first run leaves a
    key that the next run adopts, never a row naming a key that does not exist.
    """
    name = clean_name(name)
    passphrase = check_passphrase(passphrase)
    files = key_files(store.paths)
    fingerprint = files_fingerprint(files)
    if fingerprint is None:
        fingerprint = new_identity(files, name, name, passphrase).fingerprint
    return store.save_own_identity(name, fingerprint)


def key_state(store: CommitteeStore) -> KeyState:
    files = key_files(store.paths)
    fingerprint = files_fingerprint(files)
    return KeyState(
        identity=store.own_identity(),
        fingerprint=fingerprint,
        encrypted=fingerprint is not None and files_encrypted(files),
        folder=files.folder,
    )
