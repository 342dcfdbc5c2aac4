"""Round trip: export the demo assessment, verify it, and compare everything with the store."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict

import pytest
from pypdf import PdfReader

from dzdesk.bundle import BundleError, export_bundle, suggested_filename, verify_bundle
from dzdesk.canonical import canonical_bytes
from dzdesk.demo_content import DEMO_PROFILE
from dzdesk.identity import certificate_fingerprint, verify_signature
from dzdesk.snapshot import short_digest
from dzdesk.store import Store


@pytest.fixture
def exported(base):
    """The session's exported demo bundle, and its (unchanged) store."""
    with Store(base.paths) as store:
        yield store, base.path


def test_round_trip_matches_the_store(exported):
    store, path = exported
    assessment = store.require("2026Q4")
    bundle = verify_bundle(path)

    assert bundle.path == path
    assert bundle.snapshot == json.loads(canonical_bytes(store.snapshot(assessment)))
    assert bundle.snapshot_digest == assessment.snapshot_digest
    assert bundle.branch == store.require_profile()
    assert (bundle.period, bundle.revision) == ("2026Q4", assessment.revision)
    assert bundle.template == {"id": assessment.template_id, "version": assessment.template_version, "hash": assessment.template_hash}
    result = store.score("2026Q4")
    assert (bundle.score, bundle.grade, bundle.flags) == (result.total, result.grade, result.flags)
    assert bundle.extra["score"]["reasons"] == list(result.reasons)
    assert bundle.signer_fingerprint == certificate_fingerprint(store.paths)
    assert bundle.manifest["finalized_at"] == assessment.finalized_at
    assert bundle.app_version and bundle.generated_at

    evidence = store.evidence(assessment)
    assert [(e.task_key, e.sha256, e.name, e.size, e.caption) for e in bundle.evidence] == [
        (e["task_key"], e["sha256"], e["name"], e["size"], e["caption"]) for e in store.snapshot(assessment)["evidence"]
    ]
    assert len(bundle.evidence) == len(evidence) == 44
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        for item in evidence:
            member = f"evidence/{item.sha256}"
            assert zf.read(member) == store.evidence_file(item).read_bytes()
        changes = json.loads(zf.read("changes.json"))["changes"]
        report = zf.read(bundle.report_member)
    logged = [asdict(c) for c in store.changes(assessment)]
    assert [(c["at"], c["field"], c["new"]) for c in changes if c["revision"] == assessment.revision] == [
        (c["at"], c["field"], c["new"]) for c in logged
    ]
    assert bundle.extra["changes"] == len(changes)
    assert changes[-1]["field"] == "assessment.finalized" and changes[-1]["new"] == assessment.snapshot_digest

    pdf = PdfReader(io.BytesIO(report))
    assert len(pdf.pages) >= 1
    assert any(f.get("/FT") == "/Sig" for f in pdf.get_fields().values())
    assert short_digest(bundle.snapshot_digest) in pdf.pages[0].extract_text()


def test_manifest_signature_is_over_the_exact_bytes(exported):
    """What docs/bundle-format.md promises an independent verifier, checked without dzdesk.bundle."""
    _, path = exported
    import base64

    with zipfile.ZipFile(path) as zf:
        manifest_bytes = zf.read("manifest.json")
        signature = json.loads(zf.read("signature.json"))
        manifest = json.loads(manifest_bytes)
        for entry in manifest["entries"]:
            data = zf.read(entry["path"])
            assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
        listed = {e["path"] for e in manifest["entries"]} | {"manifest.json", "signature.json"}
        assert set(zf.namelist()) == listed
        snapshot = json.loads(zf.read("assessment.json"))["snapshot"]
    key = base64.b64decode(manifest["signer"]["public_key"])
    assert base64.b64decode(signature["public_key"]) == key
    assert verify_signature(key, manifest_bytes, base64.b64decode(signature["signature"]))
    assert hashlib.sha256(canonical_bytes(snapshot)).hexdigest() == manifest["snapshot_digest"]
    assert manifest_bytes == canonical_bytes(manifest)


