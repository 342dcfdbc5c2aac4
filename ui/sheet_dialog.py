"""The 签到表 dialog: what a sign-in sheet needs before the meeting (type, date, topic, place, 党小组)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from dzdesk.orglife.policy import MeetingPolicy

from .appearance import style_widgets
from .i18n import tr
from .member_dialog import DateField, Submit, SubmitDialog
from .widgets.screen import fit_to_screen


class SheetDialog(SubmitDialog):
    """What a 签到表 needs before the meeting: type, date, topic, place (and the 党小组)."""

    def __init__(
        self,
        submit: Submit,
        policy: MeetingPolicy,
        groups: list[str],
        *,
        kind: str = "",
        day: date | None = None,
        topic: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.policy = policy
        self.setWindowTitle(tr("打印签到表"))
        self.kind = QComboBox()
        self.kind.addItems([tr(n) for n in policy.names])
        if kind in policy.names:
            self.kind.setCurrentIndex(policy.names.index(kind))
        self.day = DateField((day or date.today()).isoformat(), optional=False)
        self.topic = QLineEdit(topic)
        self.topic.setMaxLength(200)
        self.place = QLineEdit()
        self.place.setMaxLength(200)
        self.group = QComboBox()
        self.group.addItems(["", *groups])
        form = QFormLayout()
        form.addRow(tr("类型"), self.kind)
        form.addRow(tr("日期"), self.day)
        form.addRow(tr("会议主题"), self.topic)
        form.addRow(tr("地点"), self.place)
        form.addRow(tr("党小组"), self.group)
        hint = QLabel(tr("签到表按当天的党员名册列出应到党员，每人一行，留有签名栏。"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        style_widgets(self)
        fit_to_screen(self, 520, 320)

    def value(self) -> dict[str, str]:
        return {
            "kind": self.policy.names[self.kind.currentIndex()],
            "day": self.day.text(),
            "topic": self.topic.text(),
            "place": self.place.text(),
            "group": self.group.currentText(),
        }
