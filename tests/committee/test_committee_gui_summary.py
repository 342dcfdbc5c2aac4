"""生成通报 from the window: a warning that lists the branches still ungraded or held, with the choice
to go on or go back (issue 16, item 14); the committee's own name as the issuer (item 11)."""

from __future__ import annotations

import re

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles)
from committee_tour import COMMITTEE, HELD_BRANCH, PERIOD, TODAY, fill
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

from dzdesk.committee.grading import set_grade
from dzdesk.committee.identity import init_committee
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.views import summary_check
from ui.committee.info_dialog import CommitteeInfoDialog
from ui.committee.summary_warning import SummaryWarningDialog
from ui.committee.window import CommitteeWindow
from ui.operations import SyncExecutor


@pytest.fixture
def said(monkeypatch):
    texts: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: texts.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: texts.append(a[2]))
    return texts


@pytest.fixture
def save_as(monkeypatch, tmp_path):
    asked: list[str] = []
    out = tmp_path / "通报.pdf"

    def choose(*_a, **_k):
        asked.append("asked")
        return str(out), ""

    monkeypatch.setattr("ui.committee.actions.QFileDialog.getSaveFileName", choose)
    return out, asked


def _window(qtbot, store) -> CommitteeWindow:
    win = CommitteeWindow(store, executor=SyncExecutor(), today=TODAY)
    qtbot.addWidget(win)
    win.period_box.setCurrentText(PERIOD)
    win.reload()
    return win


def _text(path) -> str:
    return re.sub(r"\s", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def test_summary_check_lists_ungraded_and_held(committee, fake_bundles):
    fill(committee, fake_bundles)
    check = summary_check(committee, PERIOD)
    assert check.held == (HELD_BRANCH,) and check.issuer == COMMITTEE and check.submitted == 12
    assert len(check.ungraded) == 11 and "第02党支部" not in check.ungraded and not check.clean


def test_the_warning_lists_them_and_going_back_writes_nothing(
    qtbot, committee, fake_bundles, said, save_as
):
    fill(committee, fake_bundles)
    out, asked = save_as
    win = _window(qtbot, committee)
    win.menu_actions["summary"].trigger()
    dialog = win.last_dialog
    assert isinstance(dialog, SummaryWarningDialog) and dialog.isVisible()
    ungraded = dialog.sections["ungraded"].text().splitlines()
    assert len(ungraded) == 11 and "第01党支部" in ungraded and "第02党支部" not in ungraded
    assert dialog.sections["held"].text() == HELD_BRANCH
    assert "11 个" in " ".join(w.text() for w in dialog.findChildren(type(dialog.sections["held"])))
    dialog.go_back.click()
    assert not asked and not out.exists() and said == []


def test_going_on_writes_the_summary_with_the_committees_own_name(
    qtbot, committee, fake_bundles, said, save_as
):
    fill(committee, fake_bundles)
    out, asked = save_as
    win = _window(qtbot, committee)
    win.commands.export_summary()
    win.last_dialog.go_on.click()
    assert asked and out.is_file() and said == [f"已生成：{out}"]
    text = _text(out)
    assert f"{COMMITTEE}所属各党支部：" in text  # the issuer, not the name the branches typed
    assert "中共测试区综合委员会" not in text
    assert f"{COMMITTEE}2027年1月20日" in text  # signed off by the committee, dated as injected


def test_nothing_to_warn_about_goes_straight_to_the_file(
    qtbot, committee, fake_bundles, said, save_as
):
    init_committee(committee, COMMITTEE)
    for i in range(3):
        fake_bundles.make(f"第{i + 1}党支部")
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    for i in range(3):
        set_grade(committee, PERIOD, f"第{i + 1}党支部", "B")
    out, asked = save_as
    win = _window(qtbot, committee)
    win.commands.export_summary()
    assert asked and out.is_file() and not isinstance(win.last_dialog, SummaryWarningDialog)


def test_a_committee_without_a_name_is_asked_for_it_first(
    qtbot, committee, fake_bundles, said, save_as
):
    fake_bundles.make("第1党支部")
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    set_grade(committee, PERIOD, "第1党支部", "B")
    out, asked = save_as
    win = _window(qtbot, committee)
    assert not win.identity_hint.isHidden()
    win.commands.export_summary()
    info = win.last_dialog
    assert isinstance(info, CommitteeInfoDialog) and not asked
    info.name.setText("中共新名字委员会")
    info.submit()  # saves the name and makes the key; its fingerprint is shown
    assert info.isVisible() and info.fingerprint.fingerprint()
    info.submit()  # 完成: the 通报 goes on
    assert asked and out.is_file()
    assert "中共新名字委员会所属各党支部" in _text(out)
    assert win.identity_hint.isHidden() and win.windowTitle().endswith("中共新名字委员会")
