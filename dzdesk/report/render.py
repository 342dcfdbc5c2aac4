"""Laying the report out as an unsigned PDF (reportlab); imported only when a PDF is actually drawn."""

from __future__ import annotations

import io
from datetime import datetime

from ..snapshot import short_digest
from .content import build_story, title_text
from .data import ReportData
from .typography import OfficialDocTemplate, default_typography


def render(data: ReportData) -> tuple[bytes, int]:
    """The unsigned PDF and its page count; identical bytes for the same finalized revision."""
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
