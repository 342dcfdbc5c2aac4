"""The committee window: a period's branches in one table, with the quota, deadline and key changes.

Every read and write goes through ``ui.operations`` (one worker thread): the window's data
is one :class:`~dzdesk.committee.views.OverviewView` loaded by an op, and each dialog is
built from what an op loaded (see actions.py). Long work (imports, the 通报) disables the
window while it runs. Tests pass an executor that runs the work inline.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import date

from PySide6.QtCore import QByteArray, QModelIndex, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dzdesk.committee import models as m
from dzdesk.committee.store import CommitteeStore
from dzdesk.committee.views import OverviewView, load_overview
from dzdesk.errors import DzdeskError
from dzdesk.paths import AppPaths
from dzdesk.periods import parse_period

from ..appearance import apply_font_size, style_widgets
from ..i18n import tr
from ..operations import Operations, error_text
from ..settings import Settings, load_settings, save_settings
from ..widgets.elided import elide_with_tooltips
from ..widgets.screen import fit_to_screen
from . import labels
from .actions import IMPORT_CANCELLED, Actions
from .columns import ColumnSizer
from .menus import build_menus
from .model import FILTERS, ROW_ROLE, OverviewFilter, OverviewModel

__all__ = ["IMPORT_CANCELLED", "CommitteeWindow", "open_committee_window"]


class CommitteeWindow(QMainWindow):
    """``store``: an open committee store, or None when :meth:`open_store` opens it on the worker."""

    def __init__(
        self,
        store: CommitteeStore | None,
        executor: Executor | None = None,
        parent: QWidget | None = None,
        *,
        paths: AppPaths | None = None,
        settings: Settings | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CommitteeWindow")
        self.ops = Operations(store, executor, parent=self)
        self.ops.on_error = self.show_warning
        self.paths = paths if paths is not None else store.paths if store is not None else None
        self.settings = settings or (
            load_settings(self.paths.settings_file) if self.paths else Settings()
        )
        self.today = today
        self.view: OverviewView | None = None
        self.last_dialog: QWidget | None = None
        self.closed = False
        self.setWindowTitle(tr("dzdesk — 上级党组织考核验收"))
        self.commands = Actions(self)
        self.menu_actions = build_menus(self, self.commands)
        self._build_body()
        style_widgets(self)
        self._restore_geometry()
        if store is not None:
            self.reload()

    # -- layout ----------------------------------------------------------------
    def _build_body(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("期间")))
        self.period_box = QComboBox()
        self.period_box.setObjectName("period")
        self.period_box.setEditable(True)
        self.period_box.setMinimumWidth(110)
        self.period_box.activated.connect(lambda _i: self.reload())
        self.period_box.lineEdit().returnPressed.connect(self.reload)
        top.addWidget(self.period_box)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(tr("搜索党支部名称、类型、书记或标记"))
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search, 1)
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("filter")
        for key, label in FILTERS.items():
            self.filter_box.addItem(tr(label), key)
        top.addWidget(self.filter_box)
        layout.addLayout(top)

        info = QHBoxLayout()
        self.quota_label = QLabel()
        self.quota_label.setObjectName("quota")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts")
        self.counts_label.setWordWrap(True)
        self.identity_hint = QLabel(
            f"<a href='#'>{tr('尚未填写本党委名称：点此填写（通报的发文单位）')}</a>"
        )
        self.identity_hint.setObjectName("identityHint")
        self.identity_hint.linkActivated.connect(lambda _link: self.commands.committee_info())
        self.identity_hint.hide()
        info.addWidget(self.quota_label)
        info.addSpacing(24)
        info.addWidget(self.counts_label, 1)
        info.addWidget(self.identity_hint)
        layout.addLayout(info)

        self.model = OverviewModel(self)
        self.proxy = OverviewFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("overview")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        elide_with_tooltips(self.table)
        self.table.verticalHeader().setVisible(False)  # source row numbers mean nothing once sorted
        self.table.doubleClicked.connect(self._double_clicked)
        self.columns = ColumnSizer(self.table)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(body)
        self.search.textChanged.connect(self._filter_changed)
        self.filter_box.currentIndexChanged.connect(self._filter_changed)

    # -- data --------------------------------------------------------------------
    def open_store(self, failed: Callable[[BaseException], None] | None = None) -> None:
        """Open the committee database on the operations thread, then show the newest period."""
        paths, ops, today = self.paths, self.ops, self.today
        assert paths is not None

        def work(_none: None) -> OverviewView:
            opened = CommitteeStore(paths)
            ops.store = opened  # on the worker, before any later queued op runs
            return load_overview(opened, None, today)

        self.statusBar().showMessage(tr("正在打开考核验收记录…"))
        self.ops.op(work, self).success(self._opened).failure(failed or self._cannot_open).run()

    def _opened(self, view: OverviewView) -> None:
        self.show_view(view)
        if view.identity is None and not self.closed:
            self.commands.committee_info(first_run=True)

    def _cannot_open(self, exc: BaseException) -> None:
        QMessageBox.critical(self, "dzdesk", error_text(exc))
        self.close()
        others = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not self]
        if not others:
            QApplication.instance().exit(1)

    def period(self) -> str | None:
        try:
            return parse_period(self.period_box.currentText()).code
        except DzdeskError as exc:
            self.statusBar().showMessage(error_text(exc), 8000)
            return None

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Load the period in the period box again (one read) and show it; with an empty box, the
        newest period with data."""
        if self.closed:
            return
        period = self.period() if self.period_box.currentText().strip() else None
        if period is None and self.period_box.currentText().strip():
            return  # not a period: the status bar says why
        today = self.today

        def shown(view: OverviewView) -> None:
            self.show_view(view)
            if then is not None:
                then()

        self.ops.op(lambda store: load_overview(store, period, today), self).success(shown).run()

    def show_view(self, view: OverviewView) -> None:
        if self.closed:
            return
        self.view = view
        box = self.period_box
        box.blockSignals(True)
        box.clear()
        box.addItems(list(view.periods))
        box.setCurrentText(view.period)
        box.blockSignals(False)
        selected = self.selected_row()
        self.model.set_rows(view.rows)
        self.proxy.sort(self.proxy.sortColumn(), self.proxy.sortOrder())
        q = view.quota
        self.quota_label.setText(labels.quota_summary(q))
        self.quota_label.setStyleSheet(
            "font-weight: bold; color: %s;"
            % ("#c62828" if q.binds and q.used >= q.allowed else "#1b5e20")
        )
        total = len(view.rows)
        text = tr("共 {0} 个党支部：已提交 {1}，未提交 {2}，已评定 {3}").format(
            total, view.submitted, total - view.submitted, view.graded
        )
        text += (
            tr("　截止日期 {0}").format(view.deadline) if view.deadline else tr("　未设截止日期")
        )
        if view.pending_key_changes:
            text += tr("　密钥变更待确认 {0} 个").format(view.pending_key_changes)
        self.counts_label.setText(text)
        self.identity_hint.setVisible(view.identity is None)
        name = view.identity.name if view.identity else ""
        title = tr("dzdesk — 上级党组织考核验收")
        self.setWindowTitle(f"{title} — {name}" if name else title)
        self._filter_changed()
        if selected is not None:
            self.select_branch(selected.name)

    def _filter_changed(self) -> None:
        self.proxy.set_search(self.search.text())
        self.proxy.set_status(self.filter_box.currentData() or "all")
        if self.view is None:
            return
        if not self.model.rowCount():
            self.statusBar().showMessage(
                tr(
                    "本期还没有报送包：点击“导入文件夹”选择U盘中存放 .dzb 报送包的文件夹；也可先“导入名册”。"
                )
            )
            return
        self.statusBar().showMessage(
            tr("显示 {0} / {1} 个党支部").format(self.proxy.rowCount(), self.model.rowCount())
        )

    def selected_row(self) -> m.OverviewRow | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_branch(self, name: str) -> bool:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ROW_ROLE).name == name:
                self.table.selectRow(r)
                self.table.setCurrentIndex(self.proxy.index(r, 0))
                return True
        return False

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.data(ROW_ROLE) is None:
            return
        if index.column() in (6, 7):
            self.commands.grade_selected()
        else:
            self.commands.detail_selected()

    # -- what the actions need ---------------------------------------------------
    def show_warning(self, text: str) -> None:
        self.reload()  # a cancelled import keeps what it imported
        QMessageBox.warning(self, tr("提示"), text)

    def show_dialog(self, dialog: QWidget) -> None:
        self.last_dialog = dialog
        dialog.open()

    # the names tests and other windows use
    def import_paths(self, sources: list) -> None:
        self.commands.import_paths(sources)

    def grade_selected(self) -> None:
        self.commands.grade_selected()

    def detail_selected(self) -> None:
        self.commands.detail_selected()

    # -- settings and lifecycle ----------------------------------------------------
    def _restore_geometry(self) -> None:
        value = self.settings.geometry.get("committee")
        if value and self.restoreGeometry(QByteArray(base64.b64decode(value))):
            fit_to_screen(self, self.width(), self.height())  # a smaller screen than last time
            return
        fit_to_screen(self, 1366, 860)

    def save_settings(self) -> None:
        self.settings.geometry["committee"] = base64.b64encode(
            bytes(self.saveGeometry().data())
        ).decode()
        if self.paths is not None:
            save_settings(self.paths.settings_file, self.settings)

    def change_font(self, delta: int) -> None:
        apply_font_size(
            QApplication.instance(), self.settings.clamp_font(self.settings.font_pt + delta)
        )
        self.columns.size()
        self.save_settings()

    def set_language(self, code: str) -> None:
        self.settings.language = code
        self.save_settings()
        QMessageBox.information(
            self,
            "dzdesk",
            "界面语言将在重新打开程序后切换。\nThe language changes the next time dzdesk starts.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ops.busy and not self.isEnabled():  # an import or the 通报 is running
            event.ignore()
            return
        if self.closed:  # closed before (a second close, e.g. on deletion)
            super().closeEvent(event)
            return
        self.closed = True
        # An edited period box reports "activated" when it loses focus on closing: nothing may
        # reach the database after this point.
        self.period_box.blockSignals(True)
        self.period_box.lineEdit().blockSignals(True)
        self.ops.wait()
        self.save_settings()
        try:
            if self.ops.store is not None:
                self.ops.op(lambda store: store.close()).run()
            self.ops.shutdown()
        except RuntimeError:  # the executor was shut down already (the program is ending)
            pass
        super().closeEvent(event)


def open_committee_window(
    paths: AppPaths, parent: QWidget | None = None, executor: Executor | None = None
) -> CommitteeWindow:
    """Switch to committee mode on the data folder ``paths`` (ui/extras.py and the first run call this)."""
    from .roles import open_committee

    return open_committee(paths, parent, executor=executor)
