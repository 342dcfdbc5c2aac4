"""The quicker reads verify_bundle uses refuse exactly what the slower ones refused, with the same sentence.

* Small deflated members (manifest, signature, assessment, changes) are read in one read and one
  decompress call, optionally out of one window of the archive: each damaged archive here is read
  that way and through zipfile (``stream_member`` without a buffer), and both must give the same
  bytes or the same refusal.
* open_zip answers a missing path, a folder, a FIFO, a dangling link as Path.exists()/is_file() did.
* JSON is written by one prebuilt encoder: the canonical bytes are still json.dumps' bytes, NaN still
  refused; parsing still refuses duplicate keys, NaN and a BOM.
* ``field`` answers the usual case before building its label, and refuses everything it refused.
* The signature is checked with the certificate's own key object.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from dzdesk.bundle.format import MAX_JSON_BYTES
from dzdesk.bundle.manifest import field, parse_json
from dzdesk.bundle.memberread import read_member, read_small_deflated, read_window, stream_member
from dzdesk.bundle.safezip import open_zip
from dzdesk.bundle.types import BundleError
from dzdesk.canonical import canonical_bytes
from dzdesk.identity import verify_signature, verify_with_key

TEXT = json.dumps({"changes": [{"actor": "书记", "at": f"2026-11-{i % 28 + 1:02d}", "n": i} for i in range(300)]},
                  ensure_ascii=False).encode()
NAMES = ("assessment.json", "changes.json", "manifest.json")


def _zip(payload: bytes = TEXT) -> bytearray:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("evidence/" + "ab" * 32), os.urandom(5000), compress_type=zipfile.ZIP_STORED)
        for name in NAMES:
            zf.writestr(name, payload, compress_type=zipfile.ZIP_DEFLATED)
    return bytearray(out.getvalue())


def _central(data: bytearray, name: str) -> int:
    """Offset of ``name``'s central directory entry (its name follows the 46-byte fixed part)."""
    return data.find(name.encode(), data.find(b"PK\x01\x02")) - 46


def _local(data: bytearray, name: str) -> int:
    return data.find(name.encode()) - 30


def _damaged() -> dict[str, bytearray]:
    cases = {"intact": _zip()}
    target = "changes.json"
    d = _zip()
    d[_local(d, target) : _local(d, target) + 4] = b"PK\x09\x09"
    cases["bad local signature"] = d
    d = _zip()
    d[_local(d, target) + 30] = ord("X")
    cases["local name differs"] = d
    d = _zip()
    d[_local(d, target) + 30 + len(target) + 40] ^= 0xFF
    cases["flipped compressed byte"] = d
    d = _zip()
    d[_local(d, target) + 30 + len(target) + 2] ^= 0x01
    cases["flipped early compressed bit"] = d
    for label, delta in (("file size smaller", -100), ("file size larger", 100)):
        d = _zip()
        cd = _central(d, target)
        size = struct.unpack_from("<I", d, cd + 24)[0]
        struct.pack_into("<I", d, cd + 24, size + delta)
        cases[label] = d
    d = _zip()
    cd = _central(d, target)
    compressed = struct.unpack_from("<I", d, cd + 20)[0]
    struct.pack_into("<I", d, cd + 20, compressed - 50)  # the stream is cut short
    cases["compressed size smaller"] = d
    d = _zip(b"")
    cases["empty members"] = d
    d = _zip()
    struct.pack_into("<H", d, _central(d, target) + 8, 0x20)
    cases["patched-data flag"] = d
    d = _zip()
    struct.pack_into("<H", d, _central(d, target) + 8, 0x40)
    cases["strong-encryption flag"] = d
    d = _zip()
    struct.pack_into("<H", d, _local(d, target) + 28, 4000)  # local extra field runs into the next entry
    cases["local extra overruns"] = d
    d = _zip()
    cd = _central(d, "manifest.json")  # the last member: its data would run past the end of the file
    struct.pack_into("<I", d, cd + 20, struct.unpack_from("<I", d, cd + 20)[0] + 10**6)
    cases["data ends early"] = d
    return cases


def _outcome(path: Path, name: str, how: str, check_crc: bool) -> bytes | str:
    try:
        with open_zip(path) as (zf, _size):
            info = zf.getinfo(name)
            if how == "zipfile":
                return b"".join(stream_member(zf, info, MAX_JSON_BYTES, check_crc=check_crc))
            window = read_window(zf, [zf.getinfo(n) for n in NAMES]) if how == "window" else None
            return read_small_deflated(zf, info, MAX_JSON_BYTES, check_crc=check_crc, window=window)
    except BundleError as exc:
        return f"refused: {exc.zh}"


@pytest.mark.parametrize("case", list(_damaged()))
@pytest.mark.parametrize("check_crc", [True, False])
@pytest.mark.parametrize("name", ["changes.json", "manifest.json"])
def test_small_reads_say_what_zipfile_says(case, check_crc, name, tmp_path):
    path = tmp_path / "b.dzb"
    path.write_bytes(_damaged()[case])
    expected = _outcome(path, name, "zipfile", check_crc)
    assert _outcome(path, name, "direct", check_crc) == expected
    assert _outcome(path, name, "window", check_crc) == expected
    if case == "intact":
        assert expected == TEXT
    if case in ("bad local signature", "local name differs", "patched-data flag") and name == "changes.json":
        assert str(expected).startswith("refused:")
    if case == "file size smaller" and name == "changes.json" and check_crc:
        assert "校验码不符" in str(expected)
    if case == "file size larger" and name == "changes.json":
        assert expected == TEXT  # zipfile stops at the stream's end too; verify_bundle's signed size catches it


