"""The sealing layer's own cost: 200 MB sealed and opened, against the same bytes copied and hashed in the same run.

    python benchmarks/bench_seal.py [--mb 200] [--rounds 3] [--no-fsync] [--no-export]

Every measurement runs in a fresh subprocess (its peak RSS, ru_maxrss, is its own) on the
same random (incompressible) source file, already in the page cache; rounds alternate
the variants and the best time of each is compared with the best of its baseline. Times
are wall-clock; CPU times (process_time, all threads) are printed beside them because the
machine is shared and wall times of a few hundred milliseconds are noisy.

Writing (each reads the source in 1 MiB blocks, writes, fsyncs):
  copy         plain copy
  sha_copy     SHA-256 + copy: the brief's baseline
  seal         SHA-256 + write through SealedWriter to two recipients
  zip_plain    the same bytes as 20 stored members written by zipfile (CRC-32), plain
  zip_sealed   the same zip written by zipfile through SealedWriter (what a wired export does)
Reading:
  read_plain   read + SHA-256 of the plain file
  read_sealed  open with the committee's key, readinto 1 MiB blocks + SHA-256
  unzip_plain  zipfile reads every member (CRC-32) + SHA-256: like a verify or a read-back
  unzip_sealed the same through SealedReader
  auth_sealed  authenticate_sealed: every chunk's tag checked, nothing else

Estimate for issue 17 ("export of 200 MB evidence encrypted vs unencrypted <= 1.15x"): a
wired export writes its zip through SealedWriter and reads it back through SealedReader,
so it costs today's export plus (zip_sealed - zip_plain) plus (unzip_sealed - unzip_plain).
Unless --no-export, today's export (the demo branch with the same evidence, set up by
benchmarks/bench_export.py, the signed report already kept) is timed in the same run.
A second, rougher estimate has the export's read-back check the tags only (authenticate_sealed:
they prove the file holds exactly the bytes written) instead of re-reading and hashing the
plaintext (taken as read_plain): export + (zip_sealed - zip_plain) - read_plain + auth_sealed.
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
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BLOCK = 1024 * 1024
MEMBERS = 20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _keys():  # noqa: ANN202 - (committee private key, recipients)
    from cryptography.hazmat.primitives.asymmetric import ec

    committee = ec.derive_private_key(0xC0FFEE, ec.SECP256R1())
    branch = ec.derive_private_key(0xB4A2C4, ec.SECP256R1())
    return committee, [committee.public_key(), branch.public_key()]


def _blocks(path: Path):  # noqa: ANN202 - yields memoryviews of one reused buffer
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as inp:
        while count := inp.readinto(buffer):
            yield view[:count]


def _finish(out, fsync: bool) -> None:  # noqa: ANN001
    out.flush()
    if fsync:
        os.fsync(out.fileno())


def child(kind: str, source: Path, target: Path, fsync: bool) -> dict:
    import dzdesk.sealed as sealed  # imported before the clock starts, as an export has it loaded

    committee, recipients = _keys()
    start, cpu_start = time.perf_counter(), time.process_time()
    digest = hashlib.sha256()
    if kind in ("copy", "sha_copy", "seal"):
        with open(target, "wb") as out:
            sink = sealed.SealedWriter(out, recipients) if kind == "seal" else out
            for block in _blocks(source):
                if kind != "copy":
                    digest.update(block)
                sink.write(block)
            if kind == "seal":
                sink.close()
            _finish(out, fsync)
    elif kind in ("zip_plain", "zip_sealed"):
        size = source.stat().st_size
        per = -(-size // MEMBERS)
        buffer = bytearray(BLOCK)
        view = memoryview(buffer)
        with open(target, "wb") as out, open(source, "rb", buffering=0) as inp:
            sink = sealed.SealedWriter(out, recipients) if kind == "zip_sealed" else out
            with zipfile.ZipFile(sink, "w") as zf:
                for index in range(MEMBERS):
                    info = zipfile.ZipInfo(f"evidence/{index:02d}.jpg")
                    info.file_size = left = min(per, size - index * per)
                    with zf.open(info, "w") as member:
                        while left:
                            count = inp.readinto(view[: min(BLOCK, left)])
                            digest.update(view[:count])
                            member.write(view[:count])
                            left -= count
            if kind == "zip_sealed":
                sink.close()
            _finish(out, fsync)
    elif kind in ("read_plain", "read_sealed"):
        if kind == "read_plain":
            for block in _blocks(source):
                digest.update(block)
        else:
            buffer = bytearray(BLOCK)
            view = memoryview(buffer)
            with sealed.open_sealed(source, committee) as reader:
                while count := reader.readinto(buffer):
                    digest.update(view[:count])
    elif kind == "auth_sealed":
        digest.update(b"")  # nothing is hashed: the GCM tags are the check
        sealed.authenticate_sealed(source, committee)
    elif kind in ("unzip_plain", "unzip_sealed"):
        if kind == "unzip_sealed":
            handle = sealed.open_sealed(source, committee)
        else:
            handle = open(source, "rb")  # noqa: SIM115 - closed by the with below
        with handle, zipfile.ZipFile(handle) as zf:
            for info in zf.infolist():
                with zf.open(info) as member:
                    while chunk := member.read(BLOCK):
                        digest.update(chunk)
    else:
        raise SystemExit(f"unknown kind {kind}")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "digest": digest.hexdigest()}


def run(kind: str, source: Path, target: Path, fsync: bool) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            str(source),
            str(target),
            "1" if fsync else "0",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def child_export(home: Path, target: Path) -> dict:
    """Today's export (unencrypted) in this fresh process, as bench_export's child times it, plus CPU time."""
    from dzdesk.bundle import export_bundle
    from dzdesk.paths import resolve_paths
    from dzdesk.store import Store

    with Store(resolve_paths(home)) as store:
        start, cpu_start = time.perf_counter(), time.process_time()
        export_bundle(store, "2026Q4", target)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    target.unlink()
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


def _export_times(mb: int, rounds: int, root: Path) -> list[dict]:
    """Today's export of the demo branch with ``mb`` MB of evidence (bench_export's setup), report kept."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import bench_export

    home, target = root / "home", root / "export.dzb"
    bench_export.setup(home, mb)
    run("export", home, target, True)  # the first export makes and keeps the signed report
    return [run("export", home, target, True) for _ in range(rounds)]


