"""Committee benchmarks, each against a baseline measured in the same run.

1. Import N bundles of about 1 MB each (default 500), with the real
   ``dzdesk.bundle`` writer and verifier, against the floor of reading every
   byte of the same files once with SHA-256 (hashlib). Target: ≤ 3×. The
   floor (reading into one reused buffer; see sha_floor) is taken, best of 3
   passes, right before and right after each import, and each import is
   compared with the lower of the two; the median ratio over the runs is the
   figure.
   The import checks a folder in worker processes while the calling thread
   records the bundles. The command line forks them when its process has no
   other thread; here that is forced (--start fork, the default), because where
   numpy is installed sqlite-utils imports it and numpy starts a thread pool,
   which makes the command line spawn instead (dzdesk itself never imports
   numpy; the frozen build leaves it out). One more run at the end starts them
   the way the GUI does (spawned, a fresh interpreter each) and is printed on
   its own.
   Printed with a breakdown: verify_bundle alone over the same files; and,
   after each import, the disk alone: the same bytes written the importer's way (a file each, flushed
   on four threads), with no checks; and the bare copy: every byte read once,
   hashed, written and flushed by two processes, as the import's workers do,
   with no zip, JSON, signature or database work, the least any import that
   checks the bytes and keeps them must do. Since the import needs both cores, it
   also prints, right before each import, how much of a second core there was:
   the floor's SHA-256 pass split between two threads, against one (about 2x
   on an idle 2-core machine, 1x when other jobs hold the second core). Read
   each import's ratio with it.
   The bundles are built by committee_bundles.py (without the signed PDF
   report, to keep setup short), the baselines live in import_floors.py.
2. The overview with 5,000 branches: building the rows from the committee
   database, then sorting every column and filtering through the
   QSortFilterProxyModel. Target: each sort/filter ≤ 100 ms. Baseline: Python's
   sorted() over the same keys.

3. The summary 通报 with a roster of 5,000 branches and 500 submissions (about 2,000 open
   rectifications), as PDF and as XLSX, then the same with a roster of 100,000. Targets: PDF and
   XLSX each <= 5 s at 5,000; the 100,000 case <= 20x the 5,000 case. Baselines in the same run:
   for the PDF, the summary's text (names, table cells) set as plain paragraphs of 100 characters
   in the same typography, no lists or tables; for the XLSX, as many cells streamed by openpyxl
   with no styling.

Run:  python benchmarks/bench_committee.py [--bundles 500] [--branches 5000]
      [--skip-overview] [--skip-import] [--skip-summary] [--repeat 2] [--workdir DIR (keep and reuse the built bundles)]
      [--start fork|spawn|threads|auto] [--summary-rows 5000] [--summary-big 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from committee_bundles import PERIOD, cached_bundles, make_bundles  # noqa: E402
from import_floors import (  # noqa: E402
    bare_copy,
    cpu_seconds,
    durable_files_floor,
    floor_now,
    sha_floor,
    time_verify,
    two_core_speedup,
)

from dzdesk.bundle import verify_bundle  # noqa: E402
from dzdesk.bundle.types import BundleEvidence, VerifiedBundle  # noqa: E402
from dzdesk.committee.importer import import_bundles  # noqa: E402
from dzdesk.committee.overview import overview_rows, rectifications  # noqa: E402
from dzdesk.committee.store import CommitteeStore  # noqa: E402
from dzdesk.committee.workers import start_method  # noqa: E402
from dzdesk.models import BranchProfile  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.template import builtin_template  # noqa: E402


def bench_import(count: int, size: int, workdir: str | None = None, repeat: int = 2, start: str = "fork") -> None:
    if start != "auto":
        os.environ["DZDESK_IMPORT_START"] = start
    with tempfile.TemporaryDirectory(prefix="dzdesk-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        files = cached_bundles(Path(workdir), count, size) if workdir else make_bundles(root, count, size)
        total = sum(f.stat().st_size for f in files)
        print(f"setup: {count} bundles, {total / 1e6:.0f} MB, {time.perf_counter() - t0:.1f} s")
        sha_floor(files)  # warm the page cache so every measurement reads from memory
        # The floor may still drift (CPU frequency, other jobs on a shared machine): it is measured
        # right before and right after every import, and each import is compared with the lower
        # (stricter) of the two.
        runs, ratios, floors, second_core, disks, bare, cpus, bare_cpus = [], [], [], [], [], [], [], []
        for n in range(repeat):
            before = floor_now(files)
            second_core.append(two_core_speedup(files, before))
            os.sync()  # start each run without dirty pages left by the previous one
            method = start_method()
            with CommitteeStore(resolve_paths(root / f"committee{n}"), actor="bench") as store:
                cpu, start = cpu_seconds(), time.perf_counter()
                report = import_bundles(store, [files[0].parent])
                runs.append(time.perf_counter() - start)
                cpus.append(cpu_seconds() - cpu)
                assert report.ok and report.count("imported") == count, report.outcomes[:3]
                start = time.perf_counter()
                again = import_bundles(store, [files[0].parent])
                reimport = time.perf_counter() - start
                assert again.count("already") == count
            after = floor_now(files)
            floor = min(before, after)
            floors.append(floor)
            ratios.append(runs[-1] / floor)
            disks.append(durable_files_floor(files, root / f"disk-floor{n}"))
            bare_seconds, bare_cpu = bare_copy(files, root / f"bare-copy{n}")
            bare.append(bare_seconds)
            bare_cpus.append(bare_cpu)
            print(f"import {count} bundles ({method}ed workers), run {n + 1}: {runs[-1]:.2f} s ({total / 1e6 / runs[-1]:.0f} MB/s); "
                  f"floor before {before:.2f} s, after {after:.2f} s; ratio {ratios[-1]:.2f}x against {floor:.2f} s; "
                  f"importing the same folder again (all already had): {reimport:.2f} s; "
                  f"second core just before: {second_core[-1]:.2f}x; the disk alone (same bytes, a file each, "
                  f"flushed on 4 threads, no checks) {disks[-1]:.2f} s = {disks[-1] / floor:.2f}x floor, "
                  f"import = {runs[-1] / disks[-1]:.2f}x that; hashed, written and flushed by two processes with no checks "
                  f"{bare[-1]:.2f} s = {bare[-1] / floor:.2f}x floor, import = {runs[-1] / bare[-1]:.2f}x that; "
                  f"CPU seconds: import {cpus[-1]:.2f}, bare copy {bare_cpus[-1]:.2f}")
        floor = min(floors)
        print(f"SHA-256 floor over the same bytes (best of 3, before and after each import): "
              f"{min(floors):.2f}-{max(floors):.2f} s ({total / 1e6 / floor:.0f} MB/s at best)")
        median = statistics.median(ratios)
        print(f"ratio import / floor (each run against the lower floor around it): median {median:.2f}x "
              f"(best {min(ratios):.2f}x, worst {max(ratios):.2f}x) (target <= 3x) {'OK' if median <= 3 else 'OVER'}")
        print(f"the disk alone, writing the same bytes durably the importer's way (right after each import): "
              f"{', '.join(f'{d / f:.2f}x' for d, f in zip(disks, floors, strict=True))} the floor; "
              f"median import / disk alone {statistics.median(r / d for r, d in zip(runs, disks, strict=True)):.2f}x")
        print(f"the bare copy (every byte hashed, written and flushed by two processes, no zip/JSON/signature/database): "
              f"{', '.join(f'{b / f:.2f}x' for b, f in zip(bare, floors, strict=True))} the floor; "
              f"median import / bare copy {statistics.median(r / b for r, b in zip(runs, bare, strict=True)):.2f}x")
        print(f"CPU used (user + system, this process and its workers): import {statistics.median(cpus):.2f} s median "
              f"({min(cpus):.2f}-{max(cpus):.2f}), bare copy {statistics.median(bare_cpus):.2f} s, the floor's one pass about "
              f"{floor:.2f} s; on two cores the import cannot take less than half its CPU: "
              f"{statistics.median(cpus) / 2 / floor:.2f}x the floor")
        print(f"second core available just before each import: SHA-256 on two threads "
              f"{', '.join(f'{x:.2f}x' for x in second_core)} faster than on one (2.00x = an idle second core)")
        gui_way = spawned_import(files, root / "committee-spawn", count)
        gui_floor = min(floor_now(files), min(floors))
        print(f"the same import with spawned workers, as the GUI starts them: {gui_way:.2f} s = "
              f"{gui_way / gui_floor:.2f}x the floor (one run, not in the median)")
        verify = time_verify(verify_bundle, files)
        floor = min(floor, floor_now(files))
        print(f"breakdown, same bytes: verify_bundle alone, one thread {verify:.2f} s ({verify / floor:.2f}x floor)")


SPAWNED = """
import sys, time
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.store import CommitteeStore
from dzdesk.paths import resolve_paths
with CommitteeStore(resolve_paths(sys.argv[1]), actor="bench") as store:
    start = time.perf_counter()
    report = import_bundles(store, [sys.argv[2]])
    print(time.perf_counter() - start, report.count("imported"))
