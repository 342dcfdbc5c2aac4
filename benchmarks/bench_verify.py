"""``verify_bundle`` alone, against the SHA-256 floor over the same files in the same run.

The floor is ``import_floors.sha_floor``: every byte of every bundle read
once into a reused buffer and hashed. What verify_bundle costs beyond it is
its own Python work (zip structure, JSON, signature, content checks); the
figure to watch is that overhead per bundle.

With ``--old DIR`` a copy of an older dzdesk package (a directory holding the
package, importable as ``--old-name``) is timed in the same process,
alternating with the current one, so the two are compared under the same load.
Make such a copy before changing the verifier (the copy finds its resources
beside it):  mkdir /tmp/old && cp -r dzdesk /tmp/old/dzdesk_old && ln -s "$PWD/resources" /tmp/old/resources

Three figures, because the machine is shared: per-round medians (wall time and
process CPU time), the fastest round against the fastest floor, and a paired
per-bundle best-of-N in which the variants and the floor take turns on each
bundle (that one runs a little slower for all of them: each turn evicts the
others' data from the CPU caches).

Run:  python benchmarks/bench_verify.py [--dir DIR | --bundles 200] [--rounds 3]
      [--old /tmp/s3old --old-name dzdesk_old]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from committee_bundles import make_bundles  # noqa: E402
from import_floors import sha_floor, time_verify  # noqa: E402

from dzdesk.bundle import verify_bundle  # noqa: E402


def cpu_time(run: Callable[[], object]) -> float:
    """Process CPU time of ``run``: less disturbed than wall time when others' jobs share the cores."""
    start = time.process_time()
    run()
    return time.process_time() - start


def per_bundle_best(files: list[Path], variants: dict[str, Callable[[Path], object]], repeats: int) -> dict[str, float]:
    """Sum over the bundles of each variant's fastest of ``repeats`` runs on that bundle, and the floor's."""
    clock = time.perf_counter
    totals = dict.fromkeys([*variants, "floor"], 0.0)
    for path in files:
        best = dict.fromkeys(totals, float("inf"))
        for _ in range(repeats):
            for name, verify in variants.items():
                start = clock()
                verify(path)
                best[name] = min(best[name], clock() - start)
            start = clock()
            sha_floor([path])
            best["floor"] = min(best["floor"], clock() - start)
        for name, value in best.items():
            totals[name] += value
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="verify the .dzb files in this folder (default: build some)")
    parser.add_argument("--bundles", type=int, default=200, help="how many to build when --dir is not given")
    parser.add_argument("--size", type=int, default=1024 * 1024, help="evidence bytes per built bundle")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old", type=Path, help="folder holding an older copy of the dzdesk package")
    parser.add_argument("--old-name", default="dzdesk_old", help="that copy's package name")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        if args.dir:
            files = sorted(args.dir.glob("*.dzb"))
        else:
            print(f"building {args.bundles} bundles of {args.size} evidence bytes ...", flush=True)
            files = make_bundles(Path(tmp), args.bundles, args.size)
        count = len(files)
        if not count:
            sys.exit("no .dzb files")
        variants: dict[str, Callable[[Path], object]] = {"new": verify_bundle}
        if args.old:
            sys.path.insert(0, str(args.old))
            variants = {"old": importlib.import_module(f"{args.old_name}.bundle").verify_bundle, **variants}
        for verify in variants.values():  # warm: templates, caches, page cache
            time_verify(verify, files[: min(20, count)])
        sha_floor(files)
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for round_no in range(1, args.rounds + 1):
            for name, verify in variants.items():
                floor = min(sha_floor(files) for _ in range(2))
                spent = time_verify(verify, files)
                results[name].append((spent, floor))
                cpu_floor = min(cpu_time(lambda: sha_floor(files)) for _ in range(2))
                cpu_spent = cpu_time(lambda v=verify: time_verify(v, files))
                cpu[name].append((cpu_spent, cpu_floor))
                print(f"round {round_no} {name:>3}: verify {spent / count * 1e3:6.3f} ms/bundle, "
                      f"floor {floor / count * 1e3:6.3f} ms, overhead {(spent - floor) / count * 1e3:6.3f} ms, "
                      f"ratio {spent / floor:5.2f}x | CPU: overhead {(cpu_spent - cpu_floor) / count * 1e3:6.3f} ms",
                      flush=True)
        print(f"\nper bundle, best of {args.rounds} (variants and the floor interleaved bundle by bundle, so a busy "
              "moment on the shared machine costs every variant alike and the minimum drops it):")
        best = per_bundle_best(files, variants, args.rounds)
        floor_ms = best["floor"] / count * 1e3
        for name in variants:
            per = best[name] / count * 1e3
            print(f"  {name:>3}: verify {per:.3f} ms/bundle, floor {floor_ms:.3f} ms, "
                  f"overhead {per - floor_ms:.3f} ms/bundle, ratio {per / floor_ms:.2f}x")
        print(f"\n{count} bundles, {sum(f.stat().st_size for f in files) / count / 1e6:.2f} MB each; medians over "
              f"{args.rounds} rounds:")
        for name, rows in results.items():
            per = statistics.median(s for s, _ in rows) / count * 1e3
            floor = statistics.median(f for _, f in rows) / count * 1e3
            overhead = statistics.median(s - f for s, f in rows) / count * 1e3
            ratio = statistics.median(s / f for s, f in rows)
            cpu_overhead = statistics.median(s - f for s, f in cpu[name]) / count * 1e3
            fastest, fastest_floor = min(s for s, _ in rows) / count * 1e3, min(f for _, f in rows) / count * 1e3
            print(f"  {name:>3}: verify {per:.3f} ms/bundle, floor {floor:.3f} ms, "
                  f"overhead {overhead:.3f} ms/bundle, ratio {ratio:.2f}x; CPU-time overhead {cpu_overhead:.3f} ms/bundle; "
                  f"fastest round {fastest:.3f} ms against the fastest floor {fastest_floor:.3f} ms: "
                  f"overhead {fastest - fastest_floor:.3f} ms/bundle")


if __name__ == "__main__":
    main()
