"""Export of a bundle with 200 MB of evidence, against a single-pass floor measured in the same run.

    python benchmarks/bench_export.py [--mb 200] [--rounds 3]

Floor: read every evidence byte once computing SHA-256 and CRC-32 (hashlib,
zlib) and write it once into the target folder, flushed and fsynced. Export:
``dzdesk.bundle.export_bundle`` end to end (report, zip, fsync, rename, and the
read-back verification from the target). Each measurement runs in a fresh
subprocess so its peak memory (ru_maxrss) is its own; rounds alternate floor
and export and the best of each is compared. The signed PDF report (issue 4)
costs about a second whatever the evidence size (most of it loading the CJK
fonts the first time in a process); two more variants show the export in a
process that has rendered a report before, and with the report switched off
(the part of the export that scales with the evidence). Targets: ratio <= 2.0, export
peak memory < 150 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHUNK = 1024 * 1024
FILE_MB = 10


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def setup(home: Path, megabytes: int) -> None:
    """The demo branch, plus ``megabytes`` of random (incompressible) photos, finalized."""
    from dzdesk.demo import create_demo
    from dzdesk.paths import resolve_paths
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store, tempfile.TemporaryDirectory() as tmp:
        result = create_demo(store, today=date(2026, 11, 28), finalize_current=False)
        period = result.current.period
        keys = store.template_for(result.current).task_keys
        for i in range(max(1, megabytes // FILE_MB)):
            src = Path(tmp) / f"活动照片{i + 1:02d}.jpg"
            src.write_bytes(os.urandom(FILE_MB * 1024 * 1024))
            store.add_evidence(period, keys[i % len(keys)], src, f"活动照片 {i + 1}")
            src.unlink()
        store.finalize(period)


def child_floor(home: Path, target: Path) -> dict:
    from dzdesk.paths import resolve_paths
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store:
        assessment = store.require("2026Q4")
        blobs = {e.sha256: store.evidence_file(e) for e in store.evidence(assessment)}
    start = time.perf_counter()
    total = 0
    with open(target, "wb") as out:
        for path in blobs.values():
            digest, crc = hashlib.sha256(), 0
            with open(path, "rb") as inp:
                while chunk := inp.read(CHUNK):
                    digest.update(chunk)
                    crc = zlib.crc32(chunk, crc)
                    out.write(chunk)
                    total += len(chunk)
            digest.hexdigest()
        out.flush()
        os.fsync(out.fileno())
    return {"seconds": time.perf_counter() - start, "bytes": total, "peak_mb": _peak_mb()}


def child_export(home: Path, target: Path) -> dict:
    import tracemalloc

    from dzdesk.bundle import export_bundle
    from dzdesk.paths import resolve_paths
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store:
        before = _peak_mb()
        tracemalloc.start()
        start = time.perf_counter()
        export_bundle(store, "2026Q4", target)
        seconds = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return {"seconds": seconds, "bytes": target.stat().st_size, "peak_mb": _peak_mb(),
            "peak_before_mb": before, "python_alloc_peak_mb": traced}


def child_export_untraced(home: Path, target: Path) -> dict:
    """The timed run: tracemalloc slows allocation, so time and memory are measured apart."""
    from dzdesk.bundle import export_bundle
    from dzdesk.paths import resolve_paths
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store:
        start = time.perf_counter()
        export_bundle(store, "2026Q4", target)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "bytes": target.stat().st_size, "peak_mb": _peak_mb()}


def _times(runs: list[dict]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in runs)


def child_export_warm(home: Path, target: Path) -> dict:
    """The export in a process that has already rendered a report once (fonts loaded), as in a GUI session."""
    from dzdesk.paths import resolve_paths
    from dzdesk.report import write_report
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store:
        write_report(store, "2026Q4", target.with_suffix(".warmup.pdf"))
    target.with_suffix(".warmup.pdf").unlink()
    return child_export_untraced(home, target)


def child_export_without_report(home: Path, target: Path) -> dict:
    """The same export with the report step switched off: the part whose cost grows with the evidence."""
    from dzdesk.bundle import writer

    writer._report_available = lambda: False
    return child_export_untraced(home, target)


def run_child(kind: str, home: Path, target: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(home), str(target)],
        check=True, capture_output=True, text=True,
    ).stdout
    target.unlink(missing_ok=True)
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "HOME", "TARGET"))
    args = parser.parse_args()
    if args.child:
        kind, home, target = args.child
        fn = {"floor": child_floor, "export": child_export_untraced, "memory": child_export,
              "streaming": child_export_without_report, "warm": child_export_warm}[kind]
        print(json.dumps(fn(Path(home), Path(target))))
        return

    root = Path(tempfile.mkdtemp(prefix="dzdesk-bench-export-"))
    try:
        home, target_dir = root / "home", root / "target"
        target_dir.mkdir()
        t0 = time.perf_counter()
        setup(home, args.mb)
        print(f"setup: demo branch + {args.mb} MB of random evidence in {time.perf_counter() - t0:.1f} s")
        floors, exports, streams, warms = [], [], [], []
        for _ in range(args.rounds):
            floors.append(run_child("floor", home, target_dir / "floor.bin"))
            exports.append(run_child("export", home, target_dir / "out.dzb"))
            streams.append(run_child("streaming", home, target_dir / "out.dzb"))
            warms.append(run_child("warm", home, target_dir / "out.dzb"))
        memory = run_child("memory", home, target_dir / "out.dzb")
        floor = min(r["seconds"] for r in floors)
        export = min(r["seconds"] for r in exports)
        stream = min(r["seconds"] for r in streams)
        warm = min(r["seconds"] for r in warms)
        mb = floors[0]["bytes"] / 1e6
        print(f"floor  (read+sha256+crc32+write+fsync): {_times(floors)} s; best {floor:.2f} s = {mb / floor:.0f} MB/s")
        print(f"export (incl. report and read-back verification): {_times(exports)} s; best {export:.2f} s")
        print(f"bundle size: {exports[0]['bytes'] / 1e6:.1f} MB, evidence {mb:.1f} MB")
        print(f"export without the report step (everything that grows with evidence): {_times(streams)} s; best {stream:.2f} s")
        print(f"export after one earlier report in the same process (fonts loaded): {_times(warms)} s; best {warm:.2f} s")
        print(f"ratio export/floor: {export / floor:.2f} cold, {warm / floor:.2f} warm (target <= 2.0); "
              f"without the fixed-cost report: {stream / floor:.2f}")
        print(f"peak RSS: export process {max(r['peak_mb'] for r in exports):.0f} MB (target < 150), "
              f"export without report {max(r['peak_mb'] for r in streams):.0f} MB, "
              f"floor process {max(r['peak_mb'] for r in floors):.0f} MB, "
              f"export process before exporting {memory['peak_before_mb']:.0f} MB; "
              f"Python allocations during export (tracemalloc) {memory['python_alloc_peak_mb']:.1f} MB")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
