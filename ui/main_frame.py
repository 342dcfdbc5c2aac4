"""The part of the main window that is on screen before the store is open.

``MainFrame`` holds the period bar (branch name, period list, "新建期间…"), the
"正在打开自评记录…" page, the status bar with progress and save state, and what
the window remembers between runs: its geometry, font size and language. It
imports nothing beyond the Qt widgets it shows, so start-up stays cheap;
``MainWindow`` (ui/main_window.py) adds the task tree, task page and session.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dzdesk.paths import AppPaths

from .appearance import apply_font_size, style_widgets
from .i18n import tr
from .operations import Operations
from .settings import Settings, save_settings


class MainFrame(QMainWindow):
    def __init__(self, ops: Operations, paths: AppPaths, settings: Settings) -> None:
        super().__init__()
        self.ops, self.paths, self.settings = ops, paths, settings
        self.setWindowTitle(tr("dzdesk 党支部建设提升行动自评"))
        self._build_frame()

    def _build_frame(self) -> None:
        top = QWidget()
        top.setObjectName("periodBar")
        bar = QHBoxLayout(top)
        bar.setContentsMargins(10, 6, 10, 6)
        self.branch_label = QLabel()
        self.branch_label.setObjectName("branchName")
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodCombo")
        self.period_combo.setMinimumWidth(240)
        self.period_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "（第2版，已定稿）"
        self.new_period_button = QPushButton(tr("新建期间…"))
        self.new_period_button.setEnabled(False)
        bar.addWidget(self.branch_label)
        bar.addStretch(1)
        bar.addWidget(QLabel(tr("自评期间：")))
        bar.addWidget(self.period_combo)
        bar.addWidget(self.new_period_button)

        # centred without the Qt namespace (its enums cost ~30 ms to create)
        self.loading_page = QWidget()
        self.loading_label = QLabel(tr("正在打开自评记录…"))
        self.loading_label.setObjectName("hint")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.loading_label)
        row.addStretch(1)
        column = QVBoxLayout(self.loading_page)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        self.outer = QStackedWidget()
        self.outer.addWidget(self.loading_page)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.outer, 1)
        self.setCentralWidget(central)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.save_label = QLabel(tr("所有修改都会自动保存"))
        self.save_label.setObjectName("saveLabel")
        self.statusBar().addWidget(self.progress_label, 1)
        self.statusBar().addPermanentWidget(self.save_label)
        style_widgets(self)

    # -- what the window remembers ----------------------------------------------------
    def restore_geometry(self) -> None:
        value = self.settings.geometry.get("main")
        if value and self.restoreGeometry(QByteArray(base64.b64decode(value))):
            return
        # First start: a comfortable size on the common 1366×768 office screen, centred.
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None or screen.width() < 200:
            self.resize(1280, 720)
            return
        width, height = min(1280, int(screen.width() * 0.96)), min(800, int(screen.height() * 0.94))
        self.setGeometry(screen.x() + (screen.width() - width) // 2, screen.y() + (screen.height() - height) // 2, width, height)

    def save_geometry(self) -> None:
        self.settings.geometry["main"] = base64.b64encode(bytes(self.saveGeometry().data())).decode()
        save_settings(self.paths.settings_file, self.settings)

    def change_font(self, delta: int) -> None:
        apply_font_size(QApplication.instance(), self.settings.clamp_font(self.settings.font_pt + delta))
        save_settings(self.paths.settings_file, self.settings)

    def set_language(self, code: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # not needed to put the window up

        self.settings.language = code
        save_settings(self.paths.settings_file, self.settings)
        QMessageBox.information(self, "dzdesk", "界面语言将在重新打开程序后切换。\nThe language changes the next time dzdesk starts.")

    def show_error(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # not needed to put the window up

        QMessageBox.warning(self, tr("提示"), text)
