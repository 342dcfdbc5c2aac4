"""The signed 自评报告: content read back from the PDF, signature, determinism, atomic writes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import load_pem_x509_certificate
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from dzdesk.demo import create_demo
from dzdesk.errors import ValidationError
from dzdesk.identity import certificate_fingerprint, load_identity
from dzdesk.paths import resolve_paths
from dzdesk.progress import Cancelled, Progress
from dzdesk.report import render_pdf, write_report
from dzdesk.report.data import gather
from dzdesk.snapshot import short_digest, snapshot_digest
from dzdesk.store import Store


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


FURNITURE = re.compile(r"^(草稿|—\s*\d+\s*—|.*自评报告\s+快照摘要 [0-9A-F ]+)$")


def body_text(path) -> str:
    """All pages' text without the page furniture (drawn first on each page), so a paragraph
    that runs across a page break reads as one."""
    return "".join(
        "\n".join(line for line in page.splitlines() if not FURNITURE.match(line.strip())) for page in pdf_text(path)
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo branch and its signed 2026Q4 report, shared by the read-only tests below."""
    paths = resolve_paths(tmp_path_factory.mktemp("demo-home"))
    store = Store(paths, actor="tester")
    create_demo(store, today=date(2026, 11, 28))
    out = tmp_path_factory.mktemp("out") / "自评报告.pdf"
    result = write_report(store, "2026Q4", out)
    yield store, result, out
    store.close()


def test_result_describes_the_signed_file(demo):
    store, result, out = demo
    assessment = store.require("2026Q4")
    assert result.path == out and out.is_file()
    assert result.signed is True
    assert result.pages == len(PdfReader(str(out)).pages) >= 5
    assert result.snapshot_digest == assessment.snapshot_digest == snapshot_digest(store.snapshot(assessment))
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".dzdesk-report-")]


def test_every_task_narrative_rectification_digest_and_fingerprint_are_printed(demo):
    store, result, out = demo
    text = squash(body_text(out))
    assessment = store.require("2026Q4")
    template = store.template_for(assessment)
    assert len(template.tasks) == 19
    for task in template.tasks:
        assert squash(task.text) in text, task.key
        assert squash(task.title) in text
    answers = store.answers(assessment)
    rectified = 0
    for answer in answers.values():
        assert squash(answer.narrative) in text, answer.task_key
        r = answer.rectification
        if not r.is_empty:
            rectified += 1
            for part in (r.problem, r.measures, r.owner):
                assert squash(part) in text
    assert rectified >= 2
    for ev in store.evidence(assessment):
        assert squash(ev.original_name) in text and ev.sha256[:12] in text
    assert result.snapshot_digest.upper() in text.upper()
    assert squash(certificate_fingerprint(store.paths)) in text
    assert squash("中共合肥智联信息科技有限公司党支部关于党支部建设提升行动的自评报告（2026年第四季度）") in text
    for heading in ("一、基本情况", "二、总体情况", "三、重点任务完成情况", "四、存在问题及整改措施", "五、佐证材料目录"):
        assert heading in text
    finalized = date.fromisoformat(store.require("2026Q4").finalized_at[:10])  # the day under the seal
    assert "党支部书记（签字）" in text and "（盖章）" in text
    assert f"{finalized.year}年{finalized.month}月{finalized.day}日" in text


def test_seed_document_task_texts_are_in_the_report(demo):
    from seed_source import seed_text

    _, _, out = demo
    seed = squash(seed_text())
    text = squash(body_text(out))
    found = [t for t in demo[0].template_for(demo[0].require("2026Q4")).tasks if squash(t.text)[:40] in seed]
    assert len(found) == 19
    assert all(squash(t.text) in text for t in found)


def test_short_digest_is_in_every_page_footer(demo):
    _, result, out = demo
    short = squash(short_digest(result.snapshot_digest))
    pages = pdf_text(out)
    assert all(short in squash(page) for page in pages)
    assert all(f"—{n}—" in squash(page) for n, page in enumerate(pages, 1))


