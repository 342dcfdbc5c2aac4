"""Stored members are read straight into a reused buffer; damage is worded exactly as through zipfile.

Each damaged archive is read both ways (``stream_member`` with and without a
buffer); both must give the same bytes, or the same one-sentence refusal.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from dzdesk.bundle.format import CHUNK, MAX_ENTRY_BYTES
from dzdesk.bundle.memberread import stream_member
from dzdesk.bundle.safezip import open_zip
from dzdesk.bundle.types import BundleError

NAME = "evidence/" + "ab" * 32
PAYLOAD = os.urandom(CHUNK + 12345)  # more than one buffer's worth


def _stored_zip(payload: bytes = PAYLOAD, name: str = NAME) -> bytearray:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), payload, compress_type=zipfile.ZIP_STORED)
        zf.writestr("manifest.json", b"{}", compress_type=zipfile.ZIP_DEFLATED)
    return bytearray(out.getvalue())


def _read(path: Path, name: str, *, buffer: bool, check_crc: bool) -> bytes | str:
    try:
        with open_zip(path) as (zf, _size):
            info = zf.getinfo(name)
            chunks = stream_member(zf, info, MAX_ENTRY_BYTES, check_crc=check_crc,
                                   buffer=bytearray(CHUNK) if buffer else None)
            return b"".join(bytes(c) for c in chunks)
    except BundleError as exc:
        return f"refused: {exc.zh}"


def _damaged() -> dict[str, bytearray]:
    cases = {"intact": _stored_zip()}
    data = _stored_zip()
    data[0:4] = b"PK\x09\x09"  # local header signature
    cases["bad local signature"] = data
    data = _stored_zip()
    data[30:31] = b"X"  # first byte of the name in the local header
    cases["local name differs"] = data
    data = _stored_zip()
    data[30 + len(NAME) + 100] ^= 0xFF  # one byte of the stored data
    cases["flipped data byte"] = data
    data = _stored_zip()
    cd = data.find(b"PK\x01\x02")  # the evidence member's central directory entry (written first)
    struct.pack_into("<H", data, cd + 8, 0x20)  # "compressed patched data"
    cases["patched-data flag"] = data
    data = _stored_zip()
    struct.pack_into("<H", data, cd + 8, 0x40)  # strong encryption
    cases["strong-encryption flag"] = data
    data = _stored_zip()
    struct.pack_into("<H", data, cd + 8, 0x1)  # (classic) encryption
    cases["encrypted flag"] = data
    data = _stored_zip()
    struct.pack_into("<II", data, cd + 20, len(PAYLOAD) + 10**7, len(PAYLOAD) + 10**7)  # sizes beyond the file
    cases["data ends early"] = data
    return cases


@pytest.mark.parametrize("case", list(_damaged()))
@pytest.mark.parametrize("check_crc", [True, False])
def test_the_direct_read_says_what_zipfile_says(case, check_crc, tmp_path):
    path = tmp_path / "b.dzb"
    path.write_bytes(_damaged()[case])
    through_zipfile = _read(path, NAME, buffer=False, check_crc=check_crc)
    direct = _read(path, NAME, buffer=True, check_crc=check_crc)
    assert direct == through_zipfile
    if case == "intact":
        assert direct == PAYLOAD
    if case == "flipped data byte" and check_crc:
        assert "校验码不符" in direct
    if case != "intact" and (check_crc or case != "flipped data byte"):
        assert str(direct).startswith("refused:")


def test_deflated_members_and_chunk_views(tmp_path):
    """Deflated members take the zipfile path; stored chunks are views of the one buffer, reused."""
    path = tmp_path / "b.dzb"
    path.write_bytes(_stored_zip())
    buffer = bytearray(CHUNK)
    with open_zip(path) as (zf, _size):
        chunks = list(stream_member(zf, zf.getinfo(NAME), MAX_ENTRY_BYTES, buffer=buffer))
        assert all(isinstance(c, memoryview) and c.obj is buffer for c in chunks)
        [manifest] = stream_member(zf, zf.getinfo("manifest.json"), 1000, buffer=buffer)
        assert manifest == b"{}" and isinstance(manifest, bytes)
    assert zlib.crc32(PAYLOAD) == zipfile.ZipFile(path).getinfo(NAME).CRC


def test_a_local_header_longer_than_the_directory_says_cannot_slide_into_the_next_entry(tmp_path):
    """The local header's extra-field length moves the data window; the directory's lengths passed
    the overlap check. Reading must not return bytes of the next entry's header (newer zipfile agrees)."""
    raw = _stored_zip(b"A" * 100, "evidence/a")
    struct.pack_into("<H", raw, 28, 40)  # the first local header claims 40 bytes of extra field it does not have
    path = tmp_path / "slide.dzb"
    path.write_bytes(raw)
    got = _read(path, "evidence/a", buffer=True, check_crc=False)
    assert got == "refused: 上报文件中的条目相互重叠（可能是压缩炸弹），已拒绝。"
