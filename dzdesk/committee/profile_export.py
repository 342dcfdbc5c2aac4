"""``export_profile``: the committee's 分类定级标准 as a signed .dzp for its branches.

Signed with the committee's key (committee/identity.py) and carrying its
encryption public key, so branches that import it seal their bundles to the
committee. Each export gets the next serial number: a branch refuses a profile
that is not newer than the one it holds.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from ..bundle.format import WINDOWS_FORBIDDEN
from ..bundle.profile_kind import KindRule, profile_document, write_profile
from ..encryption_keys import COMMITTEE_STEM, EncryptionKeyFiles, ensure_key, spki_der
from ..errors import ValidationError
from ..identity import read_identity
from ..models import KIND_LABELS
from ..timeutil import now_iso
from .identity import key_files
from .store import CommitteeStore

PROFILE_SUFFIX = ".dzp"


def encryption_files(store: CommitteeStore) -> EncryptionKeyFiles:
    return EncryptionKeyFiles(key_files(store.paths).folder, COMMITTEE_STEM)


def suggested_name(committee: str, year: int) -> str:
    name = WINDOWS_FORBIDDEN.sub("_", committee).strip(" .") or "上级党委"
    return f"{name}_分类定级标准_{year}{PROFILE_SUFFIX}"


def export_profile(store: CommitteeStore, out: str | Path, *, passphrase: str | None = None, today: date | None = None) -> Path:
    own = store.own_identity()
    if own is None or not key_files(store.paths).exist():
        raise ValidationError(
            "本党委还没有名称和签名密钥，请先在“文件 → 党委信息”中填写（或运行 dzdesk committee init --name 名称）。",
            "The committee has no name and key yet; run 'dzdesk committee init --name NAME'.",
        )
    identity = read_identity(key_files(store.paths), passphrase)
    encryption = ensure_key(encryption_files(store), passphrase)
    out = Path(out)
    year = (today or date.today()).year
    if out.is_dir():
        out = out / suggested_name(own.name, year)
    policy = store.profile.policy()
    kinds: dict[str, KindRule] = {}
    for kind in KIND_LABELS:
        choice = policy.choice(kind)
        kinds[kind] = KindRule(None if choice.builtin else choice.template, choice.builtin)
    serial = store.profile.next_serial()
    doc = profile_document(
        own.name, serial, now_iso(), f"{own.name}党支部分类定级具体标准（{year}）", policy.quota, kinds,
        store.profile.deadlines(), spki_der(encryption),
    )
    templates = list({r.template.hash: r.template for r in kinds.values() if r.template is not None}.values())
    path = write_profile(out, doc, templates, identity)
    store.profile.record_export(serial, path.name, hashlib.sha256(path.read_bytes()).hexdigest())
    return path
