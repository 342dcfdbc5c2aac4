"""Signing-key changes: pending ones are accepted or declined after the clerk has compared the
new key's fingerprint with the branch secretary (on the phone or in person)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dzdesk.committee import models as m
from dzdesk.committee.store import CommitteeStore
from dzdesk.committee.views import load_key_changes

from ..i18n import tr
from ..operations import Operations, error_text
from ..widgets.fingerprint import FingerprintView, grouped
from ..widgets.screen import fit_to_screen, scrolling
from . import labels
from .detail import table


class KeyChangesDialog(QDialog):
    """Built from the key changes an op loaded; each decision is an op that reloads them."""

    def __init__(
        self, changes: tuple[m.KeyChange, ...], ops: Operations, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KeyChangesDialog")
        self.ops = ops
        self.changes: tuple[m.KeyChange, ...] = ()
        self.changed = False
        self.setWindowTitle(tr("签名密钥变更"))
        body = QWidget()
        layout = QVBoxLayout(body)
        note = QLabel(
            tr(
                "党支部以签名密钥识别。同名党支部用新的密钥报送时，报送包先暂存；请先电话或当面与党支部书记核对新密钥指纹"
                "（在其电脑“关于”或 dzdesk export 输出中可见），确认无误后再接收。"
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        headers = [tr("编号"), tr("党支部"), tr("期间"), tr("暂存时间"), tr("处理")]
        self.table = table(headers, [], wrap=False)
        self.table.setMinimumHeight(120)
        for col, width in enumerate([50, 300, 80, 140]):
            self.table.horizontalHeader().resizeSection(col, width)
        self.table.currentCellChanged.connect(lambda *_: self._show_selected())
        layout.addWidget(self.table, 1)
        box = QGroupBox(tr("选中的变更"))
        form = QFormLayout(box)
        self.old_fingerprint = FingerprintView()
        self.new_fingerprint = FingerprintView()
        form.addRow(tr("原密钥指纹"), self.old_fingerprint)
        form.addRow(tr("新密钥指纹"), self.new_fingerprint)
        layout.addWidget(box)
        outer = QVBoxLayout(self)
        outer.addWidget(scrolling(body), 1)
        buttons = QDialogButtonBox()
        self.accept_button = QPushButton(tr("确认新密钥并接收"))
        self.decline_button = QPushButton(tr("拒绝"))
        close = buttons.addButton(tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.decline_button, QDialogButtonBox.ButtonRole.ActionRole)
        close.clicked.connect(self.reject)
        self.accept_button.clicked.connect(lambda: self.decide(True))
        self.decline_button.clicked.connect(lambda: self.decide(False))
        outer.addWidget(buttons)
        self.set_changes(changes)
        fit_to_screen(self, 900, 560)

    def set_changes(self, changes: tuple[m.KeyChange, ...]) -> None:
        self.changes = changes
        self.table.setRowCount(len(changes))
        for r, k in enumerate(changes):
            values = [
                str(k.id),
                k.branch_name,
                k.period,
                labels.when(k.held_at),
                labels.decision(k.decision),
            ]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        pending = [r for r, k in enumerate(changes) if not k.decision]
        self.table.setCurrentCell(pending[0] if pending else (0 if changes else -1), 0)
        self.accept_button.setEnabled(bool(pending))
        self.decline_button.setEnabled(bool(pending))
        self._show_selected()

    def selected(self) -> m.KeyChange | None:
        row = self.table.currentRow()
        return self.changes[row] if 0 <= row < len(self.changes) else None

    def _show_selected(self) -> None:
        change = self.selected()
        self.old_fingerprint.set_fingerprint(change.old_fingerprint if change else "")
        self.new_fingerprint.set_fingerprint(change.new_fingerprint if change else "")

    def decide(self, accept: bool) -> None:
        change = self.selected()
        if change is None or change.decision:
            QMessageBox.information(self, tr("提示"), tr("请先选中一条“待确认”的密钥变更。"))
            return
        title = tr("确认密钥变更") if accept else tr("拒绝密钥变更")
        question = (
            tr("确认“{0}”的新签名密钥？") if accept else tr("拒绝“{0}”的新签名密钥？")
        ).format(change.branch_name)
        question += "\n\n" + tr("新密钥指纹：") + "\n" + grouped(change.new_fingerprint, 8) + "\n\n"
        question += (
            tr("确认后，该密钥暂存的报送包将被接收，以后该党支部须使用新密钥。")
            if accept
            else tr("拒绝后，暂存的报送包不予接收。")
        )
        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return

        def work(store: CommitteeStore) -> tuple[m.KeyChange, ...]:
            store.decide_key_change(change.id, accept)
            return load_key_changes(store)

        self.ops.op(work, self).blocking(self).success(self._decided).failure(self._failed).run()

    def _decided(self, changes: tuple[m.KeyChange, ...]) -> None:
        self.changed = True
        self.set_changes(changes)

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, tr("提示"), error_text(exc))
        self.ops.op(load_key_changes, self).success(self.set_changes).run()
