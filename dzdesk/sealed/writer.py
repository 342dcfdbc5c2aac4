"""``SealedWriter``: encrypt a stream to one or more recipients as it is written, in flat memory.

The header goes first with the inner length still unknown; each chunk is
encrypted and written as soon as the next byte shows it is not the last; on
``close`` the final chunk is written and the header is rewritten in place with
the length and its tag. Until then the header's tag is zeros, so a file left
behind by a crash, an exception or a forgotten ``close`` never opens.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..atomic import atomic_path
from .errors import SealedError, SealedKeyError, SealedReadError, SealedWriteError
from .format import (
    DEFAULT_CHUNK_SIZE,
    FILE_KEY_SIZE,
    HEADER_TAG_SIZE,
    MAX_CHUNK_SIZE,
    MAX_INNER_LENGTH,
    MAX_RECIPIENTS,
    MIN_CHUNK_SIZE,
    NONCE_PREFIX_SIZE,
    TAG_SIZE,
    Header,
    check_kind,
    chunk_nonce,
)
from .keys import RecipientKey, is_p256
from .primitives import header_tag, payload_key, point_of, recipient_digest, wrap


@dataclass(frozen=True)
class FixedEntropy:
    """The randomness of one file, fixed: for the specification's test vectors only, never in use.

    Reusing it for two files would reuse (key, nonce) pairs and destroy confidentiality.
    """

    ephemeral_key: ec.EllipticCurvePrivateKey
    file_key: bytes
    nonce_prefix: bytes


def _recipients(keys: Sequence[RecipientKey]) -> list[RecipientKey]:
    keys = list(keys)
    if not 1 <= len(keys) <= MAX_RECIPIENTS:
        raise SealedKeyError(
            f"加密文件的收件人应为 1 至 {MAX_RECIPIENTS} 个，现有 {len(keys)} 个。",
            f"A sealed file needs 1 to {MAX_RECIPIENTS} recipients, not {len(keys)}.",
        )
    for key in keys:
        if not isinstance(key, ec.EllipticCurvePublicKey) or not is_p256(key):
            raise SealedKeyError(
                "收件人公钥不是 dzdesk 加密密钥（ECDH P-256）。",
                "A recipient key is not an ECDH P-256 public key.",
            )
    if len({recipient_digest(k) for k in keys}) != len(keys):
        raise SealedKeyError(
            "同一个收件人公钥出现了两次（上级党委的公钥是否误用了本支部的公钥？）。",
            "The same recipient key is given twice.",
        )
    return keys


class SealedWriter:
    """Write-only, sequential, file-like: ``write()``, ``tell()``, ``flush()``, ``close()``.

    ``output`` must be a seekable binary file positioned where the sealed file starts
    (the header is rewritten there on close); it is not closed by the writer. Errors of
    ``output`` (a full disk) propagate as the OSError they are. Used as a context manager,
    an exception in the block aborts (the file stays unopenable) instead of finishing it.
    ``tell()`` counts plaintext bytes; the writer is not seekable, so ``zipfile.ZipFile``
    writing through it uses data descriptors.
    """

    def __init__(
        self,
        output: BinaryIO,
        recipients: Sequence[RecipientKey],
        *,
        inner_kind: str = "dzb",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        _entropy: FixedEntropy | None = None,
    ) -> None:
        if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError(
                f"chunk_size must be {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE} bytes, not {chunk_size}"
            )
        check_kind(inner_kind)
        if not output.seekable():
            raise ValueError(
                "SealedWriter needs a seekable output (the header is completed on close)"
            )
        keys = _recipients(recipients)
        if _entropy is None:
            ephemeral = ec.generate_private_key(ec.SECP256R1())
            file_key, prefix = os.urandom(FILE_KEY_SIZE), os.urandom(NONCE_PREFIX_SIZE)
        else:
            ephemeral, file_key, prefix = (
                _entropy.ephemeral_key,
                _entropy.file_key,
                _entropy.nonce_prefix,
            )
            if len(file_key) != FILE_KEY_SIZE or len(prefix) != NONCE_PREFIX_SIZE:
                raise ValueError("fixed entropy of the wrong sizes")
        point = point_of(ephemeral.public_key())
        self._header = Header(
            chunk_size=chunk_size,
            inner_length=0,
            inner_kind=inner_kind,
            nonce_prefix=prefix,
            ephemeral_point=point,
            stanzas=tuple(wrap(file_key, ephemeral, point, key) for key in keys),
        )
        del ephemeral  # the ephemeral private key is needed for nothing else
        self._file_key = file_key
        self._aead = AESGCM(payload_key(file_key))
        self._output = output
        self._start = output.tell()
        self._chunk_size = chunk_size
        self._buffer = bytearray(chunk_size)  # the chunk being filled (it may be the last)
        self._fill = 0
        self._sealed = bytearray(chunk_size + TAG_SIZE)  # one encrypted chunk, reused
        self._index = 0
        self._length = 0
        self._closed = False
        self._write_all(memoryview(self._header.encode_body() + bytes(HEADER_TAG_SIZE)))

    # -- the file-like surface
    @property
    def closed(self) -> bool:
        return self._closed

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        """Plaintext bytes written so far."""
        return self._length

    def flush(self) -> None:
        """Flush ``output``; the chunk being filled stays here until the writer knows whether it is last."""
        if not self._closed:
            self._output.flush()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed SealedWriter")
        view = memoryview(data).cast("B")
        size = len(view)
        if self._length + size > MAX_INNER_LENGTH:
            raise SealedError(
                f"内容超过加密文件的上限（{MAX_INNER_LENGTH} 字节）。",
                f"The content exceeds the sealed-file limit ({MAX_INNER_LENGTH} bytes).",
            )
        self._length += size
        chunk = self._chunk_size
        while view:
            if self._fill == chunk:  # a full chunk and more bytes after it: it is not the last
                self._emit(memoryview(self._buffer), final=False)
                self._fill = 0
            if (
                self._fill == 0 and len(view) > chunk
            ):  # whole chunks straight from the caller's bytes
                self._emit(view[:chunk], final=False)
                view = view[chunk:]
                continue
            take = min(chunk - self._fill, len(view))
            self._buffer[self._fill : self._fill + take] = view[:take]
            self._fill += take
            view = view[take:]
        return size

    def close(self) -> None:
        """Write the last chunk and complete the header. Idempotent; after ``abort`` it does nothing."""
        if self._closed:
            return
        self._closed = True
        self._emit(memoryview(self._buffer)[: self._fill], final=True)
        end = self._output.tell()
        final = Header(
            chunk_size=self._chunk_size,
            inner_length=self._length,
            inner_kind=self._header.inner_kind,
            nonce_prefix=self._header.nonce_prefix,
            ephemeral_point=self._header.ephemeral_point,
            stanzas=self._header.stanzas,
        )
        body = final.encode_body()
        self._output.seek(self._start)
        self._write_all(memoryview(body + header_tag(self._file_key, body)))
        self._output.seek(end)
        self._output.flush()
        self._forget()

    def abort(self) -> None:
        """Stop without finishing: what was written stays unopenable (its header tag is zeros)."""
        self._closed = True
        self._forget()

    def __enter__(self) -> SealedWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # -- internals
    def _emit(self, plain: memoryview, *, final: bool) -> None:
        out = memoryview(self._sealed)[: len(plain) + TAG_SIZE]
        self._aead.encrypt_into(
            chunk_nonce(self._header.nonce_prefix, self._index, final), plain, None, out
        )
        self._index += 1
        self._write_all(out)

    def _write_all(self, view: memoryview) -> None:
        while view:
            written = self._output.write(view)
            if not written:
                raise OSError("the output accepted no bytes")
            view = view[written:]

    def _forget(self) -> None:
        self._file_key = b""
        self._buffer = self._sealed = bytearray()


def seal_file(
    source: Path,
    target: Path,
    recipients: Sequence[RecipientKey],
    *,
    inner_kind: str = "dzb",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Path:
    """Seal the file ``source`` as ``target``, atomically (a temporary file beside it, fsynced, renamed).

    A failure to read ``source`` is a SealedReadError, to write ``target`` a SealedWriteError;
    either way nothing is left under ``target``'s name or beside it.
    """
    source, target = Path(source), Path(target)
    try:
        inp = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise SealedReadError(exc, source.name) from None
    with inp:
        buffer = bytearray(max(chunk_size, 1024 * 1024))
        view = memoryview(buffer)
        try:
            with (
                atomic_path(target, prefix=".~seal-", suffix=".part") as tmp,
                open(tmp, "wb") as out,
            ):
                with SealedWriter(
                    out, recipients, inner_kind=inner_kind, chunk_size=chunk_size
                ) as writer:
                    while count := _read_source(inp, buffer, source):
                        writer.write(view[:count])
        except SealedError:
            raise
        except OSError as exc:
            raise SealedWriteError(exc, target.name) from None
    return target


def _read_source(inp: BinaryIO, buffer: bytearray, source: Path) -> int:
    try:
        return inp.readinto(buffer)
    except OSError as exc:
        raise SealedReadError(exc, source.name) from None


def seal_bytes(
    data: bytes,
    recipients: Sequence[RecipientKey],
    *,
    inner_kind: str = "dzb",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> bytes:
    """A small payload sealed in memory (profiles, feedback: files of kilobytes)."""
    out = io.BytesIO()
    with SealedWriter(out, recipients, inner_kind=inner_kind, chunk_size=chunk_size) as writer:
        writer.write(data)
    return out.getvalue()
