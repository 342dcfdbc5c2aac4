"""Bundled CJK font, Qt's own Chinese translations, font size and the looks of named widgets."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QPushButton, QWidget

from dzdesk.resources import resource_path

log = logging.getLogger("dzdesk.ui")
FALLBACK_FAMILIES = ["WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei"]

# Looks by object name, applied with fonts and palettes by ``style_widgets``.
# (An app-wide style sheet did the same but made every widget's polish slow:
# ~30 ms more before the first period is on screen.)
ROLE_LOOKS: dict[str, tuple[int | None, bool, str | None, str | None]] = {
    # object name: (points above the base size or None, bold, text colour, background)
    "taskTitle": (4, True, "#8b0000", None),
    "branchName": (2, True, "#8b0000", None),
    "periodBar": (None, False, None, "#fbf3f0"),
    "hint": (None, False, "#555555", None),
    "warning": (None, True, "#b00020", None),
    "lockedBanner": (None, False, None, "#fff4d6"),
    "stateBanner": (None, False, None, "#fff4d6"),
    "rectification": (None, True, None, "#fdf3ea"),
    "primary": (None, True, "#ffffff", "#a01c1c"),
}


def register_fonts() -> str | None:
    """Register the bundled font and return its family, or None if it could not be loaded."""
    path = resource_path("fonts", "wqy-microhei.ttc")
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("could not load bundled font %s", path)
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def install_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Qt's own strings (确定/取消, context menus) in Chinese unless English was chosen."""
    if language != "zh_CN":
        return []
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name in ("qtbase_zh_CN",):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)
    return installed


def apply_font_size(app: QApplication, pt: int, family: str | None = None) -> None:
    font = QFont(app.font())
    if family:
        font.setFamilies([family, *FALLBACK_FAMILIES])
    font.setPointSize(pt)
    app.setFont(font)
    for window in app.topLevelWidgets():  # titles are sized relative to the base size
        style_widgets(window)


def _partial_font(bold: bool, size: int) -> QFont:
    """A font that sets only weight and size: family and the rest follow the application.

    The size is always set: a widget with its own font does not follow a later
    ``app.setFont``, so ``apply_font_size`` calls ``style_widgets`` again.
    """
    font = QFont()
    font.setBold(bold)
    font.setPointSize(size)
    return font


def style_widgets(root: QWidget) -> None:
    """Give ``root`` and the named widgets under it their look (see ROLE_LOOKS)."""
    base = QApplication.font().pointSize()
    for widget in (root, *root.findChildren(QWidget)):
        if isinstance(widget, QGroupBox):  # a bold title, normal contents
            widget.setFont(_partial_font(True, base))
            # direct children only: their own children inherit from them
            for child in widget.children():
                if isinstance(child, QWidget) and child.objectName() not in ROLE_LOOKS:
                    child.setFont(_partial_font(False, base))
        look = ROLE_LOOKS.get(widget.objectName())
        if look is None:
            continue
        bigger, bold, colour, background = look
        widget.setFont(_partial_font(bold, base + (bigger or 0)))
        palette = widget.palette()
        if colour is not None:
            role = QPalette.ColorRole.ButtonText if isinstance(widget, QPushButton) else QPalette.ColorRole.WindowText
            palette.setColor(role, QColor(colour))
        if background is not None:
            if isinstance(widget, QPushButton):
                palette.setColor(QPalette.ColorRole.Button, QColor(background))
                palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#d9a3a3"))
                palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#ffffff"))
            else:
                palette.setColor(QPalette.ColorRole.Window, QColor(background))
                widget.setAutoFillBackground(True)
            if isinstance(widget, QLabel):
                widget.setMargin(6)
        widget.setPalette(palette)
