"""The secretary's main window: task tree, task page / review page, progress and save state.

The window is built in two steps so it can be on screen before the store is open:
the frame (``MainFrame`` in ui/main_frame.py: period bar, status bar, a
"正在打开自评记录…" page, geometry; plus the menus) in ``__init__``, and the body
(task tree, task page, session) in ``ensure_body()``, which pulls in the heavier
modules. ``MainWindow(..., deferred=False)`` (the default) does both. The review
page is built the first time it is shown.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from dzdesk.paths import AppPaths

from .appearance import style_widgets
from .i18n import tr
from .main_frame import MainFrame
from .operations import Operations
from .settings import Settings

if TYPE_CHECKING:
    from dzdesk.models import Evidence

    from .review_page import ReviewPage
    from .session import Session


class MainWindow(MainFrame):
    def __init__(self, ops: Operations, paths: AppPaths, settings: Settings, *, deferred: bool = False) -> None:
        super().__init__(ops, paths, settings)
        self.session: Session | None = None
        self._review: ReviewPage | None = None
        self.current_key = ""
        self.closed = False
        self._build_menus()
        self.restore_geometry()
        if not deferred:
            self.ensure_body()

    # -- the body: task tree, task page, session ---------------------------------------
    def ensure_body(self) -> None:
        """Build the task tree, task page and session (once)."""
        if self.session is not None:
            return
        from PySide6.QtWidgets import QHeaderView, QSplitter, QTreeView

        from .models import EvidenceModel, RoomyRowDelegate, TaskTreeModel
        from .session import Session
        from .task_page import TaskPage

        self.session = Session(self.ops, self)
        self.tree_model = TaskTreeModel(self)
        self.evidence_model = EvidenceModel(self.session.evidence_path, self)
        self.evidence_model.on_caption = lambda ev, text: self.session.set_caption(ev, text)
        self.tree = QTreeView()
        self.tree.setObjectName("taskTree")
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setItemDelegate(RoomyRowDelegate(self.tree))
        self.tree.setAllColumnsShowFocus(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.review_button = QPushButton(tr("审核与定稿"))
        self.review_button.setObjectName("primary")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 0, 0, 6)
        left_layout.addWidget(self.tree)
        left_layout.addWidget(self.review_button)

        self.task_page = TaskPage(self.evidence_model)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.task_page)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 900])
        if value := self.settings.geometry.get("splitter"):
            self.splitter.restoreState(QByteArray(base64.b64decode(value)))
        self.outer.addWidget(self.splitter)
        style_widgets(self.splitter)
        self._connect()
        self.new_period_button.setEnabled(True)

    @property
    def review_page(self) -> ReviewPage:
        """Built on first use: most sessions never open it."""
        if self._review is None:
            from .review_page import ReviewPage

            self._review = ReviewPage()
            style_widgets(self._review)
            self.stack.addWidget(self._review)
            r = self._review
            r.taskLinkActivated.connect(self.go_to_task)
            r.finalizeRequested.connect(self.finalize)
            r.reopenRequested.connect(self.reopen)
            r.reportRequested.connect(lambda: self._extras().make_report(self))
            r.exportRequested.connect(lambda: self._extras().export_bundle(self))
        return self._review

    def _on_review(self) -> bool:
        return self._review is not None and self.stack.currentWidget() is self._review

    @staticmethod
    def _extras():
        from . import extras

        return extras

    def _build_menus(self) -> None:
        from .menus import build_menus

        build_menus(self)

    def _connect(self) -> None:
        s = self.session
        s.loaded.connect(self._loaded)
        s.answerChanged.connect(self._answer_changed)
        s.evidenceChanged.connect(self._evidence_changed)
        s.revealTask.connect(self.go_to_task)
        s.saveStateChanged.connect(self.save_label.setText)
        s.error.connect(self.show_error)
        s.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        s.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.ops.on_error = self.show_error
        self.tree.selectionModel().currentChanged.connect(self._tree_current)
        self.period_combo.activated.connect(self._period_chosen)
        self.new_period_button.clicked.connect(self.new_period)
        self.review_button.clicked.connect(self.show_review)
        p = self.task_page
        p.statusChosen.connect(lambda key, status: s.set_field(key, "status", status))
        p.textEdited.connect(s.type_text)
        p.fieldSet.connect(s.set_field)
        p.undoRequested.connect(self.undo)
        p.redoRequested.connect(self.redo)
        p.previousRequested.connect(lambda: self.step(-1))
        p.nextRequested.connect(lambda: self.step(+1))
        p.evidence.filesChosen.connect(lambda files: s.add_evidence(self.current_key, files, self))
        p.evidence.removeRequested.connect(s.remove_evidence)
        p.evidence.openRequested.connect(self.open_evidence)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old, _new) -> None:
        self.session.flush()  # leaving a field saves what was typed in it

    def undo(self) -> None:
        if self.session is not None:
            self.session.undo()

    def redo(self) -> None:
        if self.session is not None:
            self.session.redo()

    # -- reacting to the session -----------------------------------------------------
    def _loaded(self) -> None:
        state = self.session.state
        assert state is not None
        from PySide6.QtCore import Qt

        from .period_dialog import period_choice_label, period_choice_tip

        self.branch_label.setText(state.profile.display_name)
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for code in reversed(state.periods):
            latest = state.latest.get(code)
            self.period_combo.addItem(period_choice_label(code, latest), code)
            tip = period_choice_tip(latest)
            if tip:
                self.period_combo.setItemData(self.period_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.period_combo.setCurrentIndex(self.period_combo.findData(state.assessment.period))
        self.period_combo.blockSignals(False)
        self.tree_model.set_template(state.template, state.answers)
        self.tree.expandAll()
        key = self.current_key if self.current_key in state.template.task_keys else state.template.task_keys[0]
        self.current_key = ""
        if self._on_review():
            self.show_review()
        else:
            self.go_to_task(key)
        self._update_progress()
        self.outer.setCurrentWidget(self.splitter)

    def _answer_changed(self, key: str) -> None:
        answer = self.session.answer(key)
        self.tree_model.update_answer(answer)
        if key == self.current_key:
            self.task_page.show_answer(answer)
        self._update_progress()

    def _evidence_changed(self, key: str) -> None:
        if key == self.current_key:
            # setData may still be on the stack (caption editing): reset the model afterwards
            QTimer.singleShot(0, lambda: self.evidence_model.set_rows(self.session.evidence(self.current_key)))
        self._update_progress()

    def _update_progress(self) -> None:
        if self.session.state is None:
            return
        result = self.session.score()
        text = tr("已填写 {0}/{1} 项 · 当前得分 {2:g} 分 · 建议等次 {3}").format(
            result.answered, result.task_count, result.total, result.grade_text
        )
        if self.session.read_only:
            text += tr(" · 已定稿（只读）")
        self.progress_label.setText(text)
        if self._on_review():
            self._refresh_review()

    # -- navigation ----------------------------------------------------------------
    def go_to_task(self, key: str) -> None:
        state = self.session.state
        if state is None:
            return
        self.session.flush()
        template = state.template
        keys = template.task_keys
        task = template.task(key)
        self.current_key = key
        self.task_page.show_task(
            task, keys.index(key) + 1, len(keys), template.area(task.area_key).name,
            self.session.answer(key), self.session.read_only,
        )
        self.evidence_model.set_rows(self.session.evidence(key))
        self.stack.setCurrentWidget(self.task_page)
        index = self.tree_model.index_for_task(key)
        if self.tree.currentIndex() != index:
            from PySide6.QtCore import QItemSelectionModel

            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )

    def _tree_current(self, index) -> None:
        from .models import TASK_KEY_ROLE

        key = index.data(TASK_KEY_ROLE) if index.isValid() else None
        if key and (key != self.current_key or self.stack.currentWidget() is not self.task_page):
            self.go_to_task(key)

    def step(self, delta: int) -> None:
        if self.session is None or self.session.state is None:
            return
        keys = self.session.state.template.task_keys
        if self._on_review():
            target = keys[-1] if delta < 0 else keys[0]
        else:
            position = keys.index(self.current_key) + delta if self.current_key in keys else 0
            target = keys[max(0, min(len(keys) - 1, position))]
        self.go_to_task(target)

    def show_review(self) -> None:
        if self.session is None or self.session.state is None:
            return
        self.session.flush()
        self.tree.selectionModel().clearSelection()
        self._refresh_review()
        self.stack.setCurrentWidget(self.review_page)

    def _refresh_review(self) -> None:
        state = self.session.state
        if state is not None:
            self.review_page.show_review(
                state.assessment, self.session.finalize_check(), self.session.score(), state.template.rubric.note
            )

    def _status_shortcut(self, number: int) -> None:
        if self.session is not None and self.stack.currentWidget() is self.task_page and not self.session.read_only:
            self.task_page.status_buttons[("done", "partial", "undone", "na")[number - 1]].click()

    # -- period actions -----------------------------------------------------------------
    def _period_chosen(self, _index: int) -> None:
        code = self.period_combo.currentData()
        if code and code != self.session.period:
            self.session.open_period(code)

    def new_period(self) -> None:
        if self.session is None or self.session.state is None:
            return
        from .period_dialog import NewPeriodDialog

        state = self.session.state
        dialog = NewPeriodDialog(state.periods if state else [], parent=self)
        if dialog.exec():
            self.session.create_period(dialog.period().code, dialog.copy_from())

    def finalize(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # not needed to put the window up

        self.session.flush()
        check = self.session.finalize_check()
        if not check.ok:
            self.show_error(tr("还有 {0} 处问题需要处理，请先点击下面的链接逐项完善。").format(len(check.blockers)))
            return
        from dzdesk.periods import parse_period

        label = parse_period(self.session.period).label
        answer = QMessageBox.question(
            self, tr("确认定稿"),
            tr("定稿后，{0}的自评将不能再修改，并据此生成签名的自评报告和上报文件。\n\n确定要定稿吗？").format(label),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.session.finalize(on_done=self.show_review)

    def reopen(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # not needed to put the window up

        answer = QMessageBox.question(
            self, tr("重新打开"),
            tr("重新打开会生成一个新的草稿版本供修改，已定稿的版本原样保留。\n\n确定要重新打开吗？"),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.session.reopen(on_done=self.show_review)

    def open_evidence(self, evidence: Evidence) -> None:
        from .evidence_panel import open_with_system

        extras = self._extras()
        try:
            path = extras.viewing_copy(self.session.evidence_path(evidence), evidence)
        except OSError:
            self.show_error(tr("找不到该佐证材料的文件，可能已被删除或移动。"))
            return
        if not open_with_system(path):
            self.show_error(tr("没有可以打开“{0}”的程序，请安装相应软件后再试。").format(evidence.original_name))

    # -- lifecycle ---------------------------------------------------------------------
    def save_geometry(self) -> None:
        if self.session is not None:
            self.settings.geometry["splitter"] = base64.b64encode(bytes(self.splitter.saveState().data())).decode()
        super().save_geometry()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nothing is ever unsaved: commit pending typing and wait for the store to have it.
        self.closed = True  # results arriving while we wait must not start anything new
        if self.session is not None:
            self.session.flush()
        self.ops.wait()
        self.save_geometry()
        event.accept()
