"""``SealedReader``: a sealed file opened with a private key, read like the plain file it holds.

Seekable and read-only, so ``zipfile.ZipFile(reader)`` works on a sealed .dzb
with no plaintext copy anywhere. Chunks are decrypted when a read reaches them
and kept in a small cache; a chunk's bytes are handed out only after its tag
verified. Opening checks everything that can be checked at once: the header's
limits, the file's exact length, the recipient, the file key, the header tag
and the final chunk (so the end of the data is known to be the real end before
any read reports it). Not safe for use by several threads at once, like a file.
"""

from __future__ import annotations

import io
from collections import OrderedDict

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..progress import NO_PROGRESS, Progress
from .envelope import (
    Opened,
    SealedInfo,
    Source,
    header_info,
    inspect_sealed,
    is_sealed,
    read_header,
)
from .errors import NotARecipientError, SealedDamagedError
from .format import TAG_SIZE, chunk_nonce
from .keys import EncryptionKey, key_fingerprint
from .primitives import header_tag_matches, key_of_point, payload_key, recipient_digest, unwrap

__all__ = [
    "SealedInfo",
    "SealedReader",
    "authenticate_sealed",
    "inspect_sealed",
    "is_sealed",
    "open_sealed",
]


class SealedReader(io.BufferedIOBase):
    """The plaintext of a sealed file, read-only and seekable; see the module notes.

    ``source`` is a path (opened and closed by the reader) or a seekable binary file
    whose whole content is the sealed file (left open). ``cache_chunks`` decrypted
    chunks are kept (at least 1).
    """

    def __init__(
        self, source: Source, private_key: EncryptionKey, *, cache_chunks: int = 2
    ) -> None:
        super().__init__()
        self._opened: Opened | None = None
        # verified plaintext of recent chunks, each a view of a slot reused for the next chunk decrypted
        self._cache: OrderedDict[int, memoryview] = OrderedDict()
        self._spare: list[bytearray] = []
        self._cache_chunks = max(1, cache_chunks)
        self._pos = 0
        opened = Opened(source)
        try:
            self._open(opened, private_key)
            last = self._header.chunks - 1
            self._decrypt(last)  # the end is proven the end before any read reports it
        except BaseException:
            opened.close()
            self._opened = None
            raise

    def _open(self, opened: Opened, private_key: EncryptionKey) -> None:
        self._opened = opened
        size = opened.size()
        header = read_header(opened, size)
        own = recipient_digest(private_key.public_key())
        stanza = next((s for s in header.stanzas if s.fingerprint == own), None)
        if stanza is None:
            raise NotARecipientError(header.fingerprints, key_fingerprint(private_key))
        ephemeral = key_of_point(header.ephemeral_point)
        if ephemeral is None:
            raise SealedDamagedError(
                "文件头中的临时公钥无效", "the ephemeral public key in the header is invalid"
            )
        file_key = unwrap(stanza, ephemeral, header.ephemeral_point, private_key)
        if file_key is None:
            raise SealedDamagedError(
                "无法用本机密钥解开文件密钥", "the file key does not unwrap with this key"
            )
        if not header_tag_matches(file_key, header.body, header.tag):
            raise SealedDamagedError("文件头校验失败", "the header does not authenticate")
        self._header = header
        self.info = header_info(header, size)
        self._aead = AESGCM(payload_key(file_key))
        self._stride = header.chunk_size + TAG_SIZE
        self._sealed = bytearray(self._stride)  # one chunk as read from the file, reused

    # -- what the file holds
    @property
    def size(self) -> int:
        """Length of the plaintext (authenticated)."""
        return self._header.inner_length

    @property
    def inner_kind(self) -> str:
        return self._header.inner_kind

    @property
    def recipients(self) -> tuple[str, ...]:
        return self._header.fingerprints

    # -- chunks
    def _decrypt(self, index: int) -> memoryview:
        """Chunk ``index``, verified, in a cache slot (the least recently used one is taken over)."""
        header = self._header
        last = header.chunks - 1
        plain = (
            header.chunk_size if index < last else header.inner_length - last * header.chunk_size
        )
        view = memoryview(self._sealed)[: plain + TAG_SIZE]
        assert self._opened is not None
        if self._opened.read_at(header.length + index * self._stride, view) != len(view):
            raise SealedDamagedError("读取过程中文件变短了", "the file shrank while it was read")
        slot = self._free_slot()
        out = memoryview(slot)[:plain]
        try:
            self._aead.decrypt_into(
                chunk_nonce(header.nonce_prefix, index, index == last), view, None, out
            )
        except InvalidTag:
            # decrypt_into has written the unverified plaintext: wipe it, and the slot holds no chunk
            out[:] = bytes(plain)
            self._spare.append(slot)
            raise SealedDamagedError(
                f"第 {index + 1} 块数据（共 {header.chunks} 块）校验失败",
                f"chunk {index + 1} of {header.chunks} does not authenticate",
            ) from None
        self._cache[index] = out
        return out

    def _free_slot(self) -> bytearray:
        if len(self._cache) >= self._cache_chunks:
            _, view = self._cache.popitem(last=False)
            return view.obj  # type: ignore[return-value]
        return self._spare.pop() if self._spare else bytearray(self._header.chunk_size)

    def _chunk(self, index: int) -> memoryview:
        data = self._cache.get(index)
        if data is None:
            return self._decrypt(index)
        self._cache.move_to_end(index)
        return data

    def authenticate(self, progress: Progress = NO_PROGRESS) -> SealedInfo:
        """Check every chunk's tag (plaintext goes to a scratch slot, nothing is returned); the header's info.

        Proves the file holds exactly what its writer encrypted, complete and in order: a
        read-back of a file just written needs no more than this. ``progress`` counts
        plaintext bytes and may cancel between chunks. The position does not move.
        """
        self._check_open()
        header = self._header
        progress.start(header.inner_length)
        for index in range(header.chunks):
            if index not in self._cache:
                self._decrypt(index)
            progress.step(min(header.chunk_size, header.inner_length - index * header.chunk_size))
        return self.info

    # -- the file-like surface
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        if whence == io.SEEK_SET:
            base = 0
        elif whence == io.SEEK_CUR:
            base = self._pos
        elif whence == io.SEEK_END:
            base = self._header.inner_length
        else:
            raise ValueError(f"invalid whence ({whence})")
        position = base + offset
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._pos = position
        return position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        self._check_open()
        out = memoryview(buffer).cast("B")
        done, size, chunk_size = 0, self._header.inner_length, self._header.chunk_size
        position = self._pos
        while done < len(out) and position < size:
            index, offset = divmod(position, chunk_size)
            data = self._chunk(index)  # raising here leaves the position where the call found it
            take = min(len(data) - offset, len(out) - done)
            out[done : done + take] = data[offset : offset + take]
            done += take
            position += take
        self._pos = position
        return done

    def readinto1(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        return self.readinto(buffer)

    def read(self, size: int | None = -1) -> bytes:
        self._check_open()
        left = max(0, self._header.inner_length - self._pos)
        want = left if size is None or size < 0 else min(size, left)
        if not want:
            return b""
        chunk_size = self._header.chunk_size
        first, last = self._pos // chunk_size, (self._pos + want - 1) // chunk_size
        if last - first >= self._cache_chunks:  # more chunks than the cache holds at once
            out = bytearray(want)
            self.readinto(out)
            return bytes(out)
        # views of the cached chunks, joined: one copy; no chunk of this read is evicted before the join
        pieces, position, end = [], self._pos, self._pos + want
        while position < end:
            index, offset = divmod(position, chunk_size)
            take = min(chunk_size - offset, end - position)
            pieces.append(self._chunk(index)[offset : offset + take])
            position += take
        self._pos = end
        return pieces[0].tobytes() if len(pieces) == 1 else b"".join(pieces)

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def readall(self) -> bytes:
        return self.read(-1)

    def close(self) -> None:
        if not self.closed and self._opened is not None:
            self._cache = OrderedDict()
            self._spare = []
            self._opened.close()
            self._opened = None
        super().close()

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on a closed SealedReader")


def open_sealed(
    source: Source, private_key: EncryptionKey, *, cache_chunks: int = 2
) -> SealedReader:
    """Open ``source`` with ``private_key``; see SealedReader. Every failure is a SealedError."""
    return SealedReader(source, private_key, cache_chunks=cache_chunks)


def authenticate_sealed(
    source: Source, private_key: EncryptionKey, progress: Progress = NO_PROGRESS
) -> SealedInfo:
    """Open ``source`` and check every chunk (see SealedReader.authenticate); raises what opening raises."""
    with SealedReader(source, private_key, cache_chunks=1) as reader:
        return reader.authenticate(progress)
