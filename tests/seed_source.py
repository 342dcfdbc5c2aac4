"""Where the tests read the seed document from."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_SEED = REPO.parent / "shared" / "seed"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def seed_text() -> str:
    """The seed document: from ../shared/seed/ when present, else the fixture copy."""
    files = sorted(SHARED_SEED.glob("*.txt")) if SHARED_SEED.is_dir() else []
    source = files[0] if files else FIXTURES / "seed.txt"
    return source.read_text(encoding="utf-8")
