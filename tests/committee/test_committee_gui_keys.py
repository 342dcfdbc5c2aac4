"""The key-change dialog: both fingerprints in full, grouped in fours, monospaced, with a copy
button; a pending change is accepted or declined only after confirmation (issue 16, item 12)."""

from __future__ import annotations

from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles)
from committee_tour import TODAY
from PySide6.QtGui import QFontInfo, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from dzdesk.committee.importer import import_bundles
from ui.committee.key_changes import KeyChangesDialog
from ui.committee.window import CommitteeWindow
from ui.operations import SyncExecutor


def _held(committee, fake_bundles, name="甲党支部"):
    first = fake_bundles.make(name)
    second = fake_bundles.make(name, revision=2, key=fake_bundles.new_key(), file=f"{name}-new.dzb")
    import_bundles(committee, [first, second], verify=fake_bundles.verify)
    [change] = committee.key_changes(pending_only=True)
    return change


def _dialog(qtbot, committee) -> tuple[CommitteeWindow, KeyChangesDialog]:
    win = CommitteeWindow(committee, executor=SyncExecutor(), today=TODAY)
    qtbot.addWidget(win)
    win.show()
    win.menu_actions["keys"].trigger()
    dialog = win.last_dialog
    assert isinstance(dialog, KeyChangesDialog) and dialog.isVisible()
    return win, dialog


def test_both_fingerprints_are_shown_in_full_and_can_be_copied(qtbot, committee, fake_bundles):
    change = _held(committee, fake_bundles)
    _win, dialog = _dialog(qtbot, committee)
    for view, fingerprint in (
        (dialog.old_fingerprint, change.old_fingerprint),
        (dialog.new_fingerprint, change.new_fingerprint),
    ):
        label = view.label
        groups = label.text().split()
        assert (
            groups == fingerprint.split() and len(groups) == 16 and all(len(g) == 4 for g in groups)
        )
        assert QFontInfo(label.font()).fixedPitch()
        assert label.isVisible() and label.width() >= label.sizeHint().width()  # nothing cut off
        assert label.visibleRegion().boundingRect().width() >= label.sizeHint().width()
        view.copy_button.click()
        assert QGuiApplication.clipboard().text() == fingerprint
        assert view.copy_button.text() == "已复制"


def test_key_change_is_accepted_only_after_confirmation(
    qtbot, committee, fake_bundles, monkeypatch
):
    change = _held(committee, fake_bundles)
    win, dialog = _dialog(qtbot, committee)
    assert "密钥变更待确认 1 个" in win.counts_label.text()
    assert dialog.accept_button.isEnabled()
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.No
    )
    dialog.accept_button.click()
    assert committee.key_changes(pending_only=True)
    assert (
        " ".join(asked[0].split()).count(change.new_fingerprint) == 1
    )  # the whole new fingerprint is read out
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog.accept_button.click()
    assert not committee.key_changes(pending_only=True) and not dialog.accept_button.isEnabled()
    assert dialog.table.item(0, 4).text() == "已确认"
    dialog.reject()
    assert "密钥变更待确认" not in win.counts_label.text()
    assert win.model.row_at(0).revision == 2


def test_declining_keeps_the_held_bundle_out(qtbot, committee, fake_bundles, monkeypatch):
    _held(committee, fake_bundles)
    win, dialog = _dialog(qtbot, committee)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog.decline_button.click()
    assert dialog.table.item(0, 4).text() == "已拒绝"
    assert [k.decision for k in committee.key_changes()] == ["declined"]
    dialog.reject()
    assert win.model.row_at(0).revision == 1


def test_a_decision_that_fails_says_why_and_shows_the_changes_as_they_are(
    qtbot, committee, fake_bundles, monkeypatch
):
    change = _held(committee, fake_bundles)
    _win, dialog = _dialog(qtbot, committee)
    committee.decide_key_change(change.id, True)  # decided elsewhere (the command line) meanwhile
    warned = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    dialog.decline_button.click()
    assert warned == [f"没有编号为 {change.id} 的待确认密钥变更。"]
    assert dialog.table.item(0, 4).text() == "已确认" and not dialog.decline_button.isEnabled()
