"""Evidence list for one task: add (dialog or drag-and-drop), open, caption, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dzdesk.models import Evidence
from dzdesk.store.blobs import ALLOWED_SUFFIXES, MAX_EVIDENCE_BYTES

from .i18n import tr
from .models import EvidenceModel


def file_filter() -> str:
    patterns = " ".join(f"*{s}" for s in sorted(ALLOWED_SUFFIXES))
    return f"{tr('佐证材料')} ({patterns});;{tr('所有文件')} (*)"


class EvidencePanel(QWidget):
    filesChosen = Signal(list)  # list[str]
    removeRequested = Signal(object)  # Evidence
    openRequested = Signal(object)  # Evidence

    def __init__(self, model: EvidenceModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setAcceptDrops(True)
        self.table = QTableView()
        self.table.setObjectName("evidenceTable")
        self.table.setModel(model)
        self.table.setIconSize(QSize(48, 48))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(54)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(0, 260)
        self.table.setMinimumHeight(150)
        self.table.doubleClicked.connect(self._double_clicked)
        self.empty = QLabel(tr("还没有佐证材料。点击“添加文件”，或把文件拖到这里。"))
        self.empty.setObjectName("hint")
        self.add_button = QPushButton(tr("添加文件…"))
        self.open_button = QPushButton(tr("打开"))
        self.remove_button = QPushButton(tr("移除"))
        self.add_button.clicked.connect(self.choose_files)
        self.open_button.clicked.connect(lambda: self._emit_selected(self.openRequested))
        self.remove_button.clicked.connect(lambda: self._emit_selected(self.removeRequested))
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=lambda: self._emit_selected(self.removeRequested))
        limits = QLabel(tr("可添加图片、PDF、Office/WPS 文档、音视频或压缩包，单个文件不超过 {0} MB。").format(MAX_EVIDENCE_BYTES // 1024 // 1024))
        limits.setObjectName("hint")
        limits.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.open_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(limits)
        model.modelReset.connect(self._update_state)
        self.table.selectionModel().selectionChanged.connect(self._update_state)
        self._update_state()

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.add_button.setEnabled(not read_only)
        self.setAcceptDrops(not read_only)
        self._update_state()

    def _update_state(self, *_args) -> None:
        has_rows = self.model.rowCount() > 0
        self.empty.setVisible(not has_rows and not self.model.read_only)
        selected = self.selected() is not None
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(selected and not self.model.read_only)

    def selected(self) -> Evidence | None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < self.model.rowCount():
            return self.model.row(rows[0].row())
        return None

    def _emit_selected(self, signal) -> None:
        ev = self.selected()
        if ev is not None and (signal is self.openRequested or not self.model.read_only):
            signal.emit(ev)

    def _double_clicked(self, index) -> None:
        if index.column() != 1 or self.model.read_only:
            self.openRequested.emit(self.model.row(index.row()))

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, tr("选择佐证材料"), str(Path.home()), file_filter())
        if files:
            self.filesChosen.emit(list(files))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and not self.model.read_only:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.filesChosen.emit(files)


def open_with_system(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
