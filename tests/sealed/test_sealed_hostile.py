"""Damaged, truncated, extended, reordered, tampered and absurd sealed files: one clear SealedError each.

Nothing unauthenticated reaches the caller: every byte a read returns equals the
original plaintext at that place, and a damaged chunk raises before any of it is returned.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sealed_tools import BRANCH, COMMITTEE, STRANGER, key, opened, seal

from dzdesk.errors import DzdeskError
from dzdesk.sealed import (
    FixedEntropy,
    NotARecipientError,
    NotSealedError,
    SealedDamagedError,
    SealedError,
    SealedReadError,
    SealedTruncatedError,
    SealedVersionError,
    SealedWriter,
    authenticate_sealed,
    inspect_sealed,
    open_sealed,
)
from dzdesk.sealed.format import PRELUDE, chunk_nonce, parse_header
from dzdesk.sealed.primitives import header_tag, payload_key

CHUNK = 64
DATA = bytes(range(256)) * 2 + b"tail"  # 516 bytes: 9 chunks, the last one short
RECIPIENTS = (key(COMMITTEE), key(BRANCH))
SEALED = seal(DATA, RECIPIENTS, chunk_size=CHUNK)
HEADER_LENGTH = parse_header(SEALED).length  # 304
CHUNKS = parse_header(SEALED).chunks


def _read_checked(sealed: bytes, private=None) -> None:  # noqa: ANN001
    """Open and read everything chunk by chunk; every byte returned must be the original's. Raises what opening/reading raises."""
    with opened(sealed, private or key(COMMITTEE)) as reader:
        pos = 0
        while piece := reader.read(CHUNK):
            assert piece == DATA[pos : pos + len(piece)], "unauthenticated bytes were returned"
            pos += len(piece)
        assert pos == len(DATA)


def _with_prelude(**fields: int) -> bytes:
    names = (
        "magic",
        "version",
        "flags",
        "header_length",
        "chunk_size",
        "inner_length",
        "kind_length",
    )
    values = dict(zip(names, PRELUDE.unpack_from(SEALED), strict=True)) | fields
    return PRELUDE.pack(*(values[n] for n in names)) + SEALED[PRELUDE.size :]


def test_the_intact_file_reads() -> None:
    _read_checked(SEALED)
    _read_checked(SEALED, key(BRANCH))


@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
def test_flipping_any_header_byte_is_refused_by_every_recipient(mask: int) -> None:
    for position in range(HEADER_LENGTH):
        damaged = bytearray(SEALED)
        damaged[position] ^= mask
        for private in RECIPIENTS:
            with pytest.raises(SealedError):
                _read_checked(bytes(damaged), private)


def test_flips_in_each_header_part_give_the_fitting_reason() -> None:
    def error(position: int, private=RECIPIENTS[0], mask: int = 0x01) -> SealedError:  # noqa: ANN001
        damaged = bytearray(SEALED)
        damaged[position] ^= mask
        with pytest.raises(SealedError) as caught:
            _read_checked(bytes(damaged), private)
        return caught.value

    assert isinstance(error(0), NotSealedError)
    # version 3: newer than this build; version 0: damage; a flag this build does not know
    assert isinstance(error(9, mask=0x02), SealedVersionError)
    assert isinstance(error(9), SealedDamagedError)
    assert isinstance(error(11), SealedVersionError)
    # "Dzb" is not a kind; the inner length changed: the file no longer has that length
    assert isinstance(error(33, mask=0x20), SealedDamagedError)
    assert isinstance(error(30), SealedTruncatedError)
    assert isinstance(error(40), SealedDamagedError)  # nonce prefix: the header tag fails
    first_fingerprint = 33 + 3 + 7 + 65 + 4
    # the committee's own stanza no longer names it; for the branch, the header tag fails
    assert isinstance(error(first_fingerprint), NotARecipientError)
    assert isinstance(error(first_fingerprint, RECIPIENTS[1]), SealedDamagedError)
    assert isinstance(error(first_fingerprint + 40), SealedDamagedError)  # its wrapped key
    assert isinstance(error(HEADER_LENGTH - 1), SealedDamagedError)  # the tag itself
    assert "文件头校验失败" in error(HEADER_LENGTH - 1).zh


