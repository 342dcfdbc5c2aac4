"""GUI fixtures: a main window over the real store, run with a synchronous executor."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from PySide6.QtWidgets import QMessageBox

from ui.app import prepare_app
from ui.main_window import MainWindow
from ui.operations import Operations, SyncExecutor
from ui.startup import open_current_period

TODAY = date(2026, 11, 28)  # 2026Q4, as the demo fixture assumes


class Messages:
    """Message boxes shown during a test; ``answer`` is what question() returns."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, text in self.log if kind is None or k == kind]


@pytest.fixture
def messages(monkeypatch) -> Messages:
    """Record message boxes instead of blocking on them."""
    seen = Messages()

    def recorder(kind):
        def box(_parent, _title, text, *args, **kwargs):
            seen.log.append((kind, text))
            return seen.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return box

    for kind in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))
    return seen


@pytest.fixture
def make_window(qtbot, paths, messages):
    windows = []

    def make(store, executor=None) -> MainWindow:
        _app, settings = prepare_app(paths)
        ops = Operations(store, executor or SyncExecutor())
        window = MainWindow(ops, paths, settings)
        qtbot.addWidget(window)
        # the launcher's own step once the store has answered: the current quarter, created if new
        ops.op(lambda s: s.periods()).success(lambda periods: open_current_period(window, periods, TODAY)).run()
        qtbot.waitUntil(lambda: window.session.state is not None)  # a real executor loads later
        if "main" not in settings.geometry:
            window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.ops.wait()


def read_db_answer(db_path, period: str, key: str) -> dict | None:
    """Read an answer straight from the SQLite file, as a fresh process would."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute(
            """SELECT a.* FROM answers a JOIN assessments s ON s.id = a.assessment_id
               WHERE s.period = ? AND a.task_key = ? ORDER BY s.revision DESC LIMIT 1""",
            [period, key],
        ).fetchone()
        return dict(row) if row else None
    finally:
        conn.close()


@pytest.fixture
def db_answer(paths):
    return lambda period, key: read_db_answer(paths.branch_db, period, key)


def ime_type(widget, text: str) -> None:
    """Type Chinese the way an input method delivers it: a committed QInputMethodEvent.

    (QTest.keyClicks only handles ASCII.)
    """
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for char in text:
        event = QInputMethodEvent("", [])
        event.setCommitString(char)
        QApplication.sendEvent(widget, event)


@pytest.fixture
def type_text():
    return ime_type
