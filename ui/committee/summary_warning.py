"""Before 生成通报: which branches are still ungraded or held, with the choice to go on or go back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from dzdesk.committee.views import SummaryCheck

from ..appearance import style_widgets
from ..i18n import tr
from ..widgets.screen import fit_to_screen, scrolling
from .model import name_sort_key


class SummaryWarningDialog(QDialog):
    """Accepted: write the 通报 anyway; rejected: go back to the overview."""

    def __init__(self, check: SummaryCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SummaryWarningDialog")
        self.setWindowTitle(tr("生成通报前请确认"))
        body = QWidget()
        layout = QVBoxLayout(body)
        lead = QLabel(tr("{0} 还有党支部没有处理完，通报中会如实列出：").format(check.period))
        lead.setWordWrap(True)
        layout.addWidget(lead)
        self.sections: dict[str, QLabel] = {}
        for key, title, names in (
            ("held", tr("报送包暂存、等待确认的党支部（{0} 个，不计入通报）："), check.held),
            ("ungraded", tr("已提交、尚未评定等次的党支部（{0} 个）："), check.ungraded),
        ):
            if not names:
                continue
            heading = QLabel(title.format(len(names)))
            heading.setObjectName("warning")
            layout.addWidget(heading)
            listing = QLabel(
                "\n".join(sorted(names, key=name_sort_key))
            )  # one a line: long names never break
            listing.setObjectName(key)
            listing.setTextFormat(Qt.TextFormat.PlainText)  # names come from the branches' files
            listing.setWordWrap(True)
            listing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(listing)
            self.sections[key] = listing
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(scrolling(body), 1)
        question = QLabel(tr("仍要生成通报，还是返回继续评定？"))
        question.setWordWrap(True)
        outer.addWidget(question)
        buttons = QDialogButtonBox()
        self.go_on = buttons.addButton(tr("仍然生成"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.go_back = buttons.addButton(tr("返回"), QDialogButtonBox.ButtonRole.RejectRole)
        self.go_on.setAutoDefault(False)
        self.go_back.setDefault(True)  # Enter goes back: writing despite the gaps is a choice
        self.go_back.setFocus()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        style_widgets(self)
        fit_to_screen(self, 660, 540)
