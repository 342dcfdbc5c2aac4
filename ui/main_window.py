"""The secretary's main window: task tree, task page / review page, progress and save state."""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray, QItemSelectionModel, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from dzdesk.models import Evidence
from dzdesk.paths import AppPaths
from dzdesk.periods import parse_period

from . import extras
from .appearance import apply_font_size
from .evidence_panel import open_with_system
from .i18n import tr
from .models import TASK_KEY_ROLE, EvidenceModel, TaskTreeModel
from .operations import Operations
from .period_dialog import NewPeriodDialog
from .review_page import ReviewPage
from .session import Session
from .settings import Settings, save_settings
from .task_page import TaskPage


class MainWindow(QMainWindow):
    def __init__(self, ops: Operations, paths: AppPaths, settings: Settings) -> None:
        super().__init__()
        self.ops, self.paths, self.settings = ops, paths, settings
        self.session = Session(ops, self)
        self.current_key = ""
        self.setWindowTitle(tr("dzdesk 党支部建设提升行动自评"))
        self.tree_model = TaskTreeModel(self)
        self.evidence_model = EvidenceModel(self.session.evidence_path, self)
        self.evidence_model.on_caption = lambda ev, text: self.session.set_caption(ev, text)
        self._build()
        self._build_menus()
        self._connect()
        self.restore_geometry()

    # -- layout ------------------------------------------------------------------
    def _build(self) -> None:
        top = QWidget()
        top.setObjectName("periodBar")
        bar = QHBoxLayout(top)
        bar.setContentsMargins(10, 6, 10, 6)
        self.branch_label = QLabel()
        self.branch_label.setObjectName("branchName")
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodCombo")
        self.period_combo.setMinimumWidth(240)
        self.new_period_button = QPushButton(tr("新建期间…"))
        bar.addWidget(self.branch_label)
        bar.addStretch(1)
        bar.addWidget(QLabel(tr("自评期间：")))
        bar.addWidget(self.period_combo)
        bar.addWidget(self.new_period_button)

        self.tree = QTreeView()
        self.tree.setObjectName("taskTree")
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.review_button = QPushButton(tr("审核与定稿 ▸"))
        self.review_button.setObjectName("primary")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 0, 0, 6)
        left_layout.addWidget(self.tree)
        left_layout.addWidget(self.review_button)

        self.task_page = TaskPage(self.evidence_model)
        self.review_page = ReviewPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.task_page)
        self.stack.addWidget(self.review_page)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 900])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.save_label = QLabel(tr("所有修改都会自动保存"))
        self.save_label.setObjectName("saveLabel")
        self.statusBar().addWidget(self.progress_label, 1)
        self.statusBar().addPermanentWidget(self.save_label)

    def _build_menus(self) -> None:
        def action(menu, text: str, slot, shortcut=None) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        file_menu = self.menuBar().addMenu(tr("文件(&F)"))
        action(file_menu, tr("新建期间…"), self.new_period)
        action(file_menu, tr("生成自评报告…"), lambda: extras.make_report(self))
        action(file_menu, tr("导出上报文件…"), lambda: extras.export_bundle(self))
        file_menu.addSeparator()
        action(file_menu, tr("退出"), self.close, QKeySequence.StandardKey.Quit)
        edit_menu = self.menuBar().addMenu(tr("编辑(&E)"))
        self.undo_action = action(edit_menu, tr("撤销"), self.session.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = action(
            edit_menu, tr("重做"), self.session.redo, [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]
        )
        view_menu = self.menuBar().addMenu(tr("查看(&V)"))
        action(view_menu, tr("放大字体"), lambda: self.change_font(+1), [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        action(view_menu, tr("缩小字体"), lambda: self.change_font(-1), QKeySequence("Ctrl+-"))
        view_menu.addSeparator()
        action(view_menu, "中文界面", lambda: self.set_language("zh_CN"))
        action(view_menu, "English (for maintainers)", lambda: self.set_language("en"))
        go_menu = self.menuBar().addMenu(tr("转到(&G)"))
        action(go_menu, tr("上一项"), lambda: self.step(-1), QKeySequence("Ctrl+PgUp"))
        action(go_menu, tr("下一项"), lambda: self.step(+1), QKeySequence("Ctrl+PgDown"))
        action(go_menu, tr("审核与定稿"), self.show_review, QKeySequence("Ctrl+R"))
        help_menu = self.menuBar().addMenu(tr("帮助(&H)"))
        action(help_menu, tr("关于/诊断信息"), lambda: extras.show_about(self))
        action(help_menu, tr("切换到上级党委模式"), lambda: extras.open_committee(self.paths, self))
        for i in range(1, 5):
            QShortcut(QKeySequence(f"Alt+{i}"), self, activated=lambda i=i: self._status_shortcut(i))

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
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.ops.on_error = self.show_error
        self.tree.selectionModel().currentChanged.connect(self._tree_current)
        self.period_combo.activated.connect(self._period_chosen)
        self.new_period_button.clicked.connect(self.new_period)
        self.review_button.clicked.connect(self.show_review)
        p = self.task_page
        p.statusChosen.connect(lambda key, status: s.set_field(key, "status", status))
        p.textEdited.connect(s.type_text)
        p.fieldSet.connect(s.set_field)
        p.previousRequested.connect(lambda: self.step(-1))
        p.nextRequested.connect(lambda: self.step(+1))
        p.evidence.filesChosen.connect(lambda files: s.add_evidence(self.current_key, files, self))
        p.evidence.removeRequested.connect(s.remove_evidence)
        p.evidence.openRequested.connect(self.open_evidence)
        r = self.review_page
        r.taskLinkActivated.connect(self.go_to_task)
        r.finalizeRequested.connect(self.finalize)
        r.reopenRequested.connect(self.reopen)
        r.reportRequested.connect(lambda: extras.make_report(self))
        r.exportRequested.connect(lambda: extras.export_bundle(self))
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old, _new) -> None:
        self.session.flush()  # leaving a field saves what was typed in it

    # -- reacting to the session -----------------------------------------------------
    def _loaded(self) -> None:
        state = self.session.state
        assert state is not None
        self.branch_label.setText(state.profile.display_name)
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for code in reversed(state.periods):
            self.period_combo.addItem(parse_period(code).label, code)
        self.period_combo.setCurrentIndex(self.period_combo.findData(state.assessment.period))
        self.period_combo.blockSignals(False)
        self.tree_model.set_template(state.template, state.answers)
        self.tree.expandAll()
        key = self.current_key if self.current_key in state.template.task_keys else state.template.task_keys[0]
        self.current_key = ""
        if self.stack.currentWidget() is self.review_page:
            self.show_review()
        else:
            self.go_to_task(key)
        self._update_progress()

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
        if self.stack.currentWidget() is self.review_page:
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
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )

    def _tree_current(self, index) -> None:
        key = index.data(TASK_KEY_ROLE) if index.isValid() else None
        if key and (key != self.current_key or self.stack.currentWidget() is not self.task_page):
            self.go_to_task(key)

    def step(self, delta: int) -> None:
        if self.session.state is None:
            return
        keys = self.session.state.template.task_keys
        if self.stack.currentWidget() is self.review_page:
            target = keys[-1] if delta < 0 else keys[0]
        else:
            position = keys.index(self.current_key) + delta if self.current_key in keys else 0
            target = keys[max(0, min(len(keys) - 1, position))]
        self.go_to_task(target)

    def show_review(self) -> None:
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
        if self.stack.currentWidget() is self.task_page and not self.session.read_only:
            self.task_page.status_buttons[("done", "partial", "undone", "na")[number - 1]].click()

    # -- period actions -----------------------------------------------------------------
    def _period_chosen(self, _index: int) -> None:
        code = self.period_combo.currentData()
        if code and code != self.session.period:
            self.session.open_period(code)

    def new_period(self) -> None:
        state = self.session.state
        dialog = NewPeriodDialog(state.periods if state else [], parent=self)
        if dialog.exec():
            self.session.create_period(dialog.period().code, dialog.copy_from())

    def finalize(self) -> None:
        self.session.flush()
        check = self.session.finalize_check()
        if not check.ok:
            self.show_error(tr("还有 {0} 处问题需要处理，请先点击下面的链接逐项完善。").format(len(check.blockers)))
            return
        label = parse_period(self.session.period).label
        answer = QMessageBox.question(
            self, tr("确认定稿"),
            tr("定稿后，{0}的自评将不能再修改，并据此生成签名的自评报告和上报文件。\n\n确定要定稿吗？").format(label),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.session.finalize(on_done=self.show_review)

    def reopen(self) -> None:
        answer = QMessageBox.question(
            self, tr("重新打开"),
            tr("重新打开会生成一个新的草稿版本供修改，已定稿的版本原样保留。\n\n确定要重新打开吗？"),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.session.reopen(on_done=self.show_review)

    def open_evidence(self, evidence: Evidence) -> None:
        try:
            path = extras.viewing_copy(self.session.evidence_path(evidence), evidence)
        except OSError:
            self.show_error(tr("找不到该佐证材料的文件，可能已被删除或移动。"))
            return
        if not open_with_system(path):
            self.show_error(tr("没有可以打开“{0}”的程序，请安装相应软件后再试。").format(evidence.original_name))

    # -- appearance and lifecycle ---------------------------------------------------------
    def change_font(self, delta: int) -> None:
        apply_font_size(QApplication.instance(), self.settings.clamp_font(self.settings.font_pt + delta))
        save_settings(self.paths.settings_file, self.settings)

    def set_language(self, code: str) -> None:
        self.settings.language = code
        save_settings(self.paths.settings_file, self.settings)
        QMessageBox.information(self, "dzdesk", "界面语言将在重新打开程序后切换。\nThe language changes the next time dzdesk starts.")

    def show_error(self, text: str) -> None:
        QMessageBox.warning(self, tr("提示"), text)

    def restore_geometry(self) -> None:
        for name, target in (("main", self.restoreGeometry), ("splitter", self.splitter.restoreState)):
            if value := self.settings.geometry.get(name):
                target(QByteArray(base64.b64decode(value)))

    def save_geometry(self) -> None:
        self.settings.geometry["main"] = base64.b64encode(bytes(self.saveGeometry().data())).decode()
        self.settings.geometry["splitter"] = base64.b64encode(bytes(self.splitter.saveState().data())).decode()
        save_settings(self.paths.settings_file, self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nothing is ever unsaved: commit pending typing and wait for the store to have it.
        self.session.flush()
        self.ops.wait()
        self.save_geometry()
        event.accept()
