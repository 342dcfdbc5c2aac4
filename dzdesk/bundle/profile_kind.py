"""The committee's 分类定级标准 as a signed file (.dzp): what it holds, how it is written and checked.

Members: ``profile.json`` (the rules) and ``templates/<sha256>`` (each checklist
template the profile names, as its canonical JSON, so its SHA-256 is the
template's hash). Signed with the committee's key; a branch pins that key at
the first import. Specified in docs/bundle-format.md, section 14.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

from ..canonical import canonical_bytes, sha256_hex
from ..errors import ValidationError
from ..identity import Identity
from ..models import KIND_LABELS
from ..periods import parse_period
from ..progress import NO_PROGRESS, Progress
from ..quota import ROUNDING, SCOPE_FIRST, SCOPES, QuotaRule
from ..template import Template, check_limits, parse_template
from ..textrules import check_name
from .container import Signed, open_signed
from .format import MANIFEST, SHA256_RE
from .kinds import KIND_PROFILE, KindSpec
from .manifest import b64_field, check_format, field, int_field, parse_json, shape_error
from .signed_writer import write_signed
from .types import BundleError

PROFILE = "profile.json"
PROFILE_FORMAT = "dzdesk-profile"
PROFILE_VERSION = 1
ROLE_PROFILE = "profile"
ROLE_TEMPLATE = "template"
TEMPLATES_DIR = "templates/"
MAX_SERIAL = 10**9
MAX_DEADLINES = 200


@dataclass(frozen=True)
class KindRule:
    template: Template | None  # the checklist the committee issued for this kind
    builtin: bool  # the built-in attachment 2 (template is then None: the branch uses its own copy)


@dataclass(frozen=True)
class VerifiedProfile:
    path: Path
    committee: str
    serial: int  # increases with every profile the committee exports
    issued_at: str
    title: str
    quota: QuotaRule
    kinds: dict[str, KindRule]
    deadlines: dict[str, str]  # period code -> YYYY-MM-DD
    fingerprint: str
    public_key_der: bytes
    certificate_pem: str
    encryption_key: bytes | None  # the committee's ECDH public key (DER SPKI), when it has one
    document: bytes = dataclass_field(repr=False, default=b"")  # profile.json exactly as signed


def _header(raw: dict[str, Any]) -> tuple[str, int]:
    committee = field(raw, "committee", dict, MANIFEST)
    name = _name(field(committee, "name", str, MANIFEST, "committee."), MANIFEST, "committee.name")
    return name, int_field(raw, "serial", MANIFEST, "", 1, MAX_SERIAL)


def _name(value: str, member: str, where: str) -> str:
    try:
        clean = check_name(value, "上级党委名称")
    except ValidationError as exc:
        raise shape_error(member, f"字段“{where}”不符合要求：{exc.zh.rstrip('。')}", f"field '{where}': {exc.en.rstrip('.')}") from None
    if clean != value:
        raise shape_error(member, f"字段“{where}”首尾有空白", f"field '{where}' has surrounding white space")
    return value


PROFILE_KIND = KindSpec(
    name=KIND_PROFILE,
    fixed={ROLE_PROFILE: PROFILE},
    addressed={ROLE_TEMPLATE: TEMPLATES_DIR},
    required=(ROLE_PROFILE,),
    json_members=(PROFILE,),
    json_roles=(ROLE_TEMPLATE,),
    first=PROFILE,
    check_header=_header,
)


def profile_document(
    committee: str, serial: int, issued_at: str, title: str, quota: QuotaRule, kinds: dict[str, KindRule],
    deadlines: dict[str, str], encryption_key: bytes | None = None,
) -> dict[str, Any]:
    from .manifest import b64

    doc: dict[str, Any] = {
        "format": PROFILE_FORMAT, "format_version": PROFILE_VERSION,
        "committee": {"name": committee}, "serial": serial, "issued_at": issued_at, "title": title,
        "quota": {"percent": quota.percent, "scope": quota.scope, "first_period": quota.first_period, "rounding": quota.rounding},
        "kinds": {k: {"template": r.template.hash if r.template else None, "builtin": r.builtin} for k, r in kinds.items()},
        "deadlines": dict(sorted(deadlines.items())),
    }
    if encryption_key is not None:
        doc["encryption_key"] = b64(encryption_key)
    return doc


def write_profile(
    out_path: str | Path, doc: dict[str, Any], templates: list[Template], identity: Identity,
    progress: Progress = NO_PROGRESS,
) -> Path:
    documents = [(PROFILE, ROLE_PROFILE, canonical_bytes(doc))]
    documents += [(f"{TEMPLATES_DIR}{t.hash}", ROLE_TEMPLATE, canonical_bytes(t.raw)) for t in templates]
    header = {"committee": doc["committee"], "serial": doc["serial"]}
    return write_signed(out_path, PROFILE_KIND, header, documents, identity, check=check_profile, progress=progress)


def verify_profile(path: str | Path, progress: Progress = NO_PROGRESS) -> VerifiedProfile:
    """Check a .dzp completely (container, signature, the rules, every template); raise one clear reason."""
    return check_profile(open_signed(path, {KIND_PROFILE: PROFILE_KIND}, progress))


def check_profile(signed: Signed) -> VerifiedProfile:
    try:
        return _check(signed)
    except BundleError as exc:
        raise BundleError(PROFILE_KIND.relabel(exc.zh), exc.en) from None


def _check(signed: Signed) -> VerifiedProfile:
    doc = parse_json(signed.kept[PROFILE], PROFILE)
    check_format(doc, PROFILE, PROFILE_FORMAT, PROFILE_VERSION)
    committee, serial = signed.manifest.header
    if field(doc, "committee", dict, PROFILE) != {"name": committee} or field(doc, "serial", int, PROFILE) != serial:
        raise BundleError("分类定级标准中的党委名称或编号与清单不一致，不能采信。", "profile.json disagrees with the manifest.")
    issued_at = field(doc, "issued_at", str, PROFILE)
    title = field(doc, "title", str, PROFILE)
    if len(title) > 200:
        raise shape_error(PROFILE, "“title”过长", "'title' is too long")
    templates = _templates(signed)
    kinds = _kinds(field(doc, "kinds", dict, PROFILE), templates)
    unused = set(templates) - {r.template.hash for r in kinds.values() if r.template}
    if unused:
        raise BundleError(f"分类定级标准含有未被引用的模板“templates/{sorted(unused)[0]}”。", "The profile contains an unreferenced template.")
    key = doc.get("encryption_key")
    return VerifiedProfile(
        path=signed.path, committee=committee, serial=serial, issued_at=issued_at, title=title,
        quota=_quota(field(doc, "quota", dict, PROFILE)), kinds=kinds,
        deadlines=_deadlines(field(doc, "deadlines", dict, PROFILE)), fingerprint=signed.fingerprint,
        public_key_der=signed.manifest.public_key_der, certificate_pem=signed.manifest.raw["signer"]["certificate"],
        encryption_key=None if key is None else b64_field(doc, "encryption_key", PROFILE), document=signed.kept[PROFILE],
    )


def _templates(signed: Signed) -> dict[str, Template]:
    templates: dict[str, Template] = {}
    for entry in signed.manifest.entries:
        if entry.role != ROLE_TEMPLATE:
            continue
        raw = parse_json(signed.kept[entry.path], entry.path)
        try:
            template = parse_template(raw)
            check_limits(template)
        except ValidationError as exc:
            raise BundleError(f"分类定级标准中的模板有误：{exc.zh}", f"A template in the profile is invalid: {exc.en}") from None
        if sha256_hex(raw) != entry.sha256:
            raise shape_error(entry.path, "模板不是规范形式（哈希值与内容不符）", "the template is not in canonical form")
        templates[entry.sha256] = template
    return templates


def _kinds(obj: dict[str, Any], templates: dict[str, Template]) -> dict[str, KindRule]:
    kinds: dict[str, KindRule] = {}
    for kind, rule in obj.items():
        if kind not in KIND_LABELS:
            raise shape_error(PROFILE, f"党支部类型“{kind[:20]}”未知", "unknown branch kind")
        where = f"kinds.{kind}."
        builtin = field(rule, "builtin", bool, PROFILE, where)
        sha = field(rule, "template", (str, type(None)), PROFILE, where)
        if sha is not None and (not SHA256_RE.fullmatch(sha) or sha not in templates):
            raise BundleError(f"分类定级标准缺少“{KIND_LABELS[kind]}”党支部的模板文件。", f"The template for '{kind}' is missing.")
        if builtin and sha is not None:
            raise shape_error(PROFILE, f"“{where}”不能同时指定模板和内置清单", f"'{where}' names both a template and the built-in one")
        kinds[kind] = KindRule(templates.get(sha) if sha else None, builtin)
    return kinds


def _quota(obj: dict[str, Any]) -> QuotaRule:
    percent = int_field(obj, "percent", PROFILE, "quota.", 0, 100)
    scope = field(obj, "scope", str, PROFILE, "quota.")
    rounding = field(obj, "rounding", str, PROFILE, "quota.")
    first = field(obj, "first_period", str, PROFILE, "quota.")
    if scope not in SCOPES or rounding not in ROUNDING:
        raise shape_error(PROFILE, "A级名额规则无效", "the quota rule is invalid")
    if first:
        try:
            first = parse_period(first).code
        except ValidationError:
            raise shape_error(PROFILE, "“quota.first_period”不是有效期间", "'quota.first_period' is not a period") from None
    return QuotaRule(percent, scope, first if scope == SCOPE_FIRST else "", rounding)


def _deadlines(obj: dict[str, Any]) -> dict[str, str]:
    from datetime import date

    if len(obj) > MAX_DEADLINES:
        raise shape_error(PROFILE, "报送截止日期过多", "too many deadlines")
    out: dict[str, str] = {}
    for period, value in obj.items():
        try:
            code = parse_period(period).code
            ok = isinstance(value, str) and date.fromisoformat(value).isoformat() == value
        except (ValidationError, ValueError):
            ok = False
        if not ok:
            raise shape_error(PROFILE, f"报送截止日期“{str(period)[:20]}”无效", "a deadline is invalid")
        out[code] = value
    return out
