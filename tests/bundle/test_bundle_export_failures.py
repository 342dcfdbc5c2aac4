"""Disk full, a pulled USB stick, a bad read-back, a cancel: never a partial file under the final name."""

from __future__ import annotations

import errno
import io
import os

import pytest
from bundle_tools import PERIOD

from dzdesk.bundle import BundleError, export_bundle, verify_bundle, zipwriter
from dzdesk.cli import main
from dzdesk.progress import Cancelled, Progress
from dzdesk.store import Store


class FailingFile(io.FileIO):
    """A real file on disk that fails like a full disk (or a removed drive) after ``budget`` bytes."""

    def __init__(self, fd: int, budget: int, error: int) -> None:
        super().__init__(fd, "wb")
        self.budget = budget
        self.error = error

    def write(self, data) -> int:
        if self.budget < len(data):
            raise OSError(self.error, os.strerror(self.error))
        self.budget -= len(data)
        return super().write(data)


@pytest.fixture
def export_store(base):
    with Store(base.paths) as store:
        yield store


@pytest.fixture
def usb(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def _fail_after(monkeypatch, budget: int, error: int) -> None:
    monkeypatch.setattr(zipwriter, "_open_output", lambda fd: FailingFile(fd, budget, error))


@pytest.mark.parametrize("budget", [0, 100_000, 350_000])
def test_disk_full_leaves_nothing(export_store, usb, monkeypatch, budget):
    _fail_after(monkeypatch, budget, errno.ENOSPC)
    with pytest.raises(BundleError) as info:
        export_bundle(export_store, PERIOD, usb / "out.dzb")
    assert "空间不足" in info.value.zh and "未留下不完整的文件" in info.value.zh
    assert list(usb.iterdir()) == []


def test_pulled_usb_stick_leaves_nothing(export_store, usb, monkeypatch):
    _fail_after(monkeypatch, 200_000, errno.EIO)
    with pytest.raises(BundleError) as info:
        export_bundle(export_store, PERIOD, usb / "out.dzb")
    assert "U盘被拔出" in info.value.zh
    assert list(usb.iterdir()) == []


def test_failure_keeps_an_older_file_intact(export_store, usb, monkeypatch):
    """An earlier bundle under the same name survives a failed re-export untouched."""
    old = usb / "out.dzb"
    old.write_bytes(b"the earlier export")
    _fail_after(monkeypatch, 50_000, errno.ENOSPC)
    with pytest.raises(BundleError):
        export_bundle(export_store, PERIOD, old)
    assert old.read_bytes() == b"the earlier export"
    assert [p.name for p in usb.iterdir()] == ["out.dzb"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to tell file descriptors apart")
def test_fsync_failure_leaves_nothing(export_store, usb, monkeypatch):
    real_fsync = os.fsync

    def fsync(fd):
        if os.path.realpath(f"/proc/self/fd/{fd}").startswith(str(usb)):
            raise OSError(errno.EIO, "Input/output error")
        return real_fsync(fd)

    monkeypatch.setattr(zipwriter.os, "fsync", fsync)
    with pytest.raises(BundleError) as info:
        export_bundle(export_store, PERIOD, usb / "out.dzb")
    assert "写入上报文件失败" in info.value.zh
    assert list(usb.iterdir()) == []


def test_a_drive_that_cannot_flush_folders_still_gets_the_bundle(export_store, usb, monkeypatch):
    """Some USB file systems answer EINVAL to fsync on a folder; the finished bundle must stay."""
    real_fsync = os.fsync

    def fsync(fd):
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    out = export_bundle(export_store, PERIOD, usb / "out.dzb")
    assert verify_bundle(out).period == PERIOD


def test_bad_read_back_deletes_the_file(export_store, usb, monkeypatch):
    """The drive returns different bytes than were written: the export says so and removes the file."""

    def corrupt(path):
        data = bytearray(path.read_bytes())
        data[len(data) // 3] ^= 0x20
        path.write_bytes(bytes(data))

    monkeypatch.setattr(zipwriter, "drop_cached_pages", corrupt)
    with pytest.raises(BundleError) as info:
        export_bundle(export_store, PERIOD, usb / "out.dzb")
    assert info.value.zh.startswith("上报文件写入后校验失败，已删除")
    assert list(usb.iterdir()) == []


class CancelAfter(Progress):
    def __init__(self, steps: int) -> None:
        super().__init__()
        self.left = steps

    def step(self, amount: int = 1, label: str | None = None) -> None:
        self.left -= 1
        if self.left == 0:
            self.cancel()
            self.cancelled_during = self.label
        super().step(amount, label)


@pytest.mark.parametrize(("steps", "phase"), [(5, "正在写入上报文件"), (60, "正在校验上报文件")])
def test_cancel_leaves_nothing(export_store, usb, steps, phase):
    """Cancelled while writing or while reading back: nothing is left."""
    progress = CancelAfter(steps)
    with pytest.raises(Cancelled):
        export_bundle(export_store, PERIOD, usb / "out.dzb", progress=progress)
    assert progress.cancelled_during == phase
    assert list(usb.iterdir()) == []


def test_progress_reaches_the_end(export_store, usb):
    progress = Progress()
    path = export_bundle(export_store, PERIOD, usb / "out.dzb", progress=progress)
    assert progress.done == progress.total > 0
    assert progress.label == "正在校验上报文件"
    assert verify_bundle(path).period == PERIOD


def test_bad_targets(export_store, tmp_path):
    with pytest.raises(BundleError) as info:
        export_bundle(export_store, PERIOD, tmp_path / "no" / "such" / "x.dzb")
    assert "不存在" in info.value.zh
    (tmp_path / "taken.dzb").mkdir()
    with pytest.raises(BundleError) as info:
        export_bundle(export_store, PERIOD, tmp_path / "taken.dzb")
    assert "是一个文件夹" in info.value.zh


def test_cli_disk_full_is_one_sentence(base, usb, monkeypatch, capsys):
    _fail_after(monkeypatch, 120_000, errno.ENOSPC)
    code = main(["export", "--home", str(base.paths.data_dir), "--period", PERIOD, "-o", str(usb / "x.dzb")])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("错误：目标磁盘空间不足") and err.count("\n") == 1
    assert list(usb.iterdir()) == []


def test_report_failure_leaves_nothing(export_store, usb, monkeypatch):
    """The report (not kept yet, so rendered while evidence streams) fails: the evidence writer stops and nothing is left."""
    from dzdesk.errors import DzdeskError
    from dzdesk.report import cache

    def broken(*args, **kwargs):
        raise DzdeskError("找不到可用的中文字体，无法生成自评报告。", "No usable CJK font.")

    monkeypatch.setattr(cache, "lookup", lambda *args: None)
    monkeypatch.setattr(cache, "_build", broken)
    with pytest.raises(DzdeskError) as info:
        export_bundle(export_store, PERIOD, usb / "out.dzb")
    assert "中文字体" in info.value.zh
    assert list(usb.iterdir()) == []
