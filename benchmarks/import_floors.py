"""What the committee import is measured against, each taken in the same run as the import.

- ``sha_floor``: every byte read once with SHA-256 (the issue's floor); ``floor_now`` the best of a few.
- ``two_core_speedup``: how much of a second core there is right now.
- ``durable_files_floor``: the disk alone, the same bytes written durably the importer's way.
- ``bare_copy``: every byte hashed, written and flushed by two processes, no checks at all.
- ``cpu_seconds``, ``time_verify``: what a run cost in CPU; verification alone.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path


def sha_floor(files: list[Path]) -> float:
    """Read every byte once with SHA-256, into one reused buffer.

    A plain ``f.read(1 MiB)`` loop allocates a fresh megabyte per chunk; whether
    glibc serves that from the heap or from new zeroed pages depends on what the
    process did before (its dynamic mmap threshold), which made that floor swing
    between about 0.36 s and 0.54 s for the same 500 MB within one run. Reading
    into one buffer costs the same every time, and it is the lower figure.
    """
    buffer = memoryview(bytearray(1024 * 1024))
    start = time.perf_counter()
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb", buffering=0) as f:
            while n := f.readinto(buffer):
                digest.update(buffer[:n])
    return time.perf_counter() - start


def floor_now(files: list[Path], passes: int = 3) -> float:
    """The best of ``passes`` SHA-256 floor passes, taken right now in this process."""
    return min(sha_floor(files) for _ in range(passes))


def two_core_speedup(files: list[Path], one_thread: float) -> float:
    """``one_thread`` (the floor just measured) against the same SHA-256 pass split between two threads."""
    import threading

    def halves() -> float:
        threads = [threading.Thread(target=sha_floor, args=(files[i::2],)) for i in range(2)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - start

    return one_thread / min(halves() for _ in range(2))


def durable_files_floor(files: list[Path], target: Path) -> float:
    """The same bytes written the importer's way, without its checks: a file each, read into one
    buffer, written, and flushed on four threads side by side; the folder flushed at the end."""
    from concurrent.futures import ThreadPoolExecutor

    buffer = bytearray(1024 * 1024)
    view = memoryview(buffer)
    target.mkdir()
    os.sync()

    def flush(fd: int) -> None:
        os.fsync(fd)
        os.close(fd)

    start = time.perf_counter()
    with ThreadPoolExecutor(4) as flushers:
        for path in files:
            fd = os.open(target / path.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(path, "rb", buffering=0) as src:
                while n := src.readinto(buffer):
                    os.write(fd, view[:n])
            flushers.submit(flush, fd)
    folder = os.open(target, os.O_RDONLY)
    os.fsync(folder)
    os.close(folder)
    elapsed = time.perf_counter() - start
    import shutil

    shutil.rmtree(target)
    return elapsed


def _hash_and_copy(paths: list[str], target: str) -> None:
    """One worker's share of :func:`bare_copy`: read, hash, write, flush on four threads."""
    from concurrent.futures import ThreadPoolExecutor

    buffer = bytearray(1024 * 1024)
    view = memoryview(buffer)

    def flush(fd: int) -> None:
        os.fsync(fd)
        os.close(fd)

    with ThreadPoolExecutor(4) as flushers:
        for path in paths:
            digest = hashlib.sha256()
            fd = os.open(os.path.join(target, os.path.basename(path)), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(path, "rb", buffering=0) as src:
                while n := src.readinto(buffer):
                    digest.update(view[:n])
                    os.write(fd, view[:n])
            flushers.submit(flush, fd)


def bare_copy(files: list[Path], target: Path, workers: int = 2) -> tuple[float, float]:
    """The least any import that checks the bytes and keeps them must do, with nothing else: every
    file read once, hashed with SHA-256, written to a new file and flushed, split between two
    processes as the import's workers are; the folder flushed at the end. No zip, JSON, signature
    or database. Returns the seconds and the workers' CPU seconds."""
    import multiprocessing
    import shutil

    target.mkdir()
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with context.Pool(workers) as pool:
        pool.apply(os.getpid)  # started before the clock, as the import's are not: a conservative floor
        os.sync()
        start = time.perf_counter()
        pool.starmap(_hash_and_copy, [([str(f) for f in files[i::workers]], str(target)) for i in range(workers)])
        folder = os.open(target, os.O_RDONLY)
        os.fsync(folder)
        os.close(folder)
        elapsed = time.perf_counter() - start
        pool.apply(os.getpid)
        pool_cpu = pool.starmap(_own_cpu, [()] * workers, chunksize=1)
    shutil.rmtree(target)
    return elapsed, sum(pool_cpu)


def _own_cpu() -> float:
    import resource
    import time as clock

    usage = resource.getrusage(resource.RUSAGE_SELF)
    clock.sleep(0.05)  # so that each worker takes one of these calls
    return usage.ru_utime + usage.ru_stime


def cpu_seconds() -> float:
    """User and system CPU of this process and of its children that have ended (the import's workers
    end before it returns; kernel writeback threads are not counted)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_verify(verify: Callable[[Path], object], files: list[Path]) -> float:
    """Seconds for ``verify`` over every file, one after another on this thread."""
    start = time.perf_counter()
    for path in files:
        verify(path)
    return time.perf_counter() - start