def test_only_finalized_assessments_are_exported(demo_store, tmp_path):
    demo_store.reopen("2026Q4")
    with pytest.raises(BundleError) as info:
        export_bundle(demo_store, "2026Q4", tmp_path / "draft.dzb")
    assert "尚未定稿" in info.value.zh
    assert list(tmp_path.iterdir()) == []


def test_previous_quarter_exports_too(exported, tmp_path):
    store, _ = exported
    path = export_bundle(store, "2026Q3", tmp_path / "q3.dzb")
    bundle = verify_bundle(path)
    assert bundle.period == "2026Q3"
    assert bundle.snapshot_digest == store.require("2026Q3").snapshot_digest


def test_local_tampering_is_refused(demo_store, tmp_path):
    """A blob changed on disk after finalizing: the export refuses instead of signing it."""
    assessment = demo_store.require("2026Q4")
    blob = demo_store.evidence_file(demo_store.evidence(assessment)[0])
    data = bytearray(blob.read_bytes())
    data[-1] ^= 0xFF
    blob.write_bytes(bytes(data))
    with pytest.raises(BundleError) as info:
        export_bundle(demo_store, "2026Q4", tmp_path / "x.dzb")
    assert "已损坏" in info.value.zh
    assert list(tmp_path.iterdir()) == []


def test_missing_blob_is_refused(demo_store, tmp_path):
    assessment = demo_store.require("2026Q4")
    item = demo_store.evidence(assessment)[3]
    demo_store.evidence_file(item).unlink()
    with pytest.raises(BundleError) as info:
        export_bundle(demo_store, "2026Q4", tmp_path / "x.dzb")
    assert item.original_name in info.value.zh and "缺失" in info.value.zh
    assert list(tmp_path.iterdir()) == []


def test_passphrase_protected_key(tmp_path):
    """A key with a passphrase: export without it says so; with it, the bundle verifies."""
    from datetime import date

    from dzdesk.demo import create_demo
    from dzdesk.errors import ValidationError
    from dzdesk.identity import create_identity
    from dzdesk.paths import resolve_paths

    with Store(resolve_paths(tmp_path / "home")) as s:
        create_identity(s.paths, "中共测试党支部", passphrase="正确口令123")
        create_demo(s, today=date(2026, 11, 28))
        out = tmp_path / "out"
        out.mkdir()
        with pytest.raises(ValidationError) as info:
            export_bundle(s, "2026Q4", out / "x.dzb")
        assert "口令" in info.value.zh
        assert list(out.iterdir()) == []
        path = export_bundle(s, "2026Q4", out / "x.dzb", passphrase="正确口令123")
        assert verify_bundle(path).period == "2026Q4"


def test_suggested_filename():
    profile = DEMO_PROFILE
    assert suggested_filename(profile, "2026Q4") == "中共合肥智联信息科技有限公司党支部_2026Q4_自评.dzb"
    odd = type(profile)(**{**asdict(profile), "name": 'A/B:C*?"党支部'})
    assert suggested_filename(odd, "2026Q1") == "中共A_B_C___党支部_2026Q1_自评.dzb"


def test_bundle_file_is_not_private(exported):
    _, path = exported
    assert path.stat().st_mode & 0o044 == 0o044


def test_removable_folders_lists_only_mounted_writable_drives(tmp_path):
    from pathlib import Path

    from dzdesk.bundle import default_export_folder, removable_folders

    (tmp_path / "not-a-drive").mkdir()
    assert removable_folders([tmp_path, tmp_path / "missing"]) == []
    mounted = removable_folders([Path("/")])
    assert all(p.is_mount() for p in mounted)
    if Path("/proc").is_mount():
        assert Path("/proc") in mounted
    assert default_export_folder(tmp_path) in [*removable_folders(), tmp_path]
