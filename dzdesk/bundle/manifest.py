"""manifest.json and signature.json: strict parsing and shape checks.

Every check raises a BundleError naming the member and the field, so a
committee secretary can tell the branch exactly what is wrong with its file.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..models import BranchProfile
from .format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MAX_ENTRY_BYTES,
    SHA256_RE,
    SIGNATURE,
    SIGNATURE_ALGORITHM,
    SIGNATURE_FORMAT,
    printable,
)
from .kinds import KIND_ASSESSMENT, KIND_FIELD, LABELS, KindSpec
from .types import BundleError


@dataclass(frozen=True)
class Entry:
    path: str
    role: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    raw: dict[str, Any]
    entries: tuple[Entry, ...]
    header: Any  # what the kind's check_header returned (an assessment's BranchProfile)
    public_key_der: bytes
    kind: KindSpec

    @property
    def branch(self) -> BranchProfile:
        """An assessment bundle's branch profile."""
        assert isinstance(self.header, BranchProfile)
        return self.header

    @property
    def by_path(self) -> dict[str, Entry]:
        return {e.path: e for e in self.entries}

    def role(self, role: str) -> Entry | None:
        return next((e for e in self.entries if e.role == role), None)


ABSENT = object()  # a missing key, told apart from a key whose value is null


def shape_error(member: str, detail_zh: str, detail_en: str) -> BundleError:
    return BundleError(
        f"上报文件中的 {member} 格式不正确：{detail_zh}。", f"{member} is malformed: {detail_en}."
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


class _NumberOutOfRange(ValueError):
    pass


def _finite_float(text: str) -> float:
    """JSON numbers beyond a double (1e400) would parse as infinity: refuse them like NaN."""
    value = float(text)
    if not math.isfinite(value):
        raise _NumberOutOfRange(text)
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def parse_json(data: bytes, member: str) -> Any:
    """Strict JSON: UTF-8 only, no duplicate keys, no NaN/Infinity."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise shape_error(member, "不是 UTF-8 编码的文本", "not UTF-8 text") from None
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant, parse_float=_finite_float
        )
    except _NumberOutOfRange:
        raise shape_error(member, "含有超出范围的数字", "a number is out of range") from None
    except (ValueError, RecursionError):
        raise shape_error(member, "不是有效的 JSON", "not valid JSON") from None


def field(obj: Any, key: str, kind: type | tuple[type, ...], member: str, where: str = "") -> Any:
    """``obj[key]``, which must exist and be of ``kind`` (bool never counts as int)."""
    if type(obj) is dict:  # the usual case, answered without building a label: the value's exact type is kind
        value = obj.get(key, ABSENT)
        if type(value) is kind:
            return value
    label = f"{where}{key}"
    if not isinstance(obj, dict):
        raise shape_error(member, f"“{where.rstrip('.') or '顶层'}”不是对象", f"'{where.rstrip('.') or 'top level'}' is not an object")
    if key not in obj:
        raise shape_error(member, f"缺少字段“{label}”", f"missing field '{label}'")
    value = obj[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        raise shape_error(member, f"字段“{label}”的类型不对", f"field '{label}' has the wrong type")
    return value


def int_field(obj: Any, key: str, member: str, where: str, low: int, high: int) -> int:
    """An integer field within ``low``…``high`` (documented ranges; anything else is a shape error)."""
    value = field(obj, key, int, member, where)
    if not low <= value <= high:
        raise shape_error(
            member, f"字段“{where}{key}”超出范围（应在 {low} 到 {high} 之间）", f"field '{where}{key}' is not within {low}..{high}"
        )
    return value


def sha_field(obj: Any, key: str, member: str, where: str = "") -> str:
    value = field(obj, key, str, member, where)
    if not SHA256_RE.fullmatch(value):
        raise shape_error(member, f"字段“{where}{key}”不是 SHA-256 值", f"field '{where}{key}' is not a SHA-256 hex digest")
    return value


def b64_field(obj: Any, key: str, member: str, where: str = "") -> bytes:
    value = field(obj, key, str, member, where)
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise shape_error(member, f"字段“{where}{key}”不是 Base64", f"field '{where}{key}' is not base64") from None


def check_format(obj: Any, member: str, name: str, version: int) -> None:
    if not isinstance(obj, dict):
        raise shape_error(member, "顶层不是 JSON 对象", "the top level is not a JSON object")
    if obj.get("format") != name:
        raise shape_error(member, f"格式名不是“{name}”", f"format is not '{name}'")
    found = obj.get("format_version")
    if isinstance(found, bool) or not isinstance(found, int) or found < 1:
        raise shape_error(member, "格式版本无效", "invalid format_version")
    if found > version:
        raise BundleError(
            f"该上报文件的 {member} 是第 {found} 版格式，本程序只支持到第 {version} 版，请升级 dzdesk 后再打开。",
            f"{member} uses format version {found}; this program supports up to {version}. Please upgrade.",
        )


def parse_manifest(data: bytes, kinds: Mapping[str, KindSpec]) -> Manifest:
    """The manifest of a signed file of one of ``kinds`` (by its ``kind`` field; absent: an assessment)."""
    raw = parse_json(data, MANIFEST)
    check_format(raw, MANIFEST, FORMAT_NAME, FORMAT_VERSION)
    spec = _kind(raw, kinds)
    for key in ("app_version", "generated_at"):
        field(raw, key, str, MANIFEST)
    header = spec.check_header(raw)
    signer = field(raw, "signer", dict, MANIFEST)
    if field(signer, "algorithm", str, MANIFEST, "signer.") != SIGNATURE_ALGORITHM:
        raise shape_error(MANIFEST, "不支持的签名算法", "unsupported signature algorithm")
    public_key = b64_field(signer, "public_key", MANIFEST, "signer.")
    field(signer, "fingerprint", str, MANIFEST, "signer.")
    field(signer, "certificate", str, MANIFEST, "signer.")
    entries = _entries(field(raw, "entries", list, MANIFEST), spec)
    return Manifest(raw, entries, header, public_key, spec)


def _kind(raw: dict[str, Any], kinds: Mapping[str, KindSpec]) -> KindSpec:
    name = raw.get(KIND_FIELD, KIND_ASSESSMENT)
    spec = kinds.get(name) if isinstance(name, str) else None
    if spec is not None:
        return spec
    wanted = "或".join(f"{k.label}（{k.suffix}）" for k in kinds.values())
    if isinstance(name, str) and name in LABELS:
        label, suffix = LABELS[name]
        raise BundleError(f"该文件是{label}（{suffix}），不是{wanted}，请选择正确的文件。",
                          f"This is a {suffix} file, not the kind of file expected here.")
    raise BundleError(f"该文件不是{wanted}：清单中的文件类型“{printable(str(name), 20)}”未知。",
                      "The manifest names an unknown kind of file.")


def _entries(items: list[Any], spec: KindSpec) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"entries[{i}]."
        path = field(item, "path", str, MANIFEST, where)
        role = field(item, "role", str, MANIFEST, where)
        size = int_field(item, "size", MANIFEST, where, 0, MAX_ENTRY_BYTES)
        sha = sha_field(item, "sha256", MANIFEST, where)
        folder = spec.addressed.get(role)
        if role not in spec.fixed and folder is None:
            shown, shown_role = printable(path), printable(role, 20)
            raise shape_error(MANIFEST, f"条目“{shown}”的类型“{shown_role}”未知", f"entry '{shown}' has unknown role '{shown_role}'")
        expected = f"{folder}{sha}" if folder is not None else spec.fixed[role]
        if path != expected:
            shown = printable(path)
            raise shape_error(MANIFEST, f"条目“{shown}”的路径应为“{expected}”", f"entry '{shown}' should be '{expected}'")
        # from here on ``path`` is a fixed ASCII name or a folder and a SHA-256: printable(path) == path
        if path in seen:
            raise shape_error(MANIFEST, f"条目“{path}”重复出现", f"entry '{path}' is listed twice")
        seen.add(path)
        entries.append(Entry(path, role, size, sha))
    for role in spec.required:
        if spec.fixed[role] not in seen:
            raise shape_error(MANIFEST, f"清单中没有“{spec.fixed[role]}”", f"'{spec.fixed[role]}' is not listed")
    return tuple(entries)


def parse_signature(data: bytes) -> tuple[bytes, bytes]:
    """Return (public key DER, signature DER) from signature.json."""
    raw = parse_json(data, SIGNATURE)
    check_format(raw, SIGNATURE, SIGNATURE_FORMAT, 1)
    if field(raw, "algorithm", str, SIGNATURE) != SIGNATURE_ALGORITHM:
        raise shape_error(SIGNATURE, "不支持的签名算法", "unsupported signature algorithm")
    if field(raw, "signed_member", str, SIGNATURE) != MANIFEST:
        raise shape_error(SIGNATURE, f"签名对象不是 {MANIFEST}", f"the signed member is not {MANIFEST}")
    return b64_field(raw, "public_key", SIGNATURE), b64_field(raw, "signature", SIGNATURE)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

