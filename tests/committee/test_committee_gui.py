"""The committee window's overview with real widgets (pytest-qt, offscreen) over a real committee store:
rows, quota, filters, sorting, imports, roster, deadline, closing."""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from committee_tour import TODAY
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QPushButton

from dzdesk.committee import models as m
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.overview import overview_rows
from dzdesk.committee.views import load_overview, period_choices
from ui.committee.dialogs import ImportReportDialog
from ui.committee.model import ROW_ROLE, OverviewFilter, OverviewModel
from ui.committee.window import IMPORT_CANCELLED, CommitteeWindow
from ui.operations import SyncExecutor

PERIOD = "2026Q4"


@pytest.fixture
def filled(committee, fake_bundles):
    for i in range(12):
        fake_bundles.make(
            f"第{i + 1:02d}党支部",
            done=19 - i,
            members=[7, 2, 0][i % 3],
            kind="social" if i % 4 == 0 else "nonpublic",
        )
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    committee.replace_roster(
        [m.RosterEntry(f"第{i + 1:02d}党支部", "nonpublic") for i in range(12)]
        + [m.RosterEntry("未交党支部", "social", "赵六")]
    )
    return committee


@pytest.fixture
def window(qtbot, filled):
    win = CommitteeWindow(filled, executor=SyncExecutor(), today=TODAY)
    qtbot.addWidget(win)
    win.period_box.setCurrentText(PERIOD)
    win.reload()
    return win


def test_models_pass_qtmodeltester(qtmodeltester, filled):
    model = OverviewModel()
    model.set_rows(overview_rows(filled, PERIOD))
    qtmodeltester.check(model)
    proxy = OverviewFilter()
    proxy.setSourceModel(model)
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    proxy.set_search("党支部")
    qtmodeltester.check(proxy)
    empty = OverviewModel()
    qtmodeltester.check(empty)


def test_the_overview_is_one_read(filled):
    view = load_overview(filled, PERIOD, TODAY)
    assert view.period == PERIOD and len(view.rows) == 13 and view.submitted == 12
    assert (view.quota.base, view.quota.allowed, view.deadline, view.pending_key_changes) == (
        13,
        1,
        "",
        0,
    )
    assert view.identity is None
    assert view.periods[:2] == ("2027Q1", "2026Q4")  # this quarter and the last, newest first
    assert load_overview(filled, None, TODAY).period == PERIOD  # the newest period with data
    assert period_choices([], TODAY) == ("2027Q1", "2026Q4")


def test_overview_shows_rows_quota_and_filters(window, qtbot):
    assert window.model.rowCount() == 13 and window.proxy.rowCount() == 13
    assert window.quota_label.text() == "A级名额：0 / 1（名册党支部 13 个 × 10%）"
    assert "未提交 1" in window.counts_label.text()
    window.search.setText("第0")  # keyClicks only types ASCII
    assert window.proxy.rowCount() == 9
    window.search.clear()
    window.filter_box.setCurrentIndex(window.filter_box.findData("missing"))
    assert window.proxy.rowCount() == 1
    assert window.proxy.index(0, 0).data() == "未交党支部"
    assert window.proxy.index(0, 3).data() == "未提交"
    window.filter_box.setCurrentIndex(window.filter_box.findData("flagged"))
    assert window.proxy.rowCount() == 9  # 重点帮扶 ×4, 空壳 ×4, 未提交
    window.filter_box.setCurrentIndex(0)
    window.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # 自查分
    scores = [window.proxy.index(r, 4).data() for r in range(3)]
    assert scores[0] == "100"
    window.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert window.proxy.index(0, 0).data() == "未交党支部"


