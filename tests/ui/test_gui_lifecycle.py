"""Periods and their life: first run, copy forward, finalize blocked then allowed, reopen."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from dzdesk.identity import has_identity, key_is_encrypted
from dzdesk.store import Store
from ui.app import prepare_app
from ui.operations import Operations, SyncExecutor
from ui.period_dialog import NewPeriodDialog
from ui.setup_dialog import SetupDialog
from ui.startup import BranchLauncher

PERIOD = "2026Q4"
TODAY = date(2026, 11, 28)


def _start(qtbot, paths, settings, today: date | None = TODAY) -> BranchLauncher:
    """Start the way ``dzdesk`` does (window first, then the store), with every step inline."""
    launcher = BranchLauncher(paths, settings, SyncExecutor(), today=today)
    qtbot.addWidget(launcher.window)
    launcher.start()
    return launcher


def _fill_setup(dialog: SetupDialog, qtbot, type_text, passphrase: str = "") -> None:
    type_text(dialog.name, "星火科技有限公司党支部")
    type_text(dialog.committee, "中共高新区综合委员会")
    type_text(dialog.secretary, "王五")
    dialog.full_members.setValue(9)
    if passphrase:
        qtbot.keyClicks(dialog.passphrase, passphrase)
        qtbot.keyClicks(dialog.passphrase2, passphrase)


def test_setup_dialog_creates_profile_and_identity(paths, qtbot, type_text):
    prepare_app(paths)
    with Store(paths) as store:
        dialog = SetupDialog(Operations(store, SyncExecutor()), paths)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
        assert dialog.error.isVisible() and dialog.error.text() == "请填写“党支部名称”。"
        assert store.profile() is None and not has_identity(paths)
        _fill_setup(dialog, qtbot, type_text, passphrase="abc")
        qtbot.keyClicks(dialog.passphrase2, "x")
        dialog.submit()
        assert "不一致" in dialog.error.text() and store.profile() is None
        dialog.passphrase2.setText("abc")
        dialog.submit()
        assert "至少需要 6 个字符" in dialog.error.text()
        dialog.passphrase.setText("secret-7")
        dialog.passphrase2.setText("secret-7")
        dialog.submit()
        assert dialog.result() == QDialog.DialogCode.Accepted and dialog.mode == "branch"
        profile = store.profile()
        assert profile.name == "星火科技有限公司党支部" and profile.full_members == 9
        assert has_identity(paths) and key_is_encrypted(paths)


def test_first_run_then_second_run_goes_straight_to_current_quarter(paths, qtbot, monkeypatch, type_text):
    _app, settings = prepare_app(paths)

    def run_setup(dialog: SetupDialog) -> int:
        qtbot.addWidget(dialog)
        _fill_setup(dialog, qtbot, type_text)
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(SetupDialog, "exec", run_setup)
    launcher = _start(qtbot, paths, settings)
    window = launcher.window
    assert launcher.exit_code is None and window.isVisible()
    assert window.session.period == PERIOD and window.session.state.profile.secretary == "王五"
    assert has_identity(paths) and not key_is_encrypted(paths)
    window.close()
    launcher.finish()

    def must_not_run(_dialog) -> int:
        raise AssertionError("setup shown on the second run")

    monkeypatch.setattr(SetupDialog, "exec", must_not_run)
    launcher = _start(qtbot, paths, settings)
    second = launcher.window
    assert launcher.exit_code is None
    assert second.session.period == PERIOD
    assert second.session.state.periods == [PERIOD]
    second.close()
    launcher.finish()


def test_setup_cancelled_writes_nothing(paths, qtbot, monkeypatch):
    _app, settings = prepare_app(paths)
    monkeypatch.setattr(SetupDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    launcher = _start(qtbot, paths, settings, today=None)
    # no branch window stays open and the program ends: what open_branch_window's None meant
    assert launcher.exit_code == 0 and launcher.other_window is None
    assert launcher.window.closed and not launcher.window.isVisible()
    launcher.finish()
    with Store(paths) as store:
        assert store.profile() is None and store.assessments() == []


def test_new_quarter_copies_forward_on_start(make_window, store, messages):
    store.create_assessment("2026Q3")
    store.set_answer("2026Q3", "5", status="partial", narrative="发展对象2名", measures="加强培养", owner="张三", deadline="2026-12-31")
    window = make_window(store)  # today is in 2026Q4, which does not exist yet
    assert any("是否从上一期（2026年第三季度）复制" in t for t in messages.texts("question"))
    copied = store.answers(store.require(PERIOD))["5"]
    assert copied.narrative == "发展对象2名" and copied.status is None  # status must be confirmed again
    window.go_to_task("5")
    assert window.task_page.narrative.toPlainText() == "发展对象2名"
    assert window.task_page.measures.toPlainText() == "加强培养"


def test_new_quarter_without_copy(make_window, store, messages):
    store.create_assessment("2026Q3")
    store.set_answer("2026Q3", "5", narrative="旧内容")
    messages.answer = QMessageBox.StandardButton.No
    make_window(store)
    assert store.answers(store.require(PERIOD)) == {}


def test_new_period_dialog_copy_forward(make_window, store, monkeypatch, qtbot):
    window = make_window(store)
    window.session.set_field("7", "narrative", "设立党小组3个")

    def choose(dialog: NewPeriodDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.kind.setCurrentIndex(1)  # 半年
        dialog.year.setValue(2027)
        dialog.number.setCurrentIndex(0)  # 上半年
        assert dialog.copy.isChecked() and dialog.source.currentData() == PERIOD
        dialog._check()
        return dialog.result()

    monkeypatch.setattr(NewPeriodDialog, "exec", choose)
    qtbot.mouseClick(window.new_period_button, Qt.MouseButton.LeftButton)
    assert window.session.period == "2027H1"
    assert store.answers(store.require("2027H1"))["7"].narrative == "设立党小组3个"
    assert window.period_combo.currentText() == "2027年上半年"
    window.period_combo.setCurrentIndex(window.period_combo.findData(PERIOD))
    window.period_combo.activated.emit(window.period_combo.currentIndex())
    assert window.session.period == PERIOD


def test_new_period_dialog_refuses_existing(qtbot):
    dialog = NewPeriodDialog(["2026Q4"], today=date(2026, 11, 28))
    qtbot.addWidget(dialog)
    dialog._check()
    assert dialog.error.text() == "2026年第四季度的自评已经存在，请在顶部的期间列表中选择它。"
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_finalize_blocked_then_allowed_then_reopen(make_window, store, messages, qtbot):
    window = make_window(store)
    window.show_review()
    review = window.review_page
    assert not review.finalize_button.isEnabled()
    assert review.blockers.text().count("<li>") == 19
    window.finalize()
    assert "还有 19 处问题" in messages.texts("warning")[-1]
    assert not store.require(PERIOD).is_finalized
    for key in window.session.state.template.task_keys:
        window.session.set_field(key, "status", "done")
    assert review.finalize_button.isEnabled()
    assert review.warnings_box.isVisible()  # done without evidence: a reminder, not a blocker
    messages.answer = QMessageBox.StandardButton.No
    qtbot.mouseClick(review.finalize_button, Qt.MouseButton.LeftButton)
    assert not store.require(PERIOD).is_finalized
    messages.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(review.finalize_button, Qt.MouseButton.LeftButton)
    assert store.require(PERIOD).is_finalized
    assert window.session.read_only and "已定稿" in review.state_label.text()
    assert review.reopen_button.isVisible() and not review.finalize_button.isVisible()
    assert "已定稿（只读）" in window.progress_label.text()
    qtbot.mouseClick(review.reopen_button, Qt.MouseButton.LeftButton)
    current = store.require(PERIOD)
    assert current.revision == 2 and not current.is_finalized
    assert store.revision(PERIOD, 1).is_finalized
    assert not window.session.read_only and "第2版" in review.state_label.text()
    window.go_to_task("1")
    assert window.task_page.status_buttons["done"].isChecked() and window.task_page.status_buttons["done"].isEnabled()


def test_report_and_export_explain_when_missing(make_window, store, messages, monkeypatch):
    from ui import extras

    monkeypatch.setattr(extras, "_optional", lambda name: None)
    window = make_window(store)
    window.review_page.report_button.click()
    window.review_page.export_button.click()
    texts = messages.texts("warning")
    assert "本版本尚未包含“生成自评报告”功能" in texts[0]
    assert "本版本尚未包含“导出上报文件”功能" in texts[1]


def test_committee_and_about_explain_when_missing(make_window, store, messages, monkeypatch):
    from ui import extras

    monkeypatch.setattr(extras, "_optional", lambda name: None)
    window = make_window(store)
    extras.open_committee(window.paths, window)
    extras.show_about(window)
    assert "尚未包含上级党委（委员会）模式" in messages.texts("information")[0]
    assert "尚未包含诊断信息页面" in messages.texts("information")[1]


def test_first_run_committee_choice_is_remembered(paths, qtbot, monkeypatch):
    from ui.committee.window import CommitteeWindow
    from ui.settings import load_settings

    _app, settings = prepare_app(paths)

    def choose_committee(dialog: SetupDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.committee_radio.setChecked(True)
        assert dialog.form_box.isHidden()
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(SetupDialog, "exec", choose_committee)
    launcher = _start(qtbot, paths, settings, today=None)
    # the branch window goes away; the committee window carries on (so no exit code)
    assert launcher.window.closed and not launcher.window.isVisible()
    committee = launcher.other_window  # deletes itself on close, so not left to qtbot
    try:
        assert isinstance(committee, CommitteeWindow) and committee.isVisible()
        assert launcher.exit_code is None
    finally:
        if committee is not None:
            committee.close()
    launcher.finish()
    assert load_settings(paths.settings_file).mode == "committee"
    with Store(paths) as store:
        assert store.profile() is None  # nothing written for a branch
