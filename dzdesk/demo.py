"""``dzdesk demo``: a realistic demo branch so a newcomer sees the whole flow at once."""

from __future__ import annotations

import struct
import tempfile
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .demo_content import DEMO_ANSWERS, DEMO_PROFILE
from .errors import ValidationError
from .identity import create_identity, has_identity
from .models import Assessment
from .periods import current_quarter
from .store import Store


@dataclass(frozen=True)
class DemoResult:
    previous: Assessment
    current: Assessment
    evidence_count: int


def _png(path: Path, seed: int, width: int = 320, height: int = 240) -> None:
    """A small, valid, deterministic colour picture standing in for a photograph."""
    r, g, b = (seed * 67) % 200 + 40, (seed * 131) % 200 + 40, (seed * 29) % 200 + 40
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            shade = ((x // 40 + y // 40) % 2) * 30
            rows += bytes((min(255, r + shade), min(255, g + shade), min(255, b + shade)))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def _make_file(folder: Path, name: str, caption: str, seed: int) -> Path:
    path = folder / name
    if path.suffix == ".png":
        _png(path, seed)
    else:
        path.write_text(
            f"{caption}\n\n{DEMO_PROFILE.display_name}（演示数据）\n本文件由 dzdesk demo 生成，用于演示佐证材料的管理。\n",
            encoding="utf-8",
        )
    return path


def create_demo(store: Store, today: date | None = None, finalize_current: bool = True) -> DemoResult:
    existing = store.profile()
    if existing is not None and existing.name != DEMO_PROFILE.name:
        raise ValidationError(
            f"该数据目录已有党支部“{existing.name}”的数据，演示数据只能建在空目录中，请用 --home 指定一个新目录。",
            "This data folder already belongs to a branch; use --home with an empty folder for the demo.",
        )
    if store.assessments():
        raise ValidationError("演示数据已经存在。", "The demo data already exists.")
    store.save_profile(DEMO_PROFILE)
    if not has_identity(store.paths):
        create_identity(store.paths, DEMO_PROFILE.display_name, DEMO_PROFILE.committee)
    now = current_quarter(today)
    before = now.previous()
    count = 0
    with tempfile.TemporaryDirectory(prefix="dzdesk-demo-") as tmp:
        folder = Path(tmp)
        store.create_assessment(before.code)
        for seed, (key, (status, narrative, files, rect)) in enumerate(DEMO_ANSWERS.items()):
            earlier = "partial" if key in {"3", "9", "17"} else status
            fields = dict(status=earlier, narrative=narrative)
            if earlier in ("partial", "undone"):
                fields.update(rect or {"problem": "上季度该项工作推进不够扎实。", "measures": "本季度对照任务清单补齐短板。", "owner": DEMO_PROFILE.secretary, "deadline": now.end_date.isoformat()})
            store.set_answer(before.code, key, **fields)
            for name, caption in files[:1]:
                store.add_evidence(before.code, key, _make_file(folder, name, caption, seed * 7), caption)
        previous = store.finalize(before.code)
        store.create_assessment(now.code, copy_from=before.code)
        for seed, (key, (status, narrative, files, rect)) in enumerate(DEMO_ANSWERS.items()):
            fields = dict(status=status, narrative=narrative)
            fields.update(rect or {"problem": "", "measures": "", "owner": "", "deadline": ""})
            store.set_answer(now.code, key, **fields)
            for i, (name, caption) in enumerate(files):
                store.add_evidence(now.code, key, _make_file(folder, name, caption, seed * 7 + i), caption)
        current = store.require(now.code)
        count = len(store.evidence(current))
        if finalize_current:
            current = store.finalize(now.code)
    return DemoResult(previous, current, count)
