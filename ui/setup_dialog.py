"""First run: choose the role of this PC, create the branch profile and signing identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dzdesk.errors import ValidationError
from dzdesk.models import KIND_LABELS, BranchProfile
from dzdesk.paths import AppPaths
from dzdesk.store.validation import clean_profile

from .appearance import style_widgets
from .i18n import tr
from .operations import Operations, error_text

if TYPE_CHECKING:
    from dzdesk.store import Store

MIN_PASSPHRASE = 6


class SetupDialog(QDialog):
    """``mode`` is "branch" or "committee" after ``exec()`` returns Accepted."""

    def __init__(self, ops: Operations | None, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.paths = paths
        self.mode = "branch"
        self.setWindowTitle(tr("欢迎使用 dzdesk 党支部自评工具"))
        layout = QVBoxLayout(self)
        heading = QLabel(tr("欢迎使用 dzdesk 党支部自评工具"))
        heading.setObjectName("taskTitle")
        layout.addWidget(heading)
        intro = QLabel(tr("首次使用，请先选择本机的用途，并填写党支部的基本信息。以后打开程序会直接进入本季度的自评。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        role_box = QGroupBox(tr("本机用于"))
        role_layout = QVBoxLayout(role_box)
        self.branch_radio = QRadioButton(tr("党支部：填写本支部的季度自评"))
        self.committee_radio = QRadioButton(tr("上级党委（委员会）：汇总、审核各支部上报的文件"))
        self.branch_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.branch_radio)
        group.addButton(self.committee_radio)
        role_layout.addWidget(self.branch_radio)
        role_layout.addWidget(self.committee_radio)
        layout.addWidget(role_box)

        self.form_box = QGroupBox(tr("党支部基本信息"))
        form = QFormLayout(self.form_box)
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.setPlaceholderText(tr("例如：××科技有限公司党支部"))
        self.kind = QComboBox()
        for code, label in KIND_LABELS.items():
            self.kind.addItem(tr(label), code)
        self.committee = QLineEdit()
        self.committee.setObjectName("committee")
        self.committee.setPlaceholderText(tr("例如：中共××区综合委员会"))
        self.secretary = QLineEdit()
        self.secretary.setObjectName("secretary")
        self.full_members = QSpinBox()
        self.full_members.setObjectName("full_members")
        self.full_members.setRange(0, 100000)
        self.full_members.setValue(3)
        self.probationary = QSpinBox()
        self.probationary.setObjectName("probationary")
        self.probationary.setRange(0, 100000)
        form.addRow(tr("党支部名称 *"), self.name)
        form.addRow(tr("党支部类型"), self.kind)
        form.addRow(tr("上级党组织 *"), self.committee)
        form.addRow(tr("党支部书记 *"), self.secretary)
        form.addRow(tr("正式党员人数"), self.full_members)
        form.addRow(tr("预备党员人数"), self.probationary)
        layout.addWidget(self.form_box)

        self.key_box = QGroupBox(tr("电子签名密码（可选）"))
        key_form = QFormLayout(self.key_box)
        note = QLabel(tr("程序会为党支部生成电子签名，用于给自评报告和上报文件签名。可以设置密码加以保护，不设密码请留空。设置了密码就请牢记，忘记后无法找回。"))
        note.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase2 = QLineEdit()
        self.passphrase2.setObjectName("passphrase2")
        self.passphrase2.setEchoMode(QLineEdit.EchoMode.Password)
        key_form.addRow(note)
        key_form.addRow(tr("密码"), self.passphrase)
        key_form.addRow(tr("再次输入密码"), self.passphrase2)
        layout.addWidget(self.key_box)

        self.error = QLabel()
        self.error.setObjectName("warning")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("开始使用"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        style_widgets(self)
        self.committee_radio.toggled.connect(self._role_changed)
        self.setMinimumWidth(560)

    def _role_changed(self, committee: bool) -> None:
        self.form_box.setVisible(not committee)
        self.key_box.setVisible(not committee)
        self.error.hide()
        self.adjustSize()

    def profile(self) -> BranchProfile:
        return BranchProfile(
            name=self.name.text(),
            kind=self.kind.currentData(),
            committee=self.committee.text(),
            secretary=self.secretary.text(),
            full_members=self.full_members.value(),
            probationary_members=self.probationary.value(),
        )

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def submit(self) -> None:
        if self.committee_radio.isChecked():
            self.mode = "committee"
            self.accept()
            return
        try:
            profile = clean_profile(self.profile())
            passphrase = self.passphrase.text()
            if passphrase != self.passphrase2.text():
                raise ValidationError(tr("两次输入的密码不一致，请重新输入。"))
            if passphrase and len(passphrase) < MIN_PASSPHRASE:
                raise ValidationError(tr("密码至少需要 {0} 个字符；不想设密码请留空。").format(MIN_PASSPHRASE))
        except ValidationError as exc:
            self.show_error(exc.zh)
            return
        paths = self.paths

        def work(store: Store) -> None:
            from dzdesk.identity import (  # cryptography: load only when needed
                create_identity,
                has_identity,
            )

            store.save_profile(profile)
            if not has_identity(paths):
                create_identity(paths, profile.display_name, profile.committee, passphrase or None)

        self.buttons.setEnabled(False)
        assert self.ops is not None
        self.ops.op(work, self).success(lambda _r: self.accept()).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.show_error(error_text(exc))

    def keyPressEvent(self, event) -> None:  # Enter in a field submits, as people expect
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)