def test_version_zero_is_damage_and_a_newer_version_asks_to_upgrade() -> None:
    with pytest.raises(SealedDamagedError, match="未知的格式版本 0"):
        _read_checked(_with_prelude(version=0))
    with pytest.raises(SealedVersionError, match="请升级") as caught:
        _read_checked(_with_prelude(version=2))
    assert caught.value.version == 2
    with pytest.raises(SealedVersionError, match="不认识的功能"):
        inspect_sealed(io.BytesIO(_with_prelude(flags=4)))


def test_flipping_sampled_body_bytes_fails_at_that_chunk_and_nothing_of_it_is_returned() -> None:
    stride = CHUNK + 16
    for position in range(HEADER_LENGTH, len(SEALED), 7):
        damaged = bytearray(SEALED)
        damaged[position] ^= 0x20
        chunk = (position - HEADER_LENGTH) // stride
        with pytest.raises(
            SealedDamagedError, match=f"第 {chunk + 1} 块数据（共 {CHUNKS} 块）校验失败"
        ):
            _read_checked(bytes(damaged))


def test_a_damaged_chunk_raises_on_every_read_that_touches_it_and_others_still_read() -> None:
    damaged = bytearray(SEALED)
    damaged[HEADER_LENGTH + 3 * (CHUNK + 16) + 5] ^= 1  # chunk 4 of 9
    with opened(bytes(damaged), key(COMMITTEE)) as reader:
        assert reader.read(3 * CHUNK) == DATA[: 3 * CHUNK]
        for _ in range(2):
            with pytest.raises(SealedDamagedError, match="第 4 块"):
                reader.read(1)
            assert reader.tell() == 3 * CHUNK
        buffer = bytearray(2 * CHUNK)
        reader.seek(2 * CHUNK + 10)
        with pytest.raises(SealedDamagedError, match="第 4 块"):
            reader.readinto(buffer)  # from chunk 3 into 4: raises rather than return a part
        assert reader.tell() == 2 * CHUNK + 10
        with pytest.raises(SealedDamagedError, match="第 4 块"):
            reader.read(2 * CHUNK)
        assert reader.tell() == 2 * CHUNK + 10
        reader.seek(5 * CHUNK)
        assert reader.read() == DATA[5 * CHUNK :]


def test_every_truncation_is_refused() -> None:
    for cut in range(len(SEALED)):
        with pytest.raises(SealedError) as caught:
            _read_checked(SEALED[:cut])
        if cut >= HEADER_LENGTH:
            assert isinstance(caught.value, SealedTruncatedError), cut
            assert "被截断" in caught.value.zh


@pytest.mark.parametrize(
    "extra", [b"\x00", os.urandom(16), os.urandom(CHUNK + 16), SEALED[-(CHUNK + 16) :]]
)
def test_appended_bytes_are_refused(extra: bytes) -> None:
    with pytest.raises(SealedTruncatedError, match="多出"):
        _read_checked(SEALED + extra)


def _chunks(sealed: bytes) -> tuple[bytes, list[bytes]]:
    header = parse_header(sealed)
    stride = header.chunk_size + 16
    body = sealed[header.length :]
    return sealed[: header.length], [body[i : i + stride] for i in range(0, len(body), stride)]


def test_swapped_dropped_and_duplicated_chunks_are_refused() -> None:
    head, chunks = _chunks(SEALED)
    swapped = chunks[:]
    swapped[2], swapped[5] = swapped[5], swapped[2]
    with pytest.raises(SealedDamagedError, match="第 3 块"):
        _read_checked(head + b"".join(swapped))
    with pytest.raises(SealedTruncatedError):
        _read_checked(head + b"".join(chunks[:3] + chunks[4:]))  # one dropped
    with pytest.raises(SealedTruncatedError):
        _read_checked(head + b"".join(chunks[:4] + chunks[3:]))  # one repeated


