"""关于 dzdesk: versions, data paths, fonts, key fingerprint and database health.

The dialog only shows a ``Diagnostics`` value (collected by the caller, off the
GUI thread if it likes) and copies it as plain text, which is what a helper on
the phone asks a secretary to paste into a message.
"""

from __future__ import annotations

from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dzdesk.diagnostics import Diagnostics
from dzdesk.resources import resource_path

from .i18n import tr

APP_TITLE = "党支部建设提升行动自评工具"


def _icon_file() -> Path | None:
    path = resource_path("icons", "dzdesk.png")
    return path if path.is_file() else None


class AboutDialog(QDialog):
    def __init__(self, diagnostics: Diagnostics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagnostics = diagnostics
        self.qt_version = f"Qt {PySide6.QtCore.qVersion()}，PySide6 {PySide6.__version__}"
        self.setWindowTitle(tr("关于 dzdesk"))
        self.setMinimumSize(640, 520)
        self.resize(760, 640)

        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addWidget(self._details(), 1)

        self.copy_button = QPushButton(tr("复制"))
        self.copy_button.setToolTip(tr("复制全部诊断信息，可粘贴给技术支持人员"))
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        layout.addWidget(buttons)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = _icon_file()
        if icon is not None:
            logo = QLabel()
            logo.setPixmap(QPixmap(str(icon)).scaled(
                56, 56, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
            row.addWidget(logo)
        title = QLabel(f"<b style='font-size:16pt'>dzdesk {self.diagnostics.app_version}</b><br>"
                       f"{tr(APP_TITLE)}<br><span style='color:#5f6b7a'>{tr('离线运行，数据只保存在本机。')}</span>")
        title.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(title, 1)
        return row

    def _details(self) -> QScrollArea:
        body = QWidget()
        column = QVBoxLayout(body)
        for title, rows in self.sections():
            box = QGroupBox(tr(title))
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for label, value in rows:
                text = QLabel(value)
                text.setWordWrap(True)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if title == "结论":
                    colour = "#c0262d" if self.diagnostics.problems else "#1b7f3b"
                    text.setStyleSheet(f"color:{colour}; font-weight:bold")
                form.addRow(tr(label) + "：", text)
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        return scroll

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The engine's sections with the Qt version added and the conclusion first."""
        sections = self.diagnostics.sections()
        title, rows = sections[0]
        sections[0] = (title, [*rows, ("图形界面", self.qt_version)])
        conclusion = [s for s in sections if s[0] == "结论"]
        return conclusion + [s for s in sections if s[0] != "结论"]

    def text(self) -> str:
        return self.diagnostics.as_text(self.sections())

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copy_button.setText(tr("已复制"))
        QTimer.singleShot(2000, self, self._reset_copy_label)

    def _reset_copy_label(self) -> None:
        self.copy_button.setText(tr("复制"))
