"""The sealed file's byte layout and limits (docs/encryption.md is the specification).

Parsing here trusts nothing: every length is checked against the limits before
anything is read or allocated, and the result is still *unauthenticated* until
the reader has unwrapped the file key and checked the header tag.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from .errors import NotSealedError, SealedDamagedError, SealedVersionError

MAGIC = b"\x89DZSEAL\n"  # 0x89 and the newline catch 7-bit and text-mode copies
VERSION = 1
KiB = 1024
MiB = 1024 * KiB

# magic, version, flags, header_length, chunk_size, inner_length, kind_length
PRELUDE = struct.Struct(">8sHHIQQB")
PRELUDE_SIZE = PRELUDE.size  # 33
NONCE_PREFIX_SIZE = 7
POINT_SIZE = 65  # uncompressed SEC1 P-256 point: 0x04 || X || Y
COUNT = struct.Struct(">I")
FINGERPRINT_SIZE = 32  # SHA-256 of the recipient's SubjectPublicKeyInfo DER
FILE_KEY_SIZE = 32
TAG_SIZE = 16  # AES-GCM tag
WRAPPED_KEY_SIZE = FILE_KEY_SIZE + TAG_SIZE
STANZA_SIZE = FINGERPRINT_SIZE + WRAPPED_KEY_SIZE  # 80
HEADER_TAG_SIZE = 32  # HMAC-SHA-256

MIN_CHUNK_SIZE = 64
MAX_CHUNK_SIZE = 4 * MiB
DEFAULT_CHUNK_SIZE = MiB  # 16 bytes of tag per MiB; a small random read decrypts one chunk
MAX_RECIPIENTS = 64
MAX_KIND_LENGTH = 32
MAX_INNER_LENGTH = 2**38  # 256 GiB: with the smallest chunk, the chunk index still fits 32 bits
KIND_RE = re.compile(rb"[a-z0-9][a-z0-9._-]*")


def header_length(kind_length: int, recipients: int) -> int:
    return (
        PRELUDE_SIZE
        + kind_length
        + NONCE_PREFIX_SIZE
        + POINT_SIZE
        + COUNT.size
        + recipients * STANZA_SIZE
        + HEADER_TAG_SIZE
    )


MAX_HEADER_LENGTH = header_length(MAX_KIND_LENGTH, MAX_RECIPIENTS)


def chunk_count(inner_length: int, chunk_size: int) -> int:
    """Chunks of a payload: at least one (an empty file has one empty final chunk)."""
    return max(1, -(-inner_length // chunk_size))


def sealed_size(header_len: int, inner_length: int, chunk_size: int) -> int:
    return header_len + inner_length + TAG_SIZE * chunk_count(inner_length, chunk_size)


def chunk_nonce(prefix: bytes, index: int, final: bool) -> bytes:
    """STREAM nonce: 7-byte per-file prefix, 32-bit big-endian chunk index, last-chunk flag byte."""
    return prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


@dataclass(frozen=True)
class Stanza:
    fingerprint: bytes  # raw 32 bytes
    wrapped_key: bytes  # 48 bytes: AES-GCM ciphertext and tag of the file key


@dataclass(frozen=True)
class Header:
    chunk_size: int
    inner_length: int
    inner_kind: str
    nonce_prefix: bytes
    ephemeral_point: bytes
    stanzas: tuple[Stanza, ...]
    raw: bytes = b""  # the exact bytes read, tag included (empty for a header being built)

    @property
    def length(self) -> int:
        return header_length(len(self.inner_kind), len(self.stanzas))

    @property
    def chunks(self) -> int:
        return chunk_count(self.inner_length, self.chunk_size)

    @property
    def sealed_size(self) -> int:
        return sealed_size(self.length, self.inner_length, self.chunk_size)

    @property
    def fingerprints(self) -> tuple[str, ...]:
        return tuple(fingerprint_of_digest(s.fingerprint) for s in self.stanzas)

    def encode_body(self) -> bytes:
        """Every header byte before the tag (the bytes the tag authenticates)."""
        kind = self.inner_kind.encode("ascii")
        return b"".join(
            [
                PRELUDE.pack(
                    MAGIC, VERSION, 0, self.length, self.chunk_size, self.inner_length, len(kind)
                ),
                kind,
                self.nonce_prefix,
                self.ephemeral_point,
                COUNT.pack(len(self.stanzas)),
                *(s.fingerprint + s.wrapped_key for s in self.stanzas),
            ]
        )

    @property
    def body(self) -> bytes:
        return self.raw[:-HEADER_TAG_SIZE]

    @property
    def tag(self) -> bytes:
        return self.raw[-HEADER_TAG_SIZE:]


def fingerprint_of_digest(digest: bytes) -> str:
    """The display form dzdesk.identity uses, from the raw SHA-256."""
    hexed = digest.hex().upper()
    return " ".join(hexed[i : i + 4] for i in range(0, len(hexed), 4))


def check_kind(kind: str) -> bytes:
    raw = kind.encode("ascii", "replace")
    if not (1 <= len(raw) <= MAX_KIND_LENGTH) or not KIND_RE.fullmatch(raw):
        raise ValueError(
            f"inner kind must be 1 to {MAX_KIND_LENGTH} characters of [a-z0-9._-]: {kind!r}"
        )
    return raw


def damaged(zh: str, en: str) -> SealedDamagedError:
    return SealedDamagedError(zh, en)


def parse_prelude(data: bytes) -> tuple[int, int, int, int]:
    """Check the fixed first bytes; returns (header_length, chunk_size, inner_length, kind_length)."""
    if len(data) < len(MAGIC) or data[: len(MAGIC)] != MAGIC:
        raise NotSealedError()
    if len(data) < PRELUDE_SIZE:
        raise damaged("文件头不完整", "the header is incomplete")
    _, version, flags, length, chunk_size, inner_length, kind_length = PRELUDE.unpack_from(data)
    if version > VERSION or (version == VERSION and flags):
        raise SealedVersionError(version, flags if version == VERSION else 0)
    if version != VERSION:
        raise damaged(f"未知的格式版本 {version}", f"unknown format version {version}")
    if not (header_length(1, 1) <= length <= MAX_HEADER_LENGTH):
        raise damaged(f"文件头长度 {length} 超出范围", f"header length {length} is out of range")
    if not (MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE):
        raise damaged(f"分块大小 {chunk_size} 超出范围", f"chunk size {chunk_size} is out of range")
    if inner_length > MAX_INNER_LENGTH:
        raise damaged(
            f"内容长度 {inner_length} 超出范围", f"inner length {inner_length} is out of range"
        )
    if not (1 <= kind_length <= MAX_KIND_LENGTH):
        raise damaged("内容类型字段长度错误", "bad inner kind length")
    return length, chunk_size, inner_length, kind_length


def parse_header(data: bytes) -> Header:
    """Parse the whole header (``data`` holds at least its ``header_length`` bytes)."""
    length, chunk_size, inner_length, kind_length = parse_prelude(data)
    if len(data) < length:
        raise damaged("文件头不完整", "the header is incomplete")
    pos = PRELUDE_SIZE
    kind = data[pos : pos + kind_length]
    if not KIND_RE.fullmatch(kind):
        raise damaged("内容类型字段含非法字符", "bad characters in the inner kind")
    pos += kind_length
    nonce_prefix = data[pos : pos + NONCE_PREFIX_SIZE]
    pos += NONCE_PREFIX_SIZE
    point = data[pos : pos + POINT_SIZE]
    pos += POINT_SIZE
    if pos + COUNT.size > length:
        raise damaged("文件头长度与内容不符", "the header length does not match its fields")
    (count,) = COUNT.unpack_from(data, pos)
    pos += COUNT.size
    if not (1 <= count <= MAX_RECIPIENTS):
        raise damaged(f"收件人数量 {count} 超出范围", f"{count} recipients is out of range")
    if header_length(kind_length, count) != length:
        raise damaged("文件头长度与内容不符", "the header length does not match its fields")
    stanzas = []
    for _ in range(count):
        stanzas.append(
            Stanza(
                data[pos : pos + FINGERPRINT_SIZE], data[pos + FINGERPRINT_SIZE : pos + STANZA_SIZE]
            )
        )
        pos += STANZA_SIZE
    if len({s.fingerprint for s in stanzas}) != count:
        raise damaged("收件人重复", "a recipient is listed twice")
    return Header(
        chunk_size=chunk_size,
        inner_length=inner_length,
        inner_kind=kind.decode("ascii"),
        nonce_prefix=nonce_prefix,
        ephemeral_point=point,
        stanzas=tuple(stanzas),
        raw=bytes(data[:length]),
    )
