"""Committee import of sealed bundles against the same bundles unsealed, in the same run.

    python benchmarks/bench_sealed_import.py [--bundles 500] [--size 1000000] [--rounds 3] [--workdir DIR]

The same bundles (benchmarks/committee_bundles.py) twice: as written, and sealed
to the committee's encryption key (docs/encryption.md). Each round imports both
folders, each into a fresh committee store that holds the key, in alternating
order; the figure is sealed / plain per round and best against best.
Target: sealed <= 1.2x plain.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from committee_bundles import cached_bundles, make_bundles  # noqa: E402

from dzdesk.committee.importer import import_bundles  # noqa: E402
from dzdesk.committee.profile_export import encryption_files  # noqa: E402
from dzdesk.committee.store import CommitteeStore  # noqa: E402
from dzdesk.encryption_keys import ensure_key  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.sealed import seal_file  # noqa: E402


def committee_with_key(home: Path, keys_from: Path | None) -> CommitteeStore:
    store = CommitteeStore(resolve_paths(home), actor="bench")
    target = encryption_files(store)
    if keys_from is None:
        ensure_key(target, None)
    else:
        shutil.copytree(keys_from, target.folder, dirs_exist_ok=True)
    return store


def one_import(home: Path, folder: Path, keys_from: Path, count: int) -> float:
    with committee_with_key(home, keys_from) as store:
        os.sync()
        start = time.perf_counter()
        report = import_bundles(store, [folder])
        seconds = time.perf_counter() - start
        assert report.ok and report.count("imported") == count, report.outcomes[:3]
    shutil.rmtree(home, ignore_errors=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundles", type=int, default=500)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir")
    args = parser.parse_args()
    os.environ.setdefault("DZDESK_IMPORT_START", "fork")
    with tempfile.TemporaryDirectory(prefix="dzdesk-bench-sealed-") as tmp:
        root = Path(tmp)
        files = cached_bundles(Path(args.workdir), args.bundles, args.size) if args.workdir else make_bundles(root, args.bundles, args.size)
        with committee_with_key(root / "keys-home", None) as store:
            keys = encryption_files(store).folder
            public = ensure_key(encryption_files(store), None)
        sealed = root / "sealed"
        sealed.mkdir()
        t0 = time.perf_counter()
        for path in files:
            seal_file(path, sealed / path.name, [public])
        print(f"setup: {len(files)} bundles, sealed copies made in {time.perf_counter() - t0:.1f} s")
        plain_runs, sealed_runs = [], []
        for n in range(args.rounds):
            order = [("plain", files[0].parent), ("sealed", sealed)]
            for name, folder in order if n % 2 == 0 else reversed(order):
                seconds = one_import(root / f"{name}{n}", folder, keys, len(files))
                (plain_runs if name == "plain" else sealed_runs).append(seconds)
            print(f"round {n + 1}: plain {plain_runs[-1]:.2f} s, sealed {sealed_runs[-1]:.2f} s, "
                  f"ratio {sealed_runs[-1] / plain_runs[-1]:.2f}x")
        ratios = [s / p for s, p in zip(sealed_runs, plain_runs, strict=True)]
        best = min(sealed_runs) / min(plain_runs)
        print(f"sealed / plain: per round {', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f}x); "
              f"best against best {best:.2f}x (target <= 1.2) {'OK' if best <= 1.2 else 'OVER'}")


if __name__ == "__main__":
    main()
