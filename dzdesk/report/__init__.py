"""The signed PDF self-assessment report (自评报告).

``write_report(store, period, out_path)`` lays the report out in GB/T 9704
typography (see :mod:`dzdesk.report.typography`, shared with the committee's
通报) and moves the file into place only when it is complete. A finalized
revision is signed with the branch identity once and kept (see
:mod:`dzdesk.report.cache`): every later report of that revision, and the
export bundle, get the very same file. A draft is watermarked 草稿, unsigned
and never kept.

reportlab and pyHanko are imported only when a PDF is actually drawn, so
handing out a cached report is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..atomic import ReplaceRefused, atomic_path, cannot_replace
from ..errors import ValidationError
from ..identity import load_identity
from ..progress import NO_PROGRESS, Progress
from ..store import Store
from .cache import SignedReport, ensure_signed, signed_report
from .data import ReportData, gather

__all__ = ["ReportResult", "SignedReport", "render_pdf", "signed_report", "write_report"]


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    signed: bool
    snapshot_digest: str
    period: str = ""
    revision: int = 0
    fingerprint: str | None = None


def render_pdf(data: ReportData) -> bytes:
    """The unsigned report as bytes; identical bytes for the same finalized revision."""
    from .render import render

    return render(data)[0]


def _target(out_path: str | Path) -> Path:
    path = Path(out_path)
    if path.suffix.lower() != ".pdf":
        raise ValidationError(f"报告文件名“{path.name}”应以 .pdf 结尾。", f"The report file '{path.name}' must end in .pdf.")
    if path.is_dir():
        raise ValidationError(f"“{path}”是一个文件夹，请给出报告的文件名。", f"'{path}' is a folder, not a file name.")
    if not path.parent.is_dir():
        raise ValidationError(f"保存报告的文件夹“{path.parent}”不存在。", f"Folder '{path.parent}' does not exist.")
    return path


def write_report(
    store: Store, period: str, out_path: str | Path, *, passphrase: str | None = None, progress: Progress = NO_PROGRESS
) -> ReportResult:
    """Write the report for ``period``'s latest revision to ``out_path`` (atomically).

    A finalized revision gets its one signed PDF (built and kept on first use);
    a draft is rendered afresh, watermarked and unsigned.
    """
    target = _target(out_path)
    progress.start(4, "读取自评数据")
    data = gather(store, period)
    if data.finalized:
        identity = load_identity(store.paths, passphrase)
        report, pdf = ensure_signed(store, data, identity, progress)
        pages = report.pages
    else:
        from .render import render

        progress.step(label="排版报告")
        pdf, pages = render(data)
        progress.step(label="写入文件")
    _write_file(target, pdf, progress)
    progress.step(label="完成")
    return ReportResult(
        path=target, pages=pages, signed=data.finalized, snapshot_digest=data.digest,
        period=data.period.code, revision=data.assessment.revision, fingerprint=data.fingerprint,
    )


def _write_file(target: Path, pdf: bytes, progress: Progress) -> None:
    try:
        with atomic_path(target, prefix=".dzdesk-report-", suffix=".pdf.tmp") as tmp:
            tmp.write_bytes(pdf)
            progress.check()
    except ReplaceRefused:
        raise cannot_replace(target, "PDF 阅读器") from None
    except PermissionError:
        raise ValidationError(
            f"没有权限在文件夹“{target.parent}”中保存文件，请换一个文件夹。",
            f"No permission to write in '{target.parent}'.",
        ) from None