def _line(kind: str, runs: list[dict], mb: float) -> str:
    best = min(r["seconds"] for r in runs)
    cpu = min(r["cpu"] for r in runs)
    peak = max(r["peak_mb"] for r in runs)
    times = ", ".join(f"{r['seconds']:.3f}" for r in runs)
    return f"  {kind:<13} {best:6.3f} s {mb / best:6.0f} MB/s  cpu {cpu:6.3f} s  peak RSS {peak:5.1f} MB  [{times}]"


WRITES = ("copy", "sha_copy", "seal", "zip_plain", "zip_sealed")
READS = {  # variant: the file it reads (a write variant's output, or the source)
    "read_plain": "source",
    "read_sealed": "seal",
    "unzip_plain": "zip_plain",
    "unzip_sealed": "zip_sealed",
    "auth_sealed": "zip_sealed",
}


def _report(
    results: dict[str, list[dict]], mb: int, fsync: bool, overhead: int
) -> dict[str, float]:
    best = {k: min(r["seconds"] for r in v) for k, v in results.items()}
    cpu = {k: min(r["cpu"] for r in v) for k, v in results.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in results.items()}
    megabytes = mb * BLOCK / 1e6
    print(f"{mb} MiB random evidence, fsync {'on' if fsync else 'off'}; best of each round:")
    for kind, runs in results.items():
        print(_line(kind, runs, megabytes))
    print(f"sealed size overhead: {overhead} bytes ({overhead / (mb * BLOCK) * 100:.4f} %)")

    def ratio(a: str, b: str) -> str:
        return f"{best[a] / best[b]:.3f}x wall, {cpu[a] / cpu[b]:.3f}x cpu"

    print("layer cost against the same work on plain bytes:")
    print(
        f"  seal / sha_copy            = {ratio('seal', 'sha_copy')}  (/ plain copy: {ratio('seal', 'copy')})"
    )
    print(f"  read_sealed / read_plain   = {ratio('read_sealed', 'read_plain')}")
    print(f"  zip_sealed / zip_plain     = {ratio('zip_sealed', 'zip_plain')}")
    print(f"  unzip_sealed / unzip_plain = {ratio('unzip_sealed', 'unzip_plain')}")
    print(f"  auth_sealed / unzip_plain  = {ratio('auth_sealed', 'unzip_plain')}")
    print(
        f"peak RSS: seal {peak['seal']:.0f} MB, zip_sealed {peak['zip_sealed']:.0f} MB, read_sealed "
        f"{peak['read_sealed']:.0f} MB, unzip_sealed {peak['unzip_sealed']:.0f} MB "
        f"(plain copy {peak['copy']:.0f} MB: the interpreter and cryptography)"
    )
    write = {
        "wall": best["zip_sealed"] - best["zip_plain"],
        "cpu": cpu["zip_sealed"] - cpu["zip_plain"],
    }
    read = {
        "wall": best["unzip_sealed"] - best["unzip_plain"],
        "cpu": cpu["unzip_sealed"] - cpu["unzip_plain"],
    }
    auth = {"wall": best["auth_sealed"], "cpu": cpu["auth_sealed"]}
    plain_read = {"wall": best["read_plain"], "cpu": cpu["read_plain"]}
    print(
        f"sealing adds per export: writing {write['wall']:.3f} s wall / {write['cpu']:.3f} s cpu, "
        f"reading back {read['wall']:.3f} s / {read['cpu']:.3f} s; authenticate alone "
        f"{auth['wall']:.3f} s / {auth['cpu']:.3f} s"
    )
    parts = (("write", write), ("read", read), ("auth", auth), ("plain_read", plain_read))
    return {f"{k}_{m}": v[m] for k, v in parts for m in v}


