"""Canonical JSON: the byte form that hashes and signatures are computed over.

UTF-8, keys sorted, no insignificant whitespace, no NaN. Documented in
docs/bundle-format.md so another program can reproduce every digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

# One encoder for every call: json.dumps builds a new JSONEncoder per call when given options, and
# JSONEncoder.encode is exactly what json.dumps ends in; the output is the same.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_bytes(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


def sha256_hex(value: Any) -> str:
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
