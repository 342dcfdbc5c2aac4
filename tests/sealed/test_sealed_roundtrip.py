"""Sealed files: what is written reads back, in full and at random places, through every way of reading."""

from __future__ import annotations

import io
import os
import tracemalloc
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st
from sealed_tools import BRANCH, COMMITTEE, STRANGER, key, opened, seal

from dzdesk.errors import DzdeskError
from dzdesk.identity import fingerprint_of, spki_of
from dzdesk.progress import Cancelled, Progress
from dzdesk.sealed import (
    MAX_RECIPIENTS,
    NotARecipientError,
    NotSealedError,
    SealedError,
    SealedKeyError,
    SealedReadError,
    SealedWriteError,
    SealedWriter,
    authenticate_sealed,
    generate_encryption_key,
    inspect_sealed,
    is_sealed,
    key_fingerprint,
    open_sealed,
    seal_bytes,
    seal_file,
)

CHUNK_SIZES = (64, 100, 4096)


@st.composite
def payloads(draw: st.DrawFn) -> tuple[int, bytes]:
    """A chunk size and a payload whose length sits at the edges that matter, or anywhere up to 20 chunks."""
    chunk = draw(st.sampled_from(CHUNK_SIZES))
    chunks = draw(st.integers(1, 20))
    length = draw(
        st.sampled_from(
            [
                0,
                1,
                chunk - 1,
                chunk,
                chunk + 1,
                chunks * chunk - 1,
                chunks * chunk,
                chunks * chunk + 1,
            ]
        )
        | st.integers(0, 20 * chunk)
    )
    seed = draw(st.binary(min_size=16, max_size=16))
    return chunk, (seed * (length // 16 + 1))[:length] if length else b""


@settings(max_examples=150, deadline=None)
@given(payloads(), st.lists(st.integers(0, 300), max_size=8))
def test_round_trip_any_size_any_write_pieces(case: tuple[int, bytes], pieces: list[int]) -> None:
    chunk, data = case
    sealed = seal(data, [key(COMMITTEE), key(BRANCH)], chunk_size=chunk, pieces=pieces)
    chunks = max(1, -(-len(data) // chunk))
    assert len(sealed) == 141 + 3 + 2 * 80 + len(data) + 16 * chunks
    for private in (key(COMMITTEE), key(BRANCH)):
        with opened(sealed, private) as reader:
            assert reader.size == len(data)
            assert reader.read() == data
            assert reader.read() == b""
            assert reader.tell() == len(data)


@settings(max_examples=150, deadline=None)
@given(
    payloads(),
    st.lists(
        st.tuples(
            st.sampled_from([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END]),
            st.integers(-3000, 3000),
            st.integers(-1, 700),
            st.booleans(),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(1, 3),
)
def test_random_seeks_and_reads_match_the_plaintext(
    case: tuple[int, bytes], moves: list, cache_chunks: int
) -> None:
    chunk, data = case
    sealed = seal(data, [key(COMMITTEE)], chunk_size=chunk)
    model = io.BytesIO(data)  # the reference: a plain in-memory file
    with opened(sealed, key(COMMITTEE), cache_chunks=cache_chunks) as reader:
        for whence, offset, size, into in moves:
            target = {io.SEEK_SET: 0, io.SEEK_CUR: model.tell(), io.SEEK_END: len(data)}[
                whence
            ] + offset
            if target < 0:
                with pytest.raises(ValueError):
                    reader.seek(offset, whence)
                continue
            assert reader.seek(offset, whence) == model.seek(offset, whence)
            if into:
                buffer, expected = bytearray(max(size, 0)), bytearray(max(size, 0))
                assert reader.readinto(buffer) == model.readinto(expected)
                assert buffer == expected
            else:
                assert reader.read(size) == model.read(size)
            assert reader.tell() == model.tell()


@pytest.mark.parametrize("count", range(1, 9))
def test_every_recipient_of_one_to_eight_reads_and_others_are_told_whom_it_is_for(
    count: int,
) -> None:
    keys = [key(f"recipient {i}") for i in range(count)]
    data = os.urandom(1000)
    sealed = seal(data, keys, chunk_size=128)
    info = inspect_sealed(io.BytesIO(sealed))
    assert info.recipients == tuple(key_fingerprint(k) for k in keys)
    # the same form as dzdesk.identity's fingerprints
    assert info.recipients == tuple(fingerprint_of(spki_of(k.public_key())) for k in keys)
    assert (info.inner_kind, info.inner_length, info.chunk_size, info.chunks) == (
        "dzb",
        1000,
        128,
        8,
    )
    for private in keys:
        with opened(sealed, private) as reader:
            assert reader.read() == data
            assert reader.recipients == info.recipients
    stranger = key(STRANGER)
    with pytest.raises(NotARecipientError) as caught:
        opened(sealed, stranger)
    assert caught.value.recipients == info.recipients
    assert caught.value.own == key_fingerprint(stranger)
    assert (
        all(fp in caught.value.zh for fp in info.recipients) and caught.value.own in caught.value.zh
    )


def test_recipients_are_one_to_sixty_four_distinct_p256_keys() -> None:
    out = io.BytesIO()
    with pytest.raises(SealedKeyError, match="1 至 64"):
        SealedWriter(out, [])
    with pytest.raises(SealedKeyError, match="1 至 64"):
        SealedWriter(out, [key(f"k{i}").public_key() for i in range(MAX_RECIPIENTS + 1)])
    with pytest.raises(SealedKeyError, match="两次"):
        SealedWriter(out, [key(BRANCH).public_key(), key(BRANCH).public_key()])
    with pytest.raises(SealedKeyError, match="P-256"):
        SealedWriter(out, [ec.generate_private_key(ec.SECP384R1()).public_key()])
    sealed = seal(b"x", [key(f"k{i}") for i in range(MAX_RECIPIENTS)])
    with opened(sealed, key(f"k{MAX_RECIPIENTS - 1}")) as reader:
        assert reader.read() == b"x"


def test_two_sealings_of_the_same_bytes_share_nothing_but_the_recipient() -> None:
    data = b"A" * 500
    first, second = (seal(data, [key(COMMITTEE)]) for _ in range(2))
    assert len(first) == len(second)
    # offsets for kind "dzb" and one recipient (docs/encryption.md section 4)
    fields = {
        "nonce prefix": (36, 43),
        "ephemeral point": (43, 108),
        "wrapped key": (144, 192),
        "tag": (192, 224),
    }
    for name, (start, end) in fields.items():
        assert first[start:end] != second[start:end], name
    assert first[112:144] == second[112:144]  # the recipient's fingerprint
    body_a, body_b = first[224:], second[224:]
    assert not any(body_a[i : i + 8] in body_b for i in range(0, len(body_a) - 8))


def test_nothing_of_the_plaintext_is_in_the_sealed_file() -> None:
    text = "支部委员会会议记录：张三、李四参加。活动照片01.jpg".encode()
    sealed = seal(text * 50, [key(COMMITTEE), key(BRANCH)], chunk_size=256)
    for needle in (text[:12], "张三".encode(), b"jpg", "活动照片".encode()):
        assert needle not in sealed


def test_is_sealed_and_inspect_need_no_key_and_leave_a_file_where_it_was(tmp_path: Path) -> None:
    sealed = seal(b"hello", [key(COMMITTEE)])
    path = tmp_path / "a.dzb"
    path.write_bytes(sealed)
    assert is_sealed(path) and is_sealed(str(path))
    handle = io.BytesIO(b"junk" + sealed)
    handle.seek(3)
    assert not is_sealed(handle) and handle.tell() == 3
    plain = tmp_path / "plain.dzb"
    plain.write_bytes(b"PK\x03\x04" + bytes(100))
    assert not is_sealed(plain)
    assert not is_sealed(tmp_path / "missing.dzb")
    assert not is_sealed(tmp_path)
    (tmp_path / "short").write_bytes(sealed[:5])
    assert not is_sealed(tmp_path / "short")
    assert inspect_sealed(path).file_size == len(sealed)
    with pytest.raises(NotSealedError):
        inspect_sealed(plain)


def test_opening_a_path_and_closing(tmp_path: Path) -> None:
    path = tmp_path / "x.dzb"
    path.write_bytes(seal(b"0123456789" * 30, [key(BRANCH)]))
    reader = open_sealed(path, key(BRANCH))
    assert reader.readable() and reader.seekable() and not reader.writable()
    assert reader.read(10) == b"0123456789"
    reader.close()
    reader.close()
    assert reader.closed
    with pytest.raises(ValueError):
        reader.read(1)
    with pytest.raises(SealedError, match="找不到"):
        open_sealed(tmp_path / "missing.dzb", key(BRANCH))
    with pytest.raises(SealedError, match="不是一个文件"):
        open_sealed(tmp_path, key(BRANCH))


def test_the_writer_is_a_sequential_file_and_refuses_misuse() -> None:
    out = io.BytesIO()
    writer = SealedWriter(out, [key(COMMITTEE).public_key()], chunk_size=64)
    assert writer.writable() and not writer.seekable() and not writer.readable()
    assert out.tell() == 141 + 3 + 80  # the header is written at once
    assert (
        writer.write(b"abc") == 3
        and writer.write(bytearray(b"de")) == 2
        and writer.write(memoryview(b"f")) == 1
    )
    assert writer.tell() == 6
    writer.flush()
    writer.close()
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"x")
    with opened(out.getvalue(), key(COMMITTEE)) as reader:
        assert reader.read() == b"abcdef"
    with pytest.raises(ValueError, match="chunk_size"):
        SealedWriter(io.BytesIO(), [key(COMMITTEE).public_key()], chunk_size=0)
    with pytest.raises(ValueError, match="chunk_size"):
        SealedWriter(io.BytesIO(), [key(COMMITTEE).public_key()], chunk_size=2**40)
    with pytest.raises(ValueError, match="inner kind"):
        SealedWriter(io.BytesIO(), [key(COMMITTEE).public_key()], inner_kind="DZB")


class _Pipe(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # noqa: ANN001
        return len(b)


def test_the_writer_needs_a_seekable_output() -> None:
    with pytest.raises(ValueError, match="seekable"):
        SealedWriter(_Pipe(), [key(COMMITTEE).public_key()])


def test_an_exception_or_abort_leaves_a_file_that_never_opens() -> None:
    out = io.BytesIO()
    with (
        pytest.raises(RuntimeError),
        SealedWriter(out, [key(COMMITTEE).public_key()], chunk_size=64) as writer,
    ):
        writer.write(b"x" * 300)
        raise RuntimeError("export failed half way")
    assert len(out.getvalue()) > 300
    with pytest.raises(SealedError):  # the header still says length 0 and has no tag
        opened(out.getvalue(), key(COMMITTEE))
    out = io.BytesIO()
    writer = SealedWriter(out, [key(COMMITTEE).public_key()], chunk_size=64)
    writer.write(b"y" * 64)
    writer.abort()
    writer.close()  # does nothing after abort
    with pytest.raises(SealedError):
        opened(out.getvalue(), key(COMMITTEE))


def test_sealed_file_at_an_offset_of_the_output() -> None:
    out = io.BytesIO()
    out.write(b"prefix")
    with SealedWriter(out, [key(COMMITTEE).public_key()], chunk_size=64) as writer:
        writer.write(b"z" * 200)
    with opened(out.getvalue()[6:], key(COMMITTEE)) as reader:
        assert reader.read() == b"z" * 200


def test_seal_file_is_atomic_and_reads_back(tmp_path: Path) -> None:
    source = tmp_path / "in.bin"
    data = os.urandom(3 * 1024 * 1024 + 17)
    source.write_bytes(data)
    target = seal_file(
        source, tmp_path / "out.dzb", [key(COMMITTEE).public_key(), key(BRANCH).public_key()]
    )
    with open_sealed(target, key(BRANCH)) as reader:
        assert reader.read() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bin", "out.dzb"]
    with pytest.raises(SealedKeyError):
        seal_file(source, tmp_path / "bad.dzb", [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bin", "out.dzb"]  # nothing stray
    with pytest.raises(SealedReadError, match="in-missing.bin"):
        seal_file(tmp_path / "in-missing.bin", tmp_path / "x.dzb", [key(COMMITTEE).public_key()])
    with pytest.raises(SealedWriteError, match="x.dzb"):
        seal_file(source, tmp_path / "no-such-folder" / "x.dzb", [key(COMMITTEE).public_key()])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bin", "out.dzb"]


def test_seal_file_on_a_full_disk_leaves_nothing(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """/dev/full takes no byte: the write fails inside the writer and the temporary file goes."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full (Linux)")
    import dzdesk.sealed.writer as writer_module

    source = tmp_path / "in.bin"
    source.write_bytes(b"x" * 5000)
    folder = tmp_path / "stick"
    folder.mkdir()

    def full_open(path, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if "w" in mode:  # the sealed file's temporary file, beside the target
            assert Path(path).parent == folder
            return open("/dev/full", mode, *args, **kwargs)
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(writer_module, "open", full_open, raising=False)
    with pytest.raises(SealedWriteError, match="x.dzb") as caught:
        seal_file(source, folder / "x.dzb", [key(COMMITTEE).public_key()])
    assert "No space left" in caught.value.en
    assert list(folder.iterdir()) == []


def test_seal_bytes_and_a_fresh_key() -> None:
    fresh = generate_encryption_key()
    sealed = seal_bytes(b"profile", [fresh.public_key()], inner_kind="dzp")
    with opened(sealed, fresh) as reader:
        assert (reader.inner_kind, reader.read()) == ("dzp", b"profile")


def test_memory_stays_flat_reading_many_megabytes() -> None:
    """The reader holds a chunk or two, whatever the size: traced peak far below the data size."""
    sealed = seal(os.urandom(1024 * 1024) * 24, [key(COMMITTEE)], chunk_size=256 * 1024)
    reader = opened(sealed, key(COMMITTEE))
    buffer = bytearray(1024 * 1024)
    tracemalloc.start()
    try:
        while reader.readinto(buffer):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reader.tell() == 24 * 1024 * 1024
    assert peak < 2 * 1024 * 1024, peak


def test_memory_stays_flat_writing_to_a_file(tmp_path: Path) -> None:
    """The writer holds one chunk of plaintext and one of ciphertext, whatever the size."""
    block = os.urandom(1024 * 1024)
    with open(tmp_path / "big.dzb", "wb") as out:
        writer = SealedWriter(out, [key(COMMITTEE).public_key()])
        tracemalloc.start()
        try:
            for _ in range(24):
                writer.write(block)
            writer.close()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 2 * 1024 * 1024, peak


def test_every_error_is_a_dzdesk_error_with_both_languages() -> None:
    with pytest.raises(DzdeskError) as caught:
        opened(seal(b"x", [key(COMMITTEE)]), key(STRANGER))
    assert caught.value.zh.startswith("此文件不是发给本机的") and caught.value.en.startswith(
        "This file is not addressed"
    )


def test_authenticate_checks_every_chunk_with_progress_and_can_be_cancelled() -> None:
    data = os.urandom(10 * 64 + 5)
    sealed = seal(data, [key(COMMITTEE)], chunk_size=64)
    with opened(sealed, key(COMMITTEE)) as reader:
        reader.seek(100)
        progress = Progress()
        info = reader.authenticate(progress)
        assert (info.inner_length, info.chunks) == (len(data), 11)
        assert (progress.done, progress.total) == (len(data), len(data))
        assert reader.tell() == 100 and reader.read(10) == data[100:110]
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        authenticate_sealed(io.BytesIO(sealed), key(COMMITTEE), progress)
    with pytest.raises(NotARecipientError):
        authenticate_sealed(io.BytesIO(sealed), key(STRANGER))
