"""Start-up: the window is on screen before the store is open, then fills in (real threads)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from PySide6.QtWidgets import QDialog, QMessageBox

from dzdesk.store import Store
from ui.app import prepare_app
from ui.operations import SyncExecutor
from ui.settings import load_settings
from ui.setup_dialog import SetupDialog
from ui.startup import BranchLauncher

TODAY = date(2026, 11, 28)
PERIOD = "2026Q4"


def _launcher(qtbot, paths, executor) -> BranchLauncher:
    _app, settings = prepare_app(paths)
    launcher = BranchLauncher(paths, settings, executor, today=TODAY)
    qtbot.addWidget(launcher.window)
    return launcher


def test_frame_first_then_the_period(store, paths, qtbot, messages):
    store.ensure_assessment(PERIOD)
    store.set_answer(PERIOD, "3", status="done")
    executor = ThreadPoolExecutor(max_workers=1)
    gate = threading.Event()
    executor.submit(gate.wait, 10)  # hold the store thread: the window must not wait for it
    launcher = _launcher(qtbot, paths, executor)
    window = launcher.window
    launcher.start()
    assert window.isVisible() and window.outer.currentWidget() is window.loading_page
    assert window.loading_label.text() == "正在打开自评记录…" and window.loading_label.isVisible()
    assert launcher.ops.store is None
    assert window.session is None or window.session.state is None
    window.step(+1)  # keys and menus do nothing harmful while loading
    window.show_review()
    window.undo()
    window.new_period()
    from ui import extras

    extras.make_report(window)  # the File menu's report and export entries, too
    extras.export_bundle(window)
    assert not window.undo_action.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: window.session is not None and window.session.state is not None, timeout=10000)
    assert window.outer.currentWidget() is window.splitter
    assert window.session.period == PERIOD and window.period_combo.currentData() == PERIOD
    assert window.task_page.key == "1" and window.task_page.isVisible()
    assert window.tree_model.index_for_task("3").siblingAtColumn(1).data() == "已完成"
    assert "已填写 1/19 项" in window.progress_label.text()
    assert messages.log == []
    window.close()
    launcher.finish()


def test_new_quarter_is_created_after_the_question(store, paths, qtbot, messages):
    store.create_assessment("2026Q3")
    store.set_answer("2026Q3", "5", narrative="发展对象2名")
    launcher = _launcher(qtbot, paths, ThreadPoolExecutor(max_workers=1))
    launcher.start()
    window = launcher.window
    qtbot.waitUntil(lambda: window.session is not None and window.session.state is not None, timeout=10000)
    assert any("是否从上一期（2026年第三季度）复制" in t for t in messages.texts("question"))
    assert window.session.period == PERIOD
    assert store.answers(store.require(PERIOD))["5"].narrative == "发展对象2名"
    window.close()
    launcher.finish()


def test_quarter_created_elsewhere_while_asking_is_opened_not_refused(store, paths, qtbot, messages, monkeypatch):
    """The person leaves "copy forward?" open; meanwhile the command line creates the quarter."""
    store.create_assessment("2026Q3")
    store.set_answer("2026Q3", "5", narrative="上期内容")

    def meanwhile(*_args, **_kwargs):
        with Store(paths) as other:  # a second connection, as `dzdesk` on the command line would be
            other.create_assessment(PERIOD)
            other.set_answer(PERIOD, "7", narrative="命令行写入")
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(meanwhile))
    launcher = _launcher(qtbot, paths, SyncExecutor())
    launcher.start()
    window = launcher.window
    assert launcher.exit_code is None and messages.log == []
    assert window.session.period == PERIOD and window.outer.currentWidget() is window.splitter
    assert window.session.answer("7").narrative == "命令行写入"
    assert window.session.answer("5").narrative in (None, "")  # nothing copied over the other's quarter
    assert [a.revision for a in store.assessments() if a.period == PERIOD] == [1]
    window.close()
    launcher.finish()


def test_first_run_setup_appears_over_the_window(paths, qtbot, monkeypatch, type_text, messages):
    def run_setup(dialog: SetupDialog) -> int:
        assert dialog.parent() is launcher.window and launcher.window.isVisible()
        type_text(dialog.name, "星火科技有限公司党支部")
        type_text(dialog.committee, "中共高新区综合委员会")
        type_text(dialog.secretary, "王五")
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(SetupDialog, "exec", run_setup)
    launcher = _launcher(qtbot, paths, SyncExecutor())
    launcher.start()
    window = launcher.window
    assert launcher.exit_code is None
    assert window.session.period == PERIOD and window.session.state.profile.secretary == "王五"
    assert window.outer.currentWidget() is window.splitter
    window.close()
    assert load_settings(paths.settings_file).mode == "branch"
    launcher.finish()


def test_first_run_cancelled_ends_quietly_and_writes_nothing(paths, qtbot, monkeypatch):
    monkeypatch.setattr(SetupDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    launcher = _launcher(qtbot, paths, SyncExecutor())
    launcher.start()
    assert launcher.exit_code == 0 and not launcher.window.isVisible()
    launcher.finish()
    with Store(paths) as store:
        assert store.profile() is None and store.assessments() == []


def test_window_closed_before_the_store_answers(paths, qtbot, monkeypatch):
    """First run (no profile), but the person closed the window while the store was opening."""
    shown = []
    monkeypatch.setattr(SetupDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Rejected)
    executor = ThreadPoolExecutor(max_workers=1)
    gate = threading.Event()
    executor.submit(gate.wait, 10)
    launcher = _launcher(qtbot, paths, executor)
    launcher.start()
    gate.set()
    launcher.window.close()  # waits for the queued open; its answer must not pop up a dialog
    qtbot.wait(100)
    assert shown == [] and launcher.window.closed and not launcher.window.isVisible()
    launcher.finish()
