"""Autosave latency: one answer edit and one evidence add, on a store with 40 periods of history.

Prints p50/p95 in milliseconds and, as a noise-resistant figure, the ratio to a
bare sqlite3 baseline measured in the same run (one-row UPSERT + commit in a WAL
database with the same synchronous setting). Target: answer edit p95 <= 5 ms.

    python benchmarks/bench_autosave.py [--edits 500]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dzdesk.models import BranchProfile  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.periods import Period  # noqa: E402
from dzdesk.store import Store  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def build_history(store: Store, periods: int, photo: Path) -> str:
    store.save_profile(BranchProfile("基准测试党支部", "nonpublic", "上级党委", "张三", 9))
    period = Period(2017, "Q", 1)
    codes = []
    for _ in range(periods):
        codes.append(period.code)
        period = Period(period.year + (period.number == 4), "Q", period.number % 4 + 1)
    for n, code in enumerate(codes):
        store.create_assessment(code, copy_from=codes[n - 1] if n else None)
        with store.batch():
            for key in range(1, 20):
                store.set_answer(code, str(key), status="done", narrative=f"{code} 第{key}项完成情况，" * 8)
        photo.write_bytes(os.urandom(50_000))
        store.add_evidence(code, "9", photo, caption=f"{code} 会议照片")
        if n < periods - 1:
            store.finalize(code)
    return codes[-1]


def time_calls(fn, count: int) -> list[float]:
    samples = []
    for i in range(count):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def baseline(folder: Path, count: int) -> list[float]:
    conn = sqlite3.connect(folder / "baseline.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)")

    def one(i: int) -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t VALUES ('a', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v", [f"edit {i}"])
        conn.execute("COMMIT")

    samples = time_calls(one, count)
    conn.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--periods", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store(resolve_paths(folder / "home"))
        t0 = time.perf_counter()
        current = build_history(store, args.periods, folder / "photo.jpg")
        setup_s = time.perf_counter() - t0
        answers = store.db["answers"].count
        base = baseline(folder, args.edits)
        edits = time_calls(lambda i: store.set_answer(current, str(i % 19 + 1), narrative=f"第{i}次修改：" + "内容" * 100), args.edits)
        photos = []
        for i in range(100):
            path = folder / f"p{i}.jpg"
            path.write_bytes(os.urandom(200_000))
            photos.append(path)
        adds = time_calls(lambda i: store.add_evidence(current, str(i % 19 + 1), photos[i], caption=f"照片{i}"), len(photos))
        store.close()
    print(f"store: {args.periods} periods, {answers} answers (built in {setup_s:.1f} s); synchronous=FULL, WAL")
    rows = [("bare sqlite3 upsert+commit (baseline)", base), ("Store.set_answer (answer edit)", edits), ("Store.add_evidence (200 KB file)", adds)]
    base_p50 = statistics.median(base)
    for label, samples in rows:
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        print(f"{label:40s} n={len(samples):4d}  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p50 ratio {p50 / base_p50:5.1f}x")
    p95 = percentile(edits, 0.95)
    print(f"answer edit p95 {p95:.2f} ms: {'meets' if p95 <= 5 else 'MISSES'} the 5 ms target")


if __name__ == "__main__":
    main()
