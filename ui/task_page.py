"""The page for one key task: requirement, status, narrative, evidence, rectification."""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProxyStyle,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from dzdesk.models import Answer
from dzdesk.template import STATUS_LABELS, STATUSES, Task

from .evidence_panel import EvidencePanel
from .i18n import tr
from .models import EvidenceModel
from .status_style import status_icon

NO_DATE = QDate(2000, 1, 1)  # the date edit's "not filled in" value
NEEDS_RECTIFICATION = ("partial", "undone")


def undo_key(event: QKeyEvent) -> str:
    """"undo", "redo" or "" for a key event (Ctrl+Z; Ctrl+Y or Ctrl+Shift+Z and the platform's keys)."""
    if event.matches(QKeySequence.StandardKey.Undo):
        return "undo"
    if event.matches(QKeySequence.StandardKey.Redo):
        return "redo"
    combo = event.keyCombination()
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    if combo.key() == Qt.Key.Key_Y and combo.keyboardModifiers() == ctrl:
        return "redo"
    if combo.key() == Qt.Key.Key_Z and combo.keyboardModifiers() == ctrl | shift:
        return "redo"
    return ""


class SessionUndoKeys(QObject):
    """Sends Ctrl+Z / Ctrl+Y typed in a text field to the session's undo history.

    Text fields normally keep their own undo history and take these keys for
    it, so Ctrl+Z in a field undid only that field's typing while the Edit menu
    undid answers: two histories. Here the field's own history is switched off
    and the keys become ``undoRequested`` / ``redoRequested``; the session then
    saves the pending typing and undoes it as one step, like any other edit.
    """

    undoRequested = Signal()
    redoRequested = Signal()

    def watch(self, widget: QWidget) -> None:
        if isinstance(widget, QPlainTextEdit):
            widget.setUndoRedoEnabled(False)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        which = undo_key(event)
        if not which:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to the field as a key press, not to a menu shortcut
            return True
        (self.undoRequested if which == "undo" else self.redoRequested).emit()
        return True


class LargeIndicatorStyle(QProxyStyle):
    """Status radio buttons with a large circle that grows with the font size."""

    def pixelMetric(self, metric, option=None, widget=None) -> int:  # noqa: ANN001
        if metric in (QStyle.PixelMetric.PM_ExclusiveIndicatorWidth, QStyle.PixelMetric.PM_ExclusiveIndicatorHeight):
            return max(16, QApplication.font().pointSize() * 2)
        return super().pixelMetric(metric, option, widget)


