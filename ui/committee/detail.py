"""Branch detail: the answers, evidence and signed report a branch submitted, and its history.

Built from a :class:`~dzdesk.committee.views.DetailView` an op loaded; opening a file
copies it out of the committee's file store on the operations thread.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
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
from dzdesk.committee.store import CommitteeStore
from dzdesk.committee.views import AnswerLine, DetailView

from ..i18n import tr
from ..operations import Operations
from ..widgets.elided import elide_with_tooltips
from ..widgets.fingerprint import FingerprintView
from ..widgets.screen import fit_to_screen
from . import labels


def viewing_copy(store: CommitteeStore, sha256: str, name: str) -> Path:
    """A stored file under its original name, for the system viewer (runs on the operations thread)."""
    from ..extras import copy_for_viewer

    return copy_for_viewer(store.blobs.path(sha256), sha256, name, "dzdesk-committee-open")


def table(headers: list[str], rows: list[list[str]], *, wrap: bool = True) -> QTableWidget:
    """A read-only table whose long cells elide and show their full text on hover."""
    widget = QTableWidget(len(rows), len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setWordWrap(wrap)
    elide_with_tooltips(widget)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            widget.setItem(r, c, QTableWidgetItem(value))
    widget.horizontalHeader().setStretchLastSection(True)
    widget.verticalHeader().setVisible(False)
    return widget


def rectification(answer: AnswerLine) -> str:
    """'存在问题：…\n整改措施：…\n责任人：…　完成时限：…' (the parts given)."""
    lines = [
        tr("{0}：{1}").format(tr(label), value.strip())
        for label, value in (("存在问题", answer.problem), ("整改措施", answer.measures))
        if value.strip()
    ]
    who = [
        tr("{0}：{1}").format(tr(label), value.strip())
        for label, value in (("责任人", answer.owner), ("完成时限", answer.deadline))
        if value.strip()
    ]
    if who:
        lines.append("　".join(who))
    return "\n".join(lines)


class BranchDetail(QDialog):
    def __init__(self, view: DetailView, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BranchDetail")
        self.view, self.ops = view, ops
        self.submission = sub = view.submission
        self.evidence_rows = view.evidence
        self.opened: list[Path] = []  # what was handed to the system viewer (tests read it)
        self.setWindowTitle(f"{sub.branch_name} — {sub.period}")
        layout = QVBoxLayout(self)
        e = (
            html.escape
        )  # names and text come from the branch's file: never interpret them as markup
        sep = "&nbsp;&nbsp;｜&nbsp;&nbsp;"
        facts = [
            e(tr(m.kind_label(sub.kind))),
            e(tr("党支部书记：{0}").format(sub.secretary)),
            e(tr("正式党员 {0} 名").format(sub.full_members)),
            e(tr("{0} 第{1}版").format(sub.period, sub.revision)),
            e(tr("自查分 {0:g}（{1}级）").format(sub.score, sub.grade)),
        ]
        head = QLabel(f"<b style='font-size:15pt'>{e(sub.branch_name)}</b><br>" + sep.join(facts))
        head.setTextFormat(Qt.TextFormat.RichText)
        head.setWordWrap(True)
        layout.addWidget(head)
        key_row = QHBoxLayout()
        key_row.addWidget(QLabel(tr("签名密钥指纹：")), 0, Qt.AlignmentFlag.AlignTop)
        self.fingerprint = FingerprintView(sub.fingerprint)
        key_row.addWidget(self.fingerprint, 1)
        layout.addLayout(key_row)
        tabs = QTabWidget()
        tabs.addTab(self._answers(), tr("自评内容"))
        tabs.addTab(self._evidence(), tr("佐证材料（{0}）").format(len(self.evidence_rows)))
        tabs.addTab(self._history(), tr("版本记录"))
        self.tabs = tabs
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        self.report_button = QPushButton(tr("查看签名的自评报告（PDF）"))
        self.report_button.setEnabled(bool(sub.report_sha256))
        self.report_button.clicked.connect(self.open_report)
        buttons.addButton(self.report_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 1000, 640)

    def _answers(self) -> QTableWidget:
        rows = [
            [a.task_key, a.task_title, labels.status(a.status), a.narrative, rectification(a)]
            for a in self.view.answers
        ]
        widget = table(
            [tr("序号"), tr("重点任务"), tr("完成情况"), tr("工作情况"), tr("问题与整改")], rows
        )
        header = widget.horizontalHeader()
        for col, width in enumerate([48, 170, 80, 360]):
            header.resizeSection(col, width)
        widget.resizeRowsToContents()
        self.answers_table = widget
        return widget

    def _evidence(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        rows = [
            [e.task_key, e.name, e.caption, f"{e.size / 1024:.0f} KB"] for e in self.evidence_rows
        ]
        self.evidence_table = table(
            [tr("任务"), tr("文件名"), tr("说明"), tr("大小")], rows, wrap=False
        )
        self.evidence_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.evidence_table.doubleClicked.connect(lambda index: self.open_evidence(index.row()))
        layout.addWidget(self.evidence_table)
        row = QHBoxLayout()
        open_button = QPushButton(tr("打开选中的材料"))
        open_button.clicked.connect(lambda: self.open_evidence(self.evidence_table.currentRow()))
        row.addStretch(1)
        row.addWidget(open_button)
        layout.addLayout(row)
        return box

    def _history(self) -> QTableWidget:
        rows = [
            [
                tr("第{0}版").format(s.revision),
                labels.state(s.state),
                labels.when(s.generated_at),
                labels.when(s.imported_at),
                f"{s.score:g}",
                s.bundle_name,
            ]
            for s in self.view.history
        ]
        headers = [tr("版本"), tr("状态"), tr("导出时间"), tr("导入时间"), tr("自查分"), tr("文件")]
        return table(headers, rows, wrap=False)

    def open_evidence(self, row: int) -> None:
        if not 0 <= row < len(self.evidence_rows):
            return
        e = self.evidence_rows[row]
        self._open(e.sha256, e.name)

    def open_report(self) -> None:
        sub = self.submission
        name = tr("{0}_{1}_第{2}版_自评报告.pdf").format(sub.branch_name, sub.period, sub.revision)
        self._open(sub.report_sha256, name)

    def _open(self, sha256: str, name: str) -> None:
        def shown(path: Path) -> None:
            self.opened.append(path)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self.ops.op(lambda store: viewing_copy(store, sha256, name), self).success(shown).run()
