"""The CRC-32 the verifier uses is zip's CRC-32, whichever implementation is installed."""

from __future__ import annotations

import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from dzdesk.bundle import crc


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=5000), max_size=6))
def test_fast_crc_equals_zlib_chunk_by_chunk(chunks):
    ours = theirs = 0
    for chunk in chunks:
        ours, theirs = crc.crc32(chunk, ours), zlib.crc32(chunk, theirs)
    assert ours == theirs
    assert crc.crc32(memoryview(b"".join(chunks))) == zlib.crc32(b"".join(chunks))


def test_the_fast_implementation_is_installed():
    """pyproject pins zlib-ng; without it the check is still right, only slower."""
    assert crc.crc32 is not zlib.crc32
