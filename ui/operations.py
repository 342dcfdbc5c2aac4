"""Run store work off the GUI thread (Anki-style operations).

``Operations`` owns ONE single-thread executor, so writes are serialized and
only that thread touches the store. ``op(fn)`` returns a :class:`Op`; configure
``success``/``failure``/``with_progress``/``blocking`` and call :meth:`Op.run`.
``fn`` receives the store (and a :class:`Progress` when asked) and must never
touch widgets; its result comes back on the GUI thread through a queued signal.
The "store" is whatever the caller passes: the branch ``Store`` or the
committee's ``CommitteeStore``. Tests pass ``SyncExecutor`` so everything
happens inline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from dzdesk.errors import DzdeskError
from dzdesk.progress import Cancelled, Progress

from .i18n import language, tr

if TYPE_CHECKING:  # importing the store pulls in sqlite-utils: keep it off the start-up path
    from PySide6.QtWidgets import QProgressDialog, QWidget

    from dzdesk.store import Store

log = logging.getLogger("dzdesk.ui")
PROGRESS_DELAY_MS = 500


class SyncExecutor(Executor):
    """Runs each job at once on the calling thread (tests, benchmarks)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # delivered to the failure handler like a real executor
            future.set_exception(exc)
        return future


def error_text(exc: BaseException, cancelled: str | None = None) -> str:
    """The one sentence a person sees for a failure (the engine's English one in English mode);
    ``cancelled`` replaces the default cancel sentence for work that keeps what it finished
    before the cancel."""
    if isinstance(exc, DzdeskError):
        return exc.en if language() == "en" and exc.en else exc.zh
    if isinstance(exc, Cancelled):
        return cancelled or tr("已取消，未写入任何内容。")
    if isinstance(exc, OSError):
        return tr("读写文件失败（{0}），请检查磁盘空间和文件权限后重试。").format(exc.strerror or type(exc).__name__)
    return tr("程序内部错误（{0}），详情已写入日志文件。您可以继续使用，已保存的内容不受影响。").format(type(exc).__name__)


class _Bridge(QObject):
    finished = Signal(object, object)  # (Op, Future)


class Operations(QObject):
    """Holds the store and the executor; every store call from the GUI goes through here."""

    idle = Signal()

    def __init__(self, store: Store | None, executor: Executor | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store  # None until the start-up op has opened it on the worker
        self.executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="dzdesk-store")
        self._bridge = _Bridge()
        # Direct when emitted on the GUI thread (SyncExecutor), queued from the worker.
        self._bridge.finished.connect(self._deliver)
        self._pending: list[Future] = []
        self.on_error: Callable[[str], None] | None = None

    def op(self, fn: Callable[..., Any], parent: QWidget | None = None) -> Op:
        return Op(self, fn, parent)

    @property
    def busy(self) -> bool:
        """Work is queued, running, or finished but its result not yet delivered."""
        return bool(self._pending)

    def _submit(self, op: Op) -> Future:
        future = self.executor.submit(self._call, op)
        self._pending.append(future)
        future.add_done_callback(lambda f: self._bridge.finished.emit(op, f))
        return future

    def _call(self, op: Op) -> Any:
        # self.store is read on the worker, after an earlier queued open_store has set it
        if op.progress_obj is not None:
            return op.fn(self.store, op.progress_obj)
        return op.fn(self.store)

    def _deliver(self, op: Op, future: Future) -> None:
        if future in self._pending:
            self._pending.remove(future)
        op._finish(future)
        if not self._pending:
            self.idle.emit()

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until queued work has reached the store and its results were delivered (close)."""
        deadline = time.monotonic() + timeout
        while self._pending and time.monotonic() < deadline:
            try:
                self._pending[0].exception(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:  # timed out; reported by the return value
                break
            # the done-callback posts the result to this thread: deliver it
            QCoreApplication.processEvents()
            if self._pending and self._pending[0].done():
                time.sleep(0.001)
        return not self._pending

    def shutdown(self) -> None:
        self.wait()
        self.executor.shutdown(wait=True)


class Op:
    def __init__(self, ops: Operations, fn: Callable[..., Any], parent: QWidget | None) -> None:
        self.ops = ops
        self.fn = fn
        self.parent = parent
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self.progress_obj: Progress | None = None
        self._label = ""
        self._cancellable = False
        self._counts = False
        self.cancelled_text: str | None = None
        self._blocked: QWidget | None = None
        self._dialog: QProgressDialog | None = None
        self._timer: QTimer | None = None
        self._started = 0.0

    def success(self, fn: Callable[[Any], None]) -> Op:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> Op:
        self._failure = fn
        return self

    def with_progress(
        self, label: str, cancellable: bool = False, *, cancelled_text: str | None = None, counts: bool = False
    ) -> Op:
        """Show a progress dialog if the work lasts over half a second.

        ``cancelled_text`` is the sentence shown when the person cancels (default: nothing was
        written); ``counts`` appends "（done/total）" to the label.
        """
        self.progress_obj = Progress(label=label)
        self._label = label
        self._cancellable = cancellable
        self._counts = counts
        self.cancelled_text = cancelled_text
        return self

    def blocking(self, widget: QWidget) -> Op:
        """Disable ``widget`` until the result is delivered, so nothing it offers can reach the
        store while the worker uses it."""
        self._blocked = widget
        return self

    def run(self) -> Future:
        self._started = time.monotonic()
        if self._blocked is not None:
            self._blocked.setEnabled(False)
        if self.progress_obj is not None:
            self._timer = QTimer()
            self._timer.setInterval(100)
            self._timer.timeout.connect(self._poll)
            self._timer.start()
        return self.ops._submit(self)

    def _poll(self) -> None:
        progress = self.progress_obj
        if progress is None:
            return
        if self._dialog is None:
            from PySide6.QtCore import Qt  # the Qt namespace costs ~30 ms to load: not at start-up
            from PySide6.QtWidgets import QProgressDialog

            if (time.monotonic() - self._started) * 1000 < PROGRESS_DELAY_MS:
                return
            dialog = QProgressDialog(self._label, tr("取消") if self._cancellable else "", 0, 0, self.parent)
            dialog.setWindowTitle(tr("请稍候"))
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            if not self._cancellable:
                dialog.setCancelButton(None)
            dialog.canceled.connect(progress.cancel)
            dialog.show()
            self._dialog = dialog
        if self._dialog.wasCanceled():
            progress.cancel()
        total = max(progress.total, 0)
        self._dialog.setMaximum(min(total, 2**31 - 1) if total else 0)
        if total:
            self._dialog.setValue(int(min(progress.done, total) * (min(total, 2**31 - 1) / total)))
        label = progress.label
        if self._counts and total:
            label += f"（{progress.done}/{total}）"
        if label:
            self._dialog.setLabelText(label)

    def _finish(self, future: Future) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        if self._blocked is not None:
            self._blocked.setEnabled(True)
        exc = future.exception()
        if exc is None:
            if self._success is not None:
                self._success(future.result())
            return
        if not isinstance(exc, DzdeskError | Cancelled):
            log.error("operation failed", exc_info=exc)
        if self._failure is not None:
            self._failure(exc)
        elif self.ops.on_error is not None:
            self.ops.on_error(error_text(exc, self.cancelled_text))
