"""Thin Qt models for the 党员名册 and 组织生活 pages: lists of engine dataclasses, nothing decided here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from dzdesk.orglife.models import ABSENT, EXCUSED, PRESENT, Meeting, Member, percent

from .i18n import tr

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ON_ROSTER = "在册"
GREY = QColor("#777777")


@dataclass(frozen=True)
class MemberRow:
    """A member as the roster page shows them on its day."""

    member: Member
    label: str  # the name, told apart from namesakes
    category: str  # on that day
    status: str  # 在册, or the leaving event (转出 2025-06-30), or 尚未转入
    events_text: str  # 转入 建册前；预备转正 2026-03-01


def _table_header(
    headers: Sequence[str], section: int, orientation: Qt.Orientation, role: int
) -> Any:
    if (
        role == Qt.ItemDataRole.DisplayRole
        and orientation == Qt.Orientation.Horizontal
        and 0 <= section < len(headers)
    ):
        return tr(headers[section])
    return None


class MemberTableModel(QAbstractTableModel):
    HEADERS = ("姓名", "类别", "党小组", "入党日期", "转正日期", "职务", "标记", "状态")
    _VALUES: tuple[Callable[[MemberRow], str], ...] = (
        lambda r: r.label,
        lambda r: r.category,
        lambda r: r.member.party_group,
        lambda r: r.member.joined_party,
        lambda r: r.member.confirmed,
        lambda r: r.member.roles_text,
        lambda r: r.member.flags_text,
        lambda r: r.status,
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MemberRow] = []

    def set_rows(self, rows: Sequence[MemberRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> MemberRow:
        return self._rows[index]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return _table_header(self.HEADERS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._VALUES[index.column()](row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and row.status != ON_ROSTER:
            return QBrush(GREY)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.events_text + (f"\n{row.member.note}" if row.member.note else "")
        return None


class MemberFilter(QSortFilterProxyModel):
    """Text in any column, and 在册 / 已离开 / 全部."""

    SHOW_ON, SHOW_LEFT, SHOW_ALL = "on", "left", "all"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.show = self.SHOW_ON

    def set_filter(self, text: str | None = None, show: str | None = None) -> None:
        self.beginFilterChange()
        if text is not None:
            self.text = text.strip().lower()
        if show is not None:
            self.show = show
        if hasattr(self, "endFilterChange"):  # Qt ≥ 6.10
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row: MemberRow = model.row(source_row)  # type: ignore[attr-defined]
        on = row.status == ON_ROSTER
        if (self.show == self.SHOW_ON and not on) or (self.show == self.SHOW_LEFT and on):
            return False
        if not self.text:
            return True
        haystack = " ".join(f(row) for f in MemberTableModel._VALUES) + " " + row.member.note
        return self.text in haystack.lower()


class MeetingTableModel(QAbstractTableModel):
    HEADERS = ("编号", "日期", "类型", "主题", "主持人", "出席/应到", "参与率", "附件")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Meeting] = []
        self._display: list[tuple[str, ...]] = []

    def set_rows(self, rows: Sequence[Meeting]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._display = [self._values(m) for m in self._rows]  # once, not per paint
        self.endResetModel()

    @staticmethod
    def _values(m: Meeting) -> tuple[str, ...]:
        return (
            str(m.id),
            m.date,
            f"{m.type}（{m.party_group}）" if m.party_group else m.type,
            m.topic,
            m.host,
            f"{m.attended}/{m.expected}" if m.expected else "—",
            percent(m.participation),
            str(len(m.attachments)) if m.attachments else "",
        )

    def row(self, index: int) -> Meeting:
        return self._rows[index]

    def rows(self) -> list[Meeting]:
        return list(self._rows)

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return _table_header(self.HEADERS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        m = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.row()][column]
        if role == ROW_ROLE:
            return m
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 5, 6, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return m.topic
        return None


@dataclass
class AttendanceRow:
    member_id: int
    label: str
    group: str
    status: str = PRESENT  # for "named" types: PRESENT = took part, "" = not
    reason: str = ""


class AttendanceModel(QAbstractTableModel):
    """The dialog's member checklist: ticked = 出席; unticked = 请假 (with a reason) or 缺席.

    For types that name their participants (谈心谈话), a tick means "took part" and an
    unticked member is simply not in the record.
    """

    HEADERS = ("出席", "姓名", "党小组", "情况", "请假原因")
    STATUSES = (PRESENT, EXCUSED, ABSENT)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AttendanceRow] = []
        self.named = False

    def set_rows(self, rows: Sequence[AttendanceRow], named: bool) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.named = named
        self.endResetModel()

    def rows(self) -> list[AttendanceRow]:
        return list(self._rows)

    def set_all(self, present: bool) -> None:
        for row in self._rows:
            row.status = PRESENT if present else ("" if self.named else EXCUSED)
            if present:
                row.reason = ""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
            )

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else (3 if self.named else len(self.HEADERS))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        headers = ("参加", *self.HEADERS[1:3]) if self.named else self.HEADERS
        return _table_header(headers, section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif index.column() == 3 or (index.column() == 4 and row.status != PRESENT):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.status == PRESENT else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return ("", row.label, row.group, tr(row.status), row.reason)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and row.status != PRESENT:
            return QBrush(QColor("#b00020"))
        if column == 4 and row.status == EXCUSED and not row.reason:
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr("请假须填写原因")
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#fde7e9"))  # the reason still to be given
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row = self._rows[index.row()]
        column = index.column()
        if column == 0 and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            row.status = PRESENT if checked else ("" if self.named else EXCUSED)
            if checked:
                row.reason = ""
        elif column == 3 and role == Qt.ItemDataRole.EditRole:
            status = next((s for s in self.STATUSES if str(value) in (s, tr(s))), None)
            if status is None:
                return False
            row.status = status
            if status == PRESENT:
                row.reason = ""
        elif column == 4 and role == Qt.ItemDataRole.EditRole:
            row.reason = str(value).strip()
        else:
            return False
        self.dataChanged.emit(
            self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1)
        )
        return True
