"""Bundled CJK font, Qt's own Chinese translations, font size and the style sheet."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from dzdesk.resources import resource_path

log = logging.getLogger("dzdesk.ui")
FALLBACK_FAMILIES = ["WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei"]

STYLE = """
QWidget {{ font-size: {pt}pt; }}
QLabel#taskTitle {{ font-size: {big}pt; font-weight: bold; color: #8b0000; }}
QLabel#branchName {{ font-size: {mid}pt; font-weight: bold; color: #8b0000; }}
QWidget#periodBar {{ background: #fbf3f0; border-bottom: 1px solid #e3c9c0; }}
QLabel#hint {{ color: #555; }}
QLabel#warning {{ color: #b00020; font-weight: bold; }}
QLabel#lockedBanner, QLabel#stateBanner {{ background: #fff4d6; border: 1px solid #e6c35c; padding: 6px; }}
QLabel#requirement {{ line-height: 150%; }}
QGroupBox {{ font-weight: bold; margin-top: 1.1em; border: 1px solid #d8d8d8; border-radius: 4px; padding-top: 0.2em; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
QGroupBox QLabel, QGroupBox QRadioButton, QGroupBox QLineEdit, QGroupBox QPlainTextEdit {{ font-weight: normal; }}
QGroupBox#rectification {{ border: 1px solid #e0a070; background: #fffaf5; }}
QRadioButton {{ padding: 6px 14px 6px 4px; }}
QRadioButton::indicator {{ width: {ind}px; height: {ind}px; }}
QPushButton {{ padding: 5px 14px; }}
QPushButton#primary {{ background: #b22222; color: white; border-radius: 4px; padding: 7px 16px; font-weight: bold; }}
QPushButton#primary:disabled {{ background: #d9a3a3; }}
QTreeView::item {{ padding: 3px 2px; }}
"""


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
    app.setStyleSheet(STYLE.format(pt=pt, big=pt + 4, mid=pt + 2, ind=max(16, pt * 2)))
