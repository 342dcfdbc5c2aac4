"""The overview's column widths: each column as wide as its header and typical content, the branch
name taking the rest. On a narrow table (1366×768 at 125 %) the other columns shrink first, so a
usual branch name still shows whole; their longer texts then elide, with the full text on hover."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

from dzdesk.committee import models as m

from ..i18n import tr
from . import labels
from .model import COLUMNS

NAME_SAMPLE = "\uff2d" * 15  # as wide as a usual branch name: 15 full-width characters


def column_samples(compact: bool = False) -> list[str]:
    """What each column must fit besides its header, as shown (column 0 takes the rest)."""
    if compact:
        kind, flags = tr("非公企业"), labels.flags((m.FLAG_LATE,))
    else:
        kind, flags = tr("机关事业单位"), labels.flags((m.FLAG_EMPTY, m.FLAG_FOCUSED_HELP))
    return ["", kind, "1000", "2026-12-31 23:59", "100", "A", "100", "A", "19", flags]


class ColumnSizer(QObject):
    """Sizes ``table``'s columns now and whenever its viewport's width crosses the compact line."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.compact = False
        self.size(compact=False)
        self.viewport = table.viewport()
        self.viewport.installEventFilter(self)  # its size is the room the columns share

    def widths(self, compact: bool) -> list[int]:
        metrics = self.table.fontMetrics()
        pad = 16 if compact else 28
        widths = [0]
        for col, sample in enumerate(column_samples(compact)):
            if col:
                header = tr(COLUMNS[col][0])
                widths.append(max(metrics.horizontalAdvance(t) for t in (header, sample)) + pad)
        return widths

    def needs_compact(self) -> bool:
        room = self.table.viewport().width() - self.table.fontMetrics().horizontalAdvance(
            NAME_SAMPLE
        )
        return sum(self.widths(False)) > room

    def size(self, compact: bool | None = None) -> None:
        """``compact`` None: whatever leaves the name column room at the table's present width."""
        self.compact = self.needs_compact() if compact is None else compact
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        for col, width in enumerate(self.widths(self.compact)):
            if col:
                header.resizeSection(col, width)
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # compare with the kept viewport: the table itself may be going away while events still come
        if event.type() == QEvent.Type.Resize and watched is self.viewport:
            if self.needs_compact() != self.compact:  # only then: widths the clerk dragged stay
                self.size()
        return super().eventFilter(watched, event)