def test_grading_a_branch_that_has_not_submitted_is_explained(window, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    window.select_branch("未交党支部")
    window.grade_selected()
    assert said and "尚未提交" in said[0]


@pytest.mark.parametrize("start", ["threads", "spawn"])  # spawn: how a GUI starts worker processes
def test_import_through_the_window_with_real_bundles(
    qtbot, paths, tmp_path, real_branches, monkeypatch, start
):
    monkeypatch.setenv("DZDESK_IMPORT_START", start)
    usb = tmp_path / "usb"
    usb.mkdir()
    for i in (1, 2):
        store, _ = real_branches.build(tmp_path, i)
        real_branches.export(store, usb / f"{i}.dzb")
        store.close()
    (usb / "坏文件.dzb").write_bytes(b"PK\x03\x04 broken")
    win = CommitteeWindow(None, SyncExecutor(), paths=paths, today=TODAY)
    qtbot.addWidget(win)
    win.open_store()
    win.last_dialog.reject()  # the first-run 党委信息 (its own test file)
    win.import_paths([usb])
    dialog = win.last_dialog
    assert isinstance(dialog, ImportReportDialog)
    assert dialog.table.rowCount() == 3
    results = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(3)}
    assert results == {"1.dzb": "已导入", "2.dzb": "已导入", "坏文件.dzb": "已拒收"}
    assert (
        dialog.table.item(0, 0).text() == "坏文件.dzb" and dialog.table.item(0, 5).text()
    )  # problems first
    assert "已导入 2 个" in dialog.findChild(QLabel, "summary").text()
    assert win.isEnabled() and win.period_box.currentText() == PERIOD
    assert {win.model.row_at(r).name for r in range(win.model.rowCount())} == {
        real_branches.name(1),
        real_branches.name(2),
    }
    store = win.ops.store
    win.close()
    with pytest.raises(Exception, match="closed"):
        store.roster()  # closing the window closed the committee database


