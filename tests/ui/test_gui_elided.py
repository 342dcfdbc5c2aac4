"""Tables elide long cells and show their full text on hover (ui/widgets/elided.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

from ui.widgets.elided import elide_with_tooltips, is_elided

LONG = "合肥市某某信息技术服务有限公司第一党支部（名字很长的一个党支部）"


def _table(qtbot) -> QTableWidget:
    table = QTableWidget(3, 2)
    table.setWordWrap(False)
    elide_with_tooltips(table)
    table.setItem(0, 0, QTableWidgetItem(LONG))
    table.setItem(1, 0, QTableWidgetItem("短"))
    own = QTableWidgetItem(LONG)
    own.setToolTip("自己的提示")
    table.setItem(2, 0, own)
    table.horizontalHeader().resizeSection(0, 120)
    qtbot.addWidget(table)
    table.resize(400, 200)
    table.show()
    qtbot.waitExposed(table)
    return table


def _hover(table: QTableWidget, row: int, shown: list[str]) -> str:
    """What a tooltip over the cell shows ('' for none)."""
    shown.clear()
    centre = table.visualRect(table.model().index(row, 0)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, centre, table.viewport().mapToGlobal(centre))
    QApplication.sendEvent(table.viewport(), event)
    return shown[-1] if shown else ""


def test_long_cells_elide_and_show_the_whole_text(qtbot, monkeypatch):
    shown: list[str] = []
    # QToolTip hides on a timer: record what the delegate asks it to show instead of reading it back
    monkeypatch.setattr(
        "ui.widgets.elided.QToolTip.showText", lambda _pos, text, *_a: shown.append(text)
    )
    table = _table(qtbot)
    assert table.textElideMode() == Qt.TextElideMode.ElideRight
    assert is_elided(table, table.model().index(0, 0)) and not is_elided(
        table, table.model().index(1, 0)
    )
    assert _hover(table, 0, shown) == LONG
    assert _hover(table, 1, shown) == ""  # it fits: no tooltip
    assert _hover(table, 2, shown) == "自己的提示"  # the model's own tooltip wins
    table.resize(table.fontMetrics().horizontalAdvance(LONG) + 200, 200)
    table.horizontalHeader().resizeSection(0, table.fontMetrics().horizontalAdvance(LONG) + 30)
    assert not is_elided(table, table.model().index(0, 0)) and _hover(table, 0, shown) == ""
