"""The overview table model (thin: a list of OverviewRow) and its sort/filter proxy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from dzdesk.committee import models as m

from ..i18n import language, tr
from . import labels

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _when(text: str) -> str:
    return text[:16].replace("T", " ")


# Names sort in pinyin order (安徽… before 合肥…), as a Chinese reader expects.
_COLLATOR = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def name_sort_key(text: str) -> Any:
    return _COLLATOR.sortKey(text)


# (header, display, sort key); headers and displayed words go through tr() when shown
COLUMNS: list[tuple[str, Callable[[m.OverviewRow], str], Callable[[m.OverviewRow], Any]]] = [
    ("党支部", lambda r: r.name, lambda r: name_sort_key(r.name)),
    ("类型", lambda r: tr(r.kind), lambda r: name_sort_key(r.kind)),
    (
        "党员",
        lambda r: "" if r.members is None else str(r.members),
        lambda r: -1 if r.members is None else r.members,
    ),
    ("提交时间", lambda r: _when(r.submitted_at) or tr("未提交"), lambda r: r.submitted_at),
    (
        "自查分",
        lambda r: _score(r.self_score),
        lambda r: -1.0 if r.self_score is None else r.self_score,
    ),
    ("自评等次", lambda r: r.self_grade, lambda r: r.self_grade or "Z"),
    (
        "考核分",
        lambda r: _score(r.committee_score),
        lambda r: -1.0 if r.committee_score is None else r.committee_score,
    ),
    ("考核等次", lambda r: r.committee_grade, lambda r: r.committee_grade or "Z"),
    (
        "待整改",
        lambda r: str(r.open_rectifications) if r.submitted else "",
        lambda r: r.open_rectifications,
    ),
    ("标记", lambda r: labels.flags(r.flags), lambda r: (-len(r.flags), "、".join(r.flags))),
]
NUMERIC = {2, 4, 6, 8}
WARN_FLAGS = {
    m.FLAG_NOT_SUBMITTED,
    m.FLAG_KEY_HELD,
    m.FLAG_EMPTY,
    m.FLAG_LATE,
    m.FLAG_NOT_ON_ROSTER,
}
GRADE_COLOURS = {"A": "#b71c1c", "B": "#1b5e20", "C": "#795548", "D": "#424242"}


def _haystack(r: m.OverviewRow) -> str:
    """What the search box matches: name, kind, secretary and flags (also as shown, e.g. in English)."""
    text = f"{r.name} {r.kind} {r.secretary} {' '.join(r.flags)}"
    if language() != "zh_CN":
        text += f" {tr(r.kind)} {labels.flags(r.flags)}"
    return text.lower()


class OverviewModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[m.OverviewRow] = []
        self._haystack: list[str] = []
        self._keys: dict[int, list[Any]] = {}  # per column, computed on first sort

    def set_rows(self, rows: Sequence[m.OverviewRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._haystack = [_haystack(r) for r in self._rows]
        self._keys = {}
        self.endResetModel()

    def sort_key(self, row: int, column: int) -> Any:
        keys = self._keys.get(column)
        if keys is None:
            key = COLUMNS[column][2]
            keys = self._keys[column] = [key(r) for r in self._rows]
        return keys[row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows in Python (one sorted() over cached keys): fast with thousands of rows."""
        if not 0 <= column < len(COLUMNS) or not self._rows:
            return
        self.sort_key(0, column)
        keys = self._keys[column]
        order_ = sorted(
            range(len(self._rows)),
            key=keys.__getitem__,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.layoutAboutToBeChanged.emit()
        new_position = {old: new for new, old in enumerate(order_)}
        persistent = self.persistentIndexList()
        self._rows = [self._rows[i] for i in order_]
        self._haystack = [self._haystack[i] for i in order_]
        self._keys = {c: [k[i] for i in order_] for c, k in self._keys.items()}
        self.changePersistentIndexList(
            persistent, [self.index(new_position[p.row()], p.column()) for p in persistent]
        )
        self.layoutChanged.emit()

    def row_at(self, row: int) -> m.OverviewRow:
        return self._rows[row]

    def haystack(self, row: int) -> str:
        return self._haystack[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return tr(COLUMNS[section][0])
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._rows)
        ):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not (0 <= index.row() < len(self._rows))
            or not (0 <= index.column() < len(COLUMNS))
        ):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[col][1](row)
        if role == SORT_ROLE:
            return COLUMNS[col][2](row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        return None

    def _foreground(self, row: m.OverviewRow, col: int) -> QBrush | None:
        if not row.submitted:
            return (
                QBrush(QColor("#9e9e9e")) if col != len(COLUMNS) - 1 else QBrush(QColor("#c62828"))
            )
        if col == 7 and row.committee_grade:
            return QBrush(QColor(GRADE_COLOURS[row.committee_grade]))
        if col == len(COLUMNS) - 1 and WARN_FLAGS.intersection(row.flags):
            return QBrush(QColor("#c62828"))
        return None

    def _tooltip(self, row: m.OverviewRow, col: int) -> str | None:
        if col == 0:
            lines = [row.name]
            if row.secretary:
                lines.append(tr("书记：{0}").format(row.secretary))
            if row.fingerprint:
                lines.append(tr("签名密钥指纹：{0}").format(row.fingerprint))
            return "\n".join(lines)
        if col == 7 and row.comment:
            return tr("评语：{0}").format(row.comment)
        return None  # the delegate shows a cell's full text when it is elided


# key -> label (shown through tr())
FILTERS = {
    "all": "全部党支部",
    "submitted": "已提交",
    "missing": "未提交",
    "ungraded": "已提交、未评定",
    "flagged": "有标记",
    "A": "考核A级",
    "B": "考核B级",
    "C": "考核C级",
    "D": "考核D级",
}


class OverviewFilter(QSortFilterProxyModel):
    """Search (name, type, secretary, flags) plus one status filter; sorts on SORT_ROLE."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._status = "all"
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self._end_row_filter_change()

    def set_status(self, key: str) -> None:
        self.beginFilterChange()
        self._status = key if key in FILTERS else "all"
        self._end_row_filter_change()

    def _end_row_filter_change(self) -> None:
        if hasattr(self, "endFilterChange"):  # Qt ≥ 6.10
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt 6.9, the last with wheels for glibc 2.28 (the UOS/Kylin build, see packaging/README.md)
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, OverviewModel):
            return True
        if self._text and self._text not in model.haystack(source_row):
            return False
        if self._status == "all":
            return True
        row = model.row_at(source_row)
        return {
            "submitted": row.submitted,
            "missing": not row.submitted,
            "ungraded": row.submitted and not row.committee_grade,
            "flagged": bool(row.flags),
        }.get(self._status, row.committee_grade == self._status)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the source model (a C++ proxy sort would call back into Python
        for every comparison); the proxy only filters and keeps the source order."""
        self._sort = (column, order)
        model = self.sourceModel()
        if isinstance(model, OverviewModel):
            model.sort(column, order)
        else:
            super().sort(column, order)

    def sortColumn(self) -> int:
        return self._sort[0]

    def sortOrder(self) -> Qt.SortOrder:
        return self._sort[1]
