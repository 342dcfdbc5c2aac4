"""A key fingerprint as a person reads it out on the phone: in full, in groups of four, monospaced.

Used wherever a fingerprint is compared by a person: the committee's key changes and its own
key (党委信息), the branch's key, and later the profile-import dialog.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QWidget

from ..i18n import tr

GROUPS_PER_LINE = 8  # 64 hex digits = 16 groups: two lines of eight fit a narrow dialog
_NOT_HEX = re.compile(r"[^0-9A-Fa-f]")


def groups(fingerprint: str) -> list[str]:
    """'e34e53e1…' or 'E34E 53E1 …' or 'E3:4E:…' -> ['E34E', '53E1', …]."""
    digits = _NOT_HEX.sub("", fingerprint or "").upper()
    return [digits[i : i + 4] for i in range(0, len(digits), 4)]


def grouped(fingerprint: str, per_line: int = 0) -> str:
    """Groups of four separated by spaces; with ``per_line``, that many groups per line."""
    parts = groups(fingerprint)
    if per_line <= 0:
        return " ".join(parts)
    lines = [parts[i : i + per_line] for i in range(0, len(parts), per_line)]
    return "\n".join(" ".join(line) for line in lines)


def monospace_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(QApplication.font().pointSize())
    return font


class FingerprintView(QWidget):
    """The fingerprint (selectable) and a 复制 button that copies it on one line."""

    def __init__(
        self,
        fingerprint: str = "",
        parent: QWidget | None = None,
        *,
        per_line: int = GROUPS_PER_LINE,
    ) -> None:
        super().__init__(parent)
        self.per_line = per_line
        self._fingerprint = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("fingerprint")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFont(monospace_font())
        self.copy_button = QPushButton(tr("复制"))
        self.copy_button.setObjectName("copyFingerprint")
        self.copy_button.setToolTip(tr("复制指纹，可粘贴到短信或聊天中核对"))
        self.copy_button.clicked.connect(self.copy)
        layout.addWidget(self.label)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
        self.set_fingerprint(fingerprint)

    def fingerprint(self) -> str:
        return self._fingerprint

    def set_fingerprint(self, fingerprint: str) -> None:
        self._fingerprint = grouped(fingerprint)
        self.label.setText(grouped(fingerprint, self.per_line) or "—")
        self.copy_button.setEnabled(bool(self._fingerprint))
        self.copy_button.setText(tr("复制"))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self._fingerprint)
        self.copy_button.setText(tr("已复制"))
        QTimer.singleShot(2000, self, lambda: self.copy_button.setText(tr("复制")))
