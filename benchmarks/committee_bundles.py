"""The bundles the committee benchmarks import: one branch each, with its own data folder, key
and ~1 MB evidence file, exported with the real ``dzdesk.bundle`` writer.

Each carries its signed PDF report, as every export does. Building 500 takes minutes:
``cached_bundles`` keeps them in a work folder for the next run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dzdesk.bundle import export_bundle  # noqa: E402
from dzdesk.identity import create_identity  # noqa: E402
from dzdesk.models import BranchProfile  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.store import Store  # noqa: E402
from dzdesk.template import builtin_template  # noqa: E402

PERIOD = "2026Q4"


def make_bundles(root: Path, count: int, size: int) -> list[Path]:
    keys = builtin_template().task_keys
    out = root / "usb"
    out.mkdir()
    files = []
    for i in range(count):
        paths = resolve_paths(root / "branches" / f"b{i}")
        with Store(paths, actor="bench") as store:
            profile = BranchProfile(name=f"基准测试{i:04d}党支部", kind="nonpublic", committee="中共基准委员会",
                                    secretary="书记", full_members=3 + i % 9)
            store.save_profile(profile)
            create_identity(paths, profile.display_name, profile.committee)
            store.create_assessment(PERIOD)
            with store.batch():
                for n, key in enumerate(keys):
                    status = "done" if (n + i) % 6 else "partial"
                    rect = {} if status == "done" else {"measures": "整改", "owner": "书记", "deadline": "2027-03-31"}
                    store.set_answer(PERIOD, key, status=status, narrative=f"任务{key}", **rect)
            photo = root / f"photo{i}.jpg"
            photo.write_bytes(os.urandom(size))
            store.add_evidence(PERIOD, keys[0], photo, "现场照片")
            photo.unlink()
            store.finalize(PERIOD)
            files.append(export_bundle(store, PERIOD, out / f"{i:04d}.dzb"))
        if (i + 1) % 50 == 0:
            print(f"  built {i + 1}/{count} bundles", flush=True)
    return files


def cached_bundles(workdir: Path, count: int, size: int) -> list[Path]:
    """Build the bundles once into ``workdir`` and reuse them on later runs (setup takes minutes)."""
    usb = workdir / "usb"
    files = sorted(usb.glob("*.dzb")) if usb.is_dir() else []
    if len(files) == count:
        return files
    if workdir.exists():
        import shutil

        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    return make_bundles(workdir, count, size)
