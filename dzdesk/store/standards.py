"""The committee's 分类定级标准 as the branch keeps it (``store.standards``): imported profile files and the
pinned committee key.

The first imported profile pins the committee's signing key (its fingerprint is
shown, to compare with the one the committee announces); a later profile signed
by another key is refused unless the secretary confirms the change. A profile
whose serial is not newer than the one held is refused as a replay. Every
import is one transaction with its change-log row; the templates it carries
join the store's templates (by hash), so assessments can be answered against
them. "Standard" here, because "profile" in this store is the branch's own
information (BranchProfile).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..quota import QuotaRule
from ..template import Template, builtin_template
from ..timeutil import now_iso

if TYPE_CHECKING:
    from ..bundle.profile_kind import VerifiedProfile
    from .branch_store import Store


@dataclass(frozen=True)
class KindStandard:
    template_hash: str | None  # the committee's template for this kind
    builtin: bool  # the built-in attachment 2


@dataclass(frozen=True)
class CommitteeStandard:
    """The current profile: who issued it (the pinned key), its rules and its checklists."""

    id: int
    committee: str
    serial: int
    title: str
    issued_at: str
    fingerprint: str
    public_key_der: bytes
    encryption_key: bytes | None  # the committee's ECDH public key (DER): bundles are sealed to it
    quota: QuotaRule
    kinds: dict[str, KindStandard]
    deadlines: dict[str, str]
    imported_at: str
    read: bool  # the secretary has seen it (the 待办 list asks until then)

    def deadline(self, period: str) -> str:
        return self.deadlines.get(period, "")


@dataclass(frozen=True)
class TemplateChoice:
    """Which checklist a new period of this branch uses, and why (shown in status and the GUI)."""

    template: Template
    source: str  # "committee" (the profile's template), "builtin" (the profile, or the default), "unconfirmed"
    note: str  # one sentence for the secretary, empty when nothing needs saying


class Standards:
    def __init__(self, store: Store) -> None:
        self._store = store

    def current(self) -> CommitteeStandard | None:
        rows = list(self._store.db.query("SELECT * FROM committee_standards WHERE state = 'current' ORDER BY id DESC LIMIT 1"))
        return _standard(rows[0]) if rows else None

    def history(self) -> list[CommitteeStandard]:
        return [_standard(r) for r in self._store.db.query("SELECT * FROM committee_standards ORDER BY id")]

    def record(self, verified: VerifiedProfile, file_sha256: str, *, accept_new_key: bool = False) -> CommitteeStandard:
        """Keep a verified profile as the current standard (checks the pinned key and the serial first)."""
        store = self._store
        with store._write():
            current = self.current()
            if current is not None and current.fingerprint != verified.fingerprint and not accept_new_key:
                raise ValidationError(
                    f"该分类定级标准的签名密钥与此前导入的不同：原指纹 {current.fingerprint}，本文件 {verified.fingerprint}。"
                    "请先向上级党委核实新指纹；确认无误后在导入时选择“接受新密钥”（--accept-new-key）。",
                    "The profile is signed by another key than the pinned one; confirm with --accept-new-key.",
                )
            if current is not None and current.fingerprint == verified.fingerprint and verified.serial <= current.serial:
                raise ValidationError(
                    f"已导入过同一上级党委较新或相同的分类定级标准（第 {current.serial} 号，本文件第 {verified.serial} 号），未作更改。",
                    f"A profile with serial {current.serial} is already held; this one ({verified.serial}) is not newer.",
                )
            for rule in verified.kinds.values():
                if rule.template is not None:
                    store._remember_template(rule.template)
            store.db.execute("UPDATE committee_standards SET state = 'superseded' WHERE state = 'current'")
            kinds = {k: {"template": r.template.hash if r.template else None, "builtin": r.builtin} for k, r in verified.kinds.items()}
            row_id = store.db["committee_standards"].insert({
                "committee": verified.committee, "serial": verified.serial, "title": verified.title,
                "issued_at": verified.issued_at, "fingerprint": verified.fingerprint,
                "public_key_der": verified.public_key_der, "certificate": verified.certificate_pem,
                "encryption_key": verified.encryption_key, "quota": json.dumps(verified.quota.__dict__),
                "kinds": json.dumps(kinds), "deadlines": json.dumps(verified.deadlines),
                "document": verified.document.decode("utf-8"), "file_sha256": file_sha256,
                "imported_at": now_iso(), "state": "current", "read": 0,
            }).last_pk
            change = "key.changed" if current is not None and current.fingerprint != verified.fingerprint else "imported"
            store._log(None, "", f"standard.{change}", current.fingerprint if current else None,
                       f"{verified.committee} #{verified.serial} {verified.fingerprint}")
        return _standard(store.db["committee_standards"].get(row_id))

    def mark_read(self) -> None:
        with self._store._write():
            self._store.db.execute("UPDATE committee_standards SET read = 1 WHERE state = 'current'")

    def choose_template(self, kind: str) -> TemplateChoice:
        """The checklist a new period of a ``kind`` branch starts with."""
        standard = self.current()
        rule = standard.kinds.get(kind) if standard else None
        if rule is not None and rule.template_hash:
            template = self._store.template_by_hash(rule.template_hash)
            if template is not None:
                return TemplateChoice(template, "committee", "")
        if rule is not None and rule.builtin:
            return TemplateChoice(builtin_template(), "builtin", "")
        if kind == "organ":
            who = f"上级党委（{standard.committee}）" if standard else "上级党委"
            return TemplateChoice(
                builtin_template(), "unconfirmed",
                f"{who}尚未下发机关事业单位党支部的检查清单，本期暂按附件2（非公企业和社会组织）填报；"
                "请向上级党委索取分类定级标准文件（.dzp），上级党委导入时会核实。",
            )
        return TemplateChoice(builtin_template(), "builtin", "")


def _standard(row: dict[str, Any]) -> CommitteeStandard:
    kinds = {k: KindStandard(v["template"], bool(v["builtin"])) for k, v in json.loads(row["kinds"]).items()}
    return CommitteeStandard(
        id=row["id"], committee=row["committee"], serial=row["serial"], title=row["title"],
        issued_at=row["issued_at"], fingerprint=row["fingerprint"], public_key_der=row["public_key_der"],
        encryption_key=row["encryption_key"], quota=QuotaRule(**json.loads(row["quota"])), kinds=kinds,
        deadlines=json.loads(row["deadlines"]), imported_at=row["imported_at"], read=bool(row["read"]),
    )
