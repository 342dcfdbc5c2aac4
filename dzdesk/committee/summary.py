"""``write_summary``: the period's 通报 as PDF or XLSX, written atomically (no half files)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..atomic import ReplaceRefused, atomic_path, cannot_replace
from ..errors import ValidationError
from ..periods import parse_period
from .grading import quota
from .overview import overview_rows, rectifications
from .store import CommitteeStore

SUFFIXES = (".pdf", ".xlsx")


def issuer_name(store: CommitteeStore, period: str) -> str:
    """The issuing committee: its own name (``committee init`` / 党委信息), else :func:`committee_name`."""
    own = store.own_identity()
    return own.name if own is not None else committee_name(store, period)


def committee_name(store: CommitteeStore, period: str) -> str:
    """The committee as the branches named it in their bundles (most common wins): the issuer of
    a committee that has not named itself yet."""
    counts: dict[str, int] = {}
    for row in store.db.query("SELECT snapshot_json FROM submissions WHERE period = ? AND state = 'current'", [period]):
        name = str(json.loads(row["snapshot_json"]).get("branch", {}).get("committee") or "")
        if name:
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else ""


def write_summary(
    store: CommitteeStore, period: str, out: str | Path, today: date | None = None, *, issuer: str | None = None
) -> Path:
    """``issuer``: the committee named as the issuer; by default :func:`issuer_name`."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(
            f"输出文件“{out.name}”的扩展名应为 .pdf 或 .xlsx。", "The summary file must end in .pdf or .xlsx."
        )
    if not out.parent.is_dir():
        raise ValidationError(f"输出文件夹“{out.parent}”不存在。", f"Folder '{out.parent}' does not exist.")
    p = parse_period(period)
    today = today or date.today()
    rows = overview_rows(store, p.code)
    if not any(r.submitted for r in rows):
        raise ValidationError(
            f"{p.code} 期间还没有收到任何报送包，无法生成通报，请检查期间是否正确。", f"No submissions for {p.code}."
        )
    rects = rectifications(store, p.code, today)
    issuer = issuer_name(store, p.code) if issuer is None else issuer
    try:
        with atomic_path(out, prefix=".summary-", suffix=suffix) as tmp:
            if suffix == ".xlsx":
                from .summary_xlsx import write_xlsx

                write_xlsx(tmp, f"{p.label}考核验收结果", rows, rects, issuer=issuer)
            else:
                from .summary_pdf import write_pdf

                changes = [k for k in store.key_changes() if k.period == p.code]
                write_pdf(
                    tmp, committee=issuer, period_label=p.label, rows=rows, rects=rects,
                    key_changes=changes, quota=quota(store, p.code), deadline=store.deadline(p.code), today=today,
                )
    except ReplaceRefused:
        raise cannot_replace(out, "Excel、WPS 或 PDF 阅读器") from None
    return out
