"""The grading dialog: committee grade, score and comment, with the A quota always in view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from dzdesk.committee import models as m
from dzdesk.committee.grading import quota, set_grade
from dzdesk.committee.store import CommitteeStore
from dzdesk.errors import DzdeskError


class GradeDialog(QDialog):
    """Accepted only when the grade was saved; a refusal (quota, bad input) is shown in the dialog."""

    def __init__(self, store: CommitteeStore, period: str, row: m.OverviewRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("GradeDialog")
        self.store, self.period, self.row = store, period, row
        self.saved: m.Grade | None = None
        self.setWindowTitle("评定等次")
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        title = QLabel(row.name)
        title.setTextFormat(Qt.TextFormat.PlainText)  # the name comes from the branch's file
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        title.setWordWrap(True)
        layout.addWidget(title)
        facts = QLabel(
            f"{row.kind}　正式党员 {row.members if row.members is not None else '—'} 名　第{row.revision}版\n"
            f"自查分 {row.self_score:g}　自评等次 {row.self_grade}　待整改 {row.open_rectifications} 项"
            + (f"\n标记：{'、'.join(row.flags)}" if row.flags else "")
        )
        facts.setTextFormat(Qt.TextFormat.PlainText)
        facts.setWordWrap(True)
        layout.addWidget(facts)

        self.quota_label = QLabel()
        self.quota_label.setObjectName("quota")
        layout.addWidget(self.quota_label)

        form = QFormLayout()
        grades = QHBoxLayout()
        self.grade_group = QButtonGroup(self)
        self.grade_buttons: dict[str, QRadioButton] = {}
        for grade in m.GRADES:
            button = QRadioButton(f"{grade}级（{m.GRADE_LABELS[grade]}）")
            button.setObjectName(f"grade_{grade}")
            self.grade_group.addButton(button)
            self.grade_buttons[grade] = button
            grades.addWidget(button)
        form.addRow("考核等次", grades)
        score_row = QHBoxLayout()
        self.use_score = QCheckBox("填写考核分")
        self.score = QDoubleSpinBox()
        self.score.setObjectName("score")
        self.score.setRange(0, 100)
        self.score.setDecimals(1)
        self.score.setSuffix(" 分")
        self.score.setEnabled(False)
        self.use_score.toggled.connect(self.score.setEnabled)
        score_row.addWidget(self.use_score)
        score_row.addWidget(self.score)
        score_row.addStretch(1)
        form.addRow("考核分", score_row)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setPlaceholderText("评语（可选），例如：组织生活规范，整改措施具体。")
        self.comment.setFixedHeight(90)
        form.addRow("评语", self.comment)
        layout.addLayout(form)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)

        current = row.committee_grade or row.self_grade
        if current in self.grade_buttons:
            self.grade_buttons[current].setChecked(True)
        if row.committee_score is not None:
            self.use_score.setChecked(True)
            self.score.setValue(row.committee_score)
        else:
            self.score.setValue(row.self_score or 0)
        self.comment.setPlainText(row.comment)
        self.refresh_quota()

    def refresh_quota(self) -> None:
        q = quota(self.store, self.period, exclude_branch=self.row.branch_id)
        own = " 本支部当前为A级，不占新名额。" if self.row.committee_grade == "A" else ""
        self.quota_label.setText(f"A级名额：已评定 {q.used} 个 / 最多 {q.allowed} 个（{q.base} 个党支部 × 10%，向下取整）。{own}")
        full = q.used >= q.allowed
        self.quota_label.setStyleSheet("color: #c62828;" if full else "color: #1b5e20;")

    def selected_grade(self) -> str:
        for grade, button in self.grade_buttons.items():
            if button.isChecked():
                return grade
        return ""

    def save(self) -> None:
        grade = self.selected_grade()
        if not grade:
            self._show_error("请选择考核等次。")
            return
        try:
            self.saved = set_grade(
                self.store, self.period, str(self.row.branch_id), grade,
                score=self.score.value() if self.use_score.isChecked() else None,
                comment=self.comment.toPlainText(),
            )
        except DzdeskError as exc:
            self._show_error(exc.zh)
            self.refresh_quota()
            return
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
