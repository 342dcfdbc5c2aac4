"""Review and finalize: blockers as links, per-area scores, suggested grade, finalize/reopen."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dzdesk.finalize import FinalizeCheck
from dzdesk.models import Assessment
from dzdesk.scoring import ScoreResult

from .i18n import tr
from .models import AreaScoreModel


def _label(name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if name:
        label.setObjectName(name)
    return label


class ReviewPage(QScrollArea):
    taskLinkActivated = Signal(str)
    finalizeRequested = Signal()
    reopenRequested = Signal()
    reportRequested = Signal()
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(10)
        title = QLabel(tr("审核与定稿"))
        title.setObjectName("taskTitle")
        layout.addWidget(title)
        self.state_label = _label("stateBanner")
        layout.addWidget(self.state_label)

        self.blockers_box = QGroupBox(tr("定稿前必须处理的问题"))
        self.blockers = _label("blockers")
        self.blockers.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.blockers.linkActivated.connect(self._link)
        QVBoxLayout(self.blockers_box).addWidget(self.blockers)
        layout.addWidget(self.blockers_box)
        self.warnings_box = QGroupBox(tr("提醒（不影响定稿）"))
        self.warnings = _label("warnings")
        self.warnings.setTextInteractionFlags(self.blockers.textInteractionFlags())
        self.warnings.linkActivated.connect(self._link)
        QVBoxLayout(self.warnings_box).addWidget(self.warnings)
        layout.addWidget(self.warnings_box)

        grade_box = QGroupBox(tr("得分与建议等次"))
        glayout = QVBoxLayout(grade_box)
        self.grade = _label("gradeLine")
        self.reasons = _label()
        self.area_model = AreaScoreModel(self)
        self.area_table = QTableView()
        self.area_table.setObjectName("areaTable")
        self.area_table.setModel(self.area_model)
        self.area_table.verticalHeader().setVisible(False)
        self.area_table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.area_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.area_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.area_model.modelReset.connect(self._fit_table)
        self.note = _label("hint")
        glayout.addWidget(self.grade)
        glayout.addWidget(self.reasons)
        glayout.addWidget(self.area_table)
        glayout.addWidget(self.note)
        layout.addWidget(grade_box)

        actions = QHBoxLayout()
        self.finalize_button = QPushButton(tr("定稿…"))
        self.finalize_button.setObjectName("primary")
        self.reopen_button = QPushButton(tr("重新打开（生成新版本）…"))
        self.report_button = QPushButton(tr("生成自评报告…"))
        self.export_button = QPushButton(tr("导出上报文件…"))
        self.finalize_button.clicked.connect(self.finalizeRequested)
        self.reopen_button.clicked.connect(self.reopenRequested)
        self.report_button.clicked.connect(self.reportRequested)
        self.export_button.clicked.connect(self.exportRequested)
        for button in (self.finalize_button, self.reopen_button, self.report_button, self.export_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addStretch(1)

    def _fit_table(self) -> None:
        rows = self.area_model.rowCount()
        height = self.area_table.horizontalHeader().sizeHint().height() + 2 * self.area_table.frameWidth() + 2
        height += sum(self.area_table.rowHeight(r) for r in range(rows))
        self.area_table.setFixedHeight(max(height, 60))

    def _link(self, href: str) -> None:
        if href.startswith("task:"):
            self.taskLinkActivated.emit(href[5:])

    def show_review(self, assessment: Assessment, check: FinalizeCheck, result: ScoreResult, rubric_note: str) -> None:
        finalized = assessment.is_finalized
        revision = tr("第{0}版").format(assessment.revision)
        if finalized:
            when = assessment.finalized_at[:16].replace("T", " ")
            self.state_label.setText(
                tr("<b>已定稿</b>（{0}，{1}），内容只读。摘要 {2}。如需修改，请点击“重新打开”，系统会生成新的版本并保留已定稿的版本。").format(
                    revision, when, html.escape(assessment.snapshot_digest[:16])
                )
            )
        else:
            self.state_label.setText(tr("<b>草稿</b>（{0}）：所有修改已自动保存。处理完下列问题后即可定稿。").format(revision))
        self.blockers_box.setVisible(not finalized)
        self.blockers.setText(self._links(check.blockers) if check.blockers else tr("没有问题，可以定稿。"))
        self.warnings_box.setVisible(bool(check.warnings) and not finalized)
        self.warnings.setText(self._links(check.warnings))
        self.grade.setText(
            tr("<span style='font-size:15pt'>得分 <b>{0:g}</b> 分 · 建议等次 <b>{1}</b></span>　已填写 {2}/{3} 项").format(
                result.total, html.escape(result.grade_text), result.answered, result.task_count
            )
        )
        self.reasons.setText("<br>".join(html.escape(r) for r in result.reasons))
        self.area_model.set_rows(list(result.areas))
        self.note.setText(html.escape(rubric_note) or tr("等次标准为默认设置，以上级党委规定为准。"))
        self.finalize_button.setVisible(not finalized)
        self.finalize_button.setEnabled(check.ok)
        self.finalize_button.setToolTip("" if check.ok else tr("请先处理上面列出的问题"))
        self.reopen_button.setVisible(finalized)

    @staticmethod
    def _links(findings) -> str:
        items = "".join(
            f"<li><a href='task:{html.escape(f.task_key)}'>{html.escape(f.message)}</a></li>" for f in findings
        )
        return f"<ul style='margin-left:-20px'>{items}</ul>"
