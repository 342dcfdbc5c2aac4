"""党委信息: the committee's own name (the 通报's issuer) and its signing key.

At first run it asks for the name and an optional passphrase and makes the key; the new
key's fingerprint is then shown before the dialog closes. Later (文件 → 党委信息) it
renames; the key stays.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dzdesk.committee.identity import (
    KeyState,
    check_passphrase,
    clean_name,
    init_committee,
    key_state,
)
from dzdesk.committee.store import CommitteeStore
from dzdesk.errors import DzdeskError

from ..appearance import style_widgets
from ..i18n import tr
from ..operations import Operations, error_text
from ..widgets.fingerprint import FingerprintView
from ..widgets.screen import fit_to_screen, scrolling


class CommitteeInfoDialog(QDialog):
    """Accepted once the name is saved (and, the first time, the key made and its fingerprint seen)."""

    def __init__(
        self,
        state: KeyState,
        ops: Operations,
        parent: QWidget | None = None,
        *,
        first_run: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CommitteeInfoDialog")
        self.state, self.ops = state, ops
        self.saved: KeyState | None = None
        self.setWindowTitle(tr("党委信息"))
        body = QWidget()
        layout = QVBoxLayout(body)
        heading = QLabel(tr("本党委的名称和签名密钥"))
        heading.setObjectName("taskTitle")
        layout.addWidget(heading)
        self.intro = QLabel(
            tr("首次使用上级党委模式，请填写本党委的名称。它将作为考核验收结果通报的发文单位。")
            if first_run
            else tr("本党委的名称用作考核验收结果通报的发文单位。改名后签名密钥不变。")
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.name = QLineEdit(state.identity.name if state.identity else "")
        self.name.setObjectName("name")
        self.name.setPlaceholderText(tr("例如：中共合肥市律师协会委员会"))
        self.name.setMinimumWidth(320)
        form.addRow(tr("本党委名称 *"), self.name)
        layout.addLayout(form)

        self.key_box = QGroupBox(tr("电子签名密码（可选）"))
        key_form = QFormLayout(self.key_box)
        note = QLabel(
            tr(
                "程序会为本党委生成电子签名，用于以后给下发的文件签名。可以设置密码加以保护，不设密码请留空。"
                "设置了密码就请牢记，忘记后无法找回。"
            )
        )
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

        self.fingerprint_box = QGroupBox(tr("本党委签名密钥"))
        fp_form = QFormLayout(self.fingerprint_box)
        self.fingerprint = FingerprintView()
        fp_form.addRow(tr("密钥指纹"), self.fingerprint)
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.key_note.setTextFormat(Qt.TextFormat.PlainText)
        fp_form.addRow(self.key_note)
        layout.addWidget(self.fingerprint_box)

        self.error = QLabel()
        self.error.setObjectName("warning")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)

        outer = QVBoxLayout(self)
        outer.addWidget(scrolling(body), 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("开始使用") if first_run else tr("保存"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("以后再填") if first_run else tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.name.textChanged.connect(lambda _t: self.error.hide())
        self._show_key(state)
        style_widgets(self)
        fit_to_screen(self, 620, 520)

    def _show_key(self, state: KeyState) -> None:
        has_key = state.fingerprint is not None
        self.key_box.setVisible(not has_key)
        self.fingerprint_box.setVisible(has_key)
        self.fingerprint.set_fingerprint(state.fingerprint or "")
        note = tr("密钥文件夹：{0}").format(state.folder)
        if state.encrypted:
            note += tr("（设有密码）")
        if state.mismatch and state.identity is not None:
            note += "\n" + tr("注意：数据库记录的指纹为 {0}，与密钥文件不符。").format(
                state.identity.fingerprint
            )
        self.key_note.setText(note)

    def submit(self) -> None:
        if self.saved is not None:  # the fingerprint of the new key has been seen
            self.accept()
            return
        try:
            name = clean_name(self.name.text())
            passphrase = None
            if self.state.fingerprint is None:
                passphrase = check_passphrase(self.passphrase.text(), self.passphrase2.text())
        except DzdeskError as exc:
            self.show_error(error_text(exc))
            return

        def work(store: CommitteeStore) -> KeyState:
            init_committee(store, name, passphrase)
            return key_state(store)

        self.buttons.setEnabled(False)
        self.ops.op(work, self).success(self._saved).failure(self._failed).run()

    def _saved(self, state: KeyState) -> None:
        self.buttons.setEnabled(True)
        made_key = self.state.fingerprint is None
        self.saved, self.state = state, state
        if not made_key:
            self.accept()
            return
        # the key was made just now: show its fingerprint before closing
        self._show_key(state)
        self.name.setReadOnly(True)
        self.intro.setText(
            tr("已保存。本党委的签名密钥已生成，指纹如下；以后各党支部可据此核对本党委下发的文件。")
        )
        self.ok_button.setText(tr("完成"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.show_error(error_text(exc))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
