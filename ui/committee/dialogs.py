"""The per-file import report: imported / already had / older / held / rejected and why."""

from __future__ import annotations

from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from dzdesk.committee import models as m

from ..i18n import tr
from ..widgets.screen import fit_to_screen
from . import labels
from .detail import table

OUTCOME_COLOURS = {m.REJECTED: "#c62828", m.HELD: "#e65100"}


class ImportReportDialog(QDialog):
    """One row per file, problems first (rejected, then held), each group in file order."""

    def __init__(
        self, report: m.ImportReport, parent: QWidget | None = None, *, stopped: str = ""
    ) -> None:
        """``stopped``: why the import stopped early; ``report`` then holds what it had completed."""
        super().__init__(parent)
        self.setObjectName("ImportReportDialog")
        self.setWindowTitle(tr("导入结果（中途停止）") if stopped else tr("导入结果"))
        layout = QVBoxLayout(self)
        if stopped:
            notice = QLabel(stopped + "\n" + tr("以下是停止前已经完成的文件。"))
            notice.setObjectName("stopped")
            notice.setStyleSheet("color: #c62828; font-weight: bold;")
            notice.setWordWrap(True)
            layout.addWidget(notice)
        parts = [
            tr("{0} {1} 个").format(labels.outcome(k), report.count(k))
            for k in m.OUTCOME_LABELS
            if report.count(k)
        ]
        summary = QLabel(
            tr("共 {0} 个文件：{1}。").format(len(report.outcomes), tr("，").join(parts))
        )
        summary.setObjectName("summary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        if report.count(m.HELD):
            hint = QLabel(
                tr("签名密钥变更的报送包已暂存：请与该党支部核实后，在“密钥变更”中确认或拒绝。")
            )
            hint.setStyleSheet("color: #e65100;")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        rank = {m.REJECTED: 0, m.HELD: 1}
        outcomes = sorted(report.outcomes, key=lambda o: rank.get(o.outcome, 2))
        rows = [
            [
                o.file,
                labels.outcome(o.outcome),
                o.branch,
                o.period,
                tr("第{0}版").format(o.revision) if o.revision else "",
                o.reason,
            ]
            for o in outcomes
        ]
        headers = [tr("文件"), tr("结果"), tr("党支部"), tr("期间"), tr("版本"), tr("说明")]
        self.table = table(headers, rows)
        for r, o in enumerate(outcomes):
            colour = OUTCOME_COLOURS.get(o.outcome)
            if colour:
                self.table.item(r, 1).setForeground(QColor(colour))
        header = self.table.horizontalHeader()
        for col, width in enumerate([220, 150, 230, 70, 60]):
            header.resizeSection(col, width)
        self.table.resizeRowsToContents()
        self.table.setCurrentCell(-1, -1)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        fit_to_screen(self, 1240, 560)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()  # the last column's real width is known only now
