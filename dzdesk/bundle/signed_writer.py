"""Writing a signed file of any kind, then proving it by reading it back.

The same atomic write as the assessment bundle (zipwriter: a temporary
``.part`` file in the target folder, flushed, renamed, folder flushed), with
the kind's header and documents; then the file is read back from the target
and checked with the same code that will check it on the other PC. A file
that does not check out is deleted, never reported as written.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from .. import __version__
from ..identity import Identity
from ..progress import NO_PROGRESS, Progress
from ..timeutil import now_iso
from . import zipwriter
from .container import Signed, open_signed
from .format import FORMAT_NAME, FORMAT_VERSION, SIGNATURE_ALGORITHM
from .kinds import KIND_FIELD, KindSpec
from .manifest import b64
from .types import BundleError
from .zipwriter import Source


def signer_block(identity: Identity) -> dict[str, str]:
    return {
        "algorithm": SIGNATURE_ALGORITHM,
        "public_key": b64(identity.public_key_der),
        "fingerprint": identity.fingerprint,
        "certificate": identity.certificate_pem.decode("ascii"),
    }


def write_signed(
    out_path: str | Path, kind: KindSpec, header: dict[str, Any], documents: list[tuple[str, str, bytes]],
    identity: Identity, *, files: list[Source] | None = None, check: Callable[[Signed], object] | None = None,
    progress: Progress = NO_PROGRESS,
) -> Path:
    """Write ``documents`` (member, role, bytes) and ``files`` as a signed ``kind`` file; return its path once
    the file at the target has been read back and checked (``check`` adds the kind's content check)."""
    out_path = Path(out_path).absolute()
    if not out_path.parent.is_dir():
        raise BundleError(f"目标文件夹“{out_path.parent}”不存在。", f"Target folder '{out_path.parent}' does not exist.")
    if out_path.is_dir():
        raise BundleError(f"“{out_path}”是一个文件夹，请另选文件名。", f"'{out_path}' is a folder.")
    full_header = {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION, KIND_FIELD: kind.name,
        "app_version": __version__, "generated_at": now_iso(), **header, "signer": signer_block(identity),
    }
    sources = files or []
    progress.start(sum(s.size for s in sources) + sum(len(d[2]) for d in documents), f"正在写入{kind.label}")
    zipwriter.write_bundle_file(
        out_path, full_header, sources, lambda: None, documents, identity.sign, identity.public_key_der, progress
    )
    try:
        zipwriter.drop_cached_pages(out_path)
        signed = open_signed(out_path, {kind.name: kind})
        if signed.fingerprint != identity.fingerprint:
            raise BundleError("写入后的文件与本机签名密钥不符。", "The written file does not match the local key.")
        if check is not None:
            check(signed)
    except BaseException as exc:
        with suppress(OSError):
            out_path.unlink()
        if not isinstance(exc, BundleError):
            raise
        raise BundleError(
            f"{kind.label}写入后校验失败，已删除：{exc.zh}请换一个U盘或位置重试。",
            f"The written file failed verification and was deleted: {exc.en}",
        ) from None
    return out_path
