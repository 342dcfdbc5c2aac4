"""A committee with a bit of everything, and a tour of every committee view and dialog.

Shared by the GUI tests that must hold for *every* view (ops only, English, fits the
screen), by their subprocess child (tests/committee/committee_fit_child.py) and by the
screenshot script. ``tour`` opens each view the way a clerk does (menus and toolbar
actions) and yields it while it is open; it works with a synchronous executor and with
the real worker thread (it waits for the operations to deliver).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from dzdesk.committee import models as m
from dzdesk.committee.grading import set_grade
from dzdesk.committee.identity import init_committee
from dzdesk.committee.importer import import_bundles

PERIOD = "2026Q4"
TODAY = date(2027, 1, 20)
HELD_BRANCH = "第03党支部"
COMMITTEE = "中共测试市律师协会委员会"


def fill(store, bundles, count: int = 12) -> None:  # noqa: ANN001 - a CommitteeStore and FakeBundles
    """The committee named; ``count`` branches submitted (one with a new key, held), a roster with
    one more, a grade, a deadline."""
    init_committee(store, COMMITTEE)
    for i in range(count):
        bundles.make(
            f"第{i + 1:02d}党支部",
            done=19 - i,
            members=[7, 2, 0][i % 3],
            kind="social" if i % 4 == 0 else "nonpublic",
        )
    import_bundles(store, [bundles.folder], verify=bundles.verify)
    held = bundles.make(HELD_BRANCH, revision=2, key=bundles.new_key(), file="held-new-key.dzb")
    import_bundles(store, [held], verify=bundles.verify)
    store.replace_roster(
        [m.RosterEntry(f"第{i + 1:02d}党支部", "nonpublic") for i in range(count)]
        + [m.RosterEntry("未交党支部", "social", "赵六")]
    )
    set_grade(store, PERIOD, "第02党支部", "B", score=85, comment="组织生活规范")
    store.set_deadline(PERIOD, "2026-12-31")


def settle(window) -> None:  # noqa: ANN001 - a CommitteeWindow
    """Let queued operations reach the store and deliver their results."""
    window.ops.wait()
    QApplication.processEvents()


def quiet_message_boxes(said: list[str]) -> None:
    """Record message boxes instead of blocking on them (the caller restores QMessageBox)."""

    def box(kind):  # noqa: ANN001, ANN202
        def show(_parent, _title, text, *a, **k):  # noqa: ANN001, ANN202
            said.append(text)
            return (
                QMessageBox.StandardButton.Yes
                if kind == "question"
                else QMessageBox.StandardButton.Ok
            )

        return staticmethod(show)

    for kind in ("information", "warning", "critical", "question"):
        setattr(QMessageBox, kind, box(kind))


def _opened(window, name: str) -> QWidget:  # noqa: ANN001
    settle(window)
    dialog = window.last_dialog
    assert dialog is not None and dialog.isVisible(), f"{name} did not open"
    return dialog


def _close(dialog: QWidget) -> None:
    if isinstance(dialog, QDialog):
        dialog.reject()
    else:
        dialog.close()


def tour(window, usb: Path, with_about: bool = True) -> Iterator[tuple[str, QWidget]]:  # noqa: ANN001
    """Yield (name, widget) for the window and each dialog, each open at the time."""
    settle(window)
    window.period_box.setCurrentText(PERIOD)
    window.reload()
    settle(window)
    yield "window", window
    acts = window.menu_actions

    window.select_branch("第01党支部")
    acts["grade"].trigger()
    grade = _opened(window, "grade")
    yield "grade", grade
    _close(grade)

    window.select_branch("第01党支部")
    acts["detail"].trigger()
    detail = _opened(window, "detail")
    yield "detail", detail
    _close(detail)

    acts["keys"].trigger()
    keys = _opened(window, "keys")
    yield "keys", keys
    _close(keys)

    acts["info"].trigger()
    info = _opened(window, "info")
    yield "info", info
    _close(info)

    acts["summary"].trigger()
    warning = _opened(window, "summary warning")
    yield "summary", warning
    _close(warning)

    old = QFileDialog.getExistingDirectory
    QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(usb))
    try:
        acts["import_folder"].trigger()
        report = _opened(window, "import report")
    finally:
        QFileDialog.getExistingDirectory = old
    yield "import", report
    _close(report)

    acts["help"].trigger()
    help_dialog = _opened(window, "help")
    yield "help", help_dialog
    _close(help_dialog)

    if with_about:
        acts["about"].trigger()
        about = _opened(window, "about")
        yield "about", about
        _close(about)
    settle(window)


def fake_import(*factories):  # noqa: ANN001, ANN201 - FakeBundles; an import_bundles stand-in
    """``import_bundles`` checking with the fake bundles' own verifier (patch it into ui.committee.actions)."""

    def verify(path, progress=None, *, sink=None):  # noqa: ANN001, ANN202
        for factory in factories:
            if Path(path) in factory.made:
                return factory.verify(path, progress, sink=sink)
        return factories[0].verify(path, progress, sink=sink)

    def run(store, sources, **kwargs):  # noqa: ANN001, ANN202
        return import_bundles(store, sources, verify=verify, **kwargs)

    return run