def test_bad_period_and_bad_deadline_are_one_sentence(window, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    window.period_box.setCurrentText("2026Q9")
    window.reload()
    assert "格式不正确" in window.statusBar().currentMessage()
    window.period_box.setCurrentText(PERIOD)
    monkeypatch.setattr(
        "ui.committee.actions.QInputDialog.getText", lambda *a, **k: ("2026-13-01", True)
    )
    window.commands.edit_deadline()
    assert warned and "不是有效日期" in warned[0]
    monkeypatch.setattr(
        "ui.committee.actions.QInputDialog.getText", lambda *a, **k: ("2026-12-31", True)
    )
    window.commands.edit_deadline()
    assert "截止日期 2026-12-31" in window.counts_label.text()
    offered = []
    monkeypatch.setattr(
        "ui.committee.actions.QInputDialog.getText",
        lambda *a, **k: offered.append(k["text"]) or ("", False),
    )
    window.commands.edit_deadline()
    assert offered == ["2026-12-31"]  # the dialog starts from the deadline the overview loaded


def test_roster_from_the_window(window, tmp_path, monkeypatch, filled):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    bad = tmp_path / "名册.csv"
    bad.write_text("name,kind\n甲,工厂\n", encoding="utf-8")
    monkeypatch.setattr(
        "ui.committee.actions.QFileDialog.getOpenFileName", lambda *a, **k: (str(bad), "")
    )
    window.commands.import_roster()
    assert "第2行" in said[-1] and len(filled.roster()) == 13
    bad.write_text("name,kind\n甲党支部,非公企业\n", encoding="utf-8")
    window.commands.import_roster()
    assert (
        "1 个党支部" in said[-1] and window.model.rowCount() == 13
    )  # 12 submitted (not on roster) + 甲


def test_row_role_gives_the_engine_row(window):
    index = window.proxy.index(0, 5)
    assert isinstance(index.data(ROW_ROLE), m.OverviewRow)


def test_failed_background_work_says_one_sentence_and_reenables(
    window, filled, tmp_path, monkeypatch
):
    from dzdesk.committee.identity import init_committee

    init_committee(filled, "中共测试委员会")
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    monkeypatch.setattr(
        "ui.committee.actions.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(tmp_path / "nope" / "x.pdf"), ""),
    )
    window.commands.export_summary()
    window.last_dialog.accept()  # go on despite the ungraded branches (test_committee_gui_summary.py)
    assert said == [f"输出文件夹“{tmp_path / 'nope'}”不存在。"]
    assert window.isEnabled() and not window.ops.busy


def test_branch_text_is_never_rendered_as_markup(qtbot, committee, fake_bundles):
    from dzdesk.committee.views import load_detail, load_grading
    from ui.committee.detail import BranchDetail
    from ui.committee.grade_dialog import GradeDialog
    from ui.operations import Operations

    fake_bundles.make("<b>加粗</b><img src=x>党支部", file="markup.dzb")
    import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    [row] = overview_rows(committee, PERIOD)
    ops = Operations(committee, SyncExecutor())
    dialog = GradeDialog(load_grading(committee, PERIOD, row), ops)
    qtbot.addWidget(dialog)
    labels = [w for w in dialog.findChildren(QLabel) if "加粗" in w.text()]
    assert labels and all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    detail = BranchDetail(load_detail(committee, row.submission_id), ops)
    qtbot.addWidget(detail)
    assert "&lt;b&gt;加粗" in detail.findChildren(QLabel)[0].text()


def test_closing_with_an_edited_period_box_does_not_touch_the_closed_database(window, filled):
    """An editable combo box reports ``activated`` when text typed to match another item loses focus,
    which closing the window does: that must not reach the closed committee database."""
    box = window.period_box
    other = next(box.itemText(i) for i in range(box.count()) if i != box.currentIndex())
    box.lineEdit().setText(other)  # typed, not chosen
    window.close()
    box.lineEdit().editingFinished.emit()  # the focus leaving the box as the window goes away
    with pytest.raises(Exception, match="closed"):
        filled.roster()  # closed; pytest-qt fails the test if a slot had raised


class GatedVerifier:
    """Checks a bundle only when the test lets it (no sleeps racing timers)."""

    def __init__(self, fake_bundles) -> None:
        self.fake_bundles = fake_bundles
        self.gate = threading.Semaphore(0)
        self.checked = 0

    def __call__(self, path, progress=None, *, sink=None):
        assert self.gate.acquire(timeout=10), "the test never let this bundle through"
        self.checked += 1
        return self.fake_bundles.verify(path, progress, sink=sink)


def test_import_on_a_worker_disables_the_window_shows_progress_and_cancels(
    qtbot, committee, fake_bundles, monkeypatch
):
    """The real worker thread: the window is disabled while the import runs, the progress dialog
    (with counts and a working cancel button) appears after the delay, closing is refused
    while busy, and a cancel keeps what was imported, lists it under one sentence and re-enables."""
    for i in range(12):
        fake_bundles.make(f"第{i + 1:02d}党支部")
    verify = GatedVerifier(fake_bundles)
    monkeypatch.setattr(
        "ui.committee.actions.import_bundles", functools.partial(import_bundles, verify=verify)
    )
    monkeypatch.setattr("ui.operations.PROGRESS_DELAY_MS", 0)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    win = CommitteeWindow(committee, executor=ThreadPoolExecutor(max_workers=1), today=TODAY)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not win.ops.busy)
    win.period_box.setCurrentText(PERIOD)
    win.import_paths([fake_bundles.folder])
    assert not win.isEnabled() and win.ops.busy
    closing = QCloseEvent()
    win.closeEvent(closing)
    assert not closing.isAccepted()  # closing waits for the running import
    for _ in range(3):
        verify.gate.release()
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in win.findChildren(QProgressDialog)), timeout=3000
    )
    [dialog] = win.findChildren(QProgressDialog)
    qtbot.waitUntil(lambda: "/12）" in dialog.labelText(), timeout=3000)
    [cancel] = dialog.findChildren(QPushButton)
    assert cancel.text() == "取消" and cancel.isEnabled()
    qtbot.waitUntil(lambda: verify.checked >= 3, timeout=3000)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    for _ in range(12):
        verify.gate.release()  # the checker may run ahead; the cancel stops the recording
    qtbot.waitUntil(lambda: not win.ops.busy, timeout=5000)
    assert warned == []  # the cancel is said in the report of what was kept, not in a second box
    assert win.isEnabled()
    kept = sum(r.submitted for r in overview_rows(committee, PERIOD))
    assert (
        0 < kept < 12 and win.model.rowCount() == kept
    )  # imported before the cancel: kept and shown
    report = win.last_dialog
    assert isinstance(report, ImportReportDialog) and report.table.rowCount() == kept
    assert report.findChild(QLabel, "stopped").text().startswith(IMPORT_CANCELLED)
    win.close()


def test_a_damaged_committee_database_is_one_sentence_and_closes_the_window(
    qtbot, paths, monkeypatch
):
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    paths.committee_db.write_bytes(b"not a database at all, " * 100)
    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: said.append(a[2]))
    win = CommitteeWindow(None, SyncExecutor(), paths=paths, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    win.open_store()  # on the operations thread: the failure comes back as one sentence
    assert len(said) == 1 and "committee.sqlite" in said[0] and "Traceback" not in said[0]
    assert not win.isVisible() and win.closed and win.ops.store is None
