"""dzdesk.atomic: a file is replaced whole, flushed before the rename, or not at all."""

from __future__ import annotations

import os
import stat

import pytest

import dzdesk.atomic as atomic
from dzdesk.atomic import ReplaceRefused, atomic_path, write_atomically


def _trace(monkeypatch) -> list[str]:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(f"fsync:{os.path.basename(os.readlink(f'/proc/self/fd/{fd}'))}")
        return real_fsync(fd)

    def replace(src, dst):
        calls.append(f"replace:{os.path.basename(src)}->{os.path.basename(dst)}")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    return calls


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name the flushed file")
def test_the_written_file_is_flushed_before_it_takes_the_targets_place(tmp_path, monkeypatch):
    calls = _trace(monkeypatch)
    target = tmp_path / "通报.xlsx"
    with atomic_path(target, prefix=".summary-", suffix=".xlsx") as tmp:
        tmp.write_bytes(b"new workbook")
        temp_name = tmp.name
    assert target.read_bytes() == b"new workbook"
    assert calls == [f"fsync:{temp_name}", f"replace:{temp_name}->通报.xlsx"]
    assert [p.name for p in tmp_path.iterdir()] == ["通报.xlsx"]


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "r.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("renderer failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_a_refused_replace_is_its_own_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "r.pdf"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(src), None, str(dst))

    monkeypatch.setattr(atomic.os, "replace", locked)
    with pytest.raises(ReplaceRefused):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_no_permission_in_the_folder_is_a_plain_permission_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".dzdesk-x.tmp"))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as err:
        write_atomically(tmp_path / "r.pdf", b"new")
    assert not isinstance(err.value, ReplaceRefused)


def test_mode_is_set_before_any_byte_is_written(tmp_path):
    target = tmp_path / "key.pem"
    with atomic_path(target, mode=0o600) as tmp:
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
        assert tmp.stat().st_size == 0
        tmp.write_bytes(b"secret")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"secret"


def test_write_atomically_creates_the_folder(tmp_path):
    target = tmp_path / "a" / "b" / "sidecar.json"
    write_atomically(target, b"{}")
    assert target.read_bytes() == b"{}"