def test_the_last_chunk_flag_catches_what_a_recipient_could_forge() -> None:
    """Even a header re-authenticated with the real file key (only a recipient could) cannot turn a prefix
    of the chunks into a complete file, nor move the last chunk: the flag in the nonce refuses both."""
    data = bytes(range(128))  # two full chunks: sizes alone cannot tell a prefix from the whole

    file_key = bytes(range(32))
    out = io.BytesIO()
    entropy = FixedEntropy(key("ephemeral"), file_key, bytes(7))
    with SealedWriter(
        out, [key(COMMITTEE).public_key()], chunk_size=CHUNK, _entropy=entropy
    ) as writer:
        writer.write(data)
    sealed = out.getvalue()
    head, chunks = _chunks(sealed)

    def reheader(inner_length: int) -> bytes:
        header = parse_header(head)
        body = bytearray(header.body)
        struct.pack_into(">Q", body, 24, inner_length)
        return bytes(body) + header_tag(file_key, bytes(body))

    with pytest.raises(SealedDamagedError, match="第 1 块"):  # first chunk alone, claimed complete
        opened(reheader(64) + chunks[0], key(COMMITTEE))
    with pytest.raises(SealedDamagedError, match="第 2 块"):  # the two chunks swapped
        opened(head + chunks[1] + chunks[0], key(COMMITTEE))
    # and the construction does accept a correctly made last chunk under the same key: the test is not vacuous
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    last = AESGCM(payload_key(file_key)).encrypt(chunk_nonce(bytes(7), 0, True), data[:64], None)
    with opened(reheader(64) + last, key(COMMITTEE)) as reader:
        assert reader.read() == data[:64]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"chunk_size": 0}, "分块大小 0 超出范围"),
        ({"chunk_size": 63}, "分块大小 63 超出范围"),
        ({"chunk_size": 2**40}, f"分块大小 {2**40} 超出范围"),
        ({"chunk_size": 2**64 - 1}, "分块大小"),
        ({"header_length": 80_000_000}, "文件头长度 80000000 超出范围"),
        ({"header_length": 0}, "文件头长度 0 超出范围"),
        ({"header_length": HEADER_LENGTH + 80}, "文件头长度与内容不符"),
        ({"inner_length": 2**38 + 1}, "内容长度"),
        ({"inner_length": 2**64 - 1}, "内容长度"),
        ({"kind_length": 0}, "内容类型字段长度错误"),
        ({"kind_length": 33}, "内容类型字段长度错误"),
    ],
)
def test_absurd_sizes_are_refused_before_anything_is_read_or_allocated(
    fields: dict, reason: str
) -> None:
    with pytest.raises(SealedDamagedError, match=reason):
        _read_checked(_with_prelude(**fields))
    with pytest.raises(SealedDamagedError, match=reason):
        inspect_sealed(io.BytesIO(_with_prelude(**fields)))


@pytest.mark.parametrize("count", [0, 3, 65, 10**6, 2**32 - 1])
def test_absurd_recipient_counts_are_refused(count: int) -> None:
    damaged = bytearray(SEALED)
    struct.pack_into(">I", damaged, 33 + 3 + 7 + 65, count)
    reason = "文件头长度与内容不符" if 1 <= count <= 64 else f"收件人数量 {count} 超出范围"
    with pytest.raises(SealedDamagedError, match=reason):
        _read_checked(bytes(damaged))


@pytest.mark.parametrize("inner_length", [len(DATA) + 1, len(DATA) + 1000, 10**9, 2**37])
def test_an_inner_length_beyond_the_file_is_a_truncated_file(inner_length: int) -> None:
    with pytest.raises(SealedTruncatedError, match="文件不完整"):
        _read_checked(_with_prelude(inner_length=inner_length))


def test_a_kind_with_other_characters_is_refused() -> None:
    damaged = bytearray(SEALED)
    damaged[33] = ord("D")
    with pytest.raises(SealedDamagedError, match="内容类型字段含非法字符"):
        inspect_sealed(io.BytesIO(bytes(damaged)))


def test_a_repeated_recipient_in_the_header_is_refused() -> None:
    damaged = bytearray(SEALED)
    first = 33 + 3 + 7 + 65 + 4
    damaged[first + 80 : first + 112] = damaged[first : first + 32]
    with pytest.raises(SealedDamagedError, match="收件人重复"):
        _read_checked(bytes(damaged))


