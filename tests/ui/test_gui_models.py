"""Item models pass qtmodeltester; the operations layer delivers results on the GUI thread."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QPushButton

from dzdesk.errors import ValidationError
from dzdesk.progress import Cancelled
from ui.models import TASK_KEY_ROLE, AreaScoreModel, EvidenceModel, TaskTreeModel
from ui.operations import Operations, SyncExecutor, error_text

PERIOD = "2026Q4"


def test_models_over_demo_data(qapp, qtmodeltester, demo_store):
    """One test for the three models: building the demo store takes a few seconds."""
    check_task_tree_model(qtmodeltester, demo_store)
    check_area_score_model(qtmodeltester, demo_store)
    check_evidence_model(qtmodeltester, demo_store)


def check_task_tree_model(qtmodeltester, demo_store):
    assessment = demo_store.require(PERIOD)
    model = TaskTreeModel()
    qtmodeltester.check(model)  # empty
    model.set_template(demo_store.template_for(assessment), demo_store.answers(assessment))
    qtmodeltester.check(model)
    index = model.index_for_task("12")
    assert index.data(TASK_KEY_ROLE) == "12" and index.parent().data().startswith("三、")
    assert index.siblingAtColumn(1).data() == "不适用"


def check_area_score_model(qtmodeltester, demo_store):
    model = AreaScoreModel()
    model.set_rows(list(demo_store.score(PERIOD).areas))
    qtmodeltester.check(model)
    assert model.rowCount() == 5 and model.index(0, 0).data() == "建强基本队伍"


def check_evidence_model(qtmodeltester, demo_store):
    assessment = demo_store.require(PERIOD)
    model = EvidenceModel(demo_store.evidence_file)
    model.set_rows(demo_store.evidence(assessment))
    qtmodeltester.check(model)
    pictures = [r for r in range(model.rowCount()) if model.row(r).original_name.endswith(".png")]
    assert pictures, "the demo has photographs"
    assert not model.index(pictures[0], 0).data(Qt.ItemDataRole.DecorationRole).isNull()
    model.read_only = True
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, 1), "x")


def test_operation_runs_off_gui_thread_and_answers_on_it(store, qtbot):
    ops = Operations(store, ThreadPoolExecutor(max_workers=1))
    seen = {}

    def work(s):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        return s.require_profile().name

    with qtbot.waitSignal(ops.idle, timeout=5000):
        ops.op(work).success(lambda name: seen.update(name=name, gui=QThread.currentThread() is QApplication.instance().thread())).run()
    assert seen == {"worker": True, "name": "测试科技有限公司党支部", "gui": True}
    ops.shutdown()


def test_operation_failure_is_one_sentence(store, qtbot):
    ops = Operations(store, SyncExecutor())
    shown = []
    ops.on_error = shown.append
    ops.op(lambda s: s.set_answer(PERIOD, "1", status="done")).run()
    assert shown == ["没有 2026Q4 期间的自评记录。"]
    ops.op(lambda s: 1 / 0).run()
    assert shown[1].startswith("程序内部错误（ZeroDivisionError）") and "Traceback" not in shown[1]
    assert error_text(ValidationError("甲", "a")) == "甲"


def test_progress_dialog_appears_late_and_cancels(store, qtbot):
    ops = Operations(store, ThreadPoolExecutor(max_workers=1))
    outcome = {}

    def slow(_store, progress):
        progress.start(1000, "正在复制…")
        for _ in range(1000):
            time.sleep(0.01)
            progress.step()
        return "finished"

    op = ops.op(slow).with_progress("正在复制…", cancellable=True)
    op.success(lambda r: outcome.update(result=r)).failure(lambda e: outcome.update(error=e))
    op.run()
    qtbot.wait(200)
    assert op._dialog is None  # no flash for short work
    qtbot.waitUntil(lambda: op._dialog is not None and op._dialog.isVisible(), timeout=3000)
    qtbot.mouseClick(op._dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert isinstance(outcome.get("error"), Cancelled)
    assert error_text(outcome["error"]) == "已取消，未写入任何内容。"
    ops.shutdown()
