"""The signed PDF self-assessment report (自评报告).

``write_report(store, period, out_path)`` lays the report out in GB/T 9704
typography (see :mod:`dzdesk.report.typography`, shared with the committee's
通报), signs a finalized revision with the branch identity and moves the file
into place only when it is complete. A draft is watermarked 草稿 and unsigned.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import ValidationError
from ..identity import load_identity
from ..progress import NO_PROGRESS, Progress
from ..snapshot import short_digest
from ..store import Store
from .content import build_story, title_text
from .data import ReportData, gather
from .signing import sign_pdf
from .typography import OfficialDocTemplate, default_typography

__all__ = ["ReportResult", "render_pdf", "write_report"]


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
    return _render(data)[0]


def _render(data: ReportData) -> tuple[bytes, int]:
    typo = default_typography()
    state = "" if data.finalized else "草稿　"
    name = data.profile.display_name
    name = name if len(name) <= 30 else name[:29] + "…"
    note = f"{state}{name}　{data.period.label}自评报告　快照摘要 {short_digest(data.digest)}"
    stamp = data.assessment.finalized_at if data.finalized else ""
    created = datetime.fromisoformat(stamp) if stamp else None
    buffer = io.BytesIO()
    doc = OfficialDocTemplate(
        buffer, typo, footer_note=note, watermark="" if data.finalized else "草稿", created=created,
        title=title_text(data), author=data.profile.display_name, subject=f"快照摘要 {data.digest}",
        creator="dzdesk", producer="dzdesk", lang="zh-CN",
    )
    doc.build(build_story(data, typo))
    return buffer.getvalue(), doc.page


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
    """Write the report for ``period``'s latest revision to ``out_path`` (atomically)."""
    target = _target(out_path)
    progress.start(4, "读取自评数据")
    data = gather(store, period)
    identity = load_identity(store.paths, passphrase) if data.finalized else None
    progress.step(label="排版报告")
    pdf, pages = _render(data)
    progress.step(label="数字签名" if identity else "写入文件")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".dzdesk-report-", suffix=".pdf.tmp")
    except PermissionError:
        raise ValidationError(
            f"没有权限在文件夹“{target.parent}”中保存文件，请换一个文件夹。",
            f"No permission to write in '{target.parent}'.",
        ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if identity is not None:
                sign_pdf(
                    io.BytesIO(pdf), out, identity,
                    reason=f"{data.period.label}自评报告（第{data.assessment.revision}版），快照摘要 {data.digest}",
                    location=data.profile.committee or "中国", name=data.profile.display_name,
                )
            else:
                out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        progress.check()
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise ValidationError(
                f"无法覆盖“{target.name}”，该文件可能正被其他程序（如 PDF 阅读器）打开，请关闭后重试，或换一个文件名。",
                f"Cannot replace '{target.name}'; it may be open in another program.",
            ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    progress.step(label="完成")
    return ReportResult(
        path=target, pages=pages, signed=identity is not None, snapshot_digest=data.digest,
        period=data.period.code, revision=data.assessment.revision, fingerprint=data.fingerprint,
    )
