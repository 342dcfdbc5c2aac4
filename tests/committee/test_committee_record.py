"""record_submission stores the signed bytes the verifier read, and keeps its rules with or without them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile

from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from test_committee_import_files import usb  # noqa: F401 (module fixture: two real bundles)

from dzdesk.bundle import verify_bundle
from dzdesk.bundle.verify import _snapshot_bytes
from dzdesk.canonical import canonical_bytes, sha256_hex
from dzdesk.committee import models as m
from dzdesk.committee.importer import import_bundles


def _row(committee, sub_id: int) -> dict:
    return next(iter(committee.db.query(
        "SELECT manifest_sha256, manifest_json, snapshot_json, state FROM submissions WHERE id = ?", [sub_id])))


def test_the_stored_manifest_is_the_signed_bytes_and_the_snapshot_parses_back(committee, usb):  # noqa: F811
    report = import_bundles(committee, [usb["b1"]])
    outcome = report.outcomes[0]
    assert outcome.outcome == m.IMPORTED
    with zipfile.ZipFile(usb["b1"]) as zf:
        signed = zf.read("manifest.json")
    vb = verify_bundle(usb["b1"])
    row = _row(committee, outcome.submission_id)
    assert row["manifest_json"].encode("utf-8") == signed
    assert row["manifest_sha256"] == hashlib.sha256(signed).hexdigest() == sha256_hex(vb.manifest)
    assert json.loads(row["snapshot_json"]) == vb.snapshot == committee.snapshot(outcome.submission_id)
    assert vb.extra["snapshot_bytes"] == canonical_bytes(vb.snapshot)


def test_a_verified_bundle_without_the_raw_bytes_is_stored_the_same(committee, usb):  # noqa: F811
    vb = verify_bundle(usb["b2"])
    bare = dataclasses.replace(vb, extra={k: v for k, v in vb.extra.items() if not k.endswith("_bytes")})
    with committee.transaction():
        first = committee.record_submission(bare, "")
        again = committee.record_submission(vb, "")  # looked up inside: the same snapshot is not recorded twice
    assert first.outcome == m.IMPORTED and again.outcome == m.ALREADY
    assert again.submission_id == first.submission_id
    row = _row(committee, first.submission_id)
    assert json.loads(row["snapshot_json"]) == vb.snapshot and json.loads(row["manifest_json"]) == vb.manifest
    assert row["manifest_sha256"] == sha256_hex(vb.manifest) and row["state"] == "current"


def test_the_snapshot_is_cut_out_only_when_its_digest_proves_it():
    snapshot = {"a": "党支部", "b": [1, 2]}
    digest = sha256_hex(snapshot)
    doc = canonical_bytes({"format": "x", "score": {"snapshot": 1}, "snapshot": snapshot})
    assert _snapshot_bytes(doc, digest) == canonical_bytes(snapshot)
    assert _snapshot_bytes(json.dumps({"snapshot": snapshot, "z": 1}).encode(), digest) is None
    assert _snapshot_bytes(doc, "0" * 64) is None
    assert _snapshot_bytes(b"", digest) is None
