"""Create a new period (quarter, half-year or year), optionally copying the last one forward."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dzdesk.errors import ValidationError
from dzdesk.models import Assessment
from dzdesk.periods import Period, current_quarter, parse_period

from .appearance import style_widgets
from .i18n import tr

KINDS = (("Q", "季度"), ("H", "半年"), ("Y", "年度"))
NUMBERS = {"Q": ("第一季度", "第二季度", "第三季度", "第四季度"), "H": ("上半年", "下半年"), "Y": ("全年",)}


def period_choice_label(code: str, latest: Assessment | None) -> str:
    """How a period reads in the period list: finalized and reopened periods are marked."""
    label = parse_period(code).label
    if latest is None:
        return label
    if latest.is_finalized:
        if latest.revision > 1:
            return tr("{0}（第{1}版，已定稿）").format(label, latest.revision)
        return tr("{0}（已定稿）").format(label)
    if latest.revision > 1:
        return tr("{0}（第{1}版，草稿）").format(label, latest.revision)
    return label


def period_choice_tip(latest: Assessment | None) -> str:
    if latest is None:
        return ""
    if latest.is_finalized:
        when = latest.finalized_at[:16].replace("T", " ")
        return tr("第{0}版，已于 {1} 定稿，只能查看").format(latest.revision, when)
    if latest.revision > 1:
        return tr("第{0}版草稿：已定稿的第{1}版原样保留").format(latest.revision, latest.revision - 1)
    return tr("草稿，可以修改")


class NewPeriodDialog(QDialog):
    def __init__(self, existing: list[str], today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.existing = existing
        self.setWindowTitle(tr("新建自评期间"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for code, label in KINDS:
            self.kind.addItem(tr(label), code)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        now = current_quarter(today)
        self.year.setValue(now.year)
        self.number = QComboBox()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.number.setCurrentIndex(now.number - 1)
        self.copy = QCheckBox(tr("从上一期复制完成情况、整改措施和佐证材料（完成状态需重新确认）"))
        self.copy.setObjectName("copyForward")
        self.source = QComboBox()
        for code in reversed(existing):
            self.source.addItem(parse_period(code).label, code)
        self.copy.setChecked(bool(existing))
        self.copy.setEnabled(bool(existing))
        self.source.setEnabled(bool(existing))
        self.copy.toggled.connect(self.source.setEnabled)
        form.addRow(tr("类型"), self.kind)
        form.addRow(tr("年份"), self.year)
        form.addRow(tr("期间"), self.number)
        layout.addLayout(form)
        layout.addWidget(self.copy)
        source_form = QFormLayout()
        source_form.addRow(tr("复制自"), self.source)
        layout.addLayout(source_form)
        self.error = QLabel()
        self.error.setObjectName("warning")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        style_widgets(self)

    def _kind_changed(self) -> None:
        self.number.clear()
        for label in NUMBERS[self.kind.currentData()]:
            self.number.addItem(tr(label))

    def period(self) -> Period:
        kind = self.kind.currentData()
        return Period(self.year.value(), kind, 0 if kind == "Y" else self.number.currentIndex() + 1)

    def copy_from(self) -> str | None:
        return self.source.currentData() if self.copy.isChecked() and self.source.count() else None

    def _check(self) -> None:
        code = self.period().code
        if code in self.existing:
            self.error.setText(str(ValidationError(tr("{0}的自评已经存在，请在顶部的期间列表中选择它。").format(self.period().label)).zh))
            self.error.show()
            return
        self.accept()
