"""Add or edit a meeting record: type, date, topic, people, the member checklist, texts, attachments.

The checklist starts with everyone the type expects on the chosen day, all ticked
(出席); untick an absentee and give the reason (请假), or set 缺席. For types that
name their participants (谈心谈话) the list offers everyone on the roster, unticked.
The dialog is built from data an operation loaded (the roster and the meeting
types): changing the date or the type rebuilds the list without touching the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dzdesk.orglife.attendance import expected_members
from dzdesk.orglife.models import ABSENT, EXCUSED, PRESENT, AttendanceInput, Meeting, MeetingInput
from dzdesk.orglife.policy import MeetingPolicy, MeetingType
from dzdesk.orglife.roster import Roster
from dzdesk.orglife.validation import clean_meeting, require_reasons

from .appearance import style_widgets
from .evidence_panel import file_filter
from .i18n import language, tr
from .member_dialog import DateField, Submit, SubmitDialog
from .orglife_models import AttendanceModel, AttendanceRow
from .widgets.screen import fit_to_screen, scrolling


@dataclass(frozen=True)
class MeetingEdit:
    """What the dialog hands back: the record, files to attach, attachments to take off."""

    meeting: MeetingInput
    new_files: tuple[Path, ...] = ()
    removed_attachments: tuple[int, ...] = ()


class StatusDelegate(QStyledItemDelegate):
    """出席 / 请假 / 缺席 as a drop-down in the 情况 column."""

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex) -> QWidget:
        box = QComboBox(parent)
        box.addItems([tr(s) for s in AttendanceModel.STATUSES])
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)  # type: ignore[attr-defined]


def rule_text(kind: MeetingType) -> str:
    """每月至少1次 / 每年每名党员至少1次, in the GUI's language."""
    frequency = {
        "month": tr("每月"),
        "quarter": tr("每季度"),
        "half": tr("每半年"),
        "year": tr("每年"),
    }[kind.frequency]
    who = {"group": tr("每个党小组"), "member": tr("每名党员"), "secretary": tr("书记本人")}.get(
        kind.scope, ""
    )
    return tr("{0}{1}至少{2}次").format(frequency, who, kind.min)


def _names(roster: Roster, day: date) -> list[str]:
    return [roster.label(m) for m in roster.at(day)]


