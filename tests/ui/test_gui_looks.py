"""Looks come from fonts and palettes (no app-wide style sheet) and follow the font size."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyle


def test_named_widgets_keep_their_looks_when_the_font_grows(make_window, store):
    window = make_window(store)
    app = QApplication.instance()
    assert app.styleSheet() == ""  # per-widget polish stays cheap
    page = window.task_page
    base = app.font().pointSize()
    assert page.title.font().bold() and page.title.font().pointSize() == base + 4
    assert page.title.palette().color(QPalette.ColorRole.WindowText).name() == "#8b0000"
    assert page.narrative.font().pointSize() == base and not page.narrative.font().bold()
    radio = page.status_buttons["done"]
    metric = QStyle.PixelMetric.PM_ExclusiveIndicatorWidth
    assert radio.style().pixelMetric(metric, None, radio) == max(16, base * 2)

    window.change_font(+2)
    assert app.font().pointSize() == base + 2
    assert page.title.font().pointSize() == base + 6  # still 4 points above the text
    assert page.narrative.font().pointSize() == base + 2
    assert page.position.font().pointSize() == base + 2  # a "hint" label follows the base size
    assert radio.style().pixelMetric(metric, None, radio) == max(16, (base + 2) * 2)
    window.change_font(-2)


def test_review_page_built_on_first_use_is_styled(make_window, store):
    window = make_window(store)
    assert window._review is None  # not built at start-up
    window.show_review()
    title = window.review_page.findChild(type(window.task_page.title), "taskTitle")
    assert title.font().bold() and title.font().pointSize() == QApplication.instance().font().pointSize() + 4
    button = window.review_page.finalize_button
    assert button.palette().color(QPalette.ColorRole.ButtonText).name() == "#ffffff"
