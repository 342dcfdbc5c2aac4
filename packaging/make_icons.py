"""Draw the application icon (PNG sizes for Linux, a multi-size .ico for Windows).

Run once after changing the design; the outputs are committed in packaging/icons/:
    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python packaging/make_icons.py
"""

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter

from dzdesk.resources import resource_path

OUT = Path(__file__).resolve().parent / "icons"
SIZES = [16, 24, 32, 48, 64, 128, 256]


def draw(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#B71C1C"))
    margin = size * 0.04
    rect = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    p.drawRoundedRect(rect, size * 0.18, size * 0.18)
    font = QFont(family)
    font.setPixelSize(int(size * 0.62))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#FFD54F"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "支")
    p.end()
    return image


def main() -> None:
    app = QGuiApplication([])  # noqa: F841 (fonts need an application)
    font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", "wqy-microhei.ttc")))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    OUT.mkdir(exist_ok=True)
    for size in SIZES:
        draw(size, family).save(str(OUT / f"dzdesk-{size}.png"))
    draw(256, family).save(str(OUT / "dzdesk.png"))
    draw(256, family).save(str(resource_path("icons", "dzdesk.png")))  # window/About icon
    Image.open(OUT / "dzdesk-256.png").save(OUT / "dzdesk.ico", sizes=[(s, s) for s in SIZES])


if __name__ == "__main__":
    main()
