"""The committee GUI in English: every Chinese literal translated, the engine's errors in English,
and no Han character left in any committee widget except the data itself (issue 16, item 2)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles)
from committee_fixtures import FakeBundles
from committee_tour import PERIOD, TODAY, fake_import, fill, settle, tour
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QWidget,
)

from dzdesk.committee.grading import set_grade
from dzdesk.errors import ValidationError
from dzdesk.template import builtin_template
from ui import i18n
from ui.committee.window import CommitteeWindow
from ui.operations import SyncExecutor, error_text

REPO = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# deliberately Chinese in both languages: the language switch names itself, and its notice is bilingual
KEPT = {
    "中文界面",
    "界面语言将在重新打开程序后切换。\nThe language changes the next time dzdesk starts.",
}


@pytest.fixture
def english():
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language("zh_CN")


def _literals(path: Path) -> list[tuple[int, str]]:
    """Han string literals of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and HAN.search(node.value)
        and id(node) not in docstrings
    ]


def test_every_chinese_literal_in_the_committee_gui_has_an_english_entry():
    english = json.loads(
        (REPO / "resources" / "translations" / "en.json").read_text(encoding="utf-8")
    )
    modules = [
        *sorted((REPO / "ui" / "committee").glob("*.py")),
        REPO / "ui" / "widgets" / "fingerprint.py",
    ]
    missing = [
        f"{m.name}:{line} {text!r}"
        for m in modules
        for line, text in _literals(m)
        if text not in english and text not in KEPT and text not in ("、", "；")
    ]
    assert missing == []


def test_engine_errors_are_shown_in_english_in_english_mode(english):
    exc = ValidationError("日期无效。", "The date is not valid.")
    assert error_text(exc) == "The date is not valid."
    assert (
        error_text(ValidationError("只有中文。")) == "只有中文。"
    )  # no English text: the Chinese one
    i18n.set_language("zh_CN")
    assert error_text(exc) == "日期无效。"


def texts_of(root: QWidget) -> list[str]:
    """Every text a person can see or hover on in ``root`` and its children, menus included."""
    out: list[str] = [root.windowTitle(), root.toolTip()]
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) and w is not root:
            continue
        out.append(w.toolTip())
        if isinstance(w, QLabel):
            out.append(re.sub(r"<[^>]+>", "", w.text()))
        elif isinstance(w, QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QLineEdit):
            out += [w.text(), w.placeholderText()]
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QTextBrowser):
            out.append(w.toPlainText())
        elif isinstance(w, QToolBar):
            out += [a.text() for a in w.actions()]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for c in range(model.columnCount()):
                out.append(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
            for r in range(model.rowCount()):
                for c in range(model.columnCount()):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        out.append(str(model.index(r, c).data(role) or ""))
    if isinstance(root, QMainWindow):
        out.append(root.statusBar().currentMessage())
        for menu_action in root.menuBar().actions():
            out.append(menu_action.text())
            out += [a.text() for a in menu_action.menu().actions()]
    return [t for t in out if t]


def data_strings(store) -> list[str]:  # noqa: ANN001 - a CommitteeStore
    """What the branches (and the committee) wrote: shown as it is in any language."""
    found = {builtin_template().rubric.note} | {t.title for t in builtin_template().tasks}
    own = store.own_identity()
    if own:
        found.add(own.name)
    for s in store.submissions(states=("current", "superseded", "held", "declined")):
        found |= {s.branch_name, s.secretary, s.bundle_name}
        snapshot = store.snapshot(s.id)
        found.add(str(snapshot.get("branch", {}).get("committee", "")))
        for a in snapshot.get("answers", []):
            found.add(str(a.get("narrative", "")))
            found |= {str(v) for v in (a.get("rectification") or {}).values()}
        for e in store.evidence(s.id):
            found |= {e["name"], e["caption"]}
    for entry in store.roster():
        found |= {entry.name, entry.secretary}
    for period in store.periods():
        found |= {g.comment for g in store.grades(period).values()}  # the committee's own words
    return sorted((f for f in found if f), key=len, reverse=True)


def chinese_left(texts: list[str], data: list[str]) -> list[str]:
    left = []
    for text in texts:
        for value in data:
            text = text.replace(value, "")
        if text not in KEPT and HAN.search(text):
            left.append(text)
    return sorted(set(left))


def test_english_mode_shows_no_chinese_except_data(
    qtbot, english, committee, fake_bundles, tmp_path, monkeypatch
):
    fill(committee, fake_bundles)
    set_grade(committee, PERIOD, "第05党支部", "A")  # the one A place is taken
    usb = tmp_path / "usb2"
    usb.mkdir()
    more = FakeBundles(usb)
    more.make("第20党支部")
    monkeypatch.setattr("ui.committee.actions.import_bundles", fake_import(fake_bundles, more))
    said: list[str] = []
    for kind in ("information", "warning", "question"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda *a, said=said: said.append(a[2]) or QMessageBox.StandardButton.No,
        )
    win = CommitteeWindow(committee, executor=SyncExecutor(), today=TODAY)
    qtbot.addWidget(win)
    win.show()
    seen: dict[str, list[str]] = {}
    for name, widget in tour(win, usb, with_about=False):  # the About dialog is the branch side's
        if name == "keys":
            widget.accept_button.click()  # the confirmation question, recorded
        if name == "grade":
            widget.save()  # nothing chosen (the suggested A has no place): the error line
            assert widget.error.isVisible()
        seen[name] = texts_of(widget)
    win.period_box.setCurrentText("2026Q9")
    win.reload()  # a bad period: the engine's sentence, in English
    seen["status"] = [win.statusBar().currentMessage()]
    monkeypatch.setattr(
        "ui.committee.actions.QInputDialog.getText", lambda *a, **k: ("2026-13-01", True)
    )
    win.period_box.setCurrentText(PERIOD)
    win.commands.edit_deadline()
    settle(win)
    seen["messages"] = said
    data = data_strings(committee)
    left = {name: chinese_left(texts, data) for name, texts in seen.items()}
    assert {name: texts for name, texts in left.items() if texts} == {}
    assert len(seen) == 10 and all(seen.values())
    assert "'2026-13-01' is not a valid date; use YYYY-MM-DD." in said
    assert any("Accept the new signing key" in text for text in said)


def test_every_engine_word_the_committee_gui_shows_has_an_english_entry():
    """Flags, outcomes, grades, kinds and states come from the engine and are shown through tr()."""
    from dzdesk.committee import models as m
    from dzdesk.models import KIND_LABELS
    from dzdesk.quota import ROUNDING
    from dzdesk.template import STATUS_LABELS
    from ui.committee import labels
    from ui.committee.model import FILTERS

    english = json.loads(
        (REPO / "resources" / "translations" / "en.json").read_text(encoding="utf-8")
    )
    words = [v for k, v in vars(m).items() if k.startswith("FLAG_") and isinstance(v, str)]
    words += [*m.OUTCOME_LABELS.values(), *m.GRADE_LABELS.values(), *KIND_LABELS.values()]
    words += [*STATUS_LABELS.values(), *FILTERS.values(), *labels.KEY_DECISIONS.values()]
    words += [*labels.SUBMISSION_STATES.values(), *(word for word, _fn in ROUNDING.values())]
    words += [m.Quota(base=1, from_roster=r, allowed=0, used=0).source for r in (True, False)]
    assert [w for w in words if w not in english] == []
