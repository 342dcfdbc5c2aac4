"""What a committee's import checks bundles with beyond the built-in templates: its own.

The templates it issued (so bundles answered against them are scored by the
committee itself) and its decryption key (so bundles sealed to it can be read).
Plain data, handed to the verifier on threads or to worker processes alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from ..bundle.safezip import KeyRing
from ..encryption_keys import der_of, private_key
from ..errors import ValidationError
from ..sealed import SealedError, key_is_encrypted
from ..template import Template

if TYPE_CHECKING:  # worker processes unpickle an Intake: keep the store (sqlite-utils) out of their imports
    from .store import CommitteeStore

REFUSAL = "此文件不是发给本党委的"


@dataclass(frozen=True)
class Intake:
    templates: dict[str, Template] = field(default_factory=dict)
    keys: KeyRing = field(default_factory=KeyRing)

    def verifier(self):  # noqa: ANN201 - verify(path, *, sink=...) as dzdesk.bundle.verify_bundle
        from ..bundle.verify import verify_bundle

        return partial(verify_bundle, templates=self.templates, keys=self.keys)


def intake(store: CommitteeStore, passphrase: str | None = None) -> Intake:
    """The committee's issued templates and, when it has one, its decryption key."""
    from .profile_export import encryption_files

    templates = store.profile.policy().templates()
    files = encryption_files(store)
    if not files.exist():
        return Intake(templates, KeyRing((), REFUSAL))
    if key_is_encrypted(files.private.read_bytes()) and not passphrase:
        return Intake(templates, KeyRing((), "加密的报送包需要本党委解密密钥的口令才能打开，请提供口令后重新导入"))
    try:
        key = private_key(files, passphrase)
    except SealedError as exc:
        raise ValidationError(exc.zh, exc.en) from None
    return Intake(templates, KeyRing((der_of(key),) if key else (), REFUSAL))
