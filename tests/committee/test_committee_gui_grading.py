"""The grading dialog: the suggested grade pre-selected only when allowed, the quota explained in
one line, refusals shown in the dialog and cleared by any change (issue 16, item 13)."""

from __future__ import annotations

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles)
from committee_tour import TODAY
from PySide6.QtCore import Qt

from dzdesk.committee import models as m
from dzdesk.committee.grading import set_grade
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.views import load_grading
from dzdesk.quota import QuotaRule
from ui.committee.grade_dialog import GradeDialog
from ui.committee.labels import quota_explanation
from ui.committee.window import CommitteeWindow
from ui.operations import SyncExecutor

PERIOD = "2026Q4"


def _window(qtbot, store) -> CommitteeWindow:
    win = CommitteeWindow(store, executor=SyncExecutor(), today=TODAY)
    qtbot.addWidget(win)
    win.period_box.setCurrentText(PERIOD)
    win.reload()
    return win


def _grade(win: CommitteeWindow, name: str) -> GradeDialog:
    assert win.select_branch(name)
    win.grade_selected()
    dialog = win.last_dialog
    assert isinstance(dialog, GradeDialog) and dialog.isVisible()
    return dialog


@pytest.fixture
def eight(committee, fake_bundles):
    """Eight branches, all with a full self-assessment (self grade A): the A quota is 0."""
    for i in range(8):
        fake_bundles.make(f"第{i + 1}党支部")
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    return committee


@pytest.fixture
def thirteen(committee, fake_bundles):
    """Twelve submitted (self grades A first, lower later) and one missing on the roster: quota 1."""
    for i in range(12):
        fake_bundles.make(f"第{i + 1:02d}党支部", done=19 - i)
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    committee.replace_roster(
        [m.RosterEntry(f"第{i + 1:02d}党支部", "nonpublic") for i in range(12)]
        + [m.RosterEntry("未交党支部", "social")]
    )
    return committee


def test_with_no_a_quota_a_is_neither_preselected_nor_offered(qtbot, eight):
    win = _window(qtbot, eight)
    dialog = _grade(win, "第1党支部")
    assert win.selected_row().self_grade == "A"
    assert dialog.selected_grade() == ""  # not the self-assessed A the quota has no room for
    assert not dialog.grade_buttons["A"].isEnabled() and dialog.grade_buttons["A"].toolTip()
    assert (
        dialog.quota_label.text()
        == "A级名额 0 个：共 8 个已导入的党支部 × 10% = 0.8，向下取整。已评定 0 个，本期不能评A级。"
    )
    dialog.save()
    assert dialog.error.isVisible() and dialog.error.text() == "请选择考核等次。"
    dialog.grade_buttons["B"].setChecked(True)
    assert not dialog.error.isVisible()  # cleared by choosing
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert dialog.result() == GradeDialog.DialogCode.Accepted
    assert [g.grade for g in eight.grades(PERIOD).values()] == ["B"]


def test_the_suggested_grade_is_preselected_when_allowed(qtbot, thirteen):
    win = _window(qtbot, thirteen)
    dialog = _grade(win, "第01党支部")
    assert dialog.selected_grade() == "A" and dialog.grade_buttons["A"].isEnabled()
    assert (
        dialog.quota_label.text()
        == "A级名额 1 个：共 13 个名册上的党支部 × 10% = 1.3，向下取整。已评定 0 个。"
    )
    dialog.reject()
    low = next(
        win.model.row_at(r)
        for r in range(win.model.rowCount())
        if win.model.row_at(r).self_grade == "C"
    )
    dialog = _grade(win, low.name)
    assert dialog.selected_grade() == "C"
    dialog.reject()
    set_grade(thirteen, PERIOD, "第02党支部", "D", comment="差")
    win.reload()
    dialog = _grade(win, "第02党支部")  # the committee's own grade wins over the self grade
    assert dialog.selected_grade() == "D" and dialog.comment.toPlainText() == "差"


def test_saving_updates_the_window_and_the_full_quota_is_explained(qtbot, thirteen):
    win = _window(qtbot, thirteen)
    dialog = _grade(win, "第01党支部")
    dialog.use_score.setChecked(True)
    dialog.score.setValue(96.5)
    dialog.comment.insertPlainText("示范引领作用突出")
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert dialog.result() == GradeDialog.DialogCode.Accepted
    [grade] = thirteen.grades(PERIOD).values()
    assert (grade.grade, grade.score, grade.comment) == ("A", 96.5, "示范引领作用突出")
    assert win.quota_label.text().startswith("A级名额：1 / 1")
    row = win.selected_row()
    assert row.name == "第01党支部" and row.committee_grade == "A"

    dialog = _grade(win, "第02党支部")  # self grade A too, but the one A is taken
    assert dialog.selected_grade() == "" and not dialog.grade_buttons["A"].isEnabled()
    assert dialog.quota_label.text().endswith("已评定 1 个，名额已满。")
    dialog.reject()
    dialog = _grade(win, "第01党支部")  # its own A does not take a new place
    assert dialog.selected_grade() == "A" and dialog.grade_buttons["A"].isEnabled()
    assert "本支部当前为A级，不占新名额" in dialog.quota_label.text()


def test_a_refusal_stays_in_the_dialog_until_something_changes(qtbot, thirteen):
    win = _window(qtbot, thirteen)
    dialog = _grade(win, "第02党支部")
    assert dialog.selected_grade() == "A"
    set_grade(
        thirteen, PERIOD, "第01党支部", "A"
    )  # another clerk (or the CLI) took the A meanwhile
    dialog.save()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert (
        "A级名额 1 个：共 13 个名册上的党支部" in dialog.error.text()
        and "已评定 1 个" in dialog.error.text()
    )
    assert dialog.quota_label.text().endswith("名额已满。")  # reloaded after the refusal
    assert dialog.grade_buttons["A"].isEnabled()  # still the chosen one, so it can be seen
    dialog.comment.insertPlainText("x")
    assert not dialog.error.isVisible()  # any change clears it
    dialog.save()
    assert dialog.error.isVisible()
    dialog.grade_buttons["B"].setChecked(True)
    assert not dialog.error.isVisible() and dialog.error.text() == ""
    dialog.save()
    assert dialog.result() == GradeDialog.DialogCode.Accepted
    assert sorted(g.grade for g in thirteen.grades(PERIOD).values()) == ["A", "B"]


def test_the_grading_view_excludes_the_branch_itself(thirteen):
    [row] = [r for r in _rows(thirteen) if r.name == "第01党支部"]
    view = load_grading(thirteen, PERIOD, row)
    assert (view.quota.allowed, view.quota.used, view.a_allowed, view.suggested, view.share) == (
        1,
        0,
        True,
        "A",
        1.3,
    )


def _rows(store):
    from dzdesk.committee.overview import overview_rows

    return overview_rows(store, PERIOD)


@pytest.mark.parametrize(
    ("rule", "base"),
    [
        (QuotaRule(), 8),
        (QuotaRule(), 30),
        (QuotaRule(percent=15, rounding="nearest"), 13),
        (QuotaRule(rounding="up"), 13),
        (QuotaRule(scope="first", first_period="2026Q2"), 13),
    ],
)
def test_the_dialog_says_the_quota_as_the_engine_does(rule, base):
    q = m.Quota(
        base=base,
        from_roster=True,
        allowed=rule.allowed(base),
        used=0,
        rule=rule,
        binds=rule.binds("2026Q4", "2026Q2"),
    )
    assert quota_explanation(q) == q.explanation  # one wording: dialog, error, list and 通报
