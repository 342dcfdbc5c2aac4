"""Work off the GUI thread for the committee window: imports and summaries.

The window is disabled while the work runs, so the one database connection is
never used from two threads at once; a progress dialog with a cancel button
appears only after half a second. Tests pass an executor that runs inline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from dzdesk.errors import DzdeskError
from dzdesk.progress import Cancelled, Progress

log = logging.getLogger("dzdesk.ui.committee")
PROGRESS_DELAY_MS = 500


def error_text(exc: BaseException) -> str:
    """The one Chinese sentence a person sees for a failure."""
    if isinstance(exc, DzdeskError):
        return exc.zh
    if isinstance(exc, Cancelled):
        return "已取消。已经导入的文件保留，其余未导入。"
    if isinstance(exc, OSError):
        return f"读写文件失败（{exc.strerror or type(exc).__name__}），请检查磁盘空间和文件权限后重试。"
    return f"程序内部错误（{type(exc).__name__}），详情已写入日志文件。已保存的内容不受影响。"


class BackgroundWork(QObject):
    def __init__(self, window: QWidget, executor: Executor | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="dzdesk-committee")
        self._job: tuple[Future, Progress, Callable[[Any], None], float] | None = None
        self._dialog: QProgressDialog | None = None
        self.after_failure: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def run(self, label: str, fn: Callable[[Progress], Any], done: Callable[[Any], None]) -> None:
        progress = Progress(label=label)
        self.window.setEnabled(False)
        future = self.executor.submit(fn, progress)
        self._job = (future, progress, done, time.monotonic())
        if future.done():
            self._finish()
        else:
            self._timer.start()

    def _poll(self) -> None:
        if self._job is None:
            self._timer.stop()
            return
        future, progress, _done, started = self._job
        if future.done():
            self._finish()
            return
        if self._dialog is None and (time.monotonic() - started) * 1000 >= PROGRESS_DELAY_MS:
            dialog = QProgressDialog(progress.label, "取消", 0, 0, self.window)
            dialog.setWindowTitle("请稍候")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(progress.cancel)
            dialog.show()
            self._dialog = dialog
        if self._dialog is not None:
            self._dialog.setMaximum(progress.total)
            self._dialog.setValue(min(progress.done, progress.total))
            total = f"（{progress.done}/{progress.total}）" if progress.total else ""
            self._dialog.setLabelText(f"{progress.label}{total}")

    def _finish(self) -> None:
        assert self._job is not None
        future, _progress, done, _started = self._job
        self._job = None
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        self.window.setEnabled(True)
        exc = future.exception()
        if exc is None:
            done(future.result())
            return
        if not isinstance(exc, DzdeskError | Cancelled):
            log.error("committee operation failed", exc_info=exc)
        if self.after_failure is not None:
            self.after_failure()
        QMessageBox.warning(self.window, "提示", error_text(exc))

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)