def test_comparison_with_previous_quarter(demo):
    store, _, out = demo
    text = squash("".join(pdf_text(out)))
    previous = store.score("2026Q3")
    assert "与上期比较" in text and "2026年第三季度" in text
    assert f"{previous.total:g}分" in text
    assert "部分完成" in text  # tasks 3, 9 and 17 moved from 部分完成 to 已完成


def _validate(data: bytes, cert_pem: bytes):
    cert = asn1_x509.Certificate.load(load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=[cert], allow_fetching=False)
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def test_signature_validates_and_covers_the_whole_file(demo):
    store, _, out = demo
    identity = load_identity(store.paths)
    status = _validate(out.read_bytes(), identity.certificate_pem)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.docmdp_ok
    assert status.signing_cert.subject.native["common_name"] == "中共合肥智联信息科技有限公司党支部"


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_pdfsig_agrees(demo):
    _, _, out = demo
    report = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." in report
    assert "Total document signed" in report


def test_flipping_one_byte_breaks_the_signature(demo, tmp_path):
    store, _, out = demo
    data = bytearray(out.read_bytes())
    # a byte inside the first page's compressed content stream, well within the signed range
    offset = data.index(b"stream", data.index(b"/Filter")) + 40
    data[offset] ^= 0x01
    identity = load_identity(store.paths)
    status = _validate(bytes(data), identity.certificate_pem)
    assert not status.intact
    assert not status.bottom_line
    if shutil.which("pdfsig"):
        bad = tmp_path / "bad.pdf"
        bad.write_bytes(bytes(data))
        report = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True, check=False).stdout
        assert "Signature is Valid." not in report


def test_content_is_deterministic_for_a_finalized_revision(demo, tmp_path):
    store, result, out = demo
    first = render_pdf(gather(store, "2026Q4"))
    second = render_pdf(gather(store, "2026Q4"))
    assert first == second
    again = write_report(store, "2026Q4", tmp_path / "again.pdf")
    assert pdf_text(again.path) == pdf_text(out)
    assert again.snapshot_digest == result.snapshot_digest
    created = PdfReader(io.BytesIO(first)).metadata.creation_date
    finalized = datetime.fromisoformat(store.require("2026Q4").finalized_at)
    assert created == finalized.replace(microsecond=0)


def test_draft_is_watermarked_and_unsigned(paths, tmp_path):
    with Store(paths, actor="tester") as store:
        create_demo(store, today=date(2026, 11, 28), finalize_current=False)
        assessment = store.require("2026Q4")
        result = write_report(store, "2026Q4", tmp_path / "draft.pdf")
        assert result.signed is False
        assert result.snapshot_digest == snapshot_digest(store.snapshot(assessment))
        pages = pdf_text(result.path)
        assert all("草稿" in page for page in pages)
        assert "不作为正式报告" in squash("".join(pages))
        assert len(PdfFileReader(io.BytesIO(result.path.read_bytes()), strict=False).embedded_signatures) == 0
        assert b"/Sig" not in result.path.read_bytes()


@pytest.fixture
def locked_branch(store, paths):
    """A small finalized assessment whose signing key is protected by a passphrase."""
    from dzdesk.identity import create_identity

    create_identity(paths, "中共测试科技有限公司党支部", "中共测试区综合委员会", passphrase="correct horse")
    template = store.template_for(store.create_assessment("2026Q4"))
    with store.batch():
        for task in template.tasks:
            store.set_answer("2026Q4", task.key, status="na", narrative=f"任务{task.key}本期不适用（测试）。")
    store.finalize("2026Q4")
    return store


def test_wrong_passphrase_leaves_existing_file_untouched(locked_branch, tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"previous report")
    with pytest.raises(ValidationError) as err:
        write_report(locked_branch, "2026Q4", target)
    assert "口令" in err.value.zh
    with pytest.raises(ValidationError):
        write_report(locked_branch, "2026Q4", target, passphrase="wrong")
    assert target.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]
    result = write_report(locked_branch, "2026Q4", target, passphrase="correct horse")
    assert result.signed and target.read_bytes().startswith(b"%PDF")


