"""How a task status looks: text, colour and a distinct icon shape (never colour alone)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from dzdesk.template import STATUS_LABELS

from .i18n import tr

COLOURS = {
    "done": "#1b7f3b",
    "partial": "#b36200",
    "undone": "#c0262d",
    "na": "#5f6b7a",
    None: "#5f6b7a",
}


def status_text(status: str | None) -> str:
    return tr(STATUS_LABELS[status]) if status else tr("未填写")


def status_colour(status: str | None) -> QColor:
    return QColor(COLOURS.get(status, COLOURS[None]))


@cache
def status_icon(status: str | None, size: int = 32) -> QIcon:
    """A filled circle with a tick, half-fill, cross, dash; an empty ring when unanswered."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = status_colour(status)
    box = QRectF(2, 2, size - 4, size - 4)
    s = size / 32
    if status is None:
        painter.setPen(QPen(colour, 2.5 * s))
        painter.drawEllipse(box)
    elif status == "partial":
        painter.setPen(QPen(colour, 2.5 * s))
        painter.drawEllipse(box)
        path = QPainterPath()
        path.moveTo(box.center())
        path.arcTo(box, 90, 180)
        path.closeSubpath()
        painter.fillPath(path, colour)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(box)
        pen = QPen(QColor("white"), 3.5 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        if status == "done":
            painter.drawPolyline([QPointF(9 * s, 16.5 * s), QPointF(14 * s, 21.5 * s), QPointF(23 * s, 11 * s)])
        elif status == "undone":
            painter.drawLine(QPointF(11 * s, 11 * s), QPointF(21 * s, 21 * s))
            painter.drawLine(QPointF(21 * s, 11 * s), QPointF(11 * s, 21 * s))
        else:
            painter.drawLine(QPointF(10 * s, 16 * s), QPointF(22 * s, 16 * s))
    painter.end()
    return QIcon(pixmap)
