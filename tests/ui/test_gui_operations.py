"""Operations options used by the committee window: a widget disabled while the work runs,
a cancel sentence of the caller's own, and "（done/total）" counts in the progress label."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from dzdesk.progress import Cancelled
from ui.operations import Operations, SyncExecutor, error_text


def test_blocking_disables_the_widget_until_the_result_is_delivered(store, qtbot):
    ops = Operations(store, ThreadPoolExecutor(max_workers=1))
    widget = QWidget()
    qtbot.addWidget(widget)
    release = threading.Event()
    seen = {}

    def work(s):
        release.wait(5)
        return s.require_profile().name

    ops.op(work, widget).blocking(widget).success(lambda name: seen.update(name=name, enabled=widget.isEnabled())).run()
    assert not widget.isEnabled() and ops.busy
    release.set()
    qtbot.waitUntil(lambda: not ops.busy, timeout=5000)
    assert seen == {"name": "测试科技有限公司党支部", "enabled": True}  # enabled again before the handler
    assert widget.isEnabled()
    ops.shutdown()


def test_blocking_reenables_after_a_failure(store, qtbot):
    ops = Operations(store, SyncExecutor())
    widget = QWidget()
    qtbot.addWidget(widget)
    shown = []
    ops.on_error = lambda text: shown.append((text, widget.isEnabled()))
    ops.op(lambda s: s.set_answer("2026Q4", "1", status="done"), widget).blocking(widget).run()
    assert shown == [("没有 2026Q4 期间的自评记录。", True)]
    assert widget.isEnabled() and not ops.busy


def test_cancelled_text_and_counts(store, qtbot):
    ops = Operations(store, ThreadPoolExecutor(max_workers=1))
    shown = []
    ops.on_error = shown.append

    def slow(_store, progress):
        progress.start(50, "正在导入")
        for i in range(50):
            threading.Event().wait(0.05)
            progress.step(label=f"第{i + 1}个文件")
        return "finished"

    widget = QWidget()
    qtbot.addWidget(widget)
    op = ops.op(slow, widget).with_progress("正在导入", cancellable=True, cancelled_text="已取消，已导入的保留。", counts=True)
    op.run()
    qtbot.waitUntil(lambda: op._dialog is not None and "/50）" in op._dialog.labelText(), timeout=3000)
    assert isinstance(op._dialog, QProgressDialog) and op._dialog.labelText().startswith("第")
    qtbot.mouseClick(op._dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["已取消，已导入的保留。"]
    assert error_text(Cancelled()) == "已取消，未写入任何内容。"  # the default is unchanged
    assert error_text(Cancelled(), "别的说法。") == "别的说法。"
    ops.shutdown()
