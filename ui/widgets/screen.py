"""Sizing top-level windows and dialogs to the screen they open on.

Office laptops often have 1366×768 screens at 125 % scaling, which leaves
about 1093×580 logical pixels: a fixed ``resize(1240, 560)`` puts buttons off
screen there. Every window and dialog sizes itself with :func:`fit_to_screen`
and puts tall content in a :func:`scrolling` area.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# how much of the available screen a window may take at most (the rest shows the task bar's edge)
MAX_SHARE_W = 0.96
MAX_SHARE_H = 0.94


def available(widget: QWidget | None = None) -> QRect:
    """The available geometry (without task bars) of the widget's screen, or the primary one."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.screen() if parent is not None else None) or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def fitted_size(preferred: QSize, widget: QWidget | None = None) -> QSize:
    """``preferred``, shrunk to fit the available screen."""
    area = available(widget)
    width = min(preferred.width(), int(area.width() * MAX_SHARE_W))
    height = min(preferred.height(), int(area.height() * MAX_SHARE_H))
    return QSize(max(width, 200), max(height, 150))


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width``×``height`` or the most the screen allows, centred on it.

    The minimum size is lowered as well when it would not fit, so the window
    manager never pushes the bottom edge (and its buttons) off screen.
    """
    area = available(widget)
    size = fitted_size(QSize(width, height), widget)
    minimum = widget.minimumSize()
    if minimum.width() > size.width() or minimum.height() > size.height():
        widget.setMinimumSize(
            min(minimum.width(), size.width()), min(minimum.height(), size.height())
        )
    widget.resize(size)
    x = area.x() + (area.width() - size.width()) // 2
    y = area.y() + (area.height() - size.height()) // 2
    widget.move(max(area.x(), x), max(area.y(), y))


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area that scrolls vertically when the screen is short."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def outside_screen(root: QWidget) -> list[str]:
    """Visible child widgets of ``root`` whose global geometry is not inside the available screen.

    Tests call this on every window and dialog at 1366×768 / 125 %; each entry
    names the widget's class, object name and text (if any).
    """
    area = available(root)
    problems: list[str] = []
    for child in [root, *root.findChildren(QWidget)]:
        if not child.isVisible() or child.width() <= 0 or child.height() <= 0:
            continue
        if _inside_scroll_area(child, root):
            continue  # scrolled content may be larger than its viewport: that is the point
        top_left = child.mapToGlobal(child.rect().topLeft())
        rect = QRect(top_left, child.size())
        if not area.contains(rect):
            text = getattr(child, "text", lambda: "")()
            problems.append(
                f"{type(child).__name__}({child.objectName()!r}, {text!r}) at {rect.getRect()}"
            )
    return problems


def _inside_scroll_area(child: QWidget, root: QWidget) -> bool:
    parent = child.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False