def test_read_member_still_checks_the_crc(tmp_path):
    data = _zip()
    cd = _central(data, "manifest.json")
    struct.pack_into("<I", data, cd + 16, zlib.crc32(TEXT) ^ 1)
    path = tmp_path / "b.dzb"
    path.write_bytes(data)
    with open_zip(path) as (zf, _size):
        info = zf.getinfo("manifest.json")
        with pytest.raises(BundleError, match="校验码不符"):
            read_member(zf, info, MAX_JSON_BYTES)
        assert read_small_deflated(zf, info, MAX_JSON_BYTES, check_crc=False) == TEXT


def test_open_zip_answers_as_before(tmp_path):
    def refusal(path: Path | str) -> str:
        with pytest.raises(BundleError) as info, open_zip(path):
            pass
        return info.value.zh

    assert "找不到上报文件" in refusal(tmp_path / "missing.dzb")
    assert "找不到上报文件" in refusal(tmp_path / "missing" / "deeper.dzb")
    (tmp_path / "file").write_bytes(b"x")
    assert "找不到上报文件" in refusal(tmp_path / "file" / "under-a-file.dzb")  # ENOTDIR
    assert "找不到上报文件" in refusal(str(tmp_path / "nul\x00.dzb"))
    (tmp_path / "dangling.dzb").symlink_to(tmp_path / "nowhere")
    assert "找不到上报文件" in refusal(tmp_path / "dangling.dzb")
    (tmp_path / "folder.dzb").mkdir()
    assert "不是一个文件" in refusal(tmp_path / "folder.dzb")
    os.mkfifo(tmp_path / "fifo.dzb")
    assert "不是一个文件" in refusal(tmp_path / "fifo.dzb")  # refused before open(), which would block
    (tmp_path / "empty.dzb").write_bytes(b"")
    assert "文件为空" in refusal(tmp_path / "empty.dzb")
    (tmp_path / "text.dzb").write_bytes("不是压缩包".encode() * 100)
    assert "不是 zip 格式" in refusal(tmp_path / "text.dzb")
    good = tmp_path / "good.dzb"
    good.write_bytes(_zip())
    with open_zip(good) as (zf, size):
        assert size == good.stat().st_size and zf.read("changes.json") == TEXT
    assert zf.fp is None  # closed on leaving


@pytest.mark.parametrize("text", [
    b'{"a": 1, "a": 2}',
    b'{"x": {"k": [1, {"b": 1, "b": 1}]}}',
    b'{"a": NaN}',
    b"[Infinity]",
    b"[-Infinity]",
    "\ufeff{}".encode(),
    b'{"a": 1} trailing',
    b"",
])
def test_strict_json_is_still_strict(text):
    with pytest.raises(BundleError, match="不是有效的 JSON"):
        parse_json(text, "changes.json")


def test_field_fast_path_keeps_every_refusal():
    assert field({"n": 3}, "n", int, "m.json") == 3
    assert field({"n": 3}, "n", (int, float), "m.json") == 3
    assert field({"s": "x"}, "s", str, "m.json") == "x"
    for doc, kind, words in (
        ({"n": True}, int, "类型不对"),  # bool never counts as int
        ({"n": True}, (int, float), "类型不对"),
        ({"n": "3"}, int, "类型不对"),
        ({}, int, "缺少字段“n”"),
        ([], int, "不是对象"),
        ({"n": None}, int, "类型不对"),
    ):
        with pytest.raises(BundleError, match=words):
            field(doc, "n", kind, "m.json")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_canonical_bytes_are_json_dumps_bytes(value):
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    assert canonical_bytes(value) == expected.encode("utf-8")


@pytest.mark.parametrize("bad", [float("nan"), {"a": float("inf")}, [float("-inf")]])
def test_canonical_bytes_still_refuse_nan(bad):
    with pytest.raises(ValueError):
        canonical_bytes(bad)


def test_verify_with_key_agrees_with_verify_signature():
    from cryptography.hazmat.primitives import serialization

    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    data = b'{"format":"dzdesk-bundle"}'
    good = key.sign(data, ec.ECDSA(hashes.SHA256()))
    for signature, payload in ((good, data), (good, data + b" "), (other.sign(data, ec.ECDSA(hashes.SHA256())), data),
                               (b"garbage", data), (b"", data)):
        assert verify_with_key(key.public_key(), payload, signature) == verify_signature(der, payload, signature)
    assert verify_with_key(key.public_key(), data, good)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    assert not verify_with_key(rsa_key.public_key(), data, good)


def test_an_out_of_range_stated_score_is_refused_in_one_sentence(base, tmp_path):
    """A signed assessment.json whose score.total is 1e400 (which would parse as infinity) is refused in one
    sentence naming the out-of-range number; it used to escape as a ValueError from the canonical encoder."""
    from bundle_tools import manifest_of, read_members, rebuild, set_entry, signed

    from dzdesk.bundle import verify_bundle

    members = {info.filename: data for info, data in read_members(base.data)}
    data = members["assessment.json"].replace(b'"score":{', b'"score":{"total":1e400,', 1)
    data = data.replace(b',"total":', b',"stale_total":', 1) if data.count(b'"total":') > 1 else data
    assert b'"total":1e400' in data
    manifest = manifest_of(members)
    set_entry(manifest, "assessment.json", data, role="assessment")
    path = tmp_path / "inf.dzb"
    path.write_bytes(rebuild(signed({**members, "assessment.json": data}, manifest, base.identity)))
    with pytest.raises(BundleError, match="assessment.json 格式不正确：含有超出范围的数字"):
        verify_bundle(path)
