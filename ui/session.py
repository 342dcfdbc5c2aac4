"""The open period as the GUI sees it, and every edit the secretary makes to it.

``Session`` keeps a copy of the period's answers and evidence so views never
read the database; each edit updates that copy at once and queues one
``Store`` call on the operations executor. Typing is debounced (600 ms) and
flushed on focus change, page change and close. Answer edits and evidence
removals go through a ``QUndoStack``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from dzdesk.errors import DzdeskError
from dzdesk.finalize import FinalizeCheck, check_finalize
from dzdesk.models import Answer, Evidence, Rectification
from dzdesk.progress import Cancelled, Progress
from dzdesk.scoring import ScoreResult, score

from .i18n import tr
from .operations import Operations, error_text
from .period_state import PeriodState, load_state

__all__ = ["PeriodState", "Session", "load_state"]

if TYPE_CHECKING:  # the store module (sqlite-utils) is only imported on the operations thread
    from dzdesk.store import Store

TYPING_DEBOUNCE_MS = 600
RECT_FIELDS = ("problem", "measures", "owner", "deadline")


def field_value(answer: Answer, field: str) -> str | None:
    if field in ("status", "narrative"):
        return getattr(answer, field)
    return getattr(answer.rectification, field)


def with_field(answer: Answer, field: str, value: str | None) -> Answer:
    if field in ("status", "narrative"):
        return dataclasses.replace(answer, **{field: value})
    rect: Rectification = dataclasses.replace(answer.rectification, **{field: value or ""})
    return dataclasses.replace(answer, rectification=rect)


class _AnswerEdit(QUndoCommand):
    def __init__(self, session: Session, key: str, field: str, old: str | None, new: str | None) -> None:
        super().__init__(tr("修改第{0}项").format(key))
        self.session, self.key, self.field, self.old, self.new = session, key, field, old, new
        self._first = True

    def redo(self) -> None:
        self.session._apply(self.key, self.field, self.new, reveal=not self._first)
        self._first = False

    def undo(self) -> None:
        self.session._apply(self.key, self.field, self.old, reveal=True)


class _RemoveEvidence(QUndoCommand):
    def __init__(self, session: Session, evidence: Evidence) -> None:
        super().__init__(tr("移除佐证材料“{0}”").format(evidence.original_name))
        self.session, self.evidence = session, evidence
        self._first = True

    def redo(self) -> None:
        self.session._set_removed(self.evidence, True, reveal=not self._first)
        self._first = False

    def undo(self) -> None:
        self.session._set_removed(self.evidence, False, reveal=True)


class Session(QObject):
    loaded = Signal()  # a period (re)loaded: rebuild everything
    answerChanged = Signal(str)  # task key
    evidenceChanged = Signal(str)  # task key
    revealTask = Signal(str)  # undo/redo touched this task: show it
    saveStateChanged = Signal(str)  # indicator text
    error = Signal(str)  # a Chinese sentence for a message box

    def __init__(self, ops: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.state: PeriodState | None = None
        self.undo_stack = QUndoStack(self)
        self._drafts: dict[tuple[str, str], str] = {}
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DEBOUNCE_MS)
        self._typing.timeout.connect(self.flush)
        self._in_flight = 0
        self.last_saved = ""

    # -- reading -------------------------------------------------------------
    @property
    def period(self) -> str:
        return self.state.assessment.period if self.state else ""

    @property
    def read_only(self) -> bool:
        return self.state is None or self.state.assessment.is_finalized

    def answer(self, key: str) -> Answer:
        assert self.state is not None
        answer = self.state.answers.get(key) or Answer(task_key=key)
        for (k, field), text in self._drafts.items():
            if k == key:
                answer = with_field(answer, field, text)
        return answer

    def evidence(self, key: str) -> list[Evidence]:
        assert self.state is not None
        return [e for e in self.state.evidence if e.task_key == key]

    def score(self) -> ScoreResult:
        assert self.state is not None
        return score(self.state.template, self.state.answers, self.state.profile.full_members)

    def finalize_check(self) -> FinalizeCheck:
        assert self.state is not None
        return check_finalize(self.state.template, self.state.answers, self.state.evidence)

    def evidence_path(self, evidence: Evidence) -> Path:
        return self.ops.store.evidence_file(evidence)  # a path computation, no database access

    # -- loading ---------------------------------------------------------------
    def open_period(self, period: str, on_done: Callable[[], None] | None = None) -> None:
        self.flush()

        self.ops.op(lambda store: load_state(store, period)).success(lambda state: self.show_state(state, on_done)).failure(
            self._failed
        ).run()

    def show_state(self, state: PeriodState, on_done: Callable[[], None] | None = None) -> None:
        """Make a loaded period the open one (start-up loads it together with opening the store)."""
        self.state = state
        self.undo_stack.clear()
        self.loaded.emit()
        if on_done:
            on_done()

    def reload(self) -> None:
        if self.state is not None:
            self.open_period(self.period)

    # -- answer edits ----------------------------------------------------------
    def set_field(self, key: str, field: str, value: str | None) -> None:
        """A discrete edit (status, owner, deadline): saved at once, undoable."""
        self._drafts.pop((key, field), None)
        old = field_value(self.state.answers.get(key) or Answer(task_key=key), field) if self.state else None
        if self.read_only or old == value:
            return
        self.undo_stack.push(_AnswerEdit(self, key, field, old, value))

    def type_text(self, key: str, field: str, text: str) -> None:
        """A keystroke in a text field: saved after a pause in typing."""
        if self.read_only:
            return
        self._drafts[(key, field)] = text
        self._set_indicator(tr("正在输入…"))
        self._typing.start()

    def flush(self) -> None:
        """Commit pending typing now (focus change, page change, close)."""
        self._typing.stop()
        drafts, self._drafts = self._drafts, {}
        for (key, field), text in drafts.items():
            self.set_field(key, field, text)
        if drafts and not self._in_flight:
            self._set_indicator(self._saved_text())

    def undo(self) -> None:
        self.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.flush()
        self.undo_stack.redo()

    def _apply(self, key: str, field: str, value: str | None, reveal: bool) -> None:
        assert self.state is not None
        period = self.period
        self.state.answers[key] = with_field(self.state.answers.get(key) or Answer(task_key=key), field, value)
        self.answerChanged.emit(key)
        if reveal:
            self.revealTask.emit(key)
        self._write(lambda store: store.set_answer(period, key, **{field: value}))

    # -- evidence --------------------------------------------------------------
    def add_evidence(self, key: str, files: Sequence[str | Path], parent=None) -> None:
        if self.read_only or not files:
            return
        period = self.period

        def work(store: Store, progress: Progress) -> tuple[list[Evidence], list[str]]:
            added: list[Evidence] = []
            problems: list[str] = []
            for path in files:
                try:
                    added.append(store.add_evidence(period, key, path, progress=progress))
                except (DzdeskError, OSError) as exc:  # one bad file must not stop the rest
                    problems.append(error_text(exc))
            return added, problems

        def done(result: tuple[list[Evidence], list[str]]) -> None:
            added, problems = result
            self._in_flight -= 1
            assert self.state is not None
            known = {e.id for e in self.state.evidence}
            self.state.evidence.extend(e for e in added if e.id not in known)
            self.evidenceChanged.emit(key)
            self._saved()
            if problems:
                self.error.emit("\n".join(problems))

        self._in_flight += 1
        self._set_indicator(tr("正在保存…"))
        op = self.ops.op(work, parent).with_progress(tr("正在复制佐证材料…"), cancellable=True)
        op.success(done).failure(self._write_failed).run()

    def remove_evidence(self, evidence: Evidence) -> None:
        if not self.read_only:
            self.undo_stack.push(_RemoveEvidence(self, evidence))

    def _set_removed(self, evidence: Evidence, removed: bool, reveal: bool) -> None:
        assert self.state is not None
        if removed:
            self.state.evidence = [e for e in self.state.evidence if e.id != evidence.id]
        elif all(e.id != evidence.id for e in self.state.evidence):
            self.state.evidence.append(evidence)
            self.state.evidence.sort(key=lambda e: (e.position, e.id))
        self.evidenceChanged.emit(evidence.task_key)
        if reveal:
            self.revealTask.emit(evidence.task_key)
        if removed:
            self._write(lambda store: store.remove_evidence(evidence.id))
        else:
            self._write(lambda store: store.restore_evidence(evidence.id))

    def set_caption(self, evidence: Evidence, caption: str) -> None:
        assert self.state is not None
        caption = caption.strip()
        if self.read_only or caption == evidence.caption:
            return
        self.state.evidence = [dataclasses.replace(e, caption=caption) if e.id == evidence.id else e for e in self.state.evidence]
        self.evidenceChanged.emit(evidence.task_key)
        self._write(lambda store: store.set_evidence_caption(evidence.id, caption))

    # -- period-level actions -------------------------------------------------------
    def finalize(self, on_done: Callable[[], None] | None = None) -> None:
        self.flush()
        period = self.period
        self.ops.op(lambda store: store.finalize(period)).success(lambda _a: self.open_period(period, on_done)).failure(self._failed).run()

    def reopen(self, on_done: Callable[[], None] | None = None) -> None:
        period = self.period
        self.ops.op(lambda store: store.reopen(period)).success(lambda _a: self.open_period(period, on_done)).failure(self._failed).run()

    def create_period(self, code: str, copy_from: str | None, on_done: Callable[[], None] | None = None) -> None:
        self.flush()
        self.ops.op(lambda store: store.create_assessment(code, copy_from=copy_from)).success(
            lambda a: self.open_period(a.period, on_done)
        ).failure(self._failed).run()

    # -- saving ----------------------------------------------------------------
    def _write(self, fn: Callable[[Store], object]) -> None:
        self._in_flight += 1
        self._set_indicator(tr("正在保存…"))

        def ok(_change: object) -> None:
            self._in_flight -= 1
            self._saved()

        self.ops.op(fn).success(ok).failure(self._write_failed).run()

    def _saved(self) -> None:
        self.last_saved = datetime.now().strftime("%H:%M:%S")
        if not self._in_flight and not self._drafts:
            self._set_indicator(self._saved_text())

    def _saved_text(self) -> str:
        return tr("已自动保存 {0}").format(self.last_saved) if self.last_saved else tr("所有修改都会自动保存")

    def _write_failed(self, exc: BaseException) -> None:
        self._in_flight -= 1
        if isinstance(exc, Cancelled):  # the person asked for it; nothing to explain
            self._set_indicator(self._saved_text())
        else:
            self._failed(exc)
        self.reload()  # show what the store really holds

    def _failed(self, exc: BaseException) -> None:
        self._set_indicator(self._saved_text())
        self.error.emit(error_text(exc))

    def _set_indicator(self, text: str) -> None:
        self.saveStateChanged.emit(text)