class MeetingDialog(SubmitDialog):
    def __init__(
        self,
        submit: Submit,
        roster: Roster,
        policy: MeetingPolicy,
        *,
        meeting: Meeting | None = None,
        day: date | None = None,
        kind: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.roster, self.policy, self.meeting = roster, policy, meeting
        self.setWindowTitle(tr("编辑会议记录") if meeting else tr("新增会议记录"))
        self.model = AttendanceModel(self)
        self._statuses: dict[int, tuple[str, str]] = {}
        self._statuses_named: bool | None = (
            None  # whether the remembered ticks mean 参加 (named types)
        )
        if meeting:
            self._statuses = {a.member_id: (a.status, a.reason) for a in meeting.attendance}
            self._statuses_named = policy.type(meeting.type).attendees == "named"

        self.kind = QComboBox()
        self.kind.setObjectName("meetingType")
        self.kind.addItems([tr(n) for n in policy.names])
        self.kind.setCurrentIndex(
            policy.names.index(meeting.type if meeting else kind or policy.names[0])
        )
        self.day = DateField(
            meeting.date if meeting else (day or date.today()).isoformat(), optional=False
        )
        self.group = QComboBox()
        self.group.setObjectName("meetingGroup")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 1000)
        self.hours.setDecimals(1)
        self.hours.setSpecialValueText(tr("（未填写）"))
        self.hours.setSuffix(tr(" 学时"))
        self.hours.setValue(meeting.hours or 0 if meeting else 0)
        self.topic = QLineEdit(meeting.topic if meeting else "")
        self.topic.setObjectName("meetingTopic")
        self.topic.setMaxLength(200)
        self.place = QLineEdit(meeting.place if meeting else "")
        self.place.setMaxLength(200)
        self.host = QComboBox()
        self.recorder = QComboBox()
        for box, value in (
            (self.host, meeting.host if meeting else ""),
            (self.recorder, meeting.recorder if meeting else ""),
        ):
            box.setEditable(True)
            box.addItems(["", *_names(roster, date.fromisoformat(self.day.text()))])
            box.setCurrentText(value)
            box.lineEdit().setMaxLength(50)
        form = QFormLayout()
        form.addRow(tr("类型"), self.kind)
        form.addRow(tr("日期"), self.day)
        self.group_label, self.hours_label = QLabel(tr("党小组")), QLabel(tr("学时"))
        form.addRow(self.group_label, self.group)
        form.addRow(self.hours_label, self.hours)
        form.addRow(tr("会议主题"), self.topic)
        form.addRow(tr("地点"), self.place)
        form.addRow(tr("主持人"), self.host)
        form.addRow(tr("记录人"), self.recorder)
        self.rule = QLabel("")
        self.rule.setObjectName("hint")
        self.rule.setWordWrap(True)
        form.addRow("", self.rule)

        self.table = QTableView()
        self.table.setObjectName("attendanceTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(3, StatusDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(300)
        self.counts = QLabel("")
        self.counts.setObjectName("attendanceCounts")
        self.all_button = QPushButton(tr("全部出席"))
        self.all_button.clicked.connect(lambda: self.model.set_all(True))
        people = QGroupBox(tr("出席情况（取消勾选即为请假，请填写原因；也可改为缺席）"))
        people_layout = QVBoxLayout(people)
        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.all_button)
        people_layout.addLayout(top)
        people_layout.addWidget(self.table)
        self.model.dataChanged.connect(lambda *_a: self._update_counts())
        self.model.modelReset.connect(self._update_counts)

        self.resolutions = QPlainTextEdit(meeting.resolutions if meeting else "")
        self.minutes = QPlainTextEdit(meeting.minutes if meeting else "")
        for edit, text in (
            (self.resolutions, "形成的决议、决定事项"),
            (self.minutes, "会议的主要内容、发言情况"),
        ):
            edit.setPlaceholderText(tr(text))
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(70)
        self.minutes.setMaximumHeight(150)
        self.resolutions.setMaximumHeight(100)
        self.files = QListWidget()
        self.files.setMaximumHeight(90)
        for attachment in meeting.attachments if meeting else ():
            item = QListWidgetItem(attachment.original_name)
            item.setData(Qt.ItemDataRole.UserRole, attachment.id)
            self.files.addItem(item)
        add_file = QPushButton(tr("添加附件…"))
        add_file.clicked.connect(self.choose_files)
        drop_file = QPushButton(tr("移除附件"))
        drop_file.clicked.connect(self._remove_file)
        self._removed: list[int] = []
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(add_file)
        file_buttons.addWidget(drop_file)
        file_buttons.addStretch(1)
        texts = QFormLayout()
        texts.addRow(tr("会议记录"), self.minutes)
        texts.addRow(tr("决议事项"), self.resolutions)
        texts.addRow(tr("附件"), self.files)
        texts.addRow("", _box(file_buttons))

        upper = QHBoxLayout()
        upper.addLayout(form, 2)
        upper.addWidget(people, 3)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(upper)
        body_layout.addLayout(texts)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.day.edit.dateChanged.connect(lambda _d: self._rebuild())
        self.group.currentIndexChanged.connect(lambda _i: self._rebuild())
        self._kind_changed()
        if meeting and meeting.party_group:
            self.group.setCurrentText(meeting.party_group)
        style_widgets(self)
        fit_to_screen(self, 1000, 720)

    # -- the member checklist ----------------------------------------------------------
    @property
    def type(self) -> MeetingType:
        return self.policy.types[self.kind.currentIndex()]

    def _kind_changed(self) -> None:
        kind = self.type
        day = date.fromisoformat(self.day.text())
        groups = self.roster.groups(day)
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItems(groups)
        self.group.blockSignals(False)
        uses_group = kind.attendees == "group" and bool(groups)
        self.group.setVisible(uses_group)
        self.group_label.setVisible(uses_group)
        self.hours.setVisible(kind.hours)
        self.hours_label.setVisible(kind.hours)
        self.rule.setText(
            rule_text(kind) + (f"；{kind.note}" if kind.note and language() == "zh_CN" else "")
        )
        self._rebuild()

    def _remember(self) -> None:
        for row in self.model.rows():
            self._statuses[row.member_id] = (row.status, row.reason)

    def _rebuild(self) -> None:
        self._remember()
        kind = self.type
        day = date.fromisoformat(self.day.text())
        named = kind.attendees == "named"
        if self._statuses_named is not None and self._statuses_named != named:
            self._statuses = {}  # 出席 at a meeting does not mean chosen for a 谈心谈话, nor the reverse
        self._statuses_named = named
        group = self.group.currentText() if self.group.isVisible() else ""
        members = self.roster.at(day) if named else expected_members(kind, self.roster, day, group)
        rows = []
        for m in members:
            status, reason = self._statuses.get(m.id, ("" if named else PRESENT, ""))
            if named and status != PRESENT:
                status = ""
            elif not named and status not in (PRESENT, EXCUSED, ABSENT):
                status = PRESENT
            rows.append(AttendanceRow(m.id, self.roster.label(m), m.party_group, status, reason))
        self.model.set_rows(rows, named)
        self.all_button.setVisible(not named)

    def _update_counts(self) -> None:
        rows = self.model.rows()
        if self.model.named:
            text = tr("已选 {0} 人").format(sum(1 for r in rows if r.status == PRESENT))
        elif not rows:
            text = tr("名册中没有本次会议应到的党员（未建名册时可不记出席）")
        else:
            present = sum(1 for r in rows if r.status == PRESENT)
            excused = sum(1 for r in rows if r.status == EXCUSED)
            text = tr("应到 {0} 人，出席 {1} 人，请假 {2} 人，缺席 {3} 人").format(
                len(rows), present, excused, len(rows) - present - excused
            )
        self.counts.setText(text)

    # -- attachments -----------------------------------------------------------------
    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, tr("选择附件"), str(Path.home()), file_filter()
        )
        for name in files:
            self.files.addItem(QListWidgetItem(name))

    def _remove_file(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        attachment_id = item.data(Qt.ItemDataRole.UserRole)
        if attachment_id is not None:
            self._removed.append(int(attachment_id))
        self.files.takeItem(self.files.row(item))

    # -- the result ------------------------------------------------------------------
    def value(self) -> MeetingEdit:
        kind = self.type
        rows = self.model.rows()
        if self.model.named:
            attendance = tuple(AttendanceInput(r.member_id) for r in rows if r.status == PRESENT)
        else:
            attendance = tuple(AttendanceInput(r.member_id, r.status, r.reason) for r in rows)
        meeting = clean_meeting(
            MeetingInput(
                type=kind.name,
                date=self.day.text(),
                topic=self.topic.text(),
                place=self.place.text(),
                host=self.host.currentText(),
                recorder=self.recorder.currentText(),
                party_group=self.group.currentText() if self.group.isVisible() else "",
                hours=(self.hours.value() or None) if kind.hours else None,
                resolutions=self.resolutions.toPlainText(),
                minutes=self.minutes.toPlainText(),
                attendance=attendance,
            ),
            self.policy,
        )
        require_reasons(meeting, {r.member_id: r.label for r in rows})
        new_files = tuple(
            Path(self.files.item(i).text())
            for i in range(self.files.count())
            if self.files.item(i).data(Qt.ItemDataRole.UserRole) is None
        )
        return MeetingEdit(meeting, new_files, tuple(self._removed))


def _box(layout: QHBoxLayout) -> QWidget:
    box = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    box.setLayout(layout)
    return box
