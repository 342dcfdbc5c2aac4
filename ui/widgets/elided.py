"""Table cells that elide long text and show it whole in a tooltip.

Qt elides a cell that is too narrow ("合肥市某某…") but then gives no way to read the rest.
:class:`ElidedTooltips` is an item delegate that, when the model gives no tooltip of its
own, shows the cell's full text as the tooltip exactly when the text does not fit.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
)

# text margins Qt's styles put around a cell's text, on both sides
_MARGIN = 8


def is_elided(view: QAbstractItemView, index: QModelIndex) -> bool:
    """Whether the cell's display text is wider than its cell (or has more lines than fit)."""
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if not text:
        return False
    text = str(text)
    rect = view.visualRect(index)
    metrics = view.fontMetrics()
    if "\n" in text or (isinstance(view, QTableView) and view.wordWrap()):
        lines = text.split("\n")
        widest = max(metrics.horizontalAdvance(line) for line in lines)
        needed = metrics.height() * len(lines)
        if widest + _MARGIN > rect.width():
            needed = metrics.boundingRect(
                0, 0, max(1, rect.width() - _MARGIN), 100000, Qt.TextFlag.TextWordWrap, text
            ).height()
        return needed > rect.height()
    return metrics.horizontalAdvance(text) + _MARGIN > rect.width()


class ElidedTooltips(QStyledItemDelegate):
    """Install with :func:`elide_with_tooltips`."""

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event.type() == QEvent.Type.ToolTip and index.isValid():
            own = index.data(Qt.ItemDataRole.ToolTipRole)
            if own:
                QToolTip.showText(event.globalPos(), str(own), view)
                return True
            if is_elided(view, QModelIndex(index)):
                QToolTip.showText(event.globalPos(), str(index.data()), view)
                return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().helpEvent(event, view, option, index)


def elide_with_tooltips(
    view: QAbstractItemView, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight
) -> None:
    """Elide long cells of ``view`` and show their full text on hover."""
    view.setTextElideMode(mode)
    view.setItemDelegate(ElidedTooltips(view))