class CancelWhenSigning(Progress):
    def step(self, amount: int = 1, label: str | None = None) -> None:
        if label == "数字签名":
            self.cancel()
        super().step(amount, label)


class CancelAtStep(Progress):
    """Cancels at the n-th step, whatever it is called (cache hit or miss)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def step(self, amount: int = 1, label: str | None = None) -> None:
        self.n -= 1
        if self.n == 0:
            self.cancel()
        super().step(amount, label)


def test_cancelling_writes_nothing(demo, tmp_path):
    """Cancelled while signing a report not yet kept: no report, no cached file, no temporary file."""
    store, _, _ = demo
    reports = store.paths.data_dir / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    with pytest.raises(Cancelled):
        write_report(store, "2026Q4", tmp_path / "r.pdf", progress=CancelWhenSigning())
    assert list(tmp_path.iterdir()) == []
    assert not reports.exists() or list(reports.iterdir()) == []


def test_cancelling_a_cached_report_writes_nothing(demo, tmp_path):
    store, _, _ = demo
    write_report(store, "2026Q4", tmp_path / "first.pdf")
    (tmp_path / "first.pdf").unlink()
    with pytest.raises(Cancelled):
        write_report(store, "2026Q4", tmp_path / "r.pdf", progress=CancelAtStep(1))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("report.txt", ".pdf"), ("missing-folder/r.pdf", "不存在"), ("", "文件夹")],
)
def test_bad_target_is_one_clear_sentence(demo, tmp_path, name, fragment):
    store, _, _ = demo
    target = tmp_path / name if name else tmp_path
    if not name:
        target = tmp_path / "dir.pdf"
        target.mkdir()
    with pytest.raises(ValidationError) as err:
        write_report(store, "2026Q4", target)
    assert fragment in err.value.zh and "\n" not in str(err.value)


def test_unknown_period_is_refused(demo, tmp_path):
    store, _, _ = demo
    with pytest.raises(ValidationError):
        write_report(store, "2026Q9", tmp_path / "r.pdf")
    from dzdesk.errors import NotFoundError

    with pytest.raises(NotFoundError):
        write_report(store, "2024Q1", tmp_path / "r.pdf")
    assert list(tmp_path.iterdir()) == []


def test_tampered_finalized_data_is_refused(paths, tmp_path):
    with Store(paths, actor="tester") as store:
        create_demo(store, today=date(2026, 11, 28))
        assessment = store.require("2026Q4")
        store.db.execute(
            "UPDATE answers SET narrative = '被改动的内容' WHERE assessment_id = ? AND task_key = '1'", [assessment.id]
        )
        store.db.conn.commit()
        with pytest.raises(ValidationError) as err:
            write_report(store, "2026Q4", tmp_path / "r.pdf")
        assert "快照摘要不一致" in err.value.zh
        assert list(tmp_path.iterdir()) == []



def test_file_open_in_a_viewer_is_one_clear_sentence(demo, tmp_path, monkeypatch):
    """On Windows a PDF open in a viewer cannot be replaced; the old file and folder stay as they were."""
    import dzdesk.atomic as atomic_module

    store, _, _ = demo
    target = tmp_path / "r.pdf"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(atomic_module.os, "replace", locked)
    with pytest.raises(ValidationError) as err:
        write_report(store, "2026Q4", target)
    assert "正被其他程序" in err.value.zh
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbar-tools or poppler-utils missing"
)
def test_printed_qr_code_decodes_to_digest_and_fingerprint(demo, tmp_path):
    store, result, out = demo
    page = tmp_path / "last"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(result.pages), "-l", str(result.pages),
                    "-singlefile", str(out), str(page)], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", f"{page}.png"], capture_output=True, text=True, check=False).stdout
    fingerprint = certificate_fingerprint(store.paths).replace(" ", "")
    assert decoded.strip() == f"DZDESK-REPORT|2026Q4|r{store.require('2026Q4').revision}|{result.snapshot_digest}|{fingerprint}"
