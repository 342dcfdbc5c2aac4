"""The 党员名册 page: the roster on any day, a filter, add/edit, events (转入, 转出, 预备转正, ...).

A standalone widget over :class:`~ui.operations.Operations`: every store call runs in
``ops.op(...)``; the page itself only shows what :func:`load_roster` returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dzdesk.orglife.models import (
    BEFORE_RECORDS_LABEL,
    CONFIRM,
    Member,
    MemberEvent,
    MemberInput,
    RosterCounts,
)
from dzdesk.orglife.roster import Roster, category_at

from .appearance import style_widgets
from .i18n import tr
from .member_dialog import DateField, EventDialog, MemberDialog, possible_events
from .operations import Operations, error_text
from .orglife_models import ON_ROSTER, MemberFilter, MemberRow, MemberTableModel

if TYPE_CHECKING:
    from dzdesk.store import Store


@dataclass(frozen=True)
class RosterView:
    day: date
    rows: tuple[MemberRow, ...]
    counts: RosterCounts
    groups: tuple[str, ...]
    kept: bool


def status_on(roster: Roster, member: Member, day: date) -> str:
    if roster.is_on(member.id, day):
        return ON_ROSTER
    gone = [
        e
        for e in member.events
        if e.kind not in ("转入", CONFIRM) and e.date and e.date <= day.isoformat()
    ]
    return f"{gone[-1].kind} {gone[-1].date}" if gone else "尚未转入"


def events_text(events: tuple[MemberEvent, ...]) -> str:
    return "；".join(f"{e.kind} {e.date or BEFORE_RECORDS_LABEL}" for e in events)


def load_roster(store: Store, day: date) -> RosterView:
    """Everything the page shows, read in one go on the operations thread."""
    roster = store.members.roster()
    rows = tuple(
        MemberRow(
            m,
            roster.label(m),
            category_at(m, day),
            status_on(roster, m, day),
            events_text(m.events),
        )
        for m in roster.members
    )
    groups = tuple(dict.fromkeys(m.party_group for m in roster.members if m.party_group))
    return RosterView(day, rows, roster.counts(day), groups, roster.kept)


class MembersPage(QWidget):
    changed = Signal()  # the roster was edited (other pages may reload)

    def __init__(
        self, ops: Operations, today: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.today = today or date.today()
        self.view: RosterView | None = None
        self.dialog: MemberDialog | EventDialog | None = None
        self.model = MemberTableModel(self)
        self.proxy = MemberFilter(self)
        self.proxy.setSourceModel(self.model)

        title = QLabel(tr("党员名册"))
        title.setObjectName("taskTitle")
        self.summary = QLabel("")
        self.summary.setObjectName("memberSummary")
        self.day = DateField(self.today.isoformat(), optional=False)
        self.day.setToolTip(tr("查看任一日期的名册"))
        self.day.edit.dateChanged.connect(lambda _d: self.reload())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(QLabel(tr("名册日期")))
        head.addWidget(self.day)

        self.search = QLineEdit()
        self.search.setObjectName("memberSearch")
        self.search.setPlaceholderText(tr("筛选：姓名、党小组、职务、标记……"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.proxy.set_filter(text=text))
        self.show_choice = QComboBox()
        self.show_choice.setObjectName("memberShow")
        for text, key in (
            (tr("在册党员"), MemberFilter.SHOW_ON),
            (tr("已离开"), MemberFilter.SHOW_LEFT),
            (tr("全部"), MemberFilter.SHOW_ALL),
        ):
            self.show_choice.addItem(text, key)
        self.show_choice.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(show=self.show_choice.currentData())
        )
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.show_choice)

        self.table = QTableView()
        self.table.setObjectName("memberTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setResizeContentsPrecision(100)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel(
            tr(
                "尚未建立党员名册。点击“添加党员”逐人登记，或用命令 dzdesk members import 名册.csv 导入。"
            )
        )
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)

        self.events = QListWidget()
        self.events.setObjectName("memberEvents")
        self.cancel_button = QPushButton(tr("撤销所选变动"))
        self.cancel_button.clicked.connect(self.cancel_event)
        self.events.currentRowChanged.connect(lambda _r: self._update_buttons())
        events_box = QWidget()
        events_layout = QVBoxLayout(events_box)
        events_layout.setContentsMargins(0, 0, 0, 0)
        events_layout.addWidget(QLabel(tr("变动记录")))
        events_layout.addWidget(self.events, 1)
        events_layout.addWidget(self.cancel_button)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(events_box)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)

        self.add_button = QPushButton(tr("添加党员…"))
        self.add_button.setObjectName("primary")
        self.edit_button = QPushButton(tr("编辑…"))
        self.event_button = QPushButton(tr("登记变动…"))
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_member)
        self.event_button.clicked.connect(self.record_event)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.event_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        style_widgets(self)
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------
    def reload(self, then: Callable[[], None] | None = None) -> None:
        day = date.fromisoformat(self.day.text())
        keep = self.selected().member.id if self.selected() else None

        def shown(view: RosterView) -> None:
            self.show_view(view, keep)
            if then:
                then()

        self.ops.op(lambda store: load_roster(store, day), self).success(shown).run()

    def show_view(self, view: RosterView, keep: int | None = None) -> None:
        self.view = view
        self.model.set_rows(view.rows)
        counts = view.counts
        self.summary.setText(
            tr("{0} 在册 {1} 名：正式党员 {2} 名，预备党员 {3} 名").format(
                view.day.isoformat(), counts.total, counts.full, counts.probationary
            )
        )
        self.empty.setVisible(not view.kept)
        if keep is not None:
            self.select(keep)
        self._selection_changed()

    def select(self, member_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            if (
                self.model.row(self.proxy.mapToSource(self.proxy.index(row, 0)).row()).member.id
                == member_id
            ):
                self.table.selectRow(row)
                return

    def selected(self) -> MemberRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row())

    def _selection_changed(self, *_args: Any) -> None:
        self.events.clear()
        row = self.selected()
        if row is not None:
            for event in row.member.events:
                item = QListWidgetItem(
                    f"{event.date or BEFORE_RECORDS_LABEL}　{tr(event.kind)}"
                    + (f"　{event.note}" if event.note else "")
                )
                item.setData(Qt.ItemDataRole.UserRole, event.id)
                self.events.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.edit_button.setEnabled(row is not None)
        self.event_button.setEnabled(row is not None and bool(self._kinds(row)))
        item = self.events.currentItem()
        self.cancel_button.setEnabled(item is not None and self.events.count() > 1)

    def _kinds(self, row: MemberRow) -> list[str]:
        return possible_events(row.member, _now_on(row))

    # -- editing ---------------------------------------------------------------------
    def _save(
        self, fn: Callable[[Store], Any], done: Callable[[str | None], None], select: bool = True
    ) -> None:
        def ok(result: Any) -> None:
            done(None)
            self.changed.emit()
            member_id = getattr(result, "member_id", None) or getattr(result, "id", None)
            self.reload(lambda: self.select(member_id) if select and member_id else None)

        self.ops.op(fn, self).success(ok).failure(lambda exc: done(error_text(exc))).run()

    def add_member(self) -> None:
        groups = list(self.view.groups) if self.view else []

        def submit(value: tuple[MemberInput, str], done: Callable[[str | None], None]) -> None:
            member, since = value
            self._save(lambda store: store.members.add(member, since=since), done)

        self._open(MemberDialog(submit, groups, None, self, self.today))

    def edit_member(self) -> None:
        row = self.selected()
        if row is None:
            return
        groups = list(self.view.groups) if self.view else []

        def submit(value: tuple[MemberInput, str], done: Callable[[str | None], None]) -> None:
            self._save(lambda store: store.members.update(row.member.id, value[0]), done)

        self._open(MemberDialog(submit, groups, row.member, self, self.today))

    def record_event(self) -> None:
        row = self.selected()
        if row is None:
            return

        def submit(value: tuple[str, str, str], done: Callable[[str | None], None]) -> None:
            kind, day, note = value
            self._save(
                lambda store: store.members.record_event(row.member.id, kind, day, note), done
            )

        self._open(EventDialog(submit, row.member, row.label, self._kinds(row), self, self.today))

    def cancel_event(self) -> None:
        item = self.events.currentItem()
        if item is None:
            return
        event_id = int(item.data(Qt.ItemDataRole.UserRole))
        self._save(lambda store: store.members.cancel_event(event_id), self._report)

    def _report(self, error: str | None) -> None:
        if error and self.ops.on_error is not None:
            self.ops.on_error(error)

    def _open(self, dialog: MemberDialog | EventDialog) -> None:
        self.dialog = dialog
        dialog.open()


def _now_on(row: MemberRow) -> bool:
    """On the roster now, whatever day the page shows (events are recorded from today's state)."""
    spans_open = [e for e in row.member.events if e.kind != CONFIRM]
    return bool(spans_open) and spans_open[-1].kind == "转入"
