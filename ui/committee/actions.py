"""What the committee window's menus and toolbar do. Each action reads through an op, builds its
dialog from what the op returned, and writes through an op; nothing here touches the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from dzdesk.committee import models as m
from dzdesk.committee.identity import KeyState, key_state
from dzdesk.committee.importer import import_bundles, kept_before_stop
from dzdesk.committee.roster import read_roster
from dzdesk.committee.store import CommitteeStore
from dzdesk.committee.summary import write_summary
from dzdesk.committee.views import (
    DetailView,
    GradeView,
    SummaryCheck,
    load_detail,
    load_grading,
    load_key_changes,
    summary_check,
)
from dzdesk.progress import Progress

from ..i18n import tr
from ..operations import error_text
from ..widgets.screen import fit_to_screen

if TYPE_CHECKING:
    from .window import CommitteeWindow

IMPORT_CANCELLED = "已取消。已经导入的文件保留，其余未导入。"


class Actions:
    def __init__(self, window: CommitteeWindow) -> None:
        self.window = window
        self.ops = window.ops

    # -- import --------------------------------------------------------------------
    def import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self.window,
            tr("选择报送包"),
            str(Path.home()),
            tr("dzdesk 报送包 (*.dzb);;所有文件 (*)"),
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, tr("选择存放报送包的文件夹（如U盘）"), str(Path.home())
        )
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, sources: list[Path]) -> None:
        window = self.window

        def work(store: CommitteeStore, progress: Progress) -> m.ImportReport:
            return import_bundles(store, sources, progress=progress)

        def stopped(exc: BaseException) -> None:
            kept = kept_before_stop(exc)
            if kept is None or not kept.outcomes:
                window.show_warning(error_text(exc, tr(IMPORT_CANCELLED)))
            else:
                self._show_report(kept, stopped=error_text(exc, tr(IMPORT_CANCELLED)))

        self.ops.op(work, window).blocking(window).with_progress(
            tr("正在校验并导入报送包"), cancellable=True, counts=True
        ).success(self._show_report).failure(stopped).run()

    def _show_report(self, report: m.ImportReport, stopped: str = "") -> None:
        from .dialogs import ImportReportDialog

        window = self.window
        # an import may bring a newer period: show the newest, as on opening
        window.period_box.setCurrentText(_newest_period(report) or window.period_box.currentText())
        window.reload()
        window.show_dialog(ImportReportDialog(report, window, stopped=stopped))

    def import_roster(self) -> None:
        window = self.window
        path, _ = QFileDialog.getOpenFileName(
            window,
            tr("选择党支部名册（CSV：name,kind,secretary）"),
            str(Path.home()),
            tr("CSV 文件 (*.csv);;所有文件 (*)"),
        )
        if not path:
            return

        def work(store: CommitteeStore) -> int:
            return store.replace_roster(read_roster(Path(path)))

        def done(count: int) -> None:
            window.reload()
            QMessageBox.information(
                window, tr("名册"), tr("已导入名册：{0} 个党支部（原名册已替换）。").format(count)
            )

        def refused(exc: BaseException) -> None:
            QMessageBox.warning(window, tr("名册有误"), error_text(exc))

        self.ops.op(work, window).blocking(window).success(done).failure(refused).run()

    # -- grading, detail, key changes ---------------------------------------------
    def grade_selected(self) -> None:
        window = self.window
        row, period = window.selected_row(), window.period()
        if row is None or period is None:
            QMessageBox.information(window, tr("提示"), tr("请先在表格中选中一个党支部。"))
            return
        if not row.submitted:
            QMessageBox.information(
                window,
                tr("提示"),
                tr("“{0}”尚未提交 {1} 的自评，不能评定等次。").format(row.name, period),
            )
            return
        self.ops.op(lambda store: load_grading(store, period, row), window).success(
            self._grade
        ).run()

    def _grade(self, view: GradeView) -> None:
        from .grade_dialog import GradeDialog

        window = self.window
        dialog = GradeDialog(view, self.ops, window)
        name = view.row.name
        dialog.finished.connect(
            lambda result: window.reload(lambda: window.select_branch(name)) if result else None
        )
        window.show_dialog(dialog)

    def detail_selected(self) -> None:
        window = self.window
        row = window.selected_row()
        if row is None or not row.submitted or row.submission_id is None:
            QMessageBox.information(window, tr("提示"), tr("请先选中一个已提交的党支部。"))
            return
        sub_id = row.submission_id
        self.ops.op(lambda store: load_detail(store, sub_id), window).success(self._detail).run()

    def _detail(self, view: DetailView) -> None:
        from .detail import BranchDetail

        self.window.show_dialog(BranchDetail(view, self.ops, self.window))

    def show_key_changes(self) -> None:
        self.ops.op(load_key_changes, self.window).success(self._key_changes).run()

    def _key_changes(self, changes: tuple[m.KeyChange, ...]) -> None:
        from .key_changes import KeyChangesDialog

        window = self.window
        dialog = KeyChangesDialog(changes, self.ops, window)
        dialog.finished.connect(lambda _r: window.reload())
        window.show_dialog(dialog)

    def edit_deadline(self) -> None:
        window = self.window
        period = window.period()
        if period is None:
            return
        current = (
            window.view.deadline if window.view is not None and window.view.period == period else ""
        )
        text, ok = QInputDialog.getText(
            window,
            tr("报送截止日期"),
            tr("{0} 的报送截止日期（YYYY-MM-DD，留空表示不设）：").format(period),
            text=current,
        )
        if not ok:
            return
        self.ops.op(lambda store: store.set_deadline(period, text), window).success(
            lambda _value: window.reload()
        ).failure(lambda exc: QMessageBox.warning(window, tr("提示"), error_text(exc))).run()

    # -- the 通报 -------------------------------------------------------------------
    def export_summary(self) -> None:
        period = self.window.period()
        if period is None:
            return
        self.ops.op(lambda store: summary_check(store, period), self.window).success(
            self._summary_checked
        ).run()

    def _summary_checked(self, check: SummaryCheck) -> None:
        from .summary_warning import SummaryWarningDialog

        window = self.window
        if not check.issuer:  # the 通报 names its issuer: ask for it first, then go on
            self.committee_info(then=self.export_summary)
            return
        if check.clean:
            self._write_summary(check.period)
            return
        dialog = SummaryWarningDialog(check, window)
        dialog.accepted.connect(lambda: self._write_summary(check.period))
        window.show_dialog(dialog)

    def _write_summary(self, period: str) -> None:
        window = self.window
        start = str(Path.home() / tr("{0}考核验收结果通报.pdf").format(period))
        path, _ = QFileDialog.getSaveFileName(
            window, tr("生成通报"), start, tr("PDF 通报 (*.pdf);;Excel 工作簿 (*.xlsx)")
        )
        if not path:
            return
        today = window.today
        self.ops.op(
            lambda store, _progress: write_summary(store, period, path, today), window
        ).blocking(window).with_progress(tr("正在生成通报")).success(
            lambda out: QMessageBox.information(window, tr("通报"), tr("已生成：{0}").format(out))
        ).run()

    # -- the committee's own identity, help, about, roles --------------------------------
    def committee_info(self, first_run: bool = False, then=None) -> None:  # noqa: ANN001 - a callback
        def show(state: KeyState) -> None:
            from .info_dialog import CommitteeInfoDialog

            window = self.window
            dialog = CommitteeInfoDialog(state, self.ops, window, first_run=first_run)

            def finished(result: int) -> None:
                window.reload()
                if result == QDialog.DialogCode.Accepted and then is not None:
                    then()

            dialog.finished.connect(finished)
            window.show_dialog(dialog)

        self.ops.op(key_state, self.window).success(show).run()

    def show_help(self) -> None:
        from .help_dialog import HelpDialog

        self.window.show_dialog(HelpDialog(self.window))

    def show_about(self) -> None:
        paths = self.window.paths

        def collect(_store: object):  # noqa: ANN202 - a Diagnostics
            from dzdesk.diagnostics import collect

            return collect(paths)

        def show(diagnostics) -> None:  # noqa: ANN001
            from ..about_dialog import AboutDialog

            dialog: QWidget = AboutDialog(diagnostics, parent=self.window)
            fit_to_screen(
                dialog, dialog.width(), dialog.height()
            )  # 760×640 is taller than 1366×768 at 125 %
            self.window.show_dialog(dialog)

        self.ops.op(collect, self.window).success(show).run()

    def switch_to_branch(self) -> None:
        from .roles import switch_to_branch

        switch_to_branch(self.window)


def _newest_period(report: m.ImportReport) -> str:
    from dzdesk.periods import parse_period

    periods = {o.period for o in report.outcomes if o.ok and o.period}
    return max(periods, key=parse_period) if periods else ""
