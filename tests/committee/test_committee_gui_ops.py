"""The committee GUI reaches its store only through ui/operations.py (issue 16, item 1).

Dynamically: a store that refuses every use from the GUI thread, behind the real worker
thread, while a clerk's tour opens every view and dialog and writes through each of them.
Statically: no module in ui/committee/ touches a store outside a function an op runs.
"""

from __future__ import annotations

import ast
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles)
from committee_fixtures import FakeBundles
from committee_tour import PERIOD, TODAY, fake_import, fill, settle, tour
from PySide6.QtWidgets import QMessageBox

from dzdesk.committee.store import CommitteeStore
from ui.committee.window import CommitteeWindow

UI_COMMITTEE = Path(__file__).resolve().parents[2] / "ui" / "committee"


class GuiThreadGuard:
    """Stands in for the store: any attribute used on the GUI thread is recorded and refused."""

    def __init__(self, store: CommitteeStore) -> None:
        self.__dict__["_store"] = store
        self.__dict__["touched"] = []
        self.__dict__["used_on_worker"] = set()

    def __getattr__(self, name: str):
        if threading.current_thread() is threading.main_thread():
            self.touched.append(name)
            raise AssertionError(f"store.{name} used on the GUI thread")
        self.used_on_worker.add(name)
        return getattr(self._store, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._store, name, value)


def test_every_view_and_dialog_reads_and_writes_on_the_worker(
    qtbot, committee, fake_bundles, tmp_path, monkeypatch
):
    fill(committee, fake_bundles)
    usb = tmp_path / "usb2"
    usb.mkdir()
    more = FakeBundles(usb)
    more.make("第20党支部")
    monkeypatch.setattr("ui.committee.actions.import_bundles", fake_import(fake_bundles, more))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    monkeypatch.setattr("ui.committee.detail.QDesktopServices.openUrl", lambda url: True)
    out = tmp_path / "通报.xlsx"
    monkeypatch.setattr(
        "ui.committee.actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), "")
    )
    roster = tmp_path / "名册.csv"
    roster.write_text("name,kind\n第01党支部,非公企业\n第20党支部,社会组织\n", encoding="utf-8")
    monkeypatch.setattr(
        "ui.committee.actions.QFileDialog.getOpenFileName", lambda *a, **k: (str(roster), "")
    )
    monkeypatch.setattr(
        "ui.committee.actions.QInputDialog.getText", lambda *a, **k: ("2027-01-10", True)
    )

    guard = GuiThreadGuard(committee)
    win = CommitteeWindow(
        guard, ThreadPoolExecutor(max_workers=1), paths=committee.paths, today=TODAY
    )
    qtbot.addWidget(win)
    win.show()
    seen = []
    for name, widget in tour(win, usb):
        seen.append(name)
        if name == "grade":
            widget.grade_buttons["C"].setChecked(True)
            widget.save()
        elif name == "detail":
            widget.open_evidence(0)
            widget.open_report()
        elif name == "keys":
            widget.accept_button.click()
        elif name == "info":
            widget.name.setText("中共改名后的委员会")
            widget.submit()
        elif name == "summary":
            widget.go_on.click()
        settle(win)
    assert seen == [
        "window",
        "grade",
        "detail",
        "keys",
        "info",
        "summary",
        "import",
        "help",
        "about",
    ]
    win.commands.edit_deadline()
    win.commands.import_roster()
    win.period_box.setCurrentText(PERIOD)
    win.reload()
    settle(win)

    assert guard.touched == []
    # the tour did write, through the worker
    assert "C" in {g.grade for g in committee.grades(PERIOD).values()}
    assert not committee.key_changes(pending_only=True)
    assert committee.own_identity().name == "中共改名后的委员会"
    assert (
        out.is_file()
        and committee.deadline(PERIOD) == "2027-01-10"
        and len(committee.roster()) == 2
    )
    assert "第20党支部" in {s.branch_name for s in committee.submissions(PERIOD)}  # imported
    assert {
        "key_changes",
        "decide_key_change",
        "replace_roster",
        "set_deadline",
    } <= guard.used_on_worker
    win.close()
    assert guard.touched == []


# -- static: the ui/committee modules ---------------------------------------------------


def _store_parameters(node: ast.AST) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.Lambda | ast.AsyncFunctionDef):
        return {a.arg for a in node.args.args} & {"store", "_store"}
    return set()


def offences(source: str) -> list[str]:
    """Uses of a store outside a function that receives it from an op (its first parameter `store`)."""
    tree = ast.parse(source)
    found: list[str] = []

    def visit(node: ast.AST, inside: set[str]) -> None:
        inside = inside | _store_parameters(node)
        if isinstance(node, ast.Name) and node.id in ("store", "_store") and node.id not in inside:
            found.append(f"line {node.lineno}: '{node.id}' outside an op's function")
        if isinstance(node, ast.Attribute) and node.attr == "store":
            parent_ok = getattr(node, "_allowed", False)
            if not parent_ok:
                found.append(f"line {node.lineno}: '.store' read on the GUI thread")
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    for node in ast.walk(tree):
        # ``ops.store = CommitteeStore(paths)`` inside the open op, and ``ops.store is not None``
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Attribute) for t in node.targets):
            for target in node.targets:
                target._allowed = True  # type: ignore[attr-defined]
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Attribute)
            and all(isinstance(c, ast.Constant) and c.value is None for c in node.comparators)
        ):
            node.left._allowed = True  # type: ignore[attr-defined]
    visit(tree, set())
    return found


def test_no_ui_committee_module_touches_a_store_outside_an_op():
    modules = sorted(UI_COMMITTEE.glob("*.py"))
    assert len(modules) >= 10
    problems = {m.name: offences(m.read_text(encoding="utf-8")) for m in modules}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_static_check_catches_direct_calls():
    assert offences("def f(self):\n    self.store.roster()\n")
    assert offences(
        "def show(self, store):\n    pass\ndef g(self):\n    return store.grades('2026Q4')\n"
    )
    assert offences(
        "class W:\n    def refresh(self):\n        rows = overview_rows(self.ops.store, p)\n"
    )
    assert not offences("def g(self):\n    self.ops.op(lambda store: store.roster()).run()\n")
    assert not offences("def work(_none):\n    ops.store = CommitteeStore(paths)\n")
