"""The committee's identity in the GUI: asked for at first run (name, optional passphrase, then the
new key's fingerprint), editable later in 文件 → 党委信息 (issue 16, item 11)."""

from __future__ import annotations

from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee)
from committee_tour import TODAY
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo

from dzdesk.committee.identity import init_committee, key_files
from dzdesk.committee.store import CommitteeStore
from dzdesk.identity import files_encrypted, files_fingerprint
from ui.committee.info_dialog import CommitteeInfoDialog
from ui.committee.roles import open_committee
from ui.committee.window import CommitteeWindow
from ui.operations import SyncExecutor

NAME = "中共合肥市律师协会委员会"


def _first_run(qtbot, paths) -> tuple[CommitteeWindow, CommitteeInfoDialog]:
    win = open_committee(paths, executor=SyncExecutor(), today=TODAY)
    win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # qtbot deletes it
    qtbot.addWidget(win)
    dialog = win.last_dialog
    assert isinstance(dialog, CommitteeInfoDialog) and dialog.isVisible()
    return win, dialog


def test_first_run_asks_for_the_name_makes_the_key_and_shows_its_fingerprint(qtbot, paths):
    win, dialog = _first_run(qtbot, paths)
    assert dialog.key_box.isVisible() and not dialog.fingerprint_box.isVisible()
    assert dialog.ok_button.text() == "开始使用"
    dialog.submit()
    assert dialog.error.isVisible() and "请填写本党委的名称" in dialog.error.text()
    dialog.name.setText(NAME)
    assert not dialog.error.isVisible()  # typing clears it
    dialog.passphrase.setText("secret-6")
    dialog.passphrase2.setText("secret-7")
    dialog.submit()
    assert "两次输入的密码不一致" in dialog.error.text() and not key_files(paths).folder.exists()
    dialog.passphrase2.setText("secret-6")
    dialog.submit()
    fingerprint = files_fingerprint(key_files(paths))
    assert (
        dialog.isVisible() and dialog.fingerprint_box.isVisible() and not dialog.key_box.isVisible()
    )
    assert (
        dialog.fingerprint.fingerprint() == fingerprint
        and len(dialog.fingerprint.label.text().split()) == 16
    )
    assert QFontInfo(dialog.fingerprint.label.font()).fixedPitch()
    assert dialog.ok_button.text() == "完成" and files_encrypted(key_files(paths))
    dialog.submit()
    assert dialog.result() == CommitteeInfoDialog.DialogCode.Accepted
    assert win.windowTitle().endswith(NAME) and win.identity_hint.isHidden()
    win.close()
    with CommitteeStore(paths) as store:
        assert store.own_identity().name == NAME


def test_later_the_name_can_wait_and_the_window_says_so(qtbot, paths):
    win, dialog = _first_run(qtbot, paths)
    dialog.reject()  # 以后再填
    assert not win.identity_hint.isHidden() and win.isVisible()
    win.identity_hint.linkActivated.emit("#")
    again = win.last_dialog
    assert isinstance(again, CommitteeInfoDialog) and again is not dialog and again.isVisible()
    again.reject()
    win.close()


def test_committee_info_renames_and_keeps_the_key(qtbot, committee):
    first = init_committee(committee, NAME)
    win = CommitteeWindow(committee, executor=SyncExecutor(), today=TODAY)
    qtbot.addWidget(win)
    win.menu_actions["info"].trigger()
    dialog = win.last_dialog
    assert isinstance(dialog, CommitteeInfoDialog)
    assert dialog.name.text() == NAME and dialog.fingerprint.fingerprint() == first.fingerprint
    assert (
        dialog.key_box.isHidden()
        and str(key_files(committee.paths).folder) in dialog.key_note.text()
    )
    assert dialog.ok_button.text() == "保存"
    dialog.name.setText("中共合肥市律师行业委员会")
    dialog.submit()
    assert dialog.result() == CommitteeInfoDialog.DialogCode.Accepted
    renamed = committee.own_identity()
    assert renamed.name == "中共合肥市律师行业委员会" and renamed.fingerprint == first.fingerprint
    assert win.windowTitle().endswith("中共合肥市律师行业委员会")
