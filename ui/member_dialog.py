"""Dialogs of the 党员名册 page: add or edit a member, record an event (转入, 转出, 预备转正, ...).

A dialog checks what it can itself (the engine's pure field checks) and hands the
result to ``submit(value, done)``; the page saves it through an operation and calls
``done(error)``: the dialog closes on success and stays open, with the sentence, on failure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dzdesk.errors import DzdeskError
from dzdesk.orglife.models import (
    CATEGORIES,
    CONFIRM,
    EVENT_KINDS,
    FLAGS,
    JOIN,
    PROBATIONARY,
    ROLES,
    Member,
    MemberInput,
)
from dzdesk.orglife.validation import clean_member

from .appearance import style_widgets
from .i18n import tr
from .widgets.screen import fit_to_screen

NO_DATE = QDate(1900, 1, 1)
Submit = Callable[[Any, Callable[[str | None], None]], None]


class DateField(QWidget):
    """A date with a calendar, or none (shown as （未填写）) when ``optional``."""

    def __init__(
        self, value: str = "", optional: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setMaximumDate(QDate(2100, 12, 31))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        if optional:
            self.edit.setSpecialValueText(tr("（未填写）"))
            clear = QPushButton(tr("清除"))
            clear.clicked.connect(lambda: self.edit.setDate(NO_DATE))
            layout.addWidget(clear)
        self.set_text(value or ("" if optional else date.today().isoformat()))

    def set_text(self, value: str) -> None:
        self.edit.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else NO_DATE)

    def text(self) -> str:
        value = self.edit.date()
        return "" if value == NO_DATE else value.toString("yyyy-MM-dd")


def _error_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("warning")
    label.setWordWrap(True)
    label.hide()
    return label


class SubmitDialog(QDialog):
    def __init__(self, submit: Submit, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._submit = submit
        self.error = _error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)

    def value(self) -> Any:  # the checked result, or raise DzdeskError
        raise NotImplementedError

    def show_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))

    def _ok(self) -> None:
        try:
            value = self.value()
        except DzdeskError as exc:
            self.show_error(exc.zh)
            return
        self.show_error(None)
        self.buttons.setEnabled(False)
        self._submit(value, self._done)

    def _done(self, error: str | None) -> None:
        self.buttons.setEnabled(True)
        if error:
            self.show_error(error)
        else:
            self.accept()


class MemberDialog(SubmitDialog):
    """Add a member (with the day they joined this branch's roster) or correct one."""

    def __init__(
        self,
        submit: Submit,
        groups: list[str],
        member: Member | None = None,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.member = member
        self.setWindowTitle(tr("编辑党员信息") if member else tr("添加党员"))
        form = QFormLayout()
        self.name = QLineEdit(member.name if member else "")
        self.name.setObjectName("memberName")
        self.name.setMaxLength(50)
        self.category = QComboBox()
        self.category.addItems([tr(c) for c in CATEGORIES])
        if member:
            self.category.setCurrentIndex(CATEGORIES.index(member.category))
        self.group = QComboBox()
        self.group.setEditable(True)
        self.group.addItems(["", *groups])
        self.group.setCurrentText(member.party_group if member else "")
        self.joined = DateField(member.joined_party if member else "")
        self.confirmed = DateField(member.confirmed if member else "")
        self.roles = {r: QCheckBox(tr(r)) for r in ROLES}
        self.flags = {f: QCheckBox(tr(f)) for f in FLAGS}
        for key, box in (*self.roles.items(), *self.flags.items()):
            box.setChecked(bool(member) and key in (*member.roles, *member.flags))
        self.note = QLineEdit(member.note if member else "")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(tr("同名党员以入党日期或备注区分"))
        form.addRow(tr("姓名"), self.name)
        form.addRow(tr("类别"), self.category)
        form.addRow(tr("党小组"), self.group)
        form.addRow(tr("入党日期"), self.joined)
        form.addRow(tr("转正日期"), self.confirmed)
        form.addRow(tr("职务"), _row(self.roles.values()))
        form.addRow(tr("标记"), _row(list(self.flags.values())[:3]))
        form.addRow("", _row(list(self.flags.values())[3:]))
        form.addRow(tr("备注"), self.note)
        self.since = DateField((today or date.today()).isoformat(), optional=False)
        self.before_records = QCheckBox(tr("建册前已在册（不记转入日期）"))
        self.before_records.toggled.connect(lambda on: self.since.setEnabled(not on))
        if member is None:
            form.addRow(tr("转入日期"), self.since)
            form.addRow("", self.before_records)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        style_widgets(self)
        fit_to_screen(self, 560, 520)

    def value(self) -> tuple[MemberInput, str]:
        member = clean_member(
            MemberInput(
                name=self.name.text(),
                category=CATEGORIES[self.category.currentIndex()],
                party_group=self.group.currentText(),
                joined_party=self.joined.text(),
                confirmed=self.confirmed.text(),
                roles=tuple(r for r, box in self.roles.items() if box.isChecked()),
                flags=tuple(f for f, box in self.flags.items() if box.isChecked()),
                note=self.note.text(),
            )
        )
        since = "" if self.before_records.isChecked() else self.since.text()
        return member, since


def _row(widgets: Any) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return box


def possible_events(member: Member, on_roster: bool) -> list[str]:
    """The events that can follow a member's current state."""
    if not on_roster:
        return [] if any(e.kind == "去世" for e in member.events) else [JOIN]
    kinds = [k for k in EVENT_KINDS if k not in (JOIN, CONFIRM)]
    return ([CONFIRM] if member.category == PROBATIONARY else []) + kinds


class EventDialog(SubmitDialog):
    """Record one dated event for a member."""

    def __init__(
        self,
        submit: Submit,
        member: Member,
        label: str,
        kinds: list[str],
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.member = member
        self.setWindowTitle(tr("登记党员变动"))
        form = QFormLayout()
        form.addRow(tr("党员"), QLabel(label))
        self.kind = QComboBox()
        self.kinds = kinds
        self.kind.addItems([tr(k) for k in kinds])
        self.date = DateField((today or date.today()).isoformat(), optional=False)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(tr("例如：转往××党支部"))
        form.addRow(tr("变动"), self.kind)
        form.addRow(tr("日期"), self.date)
        form.addRow(tr("说明"), self.note)
        hint = QLabel(
            tr(
                "党员不会从名册中删除：转出、去世、停止党籍后仍保留在“已离开”中，历史名册可随时查看。"
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        style_widgets(self)
        fit_to_screen(self, 480, 300)

    def value(self) -> tuple[str, str, str]:
        return self.kinds[self.kind.currentIndex()], self.date.text(), self.note.text()
