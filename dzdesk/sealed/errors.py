"""The ways opening or writing a sealed file fails, each one sentence in Chinese and English.

Every failure a sealed file can cause is one of these (never an exception from
the cryptography or io modules), so a front end shows it as it shows any
DzdeskError. The base class lets callers catch them all.
"""

from __future__ import annotations

from ..errors import DzdeskError

ASK_SENDER_ZH = "请向发送方重新索取该文件"
ASK_SENDER_EN = "ask the sender for a new copy"


class SealedError(DzdeskError):
    """A sealed file cannot be opened or written; nothing unauthenticated was returned."""


class NotSealedError(SealedError):
    """The file does not start with the sealed-file magic: it is something else (or not a file)."""

    def __init__(
        self, zh: str = "该文件不是 dzdesk 加密文件。", en: str = "Not a dzdesk sealed file."
    ) -> None:
        super().__init__(zh, en)


class SealedVersionError(SealedError):
    """A sealed file of a newer format (or with features this build does not know)."""

    def __init__(self, version: int, flags: int = 0) -> None:
        if flags:
            zh = f"该加密文件使用了本版本 dzdesk 不认识的功能（标志 {flags:#06x}），请升级 dzdesk 后再打开。"
            en = f"The sealed file uses features this dzdesk does not know (flags {flags:#06x}); upgrade dzdesk."
        else:
            zh = f"该加密文件由更新版本的 dzdesk 生成（格式版本 {version}），请升级 dzdesk 后再打开。"
            en = f"The sealed file uses format version {version}; upgrade dzdesk to open it."
        super().__init__(zh, en)
        self.version = version
        self.flags = flags


class SealedDamagedError(SealedError):
    """Damaged, truncated, extended, reordered or altered: the bytes do not authenticate."""

    def __init__(self, detail_zh: str, detail_en: str) -> None:
        super().__init__(
            f"加密文件已损坏或被改动：{detail_zh}，{ASK_SENDER_ZH}。",
            f"The sealed file is damaged or was altered: {detail_en}; {ASK_SENDER_EN}.",
        )
        self.detail_zh = detail_zh
        self.detail_en = detail_en


class SealedTruncatedError(SealedDamagedError):
    """The file is shorter or longer than its header says: usually an interrupted copy."""

    def __init__(self, actual: int, expected: int) -> None:
        if actual < expected:
            zh = f"文件不完整（{actual} 字节，应为 {expected} 字节），可能复制时被截断"
            en = f"the file is truncated ({actual} bytes, {expected} expected), perhaps an interrupted copy"
        else:
            zh = f"文件末尾多出 {actual - expected} 字节（应为 {expected} 字节）"
            en = f"{actual - expected} extra bytes after the end ({expected} expected)"
        super().__init__(zh, en)
        self.actual = actual
        self.expected = expected


class NotARecipientError(SealedError):
    """None of the file's recipients is the key it was opened with.

    ``recipients`` are the fingerprints the (unauthenticated) header lists, ``own`` the
    fingerprint of the key tried; front ends word it for their role (the committee:
    "此文件不是发给本党委的") and show both.
    """

    def __init__(self, recipients: tuple[str, ...], own: str) -> None:
        listed = "；".join(recipients)
        super().__init__(
            f"此文件不是发给本机的：文件的收件人密钥指纹为 {listed}，本机解密密钥指纹为 {own}。",
            f"This file is not addressed to this key: recipients {'; '.join(recipients)}, this key {own}.",
        )
        self.recipients = recipients
        self.own = own


class SealedKeyError(SealedError):
    """An encryption key cannot be loaded or used (passphrase, damaged file, wrong kind of key)."""


class SealedReadError(SealedError):
    """The file system failed under a sealed file (a USB stick pulled out, a permission)."""

    def __init__(self, exc: OSError, what: str = "") -> None:
        reason = exc.strerror or str(exc)
        name = f"“{what}”" if what else ""
        super().__init__(
            f"读取加密文件{name}失败（{reason}），请检查U盘或磁盘是否仍然连接。",
            f"Cannot read the sealed file{f' {what!r}' if what else ''}: {exc}.",
        )


class SealedWriteError(SealedError):
    """Writing a sealed file failed (a full or removed disk); nothing was left under its name."""

    def __init__(self, exc: OSError, what: str = "") -> None:
        reason = exc.strerror or str(exc)
        name = f"“{what}”" if what else ""
        super().__init__(
            f"写入加密文件{name}失败（{reason}），请检查U盘或磁盘的剩余空间与连接后重试。",
            f"Cannot write the sealed file{f' {what!r}' if what else ''}: {exc}.",
        )
