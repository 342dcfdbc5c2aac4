"""Benchmark: the demo 自评报告 built and signed in-process, against a one-page reportlab document.

    python benchmarks/bench_report.py [--runs 7]

Two comparisons, medians of several runs, same process:

* cold: each run registers the fonts afresh (parsing the TrueType files), as the
  first report after starting the program does; the one-page document registers
  the same fonts the same way;
* warm: fonts already registered (every later report in the same session).

A finalized revision's signed report is made once and kept (dzdesk/report/cache.py);
to time the making, each run deletes the kept file first. A last line times
handing out the kept report (what every later ``dzdesk report`` or export does).

Targets (issue 4): report ≤ 1.0 s and ≤ 3× the one-page document.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from dzdesk import fonts as fonts_module  # noqa: E402
from dzdesk.demo import create_demo  # noqa: E402
from dzdesk.fonts import default_fonts  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.report import typography as typo_module  # noqa: E402
from dzdesk.report import write_report  # noqa: E402
from dzdesk.report.cache import reports_folder  # noqa: E402
from dzdesk.report.typography import typography  # noqa: E402
from dzdesk.store import Store  # noqa: E402


def one_page(names: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    story = [
        Paragraph("中共合肥智联信息科技有限公司党支部关于党支部建设提升行动的自评报告" * 3,
                  ParagraphStyle(role, fontName=name, fontSize=16, leading=29, wordWrap="CJK"))
        for role, name in names.items()
        if role != "fallback"  # registered only when a character needs it
    ]
    SimpleDocTemplate(buffer, pagesize=A4, initialFontName=names["fangsong"]).build(story)
    return buffer.getvalue()


def cold() -> None:
    """Forget the registered fonts so the next typography() parses the font files again."""
    fonts_module._parse.cache_clear()
    typo_module._register.cache_clear()
    typography.cache_clear()


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dzdesk-bench-") as tmp:
        store = Store(resolve_paths(Path(tmp) / "home"), actor="bench")
        create_demo(store, today=date(2026, 11, 28))
        evidence = len(store.evidence(store.require("2026Q4")))
        out = Path(tmp) / "report.pdf"
        typo = typography()
        result = write_report(store, "2026Q4", out)  # warm-up: imports, first use
        one_page(typo.names)
        rows = []
        for label, prepare in (("cold", cold), ("warm", lambda: None)):
            def base(prepare=prepare) -> None:
                prepare()
                one_page(typography(default_fonts()).names)

            def report(prepare=prepare) -> None:
                prepare()
                shutil.rmtree(reports_folder(store.paths))  # make and sign it, do not reuse the kept one
                write_report(store, "2026Q4", out)

            rows.append((label, median_seconds(base, args.runs), median_seconds(report, args.runs)))
        write_report(store, "2026Q4", out)
        kept = median_seconds(lambda: write_report(store, "2026Q4", out), args.runs)
        store.close()
    print(f"demo report: 19 tasks, {evidence} evidence files, {result.pages} pages, signed={result.signed}; "
          f"medians of {args.runs} runs")
    for label, baseline, report_s in rows:
        ratio = report_s / baseline
        print(f"{label}: one-page document {baseline * 1000:6.0f} ms | report built and signed {report_s * 1000:6.0f} ms"
              f" | ratio {ratio:5.2f}x (target <= 3x: {'ok' if ratio <= 3 else 'MISSED'})"
              f" | <= 1.0 s: {'ok' if report_s <= 1.0 else 'MISSED'}")
    print(f"kept: the revision's signed report checked and copied out {kept * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
