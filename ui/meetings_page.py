"""The 组织生活 page: a period's meeting records, a per-type due/held strip, add, edit, remove (undoable).

A standalone widget over :class:`~ui.operations.Operations` (the page registry of the
branch window plugs it in): every store call runs in ``ops.op(...)``; the page shows
what :func:`load_meetings` read in one go, and prints 签到表 / 会议记录 PDFs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dzdesk.orglife.check import MeetingCheck, TypeCheck, check_meetings, period_start, window
from dzdesk.orglife.models import Meeting, minutes_title, percent
from dzdesk.orglife.policy import MeetingPolicy
from dzdesk.orglife.roster import Roster
from dzdesk.periods import parse_period
from dzdesk.progress import Progress

from .appearance import style_widgets
from .i18n import language, tr
from .meeting_dialog import MeetingDialog, MeetingEdit
from .operations import Operations, error_text
from .orglife_models import MeetingTableModel
from .sheet_dialog import SheetDialog

if TYPE_CHECKING:
    from dzdesk.store import Store

OVERDUE_COLOUR = "#b00020"


@dataclass(frozen=True)
class MeetingsView:
    period: str
    label: str
    meetings: tuple[Meeting, ...]  # the period's records, by date
    check: MeetingCheck
    roster: Roster
    policy: MeetingPolicy


def load_meetings(store: Store, period: str, today: date) -> MeetingsView:
    """The page's data in one read: the year up to the period's end feeds both the list and the check."""
    code = parse_period(period)
    first, last = window(code)
    meetings = store.meetings.between(first.isoformat(), last.isoformat())
    roster = store.members.roster()
    policy = store.meetings.policy()
    profile = store.profile()
    check = check_meetings(
        policy,
        code,
        meetings,
        roster,
        today,
        committee=store.meetings.committee_setting(),
        full_members=profile.full_members if profile else None,
    )
    start = period_start(code).isoformat()
    return MeetingsView(
        code.code, code.label, tuple(m for m in meetings if m.date >= start), check, roster, policy
    )


def strip_item(t: TypeCheck) -> str:
    """One type in the strip: 主题党日 2/3, 谈心谈话 12/15人, 组织生活会 本年0/1, 党课 0/1 逾期."""
    span = {"year": tr("本年"), "half": tr("本半年"), "quarter": tr("本季")}.get(t.pending_span, "")
    counts = (tr("{0}/{1}人") if t.per_member else "{0}/{1}").format(t.met, t.required)
    return f"{tr(t.name)} {span}{counts}" + (tr(" 逾期") if t.overdue else "")


def strip_html(check: MeetingCheck) -> str:
    """The per-type due/held strip, the overdue ones in red."""
    parts = []
    for t in check.applicable:
        text = escape(strip_item(t))
        parts.append(
            f'<span style="color:{OVERDUE_COLOUR}; font-weight:bold">{text}</span>'
            if t.overdue
            else text
        )
    return " · ".join(parts)


def _save_edit(
    store: Store, meeting_id: int | None, edit: MeetingEdit, progress: Progress
) -> Meeting:
    """Save what the dialog returned: one record, its attendance and attachments, all or nothing."""
    if meeting_id is None:
        return store.meetings.add(edit.meeting, files=edit.new_files, progress=progress)
    with store.batch():
        store.meetings.update(meeting_id, edit.meeting)
        for attachment_id in edit.removed_attachments:
            store.meetings.remove_attachment(attachment_id)
        for path in edit.new_files:
            store.meetings.add_attachment(meeting_id, path, progress=progress)
    return store.meetings.get(meeting_id)


class _RemoveMeeting(QUndoCommand):
    def __init__(self, page: MeetingsPage, meeting: Meeting) -> None:
        super().__init__(tr("删除会议记录“{0}”").format(meeting.topic))
        self.page, self.meeting = page, meeting

    def redo(self) -> None:
        self.page._write(lambda store: store.meetings.remove(self.meeting.id))

    def undo(self) -> None:
        self.page._write(lambda store: store.meetings.restore(self.meeting.id))


class MeetingsPage(QWidget):
    changed = Signal()  # a record was added, edited or removed

    def __init__(
        self, ops: Operations, period: str, today: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.period = parse_period(period).code
        self.today = today or date.today()
        self.view: MeetingsView | None = None
        self.dialog: MeetingDialog | SheetDialog | None = None
        self.undo_stack = QUndoStack(self)
        self.model = MeetingTableModel(self)

        self.title = QLabel(tr("组织生活"))
        self.title.setObjectName("taskTitle")
        self.strip = QLabel("")
        self.strip.setObjectName("meetingStrip")
        self.strip.setWordWrap(True)
        self.strip.setTextFormat(Qt.TextFormat.RichText)
        self.participation = QLabel("")
        self.participation.setObjectName("hint")
        self.table = QTableView()
        self.table.setObjectName("meetingTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # sized once per load by _fit_columns: ResizeToContents re-measures every cell on each layout
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_meeting())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.empty = QLabel(
            tr("本期还没有会议记录。点击“新增记录”登记支部党员大会、主题党日、党课等组织生活。")
        )
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)

        self.add_button = QPushButton(tr("新增记录…"))
        self.add_button.setObjectName("primary")
        self.edit_button = QPushButton(tr("编辑…"))
        self.remove_button = QPushButton(tr("删除"))
        self.undo_button = QPushButton(tr("撤销"))
        self.sheet_button = QPushButton(tr("打印签到表…"))
        self.minutes_button = QPushButton(tr("打印会议记录…"))
        self.add_button.clicked.connect(self.add_meeting)
        self.edit_button.clicked.connect(self.edit_meeting)
        self.remove_button.clicked.connect(self.remove_meeting)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.sheet_button.clicked.connect(self.print_sheet)
        self.minutes_button.clicked.connect(self.print_minutes)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_stack.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, activated=self.undo_stack.redo)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.remove_meeting)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.sheet_button)
        buttons.addWidget(self.minutes_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.strip)
        layout.addWidget(self.participation)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        style_widgets(self)
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------
    def set_period(self, period: str) -> None:
        self.period = parse_period(period).code
        self.undo_stack.clear()
        self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        period, today = self.period, self.today

        def shown(view: MeetingsView) -> None:
            self.show_view(view)
            if then:
                then()

        self.ops.op(lambda store: load_meetings(store, period, today), self).success(shown).run()

    def show_view(self, view: MeetingsView) -> None:
        keep = self.selected().id if self.selected() else None
        self.view = view
        self.title.setText(
            tr("组织生活 · {0}").format(view.label if language() == "zh_CN" else view.period)
        )
        self.strip.setText(strip_html(view.check))
        check = view.check
        if check.expected:
            text = tr("本期参与率 {0}（出席 {1}/应到 {2}）").format(
                percent(check.participation), check.attended, check.expected
            )
        else:
            text = tr("本期参与率：—（没有出席记录）")
        self.participation.setText(text)
        self.model.set_rows(view.meetings)
        self._fit_columns()
        self.empty.setVisible(not view.meetings)
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def _fit_columns(self, sample: int = 60) -> None:
        """Each column as wide as its header and its widest cell among the first ``sample`` rows."""
        metrics = self.table.fontMetrics()
        model = self.model
        for column in range(model.columnCount()):
            if column == 3:
                continue  # the topic stretches
            texts = [str(model.headerData(column, Qt.Orientation.Horizontal) or "")]
            texts += [
                str(model.index(r, column).data() or "")
                for r in range(min(sample, model.rowCount()))
            ]
            self.table.setColumnWidth(column, max(metrics.horizontalAdvance(t) for t in texts) + 18)

    def select(self, meeting_id: int) -> None:
        for row, meeting in enumerate(self.model.rows()):
            if meeting.id == meeting_id:
                self.table.selectRow(row)

    def selected(self) -> Meeting | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.edit_button, self.remove_button, self.minutes_button):
            button.setEnabled(chosen)
        self.add_button.setEnabled(self.view is not None)
        self.sheet_button.setEnabled(self.view is not None)
        self.undo_button.setEnabled(self.undo_stack.canUndo())

    # -- editing ---------------------------------------------------------------------
    def _write(self, fn: Callable[[Store], Any]) -> None:
        def done(_result: Any) -> None:
            self.changed.emit()
            self.reload()

        self.ops.op(fn, self).success(done).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, tr("组织生活"), error_text(exc))
        self.reload()

    def _default_day(self) -> date:
        end = parse_period(self.period).end_date
        start = period_start(parse_period(self.period))
        return min(max(self.today, start), end)

    def _dialog(self, meeting: Meeting | None) -> None:
        if self.view is None:
            return
        meeting_id = meeting.id if meeting else None

        def submit(edit: MeetingEdit, done: Callable[[str | None], None]) -> None:
            def saved(result: Meeting) -> None:
                done(None)
                self.changed.emit()
                self.reload(lambda: self.select(result.id))

            op = self.ops.op(
                lambda store, progress: _save_edit(store, meeting_id, edit, progress), self
            )
            op.with_progress(tr("正在保存会议记录…"), cancellable=True)
            op.success(saved).failure(lambda exc: done(error_text(exc))).run()

        self.dialog = MeetingDialog(
            submit,
            self.view.roster,
            self.view.policy,
            meeting=meeting,
            day=self._default_day(),
            parent=self,
        )
        self.dialog.open()

    def add_meeting(self) -> None:
        self._dialog(None)

    def edit_meeting(self) -> None:
        meeting = self.selected()
        if meeting is not None:
            self._dialog(meeting)

    def remove_meeting(self) -> None:
        meeting = self.selected()
        if meeting is not None:
            self.undo_stack.push(_RemoveMeeting(self, meeting))

    # -- printing --------------------------------------------------------------------
    def _save_path(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, tr("保存 PDF"), str(Path.home() / suggested), "PDF (*.pdf)"
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def _written(self, path: Path) -> None:
        QMessageBox.information(self, tr("组织生活"), tr("已保存：{0}").format(path))

    def print_sheet(self) -> None:
        if self.view is None:
            return
        chosen = self.selected()
        groups = self.view.roster.groups(self.today)

        def submit(fields: dict[str, str], done: Callable[[str | None], None]) -> None:
            path = self._save_path(f"{fields['day']} {fields['kind']}签到表.pdf")
            if path is None:
                done(tr("请选择保存签到表的位置。"))
                return
            from dzdesk.orglife.printing import write_sign_in_sheet

            kind, day = fields["kind"], fields["day"]
            extra = {k: fields[k] for k in ("topic", "place", "group")}

            def ok(written: Path) -> None:
                done(None)
                self._written(written)

            self.ops.op(
                lambda store: write_sign_in_sheet(store, kind, day, path, **extra), self
            ).success(ok).failure(lambda exc: done(error_text(exc))).run()

        self.dialog = SheetDialog(
            submit,
            self.view.policy,
            groups,
            kind=chosen.type if chosen else "",
            day=self._default_day(),
            topic=chosen.topic if chosen else "",
            parent=self,
        )
        self.dialog.open()

    def print_minutes(self) -> None:
        meeting = self.selected()
        if meeting is None:
            return
        path = self._save_path(f"{meeting.date} {minutes_title(meeting.type)}.pdf")
        if path is None:
            return
        from dzdesk.orglife.printing import write_minutes

        self.ops.op(lambda store: write_minutes(store, meeting.id, path), self).success(
            self._written
        ).failure(self._failed).run()
