"""Start time of the frozen dzdesk-cli against `python -m dzdesk` measured in the same run.

    python packaging/bench_start.py packaging/dist/dzdesk

Prints the median of several warm runs per command and the frozen/source ratio.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 5


def median_seconds(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    times = []
    for _ in range(RUNS + 1):  # the first run only warms the page cache
        start = time.perf_counter()
        subprocess.run(argv, env=env, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main(bundle: Path) -> None:
    cli = bundle / "dzdesk-cli"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {"PATH": "/nonexistent", "HOME": tmp, "LANG": "C.UTF-8"}
        subprocess.run([str(cli), "--home", str(home), "demo"], env=env, check=True, capture_output=True)
        source_env = {**env, "PYTHONPATH": str(REPO)}
        for label, args in (("--version", ["--version"]), ("status", ["--home", str(home), "status"]),
                            ("doctor", ["--home", str(home), "doctor"])):
            frozen = median_seconds([str(cli), *args], env, Path(tmp))
            source = median_seconds([sys.executable, "-m", "dzdesk", *args], source_env, REPO)
            print(f"dzdesk-cli {label:<10} frozen {frozen:.3f} s  source {source:.3f} s  ratio {frozen / source:.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