"""


def spawned_import(files: list[Path], home: Path, count: int) -> float:
    """The import in a fresh process whose main module is a -c string, as with the GUI's entry point:
    spawned workers then import only dzdesk's checking code, not this benchmark's main module."""
    import subprocess

    env = dict(os.environ, DZDESK_IMPORT_START="spawn", PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    os.sync()
    done = subprocess.run([sys.executable, "-c", SPAWNED, str(home), str(files[0].parent)],
                          env=env, capture_output=True, text=True, check=True)
    elapsed, imported = done.stdout.split()
    assert int(imported) == count, done.stderr
    return float(elapsed)


def fill_committee(store: CommitteeStore, count: int) -> None:
    template = builtin_template()
    keys = template.task_keys
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from dzdesk.identity import fingerprint_of

    with store.db.atomic():
        for i in range(count):
            der = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            name = f"第{i:05d}号{'非公企业' if i % 3 else '社会组织'}党支部"
            profile = BranchProfile(name=name, kind="nonpublic" if i % 3 else "social", committee="中共基准委员会",
                                    secretary=f"书记{i}", full_members=i % 11)
            answers = [{"task_key": k, "status": "done" if (n + i) % 5 else "partial", "narrative": "",
                        "rectification": {"problem": "", "measures": "", "owner": "", "deadline": ""}}
                       for n, k in enumerate(keys)]
            snapshot = {"branch": profile.__dict__, "answers": answers, "period": PERIOD, "revision": 1}
            vb = VerifiedBundle(
                path=Path(f"{i}.dzb"), manifest={}, snapshot=snapshot, snapshot_digest=f"{i:064x}", branch=profile,
                period=PERIOD, revision=1, template={"id": template.id, "version": template.version, "hash": template.hash},
                score=60 + i % 41, grade="ABCD"[i % 4], flags=(), signer_public_key_der=der,
                signer_fingerprint=fingerprint_of(der), evidence=(BundleEvidence("1", "0" * 64, "x.jpg", 1, "", "e"),),
                report_member="", generated_at=f"2027-01-{1 + i % 28:02d}T10:00:00+08:00", app_version="bench",
            )
            store.record_submission(vb, "")


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_overview(count: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.committee.model import COLUMNS, OverviewFilter, OverviewModel

    app = QApplication.instance() or QApplication([])  # noqa: F841 (kept alive for the models)
    with tempfile.TemporaryDirectory(prefix="dzdesk-bench-") as tmp:
        with CommitteeStore(resolve_paths(tmp), actor="bench") as store:
            t0 = time.perf_counter()
            fill_committee(store, count)
            print(f"setup: {count} submissions recorded in {time.perf_counter() - t0:.1f} s")
            rows_ms = timed(lambda: overview_rows(store, PERIOD), 3)
            rows = overview_rows(store, PERIOD)
    model, proxy = OverviewModel(), OverviewFilter()
    proxy.setSourceModel(model)
    load_ms = timed(lambda: model.set_rows(rows), 3)
    print(f"overview_rows() from the database: {rows_ms:.0f} ms; model.set_rows: {load_ms:.1f} ms")
    worst = 0.0
    for col, (header, _display, key) in enumerate(COLUMNS):
        def sort(col: int = col) -> None:
            model.set_rows(rows)  # drop cached keys and order: measure a cold sort
            proxy.sort(col, Qt.SortOrder.DescendingOrder)
        ms = timed(sort) - load_ms
        base = timed(lambda key=key: sorted(rows, key=key, reverse=True))
        worst = max(worst, ms)
        print(f"sort {header:<6} {ms:6.1f} ms   (baseline sorted(): {base:5.1f} ms, ratio {ms / max(base, 0.01):.1f}x)")
    for text in ("第0", "社会组织", "重点帮扶", "没有这个"):
        ms = timed(lambda text=text: proxy.set_search(text))
        base = timed(lambda text=text: [r for r in rows if text in f"{r.name} {r.kind} {r.secretary} {' '.join(r.flags)}"])
        worst = max(worst, ms)
        print(f"filter '{text}': {ms:6.1f} ms -> {proxy.rowCount()} rows   (baseline list filter: {base:.1f} ms, ratio {ms / max(base, 0.01):.1f}x)")
    proxy.set_search("")
    for status in ("missing", "ungraded", "flagged", "A"):
        ms = timed(lambda status=status: proxy.set_status(status))
        worst = max(worst, ms)
        print(f"status filter {status}: {ms:.1f} ms -> {proxy.rowCount()} rows")
    print(f"slowest sort/filter with {count} branches: {worst:.1f} ms (target <= 100 ms) {'OK' if worst <= 100 else 'OVER'}")


def _summary_roster(store: CommitteeStore, rows: int) -> None:
    from dzdesk.committee.models import RosterEntry

    submitted = [RosterEntry(b["name"], "nonpublic", "书记") for b in store.branches()]
    others = [RosterEntry(f"未报送第{i:06d}号{'社会组织' if i % 3 else '非公企业'}党支部", "social", f"书记{i}")
              for i in range(rows - len(submitted))]
    store.replace_roster(submitted + others)


def _plain_pdf(out: Path, texts: list[str]) -> None:
    """The summary's text in the same typography, as paragraphs of a few lines each (no lists, no tables)."""
    from dzdesk.report.typography import OfficialDocTemplate, typography

    typo = typography()
    text = "、".join(texts)
    story = [typo.para(text[i : i + 100], "body") for i in range(0, len(text), 100)]
    OfficialDocTemplate(str(out), typo, title="基准").build(story)


