"""One signed report per finalized revision: made once, kept, checked, and shipped in the bundle."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dzdesk.bundle import export_bundle, verify_bundle
from dzdesk.cli import main
from dzdesk.errors import ValidationError
from dzdesk.identity import backup_identity, create_identity, load_identity, restore_identity
from dzdesk.paths import resolve_paths
from dzdesk.report import signed_report, write_report
from dzdesk.report.cache import cache_files, reports_folder

PERIOD = "2026Q4"
REPO = Path(__file__).resolve().parent.parent


def _signature_ok(data: bytes, store) -> bool:
    identity = load_identity(store.paths)
    cert = asn1_x509.Certificate.load(identity.certificate.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if len(reader.embedded_signatures) != 1:
        return False
    status = validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=[cert], allow_fetching=False))
    return bool(status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE")


def _cached(store, period: str = PERIOD) -> tuple[Path, Path]:
    return cache_files(store.paths, store.require(period).snapshot_digest)


def test_cache_hit_returns_the_same_signed_file(demo_store, tmp_path):
    first = write_report(demo_store, PERIOD, tmp_path / "a.pdf")
    pdf, sidecar = _cached(demo_store)
    assert pdf.is_file() and sidecar.is_file()
    kept = pdf.read_bytes()
    second = write_report(demo_store, PERIOD, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes() == kept
    assert signed_report(demo_store, PERIOD) == pdf and pdf.read_bytes() == kept
    assert first.pages == second.pages > 5 and second.signed and second.snapshot_digest == first.snapshot_digest
    assert _signature_ok(kept, demo_store)
    facts = json.loads(sidecar.read_text(encoding="utf-8"))
    assert facts["key"]["snapshot_digest"] == first.snapshot_digest and facts["pdf"]["size"] == len(kept)


def test_bundle_carries_the_very_file_the_secretary_printed(demo_store, tmp_path, capsys):
    home = str(demo_store.paths.data_dir)
    printed = tmp_path / "自评报告.pdf"
    assert main(["report", "--home", home, "--period", PERIOD, "-o", str(printed)]) == 0
    capsys.readouterr()
    bundle = export_bundle(demo_store, PERIOD, tmp_path / "out.dzb")
    with zipfile.ZipFile(bundle) as zf:
        shipped = zf.read("report.pdf")
    assert shipped == printed.read_bytes() == _cached(demo_store)[0].read_bytes()
    assert verify_bundle(bundle).snapshot_digest == demo_store.require(PERIOD).snapshot_digest
    # and the other way round: an export first, a printed report afterwards
    again = tmp_path / "again.pdf"
    assert main(["report", "--home", home, "--period", PERIOD, "-o", str(again)]) == 0
    assert again.read_bytes() == shipped


def test_export_builds_and_keeps_the_report_when_missing(demo_store, tmp_path):
    bundle = export_bundle(demo_store, PERIOD, tmp_path / "out.dzb")
    pdf, _ = _cached(demo_store)
    with zipfile.ZipFile(bundle) as zf:
        assert zf.read("report.pdf") == pdf.read_bytes()
    write_report(demo_store, PERIOD, tmp_path / "r.pdf")
    assert (tmp_path / "r.pdf").read_bytes() == pdf.read_bytes()


def test_new_revision_gets_a_new_report(demo_store, tmp_path):
    write_report(demo_store, PERIOD, tmp_path / "r1.pdf")
    old_pdf, _ = _cached(demo_store)
    demo_store.reopen(PERIOD)
    demo_store.set_answer(PERIOD, "1", narrative="重新定稿前补充的完成情况说明。")
    demo_store.finalize(PERIOD)
    result = write_report(demo_store, PERIOD, tmp_path / "r2.pdf")
    new_pdf, _ = _cached(demo_store)
    assert new_pdf != old_pdf and new_pdf.name == f"{result.snapshot_digest}.pdf"
    assert result.revision == 2 and new_pdf.read_bytes() == (tmp_path / "r2.pdf").read_bytes()
    assert (tmp_path / "r1.pdf").read_bytes() != (tmp_path / "r2.pdf").read_bytes()
    assert old_pdf.read_bytes() == (tmp_path / "r1.pdf").read_bytes()  # revision 1's report is kept as it was
    assert _signature_ok(new_pdf.read_bytes(), demo_store)


def test_changed_previous_period_rebuilds_the_comparison(demo_store, tmp_path):
    """The report's （四）与上期比较 reads the previous quarter, which is not part of this revision's digest."""
    write_report(demo_store, PERIOD, tmp_path / "r1.pdf")
    demo_store.reopen("2026Q3")
    demo_store.set_answer("2026Q3", "1", status="undone")
    write_report(demo_store, PERIOD, tmp_path / "r2.pdf")
    assert (tmp_path / "r1.pdf").read_bytes() != (tmp_path / "r2.pdf").read_bytes()
    assert _signature_ok((tmp_path / "r2.pdf").read_bytes(), demo_store)


TAMPERINGS = ("pdf", "pdf-and-sidecar-hash", "truncated", "sidecar-garbage", "sidecar-missing")


def _tamper(pdf: Path, sidecar: Path, good: bytes, where: str) -> bytes:
    """Damage the kept report or its sidecar; returns the PDF bytes now on disk."""
    data = bytearray(good)
    data[data.index(b"stream", data.index(b"/Filter")) + 40] ^= 0x01  # inside a signed content stream
    if where == "pdf":
        pdf.write_bytes(bytes(data))
    elif where == "pdf-and-sidecar-hash":  # hash updated to match, but the sidecar's signature no longer fits
        pdf.write_bytes(bytes(data))
        facts = json.loads(sidecar.read_text(encoding="utf-8"))
        facts["pdf"]["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
        sidecar.write_text(json.dumps(facts), encoding="utf-8")
    elif where == "truncated":
        pdf.write_bytes(good[: len(good) // 2])
    elif where == "sidecar-garbage":
        sidecar.write_bytes(b"\xff{not json" * 10)
    else:
        sidecar.unlink()
    return pdf.read_bytes()


def test_tampered_cache_is_rebuilt_not_shipped(demo_store, tmp_path):
    write_report(demo_store, PERIOD, tmp_path / "first.pdf")
    pdf, sidecar = _cached(demo_store)
    for where in TAMPERINGS:
        good = pdf.read_bytes()
        damaged = _tamper(pdf, sidecar, good, where)
        result = write_report(demo_store, PERIOD, tmp_path / f"{where}.pdf")
        again = (tmp_path / f"{where}.pdf").read_bytes()
        assert result.signed and again != damaged and pdf.read_bytes() == again, where
        assert _signature_ok(again, demo_store), where
    pdf.write_bytes(b"%PDF-1.7 not the signed report")
    bundle = export_bundle(demo_store, PERIOD, tmp_path / "out.dzb")
    with zipfile.ZipFile(bundle) as zf:
        shipped = zf.read("report.pdf")
    assert shipped == pdf.read_bytes() and _signature_ok(shipped, demo_store)


def test_report_signed_by_a_replaced_key_is_not_reused(demo_store, tmp_path):
    write_report(demo_store, PERIOD, tmp_path / "r1.pdf")
    other = resolve_paths(tmp_path / "other-pc")
    create_identity(other, "中共合肥智联信息科技有限公司党支部", "中共测试区综合委员会")
    backup_identity(other, tmp_path / "key.p12", "backup-passphrase")
    restore_identity(demo_store.paths, tmp_path / "key.p12", "backup-passphrase")
    result = write_report(demo_store, PERIOD, tmp_path / "r2.pdf")
    assert result.fingerprint == load_identity(demo_store.paths).fingerprint
    assert (tmp_path / "r1.pdf").read_bytes() != (tmp_path / "r2.pdf").read_bytes()
    assert _signature_ok((tmp_path / "r2.pdf").read_bytes(), demo_store)
    bundle = export_bundle(demo_store, PERIOD, tmp_path / "out.dzb")
    with zipfile.ZipFile(bundle) as zf:
        assert zf.read("report.pdf") == (tmp_path / "r2.pdf").read_bytes()


def test_draft_is_never_kept(store, tmp_path):
    create_identity(store.paths, "中共测试科技有限公司党支部", "中共测试区综合委员会")
    store.create_assessment(PERIOD)
    result = write_report(store, PERIOD, tmp_path / "draft.pdf")
    assert not result.signed
    assert not reports_folder(store.paths).exists()
    with pytest.raises(ValidationError) as err:
        signed_report(store, PERIOD)
    assert "尚未定稿" in err.value.zh


def test_unwritable_data_folder_still_gives_a_report_and_a_bundle(demo_store, tmp_path):
    """A data folder that will not keep the file costs the reuse, not the report or the export."""
    reports_folder(demo_store.paths).write_bytes(b"a file where the folder should be")
    result = write_report(demo_store, PERIOD, tmp_path / "r.pdf")
    assert result.signed and _signature_ok((tmp_path / "r.pdf").read_bytes(), demo_store)
    bundle = export_bundle(demo_store, PERIOD, tmp_path / "out.dzb")
    with zipfile.ZipFile(bundle) as zf:
        assert _signature_ok(zf.read("report.pdf"), demo_store)
    with pytest.raises(ValidationError) as err:
        signed_report(demo_store, PERIOD)
    assert "数据文件夹" in err.value.zh


def test_export_with_a_kept_report_loads_neither_reportlab_nor_pyhanko(demo_store, tmp_path):
    write_report(demo_store, PERIOD, tmp_path / "r.pdf")
    script = (
        "import sys\n"
        "from dzdesk.bundle import export_bundle\n"
        "from dzdesk.store import Store\n"
        f"with Store.open({str(demo_store.paths.data_dir)!r}) as s:\n"
        f"    export_bundle(s, 'PERIOD', {str(tmp_path / 'out.dzb')!r})\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'pyhanko'}))\n"
    ).replace("'PERIOD'", repr(PERIOD))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"
    with zipfile.ZipFile(tmp_path / "out.dzb") as zf:
        assert zf.read("report.pdf") == (tmp_path / "r.pdf").read_bytes()
