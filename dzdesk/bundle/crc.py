"""CRC-32 as zip uses it, from the fastest implementation at hand.

Every member's CRC-32 is checked on import (docs/bundle-format.md, section 8), a
second pass over every byte beside the SHA-256. zlib-ng's SIMD CRC-32 makes
that pass cost a few percent of the SHA-256 instead of most of another one; the
standard library's is the fallback where the zlib-ng wheel is not installed.
Both compute the same function (tests/bundle/test_bundle_crc.py).
"""

from __future__ import annotations

import zlib

try:
    from zlib_ng.zlib_ng import crc32
except ImportError:  # a platform without the zlib-ng wheel: the same result, more slowly
    crc32 = zlib.crc32

__all__ = ["crc32"]