def _plain_xlsx(out: Path, rows: int, cols: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党支部")
    for i in range(rows):
        ws.append([i, f"第{i:06d}号党支部", "社会组织", "书记", 7, "2027-01-05 10:00", 1, 95.0, "A", None, None,
                   None, 0, "未提交", "是"][:cols])
    wb.save(out)


def bench_summary(rows: int, submissions: int, big: int, repeat: int = 3) -> None:
    from datetime import date

    from dzdesk.committee.summary import write_summary

    def best(fn, runs: int) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    today = date(2027, 1, 20)
    results: dict[tuple[int, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="dzdesk-bench-") as tmp:
        root = Path(tmp)
        with CommitteeStore(resolve_paths(root / "committee"), actor="bench") as store:
            t0 = time.perf_counter()
            fill_committee(store, submissions)
            print(f"setup: {submissions} submissions recorded in {time.perf_counter() - t0:.1f} s")
            for size, runs in ((rows, repeat), (big, 1)):
                _summary_roster(store, size)
                open_rects = rectifications(store, PERIOD, today)
                rects = len(open_rects)
                texts = [r.name for r in overview_rows(store, PERIOD)] + [
                    f"{r.branch}{r.task_key}{r.task_title}{r.problem}{r.deadline}" for r in open_rects]
                for kind in ("pdf", "xlsx"):
                    out = root / f"summary-{size}.{kind}"
                    seconds = best(lambda out=out: write_summary(store, PERIOD, out, today=today), runs)
                    results[size, kind] = seconds
                    if kind == "pdf":
                        base = best(lambda texts=texts: _plain_pdf(root / "plain.pdf", texts), 1)
                        what = f"its text as plain paragraphs in the same typography {base:.2f} s"
                    else:
                        base = best(lambda size=size: _plain_xlsx(root / "plain.xlsx", size + 1, 15), 1)
                        base += best(lambda rects=rects: _plain_xlsx(root / "plain-rects.xlsx", rects + 1, 10), 1)
                        what = f"the same cells streamed with no styling {base:.2f} s"
                    print(f"summary {kind.upper()}, roster {size}, {submissions} submissions, {rects} rectifications: "
                          f"{seconds:.2f} s ({out.stat().st_size / 1e6:.1f} MB) = {seconds / base:.1f}x the baseline "
                          f"({what})")
                overview = best(lambda: overview_rows(store, PERIOD), runs)
                print(f"  of which overview_rows() alone: {overview:.2f} s")
    for kind in ("pdf", "xlsx"):
        small, large = results[rows, kind], results[big, kind]
        print(f"summary {kind.upper()}: roster {rows} {small:.2f} s (target <= 5 s) {'OK' if small <= 5 else 'OVER'}; "
              f"roster {big} {large:.2f} s = {large / small:.1f}x (target <= 20x) {'OK' if large / small <= 20 else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundles", type=int, default=500)
    parser.add_argument("--size", type=int, default=1_000_000, help="evidence bytes per bundle")
    parser.add_argument("--branches", type=int, default=5000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-overview", action="store_true")
    parser.add_argument("--skip-summary", action="store_true")
    parser.add_argument("--summary-rows", type=int, default=5000, help="roster rows of the summary case")
    parser.add_argument("--summary-big", type=int, default=100_000, help="roster rows of the large summary case")
    parser.add_argument("--summary-submissions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=2, help="import runs (each into a fresh committee store)")
    parser.add_argument("--workdir", help="keep the built bundles here and reuse them on the next run")
    parser.add_argument("--start", choices=["fork", "spawn", "threads", "auto"], default="fork",
                        help="how the import runs are checked (auto: as dzdesk would choose in this process)")
    args = parser.parse_args()
    if not args.skip_overview:
        bench_overview(args.branches)
    if not args.skip_summary:
        bench_summary(args.summary_rows, args.summary_submissions, args.summary_big)
    if not args.skip_import:
        bench_import(args.bundles, args.size, args.workdir, args.repeat, args.start)


if __name__ == "__main__":
    main()
