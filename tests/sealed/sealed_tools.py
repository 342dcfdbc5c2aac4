"""Helpers for the sealed-file tests: fixed keys (fast to make, the same every run) and sealing in memory."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from functools import cache

from cryptography.hazmat.primitives.asymmetric import ec

from dzdesk.sealed import SealedReader, SealedWriter, open_sealed

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@cache
def key(label: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 key whose scalar is SHA-256(label) mod n (how the specification's vectors make theirs)."""
    scalar = int.from_bytes(hashlib.sha256(label.encode()).digest(), "big") % P256_ORDER
    return ec.derive_private_key(scalar, ec.SECP256R1())


COMMITTEE = "dzdesk sealed test vector recipient committee"
BRANCH = "dzdesk sealed test vector recipient branch"
STRANGER = "another committee"


def seal(
    data: bytes,
    recipients: Sequence[ec.EllipticCurvePrivateKey],
    *,
    chunk_size: int = 64,
    pieces: Sequence[int] = (),
    kind: str = "dzb",
) -> bytes:
    """``data`` sealed to the public halves of ``recipients``, written in ``pieces`` (sizes) then the rest."""
    out = io.BytesIO()
    with SealedWriter(
        out, [k.public_key() for k in recipients], chunk_size=chunk_size, inner_kind=kind
    ) as writer:
        view, pos = memoryview(data), 0
        for size in pieces:
            writer.write(view[pos : pos + size])
            pos += size
        writer.write(view[pos:])
    return out.getvalue()


def opened(sealed: bytes, private_key: ec.EllipticCurvePrivateKey, **kwargs: int) -> SealedReader:
    return open_sealed(io.BytesIO(sealed), private_key, **kwargs)
