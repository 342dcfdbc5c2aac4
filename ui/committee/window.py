"""The committee window: a period's branches in one table, with import, grading and summary.

Imports and summaries run through ``ui.operations`` (one worker thread) while
the window is disabled, so the one database connection is never used from two
threads at once. Tests pass an executor that runs the work inline.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from dzdesk.committee import models as m
from dzdesk.committee.grading import quota
from dzdesk.committee.importer import import_bundles, kept_before_stop
from dzdesk.committee.overview import overview_rows
from dzdesk.committee.roster import read_roster
from dzdesk.committee.store import CommitteeStore
from dzdesk.committee.summary import write_summary
from dzdesk.errors import DzdeskError
from dzdesk.paths import AppPaths
from dzdesk.periods import current_quarter, parse_period
from dzdesk.progress import Progress

from ..operations import Operations, error_text
from .detail import BranchDetail
from .dialogs import ImportReportDialog, KeyChangesDialog
from .grade_dialog import GradeDialog
from .model import FILTERS, ROW_ROLE, OverviewFilter, OverviewModel

IMPORT_CANCELLED = "已取消。已经导入的文件保留，其余未导入。"


class CommitteeWindow(QMainWindow):
    def __init__(self, store: CommitteeStore, executor: Executor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CommitteeWindow")
        self.store = store
        self.ops = Operations(store, executor, parent=self)
        self.ops.on_error = self._failed
        self.last_dialog: QWidget | None = None
        self.setWindowTitle("dzdesk — 上级党组织考核验收")
        self.resize(1366, 768)
        self._build_toolbar()
        self._build_body()
        self.load_periods()

    # -- layout ----------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("考核验收")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        self.actions_by_name: dict[str, QAction] = {}
        for name, text, slot in [
            ("import_files", "导入报送包…", self.import_files),
            ("import_folder", "导入文件夹…", self.import_folder),
            ("grade", "评定等次…", self.grade_selected),
            ("detail", "查看详情", self.detail_selected),
            ("keys", "密钥变更…", self.show_key_changes),
            ("roster", "导入名册…", self.import_roster),
            ("deadline", "截止日期…", self.edit_deadline),
            ("summary", "生成通报…", self.export_summary),
        ]:
            action = QAction(text, self)
            action.triggered.connect(slot)
            bar.addAction(action)
            self.actions_by_name[name] = action

    def _build_body(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        top = QHBoxLayout()
        top.addWidget(QLabel("期间"))
        self.period_box = QComboBox()
        self.period_box.setObjectName("period")
        self.period_box.setEditable(True)
        self.period_box.setMinimumWidth(110)
        self.period_box.activated.connect(lambda _i: self.refresh())
        self.period_box.lineEdit().returnPressed.connect(self.refresh)
        top.addWidget(self.period_box)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("搜索党支部名称、类型、书记或标记")
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search, 1)
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("filter")
        for key, label in FILTERS.items():
            self.filter_box.addItem(label, key)
        top.addWidget(self.filter_box)
        layout.addLayout(top)

        info = QHBoxLayout()
        self.quota_label = QLabel()
        self.quota_label.setObjectName("quota")
        self.quota_label.setStyleSheet("font-weight: bold;")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts")
        info.addWidget(self.quota_label)
        info.addSpacing(24)
        info.addWidget(self.counts_label, 1)
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
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setVisible(False)  # source row numbers mean nothing once sorted
        header = self.table.horizontalHeader()
        for col, width in enumerate([300, 90, 50, 130, 64, 70, 64, 70, 60]):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._double_clicked)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(body)
        self.search.textChanged.connect(self._filter_changed)
        self.filter_box.currentIndexChanged.connect(self._filter_changed)

    # -- data --------------------------------------------------------------------
    def load_periods(self) -> None:
        periods = self.store.periods()
        now = current_quarter().code
        choices = sorted(set(periods) | {now, current_quarter().previous().code}, key=parse_period, reverse=True)
        self.period_box.clear()
        self.period_box.addItems(choices)
        self.period_box.setCurrentText(periods[-1] if periods else now)
        self.refresh()

    def period(self) -> str | None:
        try:
            return parse_period(self.period_box.currentText()).code
        except DzdeskError as exc:
            self.statusBar().showMessage(exc.zh, 8000)
            return None

    def refresh(self) -> None:
        period = self.period()
        if period is None:
            return
        rows = overview_rows(self.store, period)
        self.model.set_rows(rows)
        self.proxy.sort(self.proxy.sortColumn(), self.proxy.sortOrder())
        q = quota(self.store, period)
        source = "名册" if q.from_roster else "已导入"
        self.quota_label.setText(f"A级名额：{q.used} / {q.allowed}（{source}党支部 {q.base} 个 × 10%）")
        self.quota_label.setStyleSheet("font-weight: bold; color: %s;" % ("#c62828" if q.used >= q.allowed else "#1b5e20"))
        submitted = sum(r.submitted for r in rows)
        graded = sum(1 for r in rows if r.committee_grade)
        deadline = self.store.deadline(period)
        pending = len(self.store.key_changes(pending_only=True))
        text = f"共 {len(rows)} 个党支部：已提交 {submitted}，未提交 {len(rows) - submitted}，已评定 {graded}"
        text += f"　截止日期 {deadline}" if deadline else "　未设截止日期"
        if pending:
            text += f"　密钥变更待确认 {pending} 个"
        self.counts_label.setText(text)
        self._filter_changed()

    def _filter_changed(self) -> None:
        self.proxy.set_search(self.search.text())
        self.proxy.set_status(self.filter_box.currentData() or "all")
        if not self.model.rowCount():
            self.statusBar().showMessage("本期还没有报送包：点击“导入文件夹”选择U盘中存放 .dzb 报送包的文件夹；也可先“导入名册”。")
            return
        self.statusBar().showMessage(f"显示 {self.proxy.rowCount()} / {self.model.rowCount()} 个党支部")

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

    # -- actions -----------------------------------------------------------------
    def import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "选择报送包", str(Path.home()), "dzdesk 报送包 (*.dzb);;所有文件 (*)")
        if files:
            self.import_paths([Path(f) for f in files])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择存放报送包的文件夹（如U盘）", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, sources: list[Path]) -> None:
        def work(store: CommitteeStore, progress: Progress) -> m.ImportReport:
            return import_bundles(store, sources, progress=progress)

        def stopped(exc: BaseException) -> None:
            kept = kept_before_stop(exc)
            if kept is None or not kept.outcomes:
                self._failed(error_text(exc, IMPORT_CANCELLED))
            else:
                self._show_report(kept, stopped=error_text(exc, IMPORT_CANCELLED))

        self.ops.op(work, self).blocking(self).with_progress(
            "正在校验并导入报送包", cancellable=True, counts=True
        ).success(self._show_report).failure(stopped).run()

    def _show_report(self, report: m.ImportReport, stopped: str = "") -> None:
        self.load_periods()
        dialog = ImportReportDialog(report, self, stopped=stopped)
        self.last_dialog = dialog
        dialog.open()

    def _failed(self, text: str) -> None:
        self.refresh()  # a cancelled import keeps what it imported
        QMessageBox.warning(self, "提示", text)

    def _double_clicked(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is None:
            return
        if index.column() in (6, 7):
            self.grade_selected()
        else:
            self.detail_selected()

    def grade_selected(self) -> None:
        row, period = self.selected_row(), self.period()
        if row is None or period is None:
            QMessageBox.information(self, "提示", "请先在表格中选中一个党支部。")
            return
        if not row.submitted:
            QMessageBox.information(self, "提示", f"“{row.name}”尚未提交 {period} 的自评，不能评定等次。")
            return
        dialog = GradeDialog(self.store, period, row, self)
        self.last_dialog = dialog
        dialog.finished.connect(lambda result: self._graded(row.name) if result else None)
        dialog.open()

    def _graded(self, name: str) -> None:
        self.refresh()
        self.select_branch(name)

    def detail_selected(self) -> None:
        row = self.selected_row()
        if row is None or not row.submitted or row.submission_id is None:
            QMessageBox.information(self, "提示", "请先选中一个已提交的党支部。")
            return
        dialog = BranchDetail(self.store, row.submission_id, self)
        self.last_dialog = dialog
        dialog.open()

    def show_key_changes(self) -> None:
        dialog = KeyChangesDialog(self.store, self)
        self.last_dialog = dialog
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()

    def import_roster(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择党支部名册（CSV：name,kind,secretary）", str(Path.home()), "CSV 文件 (*.csv);;所有文件 (*)")
        if not path:
            return
        try:
            entries = read_roster(Path(path))
            self.store.replace_roster(entries)
        except DzdeskError as exc:
            QMessageBox.warning(self, "名册有误", exc.zh)
            return
        self.refresh()
        QMessageBox.information(self, "名册", f"已导入名册：{len(entries)} 个党支部（原名册已替换）。")

    def edit_deadline(self) -> None:
        period = self.period()
        if period is None:
            return
        text, ok = QInputDialog.getText(
            self, "报送截止日期", f"{period} 的报送截止日期（YYYY-MM-DD，留空表示不设）：", text=self.store.deadline(period)
        )
        if not ok:
            return
        try:
            self.store.set_deadline(period, text)
        except DzdeskError as exc:
            QMessageBox.warning(self, "提示", exc.zh)
            return
        self.refresh()

    def export_summary(self) -> None:
        period = self.period()
        if period is None:
            return
        start = str(Path.home() / f"{period}考核验收结果通报.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "生成通报", start, "PDF 通报 (*.pdf);;Excel 工作簿 (*.xlsx)")
        if not path:
            return
        self.ops.op(lambda store, _progress: write_summary(store, period, path), self).blocking(self).with_progress(
            "正在生成通报"
        ).success(lambda out: QMessageBox.information(self, "通报", f"已生成：{out}")).run()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ops.busy:
            event.ignore()
            return
        self.ops.shutdown()
        # An edited period box reports "activated" when it loses focus on closing: nothing may
        # reach the database after this point.
        self.period_box.blockSignals(True)
        self.period_box.lineEdit().blockSignals(True)
        self.store.close()
        super().closeEvent(event)


def open_committee_window(paths: AppPaths, parent: QWidget | None = None, executor: Executor | None = None) -> CommitteeWindow | None:
    """Open committee mode on the data folder ``paths``; None (after saying why) if its database cannot be opened."""
    try:
        store = CommitteeStore(paths)
    except DzdeskError as exc:
        QMessageBox.warning(parent, "上级党委模式", exc.zh)
        return None
    window = CommitteeWindow(store, executor=executor, parent=None)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window
