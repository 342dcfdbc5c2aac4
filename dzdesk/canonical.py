"""Canonical JSON: the byte form that hashes and signatures are computed over.

UTF-8, keys sorted, no insignificant whitespace, no NaN. Documented in
docs/bundle-format.md so another program can reproduce every digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sha256_hex(value: Any) -> str:
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