def _label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class TaskPage(QScrollArea):
    """Emits what the person did; the main window passes it on to the session."""

    statusChosen = Signal(str, str)  # key, status
    textEdited = Signal(str, str, str)  # key, field, text
    fieldSet = Signal(str, str, str)  # key, field, value (deadline)
    previousRequested = Signal()
    nextRequested = Signal()
    undoRequested = Signal()
    redoRequested = Signal()

    def __init__(self, evidence_model: EvidenceModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.key = ""
        self._loading = False
        body = QWidget()
        body.setObjectName("taskBody")
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(10)

        self.locked = _label("", "lockedBanner")
        self.locked.hide()
        self.position = _label("", "hint")
        self.title = _label("", "taskTitle")
        self.requirement = _label("", "requirement")
        self.guidance = _label("", "guidance")
        layout.addWidget(self.locked)
        layout.addWidget(self.position)
        layout.addWidget(self.title)
        req_box = QGroupBox(tr("任务要求"))
        QVBoxLayout(req_box).addWidget(self.requirement)
        req_box.layout().addWidget(self.guidance)
        layout.addWidget(req_box)

        status_box = QGroupBox(tr("完成状态（必填，可按 Alt+1 至 Alt+4 选择）"))
        status_row = QHBoxLayout(status_box)
        self.status_group = QButtonGroup(self)
        self.status_buttons: dict[str, QRadioButton] = {}
        status_row.setSpacing(20)
        self._indicator_style = LargeIndicatorStyle()  # kept alive with the page
        for i, status in enumerate(STATUSES, start=1):
            button = QRadioButton(tr(STATUS_LABELS[status]))
            button.setStyle(self._indicator_style)
            button.setToolTip(f"Alt+{i}")
            button.setObjectName(f"status_{status}")
            button.setIcon(status_icon(status))
            self.status_group.addButton(button, i)
            self.status_buttons[status] = button
            status_row.addWidget(button)
        status_row.addStretch(1)
        self.status_group.idClicked.connect(self._status_clicked)
        layout.addWidget(status_box)

        narrative_box = QGroupBox(tr("完成情况"))
        nlayout = QVBoxLayout(narrative_box)
        self.narrative = QPlainTextEdit()
        self.narrative.setObjectName("narrative")
        self.narrative.setPlaceholderText(tr("写明本期做了什么、何时、多少人参加、取得什么效果……"))
        self.narrative.setMinimumHeight(100)
        self.narrative.setMaximumHeight(150)
        self.narrative.setTabChangesFocus(True)
        self.narrative_count = _label("", "hint")
        self.narrative_count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.narrative.textChanged.connect(self._narrative_changed)
        nlayout.addWidget(self.narrative)
        nlayout.addWidget(self.narrative_count)
        layout.addWidget(narrative_box)

        self.rect_box = QGroupBox(tr("整改措施（状态为“部分完成”或“未完成”时必须填写）"))
        self.rect_box.setObjectName("rectification")
        form = QFormLayout(self.rect_box)
        self.problem = QPlainTextEdit()
        self.measures = QPlainTextEdit()
        for edit, field in ((self.problem, "problem"), (self.measures, "measures")):
            edit.setObjectName(field)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(72)
            edit.textChanged.connect(lambda e=edit, f=field: self._text_changed(f, e.toPlainText()))
        self.owner = QLineEdit()
        self.owner.setObjectName("owner")
        self.owner.textEdited.connect(lambda text: self._text_changed("owner", text))
        self.deadline = QDateEdit()
        self.deadline.setObjectName("deadline")
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy年M月d日")
        self.deadline.setMinimumDate(NO_DATE)
        self.deadline.setSpecialValueText(tr("（未填写，请选择日期）"))
        self.deadline.dateChanged.connect(self._deadline_changed)
        self.clear_deadline = QPushButton(tr("清除日期"))
        self.clear_deadline.clicked.connect(lambda: self.deadline.setDate(NO_DATE))
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.deadline)
        deadline_row.addWidget(self.clear_deadline)
        deadline_row.addStretch(1)
        form.addRow(tr("存在问题"), self.problem)
        form.addRow(tr("整改措施 *"), self.measures)
        form.addRow(tr("责任人 *"), self.owner)
        form.addRow(tr("完成时限 *"), deadline_row)
        self.rect_missing = _label("", "warning")
        form.addRow(self.rect_missing)
        layout.addWidget(self.rect_box)

        evidence_box = QGroupBox(tr("佐证材料"))
        self.evidence = EvidencePanel(evidence_model)
        QVBoxLayout(evidence_box).addWidget(self.evidence)
        layout.addWidget(evidence_box)

        self.undo_keys = SessionUndoKeys(self)
        for widget in (self.narrative, self.problem, self.measures, self.owner, self.deadline):
            self.undo_keys.watch(widget)
        self.undo_keys.undoRequested.connect(self.undoRequested)
        self.undo_keys.redoRequested.connect(self.redoRequested)

        nav = QHBoxLayout()
        self.prev_button = QPushButton(tr("← 上一项"))
        self.next_button = QPushButton(tr("下一项 →"))
        self.prev_button.setToolTip(tr("快捷键 Ctrl+PgUp"))
        self.next_button.setToolTip(tr("快捷键 Ctrl+PgDown"))
        self.prev_button.clicked.connect(self.previousRequested)
        self.next_button.clicked.connect(self.nextRequested)
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        layout.addStretch(1)

    # -- showing a task ----------------------------------------------------------
    def show_task(self, task: Task, number: int, total: int, area_name: str, answer: Answer, read_only: bool) -> None:
        self._loading = True
        try:
            self.key = task.key
            self.position.setText(tr("第 {0} 项，共 {1} 项 · {2}").format(number, total, area_name))
            self.title.setText(f"{task.key}. {task.title}")
            self.requirement.setText(task.text)
            examples = "；".join(task.evidence_examples)
            lines = [tr("佐证材料要求：") + task.guidance] if task.guidance else []
            if examples:
                lines.append(tr("佐证材料举例：") + examples)
            guidance = "\n".join(lines)
            self.guidance.setText(guidance)
            self.guidance.setVisible(bool(guidance.strip()))
            self.prev_button.setEnabled(number > 1)
            self.next_button.setEnabled(number < total)
            self.set_read_only(read_only)
            self.show_answer(answer, force=True)
        finally:
            self._loading = False
        self.verticalScrollBar().setValue(0)

    def set_read_only(self, read_only: bool) -> None:
        self.locked.setVisible(read_only)
        self.locked.setText(tr("本期自评已定稿，只能查看。如需修改，请到“审核与定稿”页点击“重新打开”。"))
        for button in self.status_buttons.values():
            button.setEnabled(not read_only)
        for edit in (self.narrative, self.problem, self.measures):
            edit.setReadOnly(read_only)
        self.owner.setReadOnly(read_only)
        self.deadline.setReadOnly(read_only)
        self.clear_deadline.setEnabled(not read_only)
        self.evidence.set_read_only(read_only)

    def show_answer(self, answer: Answer, force: bool = False) -> None:
        """Bring widgets in line with ``answer`` without disturbing the one being typed in."""
        was_loading, self._loading = self._loading, True
        try:
            self.status_group.setExclusive(False)
            for status, button in self.status_buttons.items():
                button.setChecked(status == answer.status)
            self.status_group.setExclusive(True)
            rect = answer.rectification
            for edit, text in ((self.narrative, answer.narrative), (self.problem, rect.problem), (self.measures, rect.measures)):
                if edit.toPlainText() != text:
                    edit.setPlainText(text)
                    if edit.hasFocus():  # undo/redo while typing: keep writing at the end
                        edit.moveCursor(edit.textCursor().MoveOperation.End)
            if self.owner.text() != rect.owner:
                self.owner.setText(rect.owner)
            date = QDate.fromString(rect.deadline, "yyyy-MM-dd") if rect.deadline else NO_DATE
            if self.deadline.date() != date:
                self.deadline.setDate(date)
        finally:
            self._loading = was_loading
        self._update_count()
        self.update_rectification(answer)

    def update_rectification(self, answer: Answer) -> None:
        needed = answer.status in NEEDS_RECTIFICATION
        self.rect_box.setVisible(needed or not answer.rectification.is_empty)
        rect = answer.rectification
        missing = [name for name, value in ((tr("整改措施"), rect.measures), (tr("责任人"), rect.owner), (tr("完成时限"), rect.deadline)) if not value.strip()]
        self.rect_missing.setVisible(needed and bool(missing))
        if missing:
            self.rect_missing.setText(tr("还需填写：{0}。填好前本期不能定稿。").format("、".join(missing)))

    # -- edits -------------------------------------------------------------------
    def _status_clicked(self, button_id: int) -> None:
        if not self._loading and self.key:
            self.statusChosen.emit(self.key, STATUSES[button_id - 1])

    def _narrative_changed(self) -> None:
        self._update_count()
        self._text_changed("narrative", self.narrative.toPlainText())

    def _text_changed(self, field: str, text: str) -> None:
        if not self._loading and self.key:
            self.textEdited.emit(self.key, field, text)

    def _deadline_changed(self, date: QDate) -> None:
        if not self._loading and self.key:
            self.fieldSet.emit(self.key, "deadline", "" if date == NO_DATE else date.toString("yyyy-MM-dd"))

    def _update_count(self) -> None:
        self.narrative_count.setText(tr("已输入 {0} 字").format(len(self.narrative.toPlainText())))
