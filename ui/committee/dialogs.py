"""Small committee dialogs: the per-file import report and the key-change decisions."""

from __future__ import annotations

from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dzdesk.committee import models as m
from dzdesk.committee.store import CommitteeStore
from dzdesk.errors import DzdeskError

OUTCOME_COLOURS = {m.REJECTED: "#c62828", m.HELD: "#e65100"}


def _readonly_table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ImportReportDialog(QDialog):
    """One row per file: imported / already had / older / held / rejected and why."""

    def __init__(self, report: m.ImportReport, parent: QWidget | None = None, *, stopped: str = "") -> None:
        """``stopped``: why the import stopped early; ``report`` then holds what it had completed."""
        super().__init__(parent)
        self.setObjectName("ImportReportDialog")
        self.setWindowTitle("导入结果（中途停止）" if stopped else "导入结果")
        self.resize(1240, 560)
        layout = QVBoxLayout(self)
        if stopped:
            notice = QLabel(f"{stopped}\n以下是停止前已经完成的文件。")
            notice.setObjectName("stopped")
            notice.setStyleSheet("color: #c62828; font-weight: bold;")
            notice.setWordWrap(True)
            layout.addWidget(notice)
        parts = [f"{m.OUTCOME_LABELS[k]} {report.count(k)} 个" for k in m.OUTCOME_LABELS if report.count(k)]
        summary = QLabel(f"共 {len(report.outcomes)} 个文件：" + "，".join(parts) + "。")
        summary.setObjectName("summary")
        layout.addWidget(summary)
        if report.count(m.HELD):
            hint = QLabel("签名密钥变更的报送包已暂存：请与该党支部核实后，在“密钥变更”中确认或拒绝。")
            hint.setStyleSheet("color: #e65100;")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        # problems first (rejected, then held), each group in file order
        rank = {m.REJECTED: 0, m.HELD: 1}
        outcomes = sorted(report.outcomes, key=lambda o: rank.get(o.outcome, 2))
        rows = [[o.file, o.label, o.branch, o.period, f"第{o.revision}版" if o.revision else "", o.reason]
                for o in outcomes]
        self.table = _readonly_table(["文件", "结果", "党支部", "期间", "版本", "说明"], rows)
        for r, o in enumerate(outcomes):
            colour = OUTCOME_COLOURS.get(o.outcome)
            if colour:
                self.table.item(r, 1).setForeground(QColor(colour))
        header = self.table.horizontalHeader()
        for col, width in enumerate([250, 150, 250, 70, 60]):
            header.resizeSection(col, width)
        self.table.resizeRowsToContents()
        self.table.setCurrentCell(-1, -1)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)


    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()  # the last column's real width is known only now


class KeyChangesDialog(QDialog):
    """Pending and past signing-key changes; a pending one is accepted or declined explicitly."""

    def __init__(self, store: CommitteeStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KeyChangesDialog")
        self.store = store
        self.changed = False
        self.setWindowTitle("签名密钥变更")
        self.resize(900, 380)
        layout = QVBoxLayout(self)
        note = QLabel(
            "党支部以签名密钥识别。同名党支部用新的密钥报送时，报送包先暂存；请先电话或当面与党支部书记核对新密钥指纹"
            "（在其电脑“关于”或 dzdesk export 输出中可见），确认无误后再接收。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = _readonly_table(["编号", "党支部", "期间", "原密钥指纹", "新密钥指纹", "处理"], [])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.accept_button = QPushButton("确认新密钥并接收")
        self.decline_button = QPushButton("拒绝")
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.decline_button, QDialogButtonBox.ButtonRole.ActionRole)
        close.clicked.connect(self.reject)
        self.accept_button.clicked.connect(lambda: self.decide(True))
        self.decline_button.clicked.connect(lambda: self.decide(False))
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        states = {"": "待确认", "accepted": "已确认", "declined": "已拒绝"}
        self.changes = self.store.key_changes()
        self.table.setRowCount(len(self.changes))
        for r, k in enumerate(self.changes):
            for c, value in enumerate([str(k.id), k.branch_name, k.period, k.old_fingerprint, k.new_fingerprint, states[k.decision]]):
                self.table.setItem(r, c, QTableWidgetItem(value))
        pending = [r for r, k in enumerate(self.changes) if not k.decision]
        if pending:
            self.table.selectRow(pending[0])
        self.accept_button.setEnabled(bool(pending))
        self.decline_button.setEnabled(bool(pending))

    def decide(self, accept: bool) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.changes) or self.changes[row].decision:
            QMessageBox.information(self, "提示", "请先选中一条“待确认”的密钥变更。")
            return
        change = self.changes[row]
        verb = "确认" if accept else "拒绝"
        question = (f"{verb}“{change.branch_name}”的新签名密钥？\n\n新密钥指纹：\n{change.new_fingerprint}\n\n"
                    + ("确认后，该密钥暂存的报送包将被接收，以后该党支部须使用新密钥。" if accept else "拒绝后，暂存的报送包不予接收。"))
        if QMessageBox.question(self, f"{verb}密钥变更", question) != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.decide_key_change(change.id, accept)
        except DzdeskError as exc:
            QMessageBox.warning(self, "提示", exc.zh)
        self.changed = True
        self.refresh()
