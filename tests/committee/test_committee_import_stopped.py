"""An import that stops midway (the disk fills up) says which files it had already completed.

The engine attaches the committed outcomes to what stopped it; the command line
prints them before the one-sentence error, and the window shows them in the
report dialog under the reason it stopped.
"""

from __future__ import annotations

import errno

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from committee_fixtures import CancelWhileRecording

from dzdesk.cli import main
from dzdesk.committee import importer
from dzdesk.committee import models as m
from dzdesk.committee.importer import import_bundles, kept_before_stop
from dzdesk.committee.staging import Staging, write_error
from dzdesk.errors import StoreError
from dzdesk.progress import Cancelled
from ui.committee.dialogs import ImportReportDialog
from ui.committee.window import CommitteeWindow
from ui.operations import SyncExecutor


@pytest.fixture
def disk_fills_in_the_second_batch(fake_bundles, monkeypatch):
    """Seven bundles, batches of three; flushing the second batch's files finds the disk full."""
    for i in range(7):
        fake_bundles.make(f"第{i}党支部", file=f"{i}.dzb")
    monkeypatch.setattr(importer, "COMMIT_EVERY", 3)
    real = Staging.make_durable
    batches: list[int] = []

    def make_durable(self: Staging) -> None:
        batches.append(len(self.pending))
        if len(batches) == 2:
            raise write_error(OSError(errno.ENOSPC, "No space left on device"))
        real(self)

    monkeypatch.setattr(Staging, "make_durable", make_durable)
    with_fake_verifier = _with(fake_bundles.verify)  # fake bundles, signed by the fixture's own rules
    monkeypatch.setattr(importer, "import_bundles", with_fake_verifier)
    monkeypatch.setattr("dzdesk.cli.cmd_committee.import_bundles", with_fake_verifier)
    monkeypatch.setattr("ui.committee.actions.import_bundles", with_fake_verifier)
    return fake_bundles


def _with(verify):
    def run(store, sources, **kwargs):
        return import_bundles(store, sources, verify=verify, **kwargs)

    return run


def test_the_stop_carries_the_outcomes_of_the_committed_batches(committee, disk_fills_in_the_second_batch):
    with pytest.raises(StoreError) as caught:
        importer.import_bundles(committee, [disk_fills_in_the_second_batch.folder])
    kept = kept_before_stop(caught.value)
    assert kept is not None
    assert [(o.file, o.outcome) for o in kept.outcomes] == [(f"{i}.dzb", m.IMPORTED) for i in range(3)]
    assert len(committee.submissions()) == 3  # exactly what it says was kept


def test_a_cancel_carries_everything_it_kept(committee, fake_bundles):
    for i in range(4):
        fake_bundles.make(f"第{i}党支部", file=f"{i}.dzb")

    with pytest.raises(Cancelled) as caught:
        import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify, progress=CancelWhileRecording(at=2))
    assert [o.file for o in kept_before_stop(caught.value).outcomes] == ["0.dzb", "1.dzb"]
    assert len(committee.submissions()) == 2


def test_nothing_is_claimed_when_the_first_batch_fails(committee, fake_bundles, monkeypatch):
    fake_bundles.make("第0党支部", file="0.dzb")
    monkeypatch.setattr(Staging, "make_durable", lambda self: (_ for _ in ()).throw(write_error(OSError(errno.EIO, "I/O error"))))
    with pytest.raises(StoreError) as caught:
        import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify)
    assert kept_before_stop(caught.value) == m.ImportReport(())
    assert committee.submissions() == []


def test_the_command_line_lists_the_completed_files_before_the_error(paths, disk_fills_in_the_second_batch, capsys):
    code = main(["--home", str(paths.data_dir), "committee", "import", str(disk_fills_in_the_second_batch.folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[0] == "导入在中途停止。停止前已经完成的文件如下，其余文件请重新导入："
    assert [line.split("　")[1] for line in out.splitlines()[1:4]] == ["0.dzb", "1.dzb", "2.dzb"]
    assert "共 3 个文件：已导入 3" in out
    assert "磁盘空间已满" in err and "Traceback" not in err


def test_the_window_shows_the_completed_files_under_the_reason(qtbot, committee, disk_fills_in_the_second_batch):
    win = CommitteeWindow(committee, executor=SyncExecutor())
    qtbot.addWidget(win)
    win.import_paths([disk_fills_in_the_second_batch.folder])
    dialog = win.last_dialog
    assert isinstance(dialog, ImportReportDialog)
    assert dialog.windowTitle() == "导入结果（中途停止）"
    notice = dialog.findChild(type(win.quota_label), "stopped").text()
    assert notice.startswith("磁盘空间已满，导入已停止") and notice.endswith("以下是停止前已经完成的文件。")
    assert sorted(dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())) == ["0.dzb", "1.dzb", "2.dzb"]
    assert win.isEnabled() and win.model.rowCount() == 3
