"""Fuzz: mutated valid bundles are either refused with a BundleError or still the very same bundle.

Four properties of 600 examples each check over 3,000 mutated bundles (bit flips,
truncation, byte splices, entry reordering and dropping, random or replaced
members); the base bundle is built once and mutated in memory.
"""

from __future__ import annotations

import copy
import json
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from bundle_tools import base_bundle, build_zip, manifest_of, set_entry, signed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dzdesk.bundle import BundleError, verify_bundle
from dzdesk.canonical import canonical_bytes

CASES = 600
STORED = zipfile.ZIP_STORED
FUZZ = settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@cache
def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="dzdesk-fuzz-"))


def _check(data: bytes, resigned: bool = False) -> None:
    """Only BundleError may escape; unless re-signed, a bundle that passes must be the original, unchanged."""
    base = base_bundle()
    target = _scratch() / "case.dzb"
    target.write_bytes(data)
    try:
        bundle = verify_bundle(target)
    except BundleError as exc:
        assert exc.zh and exc.en
        return
    if resigned:
        return  # whoever holds a key can sign consistent content of their own: valid for that key
    assert bundle.snapshot_digest == base.digest
    assert [(e.sha256, e.size) for e in bundle.evidence] == [(e["sha256"], e["size"]) for e in bundle.snapshot["evidence"]]
    assert bundle.manifest == _base_manifest()


@cache
def _base_manifest() -> dict:
    return verify_bundle(base_bundle().path).manifest


def _size() -> int:
    return len(base_bundle().data)


def _position() -> st.SearchStrategy[int]:
    """Anywhere, or (half the time) in the tail where the manifest and the central directory live."""
    size = _size()
    return st.one_of(st.integers(0, size - 1), st.integers(max(0, size - 24_000), size - 1))


@pytest.mark.slow
@given(flips=st.lists(st.tuples(_position(), st.integers(0, 7)), min_size=1, max_size=6))
@FUZZ
def test_bit_flips(flips):
    data = bytearray(base_bundle().data)
    for pos, bit in flips:
        data[pos] ^= 1 << bit
    _check(bytes(data))


@pytest.mark.slow
@given(cut=st.integers(0, 10**7), splice=st.binary(max_size=64), where=st.integers(0, 10**7))
@FUZZ
def test_truncation_and_splices(cut, splice, where):
    data = base_bundle().data
    _check(data[: cut % len(data)])
    pos = where % len(data)
    _check(data[:pos] + splice + data[pos + len(splice):])


@pytest.mark.slow
@given(order=st.randoms(use_true_random=False), drop=st.integers(0, 100))
@FUZZ
def test_entry_reordering(order, drop):
    members = [(info.filename, data) for info, data in base_bundle().members()]
    order.shuffle(members)
    _check(build_zip(members, STORED))
    if drop < len(members):
        _check(build_zip(members[:drop] + members[drop + 1:], STORED))


_names = st.one_of(
    st.sampled_from(["manifest.json", "signature.json", "assessment.json", "changes.json", "report.pdf", "evidence/x"]),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40),
    st.from_regex(r"evidence/[0-9a-f]{64}", fullmatch=True),
)


@pytest.mark.slow
@given(name=_names, data=st.binary(max_size=3000), replace=st.booleans())
@FUZZ
def test_random_members(name, data, replace):
    members = [(info.filename, content) for info, content in base_bundle().members()]
    if replace:
        members = [(n, data if n == name else content) for n, content in members]
    else:
        members.append((name, data))
    _check(build_zip(members, STORED))



_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _paths(value, prefix=()):
    """Every path (tuple of keys/indexes) into a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


@cache
def _documents() -> dict[str, tuple]:
    members = base_bundle().member_dict()
    return {name: (json.loads(members[name]), tuple(_paths(json.loads(members[name]))))
            for name in ("manifest.json", "assessment.json", "changes.json")}


@pytest.mark.slow
@given(member=st.sampled_from(["manifest.json", "assessment.json", "changes.json"]), pick=st.integers(0, 10**6),
       value=_json, drop=st.booleans())
@FUZZ
def test_signed_but_malformed_content(member, pick, value, drop):
    """Any key holder can sign nonsense: after the signature checks out, parsing must still fail cleanly."""
    base = base_bundle()
    doc, paths = _documents()[member]
    doc = copy.deepcopy(doc)
    path = paths[pick % len(paths)]
    if not path:
        doc = value
    else:
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if drop and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    members = base.member_dict()
    if member == "manifest.json":
        signed_members = signed(members, doc, base.identity) if isinstance(doc, dict) else {
            **members, "manifest.json": canonical_bytes(doc)}
    else:
        data = canonical_bytes(doc)
        manifest = manifest_of(members)
        set_entry(manifest, member, data, role=member.removesuffix(".json"))
        signed_members = signed({**members, member: data}, manifest, base.identity)
    _check(build_zip(list(signed_members.items()), STORED), resigned=True)