def test_an_invalid_ephemeral_point_is_refused() -> None:
    damaged = bytearray(SEALED)
    point = 33 + 3 + 7
    damaged[point + 1 : point + 65] = bytes(64)  # (0, 0) is not on the curve
    with pytest.raises(SealedDamagedError, match="临时公钥无效"):
        _read_checked(bytes(damaged))
    damaged[point] = 0x02  # a compressed-point prefix: not allowed
    with pytest.raises(SealedDamagedError, match="临时公钥无效"):
        _read_checked(bytes(damaged))


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89DZS", b"PK\x03\x04" + bytes(200), os.urandom(400), b"\x89DZSEAL\n", SEALED[:20]],
)
def test_other_files_and_stubs_are_refused_clearly(content: bytes) -> None:
    with pytest.raises((NotSealedError, SealedDamagedError)):
        _read_checked(content)
    with pytest.raises((NotSealedError, SealedDamagedError)):
        inspect_sealed(io.BytesIO(content))


def test_the_wrong_key_is_told_whom_the_file_is_for() -> None:
    with pytest.raises(NotARecipientError) as caught:
        _read_checked(SEALED, key(STRANGER))
    assert len(caught.value.recipients) == 2


class _FailingFile(io.BytesIO):
    """A file whose reads fail after ``ok`` of them: a USB stick pulled out."""

    def __init__(self, data: bytes, ok: int) -> None:
        super().__init__(data)
        self.ok = ok

    def readinto(self, buffer) -> int:  # noqa: ANN001
        if self.ok <= 0:
            raise OSError(5, "Input/output error")
        self.ok -= 1
        return super().readinto(buffer)


def test_read_errors_of_the_disk_are_sealed_read_errors() -> None:
    with pytest.raises(SealedReadError, match="请检查U盘"):
        open_sealed(_FailingFile(SEALED, 0), key(COMMITTEE))
    reader = open_sealed(_FailingFile(SEALED, 3), key(COMMITTEE))  # prelude, header, final chunk
    with pytest.raises(SealedReadError, match="Input/output error"):
        reader.read(1)


def test_a_file_that_shrinks_or_changes_after_opening_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.dzb"
    path.write_bytes(SEALED)
    with open_sealed(path, key(COMMITTEE)) as reader:
        with open(path, "r+b") as handle:
            handle.truncate(HEADER_LENGTH + 100)
        with pytest.raises(SealedDamagedError, match="变短"):
            reader.read()
    path.write_bytes(SEALED)
    with open_sealed(path, key(COMMITTEE)) as reader:
        damaged = bytearray(SEALED)
        damaged[HEADER_LENGTH + 10] ^= 1
        path.write_bytes(bytes(damaged))
        with pytest.raises(SealedDamagedError, match="第 1 块"):
            reader.read(1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(SEALED) - 1), st.integers(1, 255)), min_size=1, max_size=6
    ),
    st.booleans(),
)
def test_random_damage_never_gives_anything_but_a_sealed_error(
    flips: list[tuple[int, int]], branch: bool
) -> None:
    damaged = bytearray(SEALED)
    for position, mask in flips:
        damaged[position] ^= mask
    if bytes(damaged) == SEALED:
        return
    try:
        _read_checked(bytes(damaged), RECIPIENTS[branch])
    except SealedError as exc:
        assert isinstance(exc, DzdeskError) and exc.zh and exc.en
    else:
        raise AssertionError("a damaged file was read as if intact")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_after_the_magic_are_refused_clearly(tail: bytes) -> None:
    with pytest.raises(SealedError):
        _read_checked(b"\x89DZSEAL\n" + tail)


def test_authenticate_finds_damage_in_any_chunk_without_reading_it() -> None:
    assert authenticate_sealed(io.BytesIO(SEALED), key(BRANCH)).inner_length == len(DATA)
    for chunk in range(CHUNKS):
        damaged = bytearray(SEALED)
        damaged[HEADER_LENGTH + chunk * (CHUNK + 16) + 3] ^= 0x04
        with pytest.raises(SealedDamagedError, match=f"第 {chunk + 1} 块"):
            authenticate_sealed(io.BytesIO(bytes(damaged)), key(COMMITTEE))