def _estimate(exports: list[dict], added: dict[str, float]) -> None:
    times = ", ".join(f"{r['seconds']:.2f}" for r in exports)
    peak = max(r["peak_mb"] for r in exports)
    print(f"today's export (unencrypted, report kept): {times} s wall; peak RSS {peak:.0f} MB")
    for measure, key in (("wall", "seconds"), ("cpu", "cpu")):
        export = min(r[key] for r in exports)
        full = (export + added[f"write_{measure}"] + added[f"read_{measure}"]) / export
        light = (
            export
            + added[f"write_{measure}"]
            - added[f"plain_read_{measure}"]
            + added[f"auth_{measure}"]
        ) / export
        print(
            f"ESTIMATE ({measure}, export {export:.2f} s) encrypted / unencrypted: "
            f"{full:.3f}x with the read-back through the reader; about {light:.3f}x with "
            f"authenticate_sealed in place of the plaintext read-back (read_plain) (target <= 1.15)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-fsync", action="store_true")
    parser.add_argument("--no-export", action="store_true", help="skip timing today's real export")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "SOURCE", "TARGET", "FSYNC"))
    args = parser.parse_args()
    if args.child:
        kind, source, target, fsync = args.child
        if kind == "export":
            print(json.dumps(child_export(Path(source), Path(target))))
        else:
            print(json.dumps(child(kind, Path(source), Path(target), fsync == "1")))
        return

    fsync = not args.no_fsync
    root = Path(tempfile.mkdtemp(prefix="dzdesk-bench-seal-"))
    try:
        source = root / "evidence.bin"
        with open(source, "wb") as out:
            for _ in range(args.mb):
                out.write(os.urandom(BLOCK))
        files = {"source": source} | {k: root / f"{k}.out" for k in WRITES}
        results: dict[str, list[dict]] = {k: [] for k in [*WRITES, *READS]}
        for _ in range(args.rounds):
            for kind in WRITES:
                results[kind].append(run(kind, source, files[kind], fsync))
            for kind, name in READS.items():
                results[kind].append(run(kind, files[name], root / "unused", fsync))
        # every variant that hashes saw the same bytes
        hashed = [
            r["digest"] for k, v in results.items() if k not in ("copy", "auth_sealed") for r in v
        ]
        assert len(set(hashed)) == 1, "the variants did not process the same bytes"
        overhead = files["seal"].stat().st_size - source.stat().st_size
        added = _report(results, args.mb, fsync, overhead)
        if not args.no_export:
            _estimate(_export_times(args.mb, args.rounds, root / "export"), added)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
