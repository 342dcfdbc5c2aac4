"""A fingerprint as a person reads it out: in full, in groups of four, monospaced, copyable
(ui/widgets/fingerprint.py, shared by the committee's key dialogs and the branch side)."""

from __future__ import annotations

from PySide6.QtGui import QFontInfo, QGuiApplication

from dzdesk.identity import fingerprint_of
from ui.widgets.fingerprint import FingerprintView, grouped, groups

FP = fingerprint_of(b"any key bytes")


def test_grouping_normalises_any_spelling():
    raw = FP.replace(" ", "").lower()
    assert groups(raw) == FP.split() and len(groups(raw)) == 16
    assert grouped(":".join(raw[i : i + 2] for i in range(0, len(raw), 2))) == FP
    two_lines = grouped(FP, 8).split("\n")
    assert [len(line.split()) for line in two_lines] == [8, 8]
    assert grouped("") == ""


def test_the_view_shows_it_whole_and_copies_it(qtbot):
    view = FingerprintView(FP)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.label.text().split() == FP.split() and view.fingerprint() == FP
    assert QFontInfo(view.label.font()).fixedPitch()
    assert view.label.width() >= view.label.sizeHint().width()  # never cut off
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == FP and view.copy_button.text() == "已复制"
    qtbot.waitUntil(lambda: view.copy_button.text() == "复制", timeout=3000)
    view.set_fingerprint("")
    assert view.label.text() == "—" and not view.copy_button.isEnabled()
