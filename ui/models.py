"""Thin Qt item models over engine dataclasses; no decisions live here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QFont, QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import QStyledItemDelegate

from dzdesk.models import Answer, Evidence
from dzdesk.scoring import AreaScore
from dzdesk.store.blobs import IMAGE_SUFFIXES
from dzdesk.template import Template

from .i18n import tr
from .status_style import status_colour, status_icon, status_text

TASK_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
_NO_PARENT = 0xFFFFFFFF  # internalId of top-level (area) rows


def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class RoomyRowDelegate(QStyledItemDelegate):
    """Taller rows in the task tree, easier to hit and to read."""

    def sizeHint(self, option, index) -> QSize:  # noqa: ANN001
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 6)


class TaskTreeModel(QAbstractItemModel):
    """Areas at the top level, their tasks below; column 0 title, column 1 status."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._template: Template | None = None
        self._answers: dict[str, Answer] = {}

    def set_template(self, template: Template | None, answers: dict[str, Answer]) -> None:
        self.beginResetModel()
        self._template = template
        self._answers = dict(answers)
        self.endResetModel()

    def update_answer(self, answer: Answer) -> None:
        self._answers[answer.task_key] = answer
        index = self.index_for_task(answer.task_key)
        if index.isValid():
            self.dataChanged.emit(index, index.siblingAtColumn(1))
            area = index.parent()
            self.dataChanged.emit(area, area.siblingAtColumn(1))

    def index_for_task(self, key: str) -> QModelIndex:
        if self._template is None:
            return QModelIndex()
        for ai, area in enumerate(self._template.areas):
            for ti, task in enumerate(area.tasks):
                if task.key == key:
                    return self.index(ti, 0, self.index(ai, 0))
        return QModelIndex()

    # -- structure -------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _NO_PARENT)
        return self.createIndex(row, column, parent.row())

    def parent(self, index: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == _NO_PARENT:
            return QModelIndex()
        return self.createIndex(int(index.internalId()), 0, _NO_PARENT)

    def rowCount(self, parent: Index = ROOT) -> int:
        if self._template is None or parent.column() > 0:
            return 0
        if not parent.isValid():
            return len(self._template.areas)
        if parent.internalId() == _NO_PARENT:
            return len(self._template.areas[parent.row()].tasks)
        return 0

    def columnCount(self, parent: Index = ROOT) -> int:
        return 2

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 2:
            return (tr("重点任务"), tr("状态"))[section]
        return None

    # -- data --------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._template is None:
            return None
        if index.internalId() == _NO_PARENT:
            return self._area_data(index, role)
        return self._task_data(index, role)

    def _area_data(self, index: Index, role: int) -> Any:
        assert self._template is not None
        area = self._template.areas[index.row()]
        answered = sum(1 for t in area.tasks if (a := self._answers.get(t.key)) and a.status)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return f"{area.number}、{area.name}"
            return f"{answered}/{len(area.tasks)}"
        if role == Qt.ItemDataRole.FontRole:
            return _bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{area.number}、{area.name}"
        return None

    def _task_data(self, index: Index, role: int) -> Any:
        assert self._template is not None
        task = self._template.areas[int(index.internalId())].tasks[index.row()]
        answer = self._answers.get(task.key)
        status = answer.status if answer else None
        if role == TASK_KEY_ROLE:
            return task.key
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{task.key}. {task.title}" if index.column() == 0 else status_text(status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{task.key}. {task.title}：{status_text(status)}"
        if index.column() == 1 and role == Qt.ItemDataRole.DecorationRole:
            return status_icon(status)
        if index.column() == 1 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(status_colour(status))
        return None


class AreaScoreModel(QAbstractTableModel):
    HEADERS = ("方面", "分值", "计分分值", "得分", "得分率")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AreaScore] = []

    def set_rows(self, rows: list[AreaScore]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return tr(self.HEADERS[section])
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, f"{row.max_points:g}", f"{row.possible:g}", f"{row.earned:g}", f"{row.percent:g}%")[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


class EvidenceModel(QAbstractTableModel):
    """One row per evidence file; the caption column is editable."""

    HEADERS = ("文件", "说明", "大小")
    THUMB = QSize(56, 56)

    def __init__(self, path_of: Callable[[Evidence], Path], parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Evidence] = []
        self._path_of = path_of
        self._thumbs: dict[str, QIcon] = {}
        self.read_only = False
        self.on_caption: Callable[[Evidence, str], None] | None = None

    def set_rows(self, rows: list[Evidence]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> Evidence:
        return self._rows[index]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < 3:
            return tr(self.HEADERS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 1 and not self.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ev = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 1 and role == Qt.ItemDataRole.DisplayRole and not ev.caption:
                return tr("（双击填写说明）") if not self.read_only else ""
            return (ev.original_name, ev.caption, _size_text(ev.size))[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._thumbnail(ev)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{ev.original_name}\n{tr('双击文件名用系统程序打开')}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 1 or self.read_only or not index.isValid():
            return False
        if self.on_caption is not None:
            self.on_caption(self._rows[index.row()], str(value))
        return True

    def _thumbnail(self, ev: Evidence) -> QIcon | None:
        if Path(ev.original_name).suffix.lower() not in IMAGE_SUFFIXES:
            return None
        icon = self._thumbs.get(ev.sha256)
        if icon is None:
            reader = QImageReader(str(self._path_of(ev)))
            reader.setAutoTransform(True)
            size = reader.size()
            if size.isValid():
                reader.setScaledSize(size.scaled(self.THUMB, Qt.AspectRatioMode.KeepAspectRatio))
            image = reader.read()
            icon = QIcon(QPixmap.fromImage(image)) if not image.isNull() else QIcon()
            self._thumbs[ev.sha256] = icon
        return icon
