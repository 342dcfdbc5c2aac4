"""Branch detail: the answers, evidence and signed report a branch submitted, and its history."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dzdesk.committee import models as m
from dzdesk.committee.overview import task_title
from dzdesk.committee.store import CommitteeStore
from dzdesk.template import STATUS_LABELS

STATE_LABELS = {"current": "当前有效", "superseded": "已被替换（存档）", "held": "待确认（密钥变更）", "declined": "已拒收"}


def viewing_copy(store: CommitteeStore, sha256: str, name: str) -> Path:
    from ..extras import copy_for_viewer

    return copy_for_viewer(store.blobs.path(sha256), sha256, name, "dzdesk-committee-open")


def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    return table


class BranchDetail(QDialog):
    def __init__(self, store: CommitteeStore, submission_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BranchDetail")
        self.store = store
        self.submission = sub = store.submission(submission_id)
        self.setWindowTitle(f"{sub.branch_name} — {sub.period}")
        self.resize(1000, 640)
        layout = QVBoxLayout(self)
        e = html.escape  # names and text come from the branch's file: never interpret them as markup
        head = QLabel(
            f"<b style='font-size:15pt'>{e(sub.branch_name)}</b><br>"
            f"{m.kind_label(sub.kind)}&nbsp;&nbsp;｜&nbsp;&nbsp;党支部书记：{e(sub.secretary)}&nbsp;&nbsp;｜&nbsp;&nbsp;"
            f"正式党员 {sub.full_members} 名&nbsp;&nbsp;｜&nbsp;&nbsp;{sub.period} 第{sub.revision}版&nbsp;&nbsp;｜&nbsp;&nbsp;"
            f"自查分 {sub.score:g}（{sub.grade}级）<br>"
            f"签名密钥指纹：{sub.fingerprint}"
        )
        head.setWordWrap(True)
        layout.addWidget(head)
        tabs = QTabWidget()
        snapshot = store.snapshot(sub.id)
        tabs.addTab(self._answers(snapshot), "自评内容")
        self.evidence_rows = store.evidence(sub.id)
        tabs.addTab(self._evidence(), f"佐证材料（{len(self.evidence_rows)}）")
        tabs.addTab(self._history(), "版本记录")
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.report_button = QPushButton("查看签名的自评报告（PDF）")
        self.report_button.setEnabled(bool(sub.report_sha256))
        self.report_button.clicked.connect(self.open_report)
        buttons.addButton(self.report_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _answers(self, snapshot: dict) -> QTableWidget:
        rows = []
        for a in snapshot.get("answers", []):
            rect = a.get("rectification") or {}
            plan = "；".join(x for x in (rect.get("problem"), rect.get("measures"), rect.get("owner"), rect.get("deadline")) if x)
            key = str(a.get("task_key", ""))
            rows.append([key, task_title(self.submission.template_id, key), STATUS_LABELS.get(a.get("status"), "未填"),
                         a.get("narrative", ""), plan])
        table = _table(["序号", "重点任务", "完成情况", "工作情况", "问题与整改"], rows)
        header = table.horizontalHeader()
        for col, width in enumerate([48, 170, 80, 380]):
            header.resizeSection(col, width)
        table.resizeRowsToContents()
        self.answers_table = table
        return table

    def _evidence(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        rows = [[e["task_key"], e["name"], e["caption"], f"{e['size'] / 1024:.0f} KB"] for e in self.evidence_rows]
        self.evidence_table = _table(["任务", "文件名", "说明", "大小"], rows)
        self.evidence_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.evidence_table.doubleClicked.connect(lambda index: self.open_evidence(index.row()))
        layout.addWidget(self.evidence_table)
        row = QHBoxLayout()
        open_button = QPushButton("打开选中的材料")
        open_button.clicked.connect(lambda: self.open_evidence(self.evidence_table.currentRow()))
        row.addStretch(1)
        row.addWidget(open_button)
        layout.addLayout(row)
        return box

    def _history(self) -> QTableWidget:
        rows = [[f"第{s.revision}版", STATE_LABELS.get(s.state, s.state), s.generated_at[:16].replace("T", " "),
                 s.imported_at[:16].replace("T", " "), f"{s.score:g}", s.bundle_name]
                for s in self.store.history(self.submission.branch_id, self.submission.period)]
        return _table(["版本", "状态", "导出时间", "导入时间", "自查分", "文件"], rows)

    def open_evidence(self, row: int) -> Path | None:
        if not 0 <= row < len(self.evidence_rows):
            return None
        e = self.evidence_rows[row]
        path = viewing_copy(self.store, e["sha256"], e["name"])
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def open_report(self) -> Path:
        sub = self.submission
        path = viewing_copy(self.store, sub.report_sha256, f"{sub.branch_name}_{sub.period}_第{sub.revision}版_自评报告.pdf")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path
