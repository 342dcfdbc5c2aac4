"""The grading dialog: committee grade, score and comment, with the A quota explained in one line.

Built from a :class:`~dzdesk.committee.views.GradeView` an op loaded; saving is an op too.
The suggested grade is pre-selected when it is allowed (never an A the quota has no room
for), and an error goes away as soon as the clerk changes anything.
"""

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
from dzdesk.committee.grading import set_grade
from dzdesk.committee.store import CommitteeStore
from dzdesk.committee.views import GradeView, load_grading

from ..appearance import style_widgets
from ..i18n import tr
from ..operations import Operations, error_text
from ..widgets.screen import fit_to_screen
from . import labels


def quota_line(view: GradeView) -> str:
    """'A级名额 0 个：共 8 个名册上的党支部 × 10% = 0.8，向下取整。已评定 0 个，本期不能评A级。'"""
    q = view.quota
    text = labels.quota_explanation(q) + tr("。已评定 {0} 个").format(q.used)
    if view.row.committee_grade == "A" and q.binds:
        text += tr("（本支部当前为A级，不占新名额）")
    elif q.binds and q.allowed == 0:
        text += tr("，本期不能评A级")
    elif not view.a_allowed:
        text += tr("，名额已满")
    return text + tr("。")


class GradeDialog(QDialog):
    """Accepted only when the grade was saved; a refusal (quota, bad input) is shown in the dialog."""

    def __init__(self, view: GradeView, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("GradeDialog")
        self.view, self.ops = view, ops
        row = view.row
        self.saved: m.Grade | None = None
        self.setWindowTitle(tr("评定等次"))
        self.setMinimumWidth(480)

        layout = QVBoxLayout(self)
        title = QLabel(row.name)
        title.setObjectName("taskTitle")
        title.setTextFormat(Qt.TextFormat.PlainText)  # the name comes from the branch's file
        title.setWordWrap(True)
        layout.addWidget(title)
        members = row.members if row.members is not None else "—"
        lines = [
            tr("{0}　正式党员 {1} 名　第{2}版").format(tr(row.kind), members, row.revision),
            tr("自查分 {0:g}　自评等次 {1}　待整改 {2} 项").format(
                row.self_score or 0, row.self_grade, row.open_rectifications
            ),
        ]
        if row.flags:
            lines.append(tr("标记：{0}").format(labels.flags(row.flags)))
        facts = QLabel("\n".join(lines))
        facts.setTextFormat(Qt.TextFormat.PlainText)
        facts.setWordWrap(True)
        layout.addWidget(facts)

        self.quota_label = QLabel()
        self.quota_label.setObjectName("quota")
        self.quota_label.setWordWrap(True)
        layout.addWidget(self.quota_label)

        form = QFormLayout()
        grades = QHBoxLayout()
        self.grade_group = QButtonGroup(self)
        self.grade_buttons: dict[str, QRadioButton] = {}
        for grade in m.GRADES:
            button = QRadioButton(labels.grade(grade))
            button.setObjectName(f"grade_{grade}")
            self.grade_group.addButton(button)
            self.grade_buttons[grade] = button
            grades.addWidget(button)
        grades.addStretch(1)
        form.addRow(tr("考核等次"), grades)
        score_row = QHBoxLayout()
        self.use_score = QCheckBox(tr("填写考核分"))
        self.score = QDoubleSpinBox()
        self.score.setObjectName("score")
        self.score.setRange(0, 100)
        self.score.setDecimals(1)
        self.score.setSuffix(tr(" 分"))
        self.score.setEnabled(False)
        self.use_score.toggled.connect(self.score.setEnabled)
        score_row.addWidget(self.use_score)
        score_row.addWidget(self.score)
        score_row.addStretch(1)
        form.addRow(tr("考核分"), score_row)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setPlaceholderText(tr("评语（可选），例如：组织生活规范，整改措施具体。"))
        self.comment.setMinimumHeight(60)
        form.addRow(tr("评语"), self.comment)
        layout.addLayout(form, 1)

        self.error = QLabel()
        self.error.setObjectName("warning")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)

        if row.committee_score is not None:
            self.use_score.setChecked(True)
            self.score.setValue(row.committee_score)
        else:
            self.score.setValue(row.self_score or 0)
        self.comment.setPlainText(row.comment)
        self.show_quota(view)
        if view.suggested:
            self.grade_buttons[view.suggested].setChecked(True)
        # any change makes an earlier refusal stale
        self.grade_group.buttonToggled.connect(lambda *_: self.clear_error())
        self.use_score.toggled.connect(lambda *_: self.clear_error())
        self.score.valueChanged.connect(lambda *_: self.clear_error())
        self.comment.textChanged.connect(self.clear_error)
        style_widgets(self)
        fit_to_screen(self, 620, 460)

    def show_quota(self, view: GradeView) -> None:
        self.view = view
        self.quota_label.setText(quota_line(view))
        colour = "#1b5e20" if view.a_allowed or view.row.committee_grade == "A" else "#c62828"
        self.quota_label.setStyleSheet(f"color: {colour};")
        a = self.grade_buttons["A"]
        allowed = view.a_allowed or view.row.committee_grade == "A"
        a.setEnabled(allowed or a.isChecked())
        a.setToolTip(
            "" if allowed else tr("A级名额已满：请选择其他等次，或先调整其他党支部的等次。")
        )

    def selected_grade(self) -> str:
        for grade, button in self.grade_buttons.items():
            if button.isChecked():
                return grade
        return ""

    def save(self) -> None:
        grade = self.selected_grade()
        if not grade:
            self._show_error(tr("请选择考核等次。"))
            return
        view = self.view
        score = self.score.value() if self.use_score.isChecked() else None
        comment = self.comment.toPlainText()
        branch = str(view.row.branch_id)

        def work(store: CommitteeStore) -> m.Grade:
            return set_grade(store, view.period, branch, grade, score=score, comment=comment)

        self.buttons.setEnabled(False)
        self.ops.op(work, self).success(self._saved).failure(self._refused).run()

    def _saved(self, grade: m.Grade) -> None:
        self.buttons.setEnabled(True)
        self.saved = grade
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self._show_error(error_text(exc))
        row = self.view.row
        # the quota may have changed under us (another grading): show it as it is now
        self.ops.op(lambda store: load_grading(store, self.view.period, row), self).success(
            self.show_quota
        ).failure(lambda _exc: None).run()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def clear_error(self) -> None:
        self.error.hide()
        self.error.clear()
