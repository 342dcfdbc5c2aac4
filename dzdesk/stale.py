"""Staging files a killed process left behind: named for their writer, removed once it is gone.

A file on its way to its final name (an evidence copy, a committee import's temporary file, an
export's ``.part``) carries its writer's :func:`owner_tag`: the process id, the process's start
time (so a later process that happens to get the same id is not taken for it) and a short hash
of the computer's name (a data folder or USB stick may be used from another PC). :func:`sweep`
removes such files of processes that are gone:

- written on this computer: the writer is asked after (``os.kill(pid, 0)`` and ``/proc`` on
  Linux, ``OpenProcess`` on Windows); a file is removed only when every process named in it has
  ended (or its id now belongs to a process started at another time); a live writer's file, and
  any whose writer cannot be told apart, stay;
- written on another computer, or named before files carried a tag: removed only once untouched
  for STALE_AGE. Every writer writes its staging file continuously and gives it its final name
  within minutes, so a file that old has no writer left, whatever the other computer's clock says.

Nothing here raises: a folder that cannot be read or a file that cannot be removed is left as it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import sys
import time
from contextlib import suppress
from functools import cache
from pathlib import Path

STALE_AGE = 7 * 24 * 3600  # seconds
_TAG = re.compile(r"p(\d+)s(\d+)h([0-9a-f]{6})")
_tags: dict[int, str] = {}  # by pid: a forked child computes its own


def _host() -> str:
    try:
        name = socket.gethostname()
    except OSError:
        name = ""
    return hashlib.sha256(name.lower().encode("utf-8", "replace")).hexdigest()[:6]


def owner_tag() -> str:
    """This process, as staging file names carry it: ``p<pid>s<start>h<host>``."""
    pid = os.getpid()
    tag = _tags.get(pid)
    if tag is None:
        tag = _tags[pid] = f"p{pid}s{_started(pid) or 0}h{_host()}"
    return tag


def tag_for(pid: int, start: int, host: str) -> str:
    """The tag of another process (tests; the format is this module's business)."""
    return f"p{pid}s{start}h{host}"


# -- is a process still there? ----------------------------------------------------------------
def _started(pid: int) -> int | None:
    """When the process started, in the system's own units (0: this system cannot say); None: no such process."""
    if sys.platform.startswith("linux"):
        state, start = _linux_stat(pid)
        return None if state is None or state in "ZX" else start
    if os.name == "nt":
        return _windows_started(pid)
    return 0 if _posix_exists(pid) is not False else None


def _linux_stat(pid: int) -> tuple[str | None, int]:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return None, 0
    fields = text[text.rfind(")") + 2 :].split()  # the name in parentheses may hold spaces
    try:
        return fields[0], int(fields[19])  # state; starttime, the 22nd field
    except (IndexError, ValueError):
        return "?", 0


def _posix_exists(pid: int) -> bool | None:
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return None
    return True


@cache
def _kernel32():  # noqa: ANN202 (a ctypes library)
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetProcessTimes.argtypes = (wintypes.HANDLE, *[ctypes.POINTER(wintypes.FILETIME)] * 4)
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    return kernel32


def _windows_started(pid: int) -> int | None:
    """The process's creation time (FILETIME), None if it has ended, 0 if Windows will not say."""
    import ctypes
    from ctypes import wintypes

    kernel32 = _kernel32()
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        # ERROR_INVALID_PARAMETER: no such process; anything else (access denied): it may be there
        return None if ctypes.get_last_error() == 87 else 0
    try:
        code, still_active = wintypes.DWORD(), 259
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != still_active:
            return None  # it has exited; someone still holds a handle to it
        times = [wintypes.FILETIME() for _ in range(4)]
        if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return 0
        return (times[0].dwHighDateTime << 32) | times[0].dwLowDateTime
    finally:
        kernel32.CloseHandle(handle)


def gone(pid: int, start: int, host: str) -> bool | None:
    """True: that process has ended. False: it is running. None: this computer cannot tell
    (another computer's process, or a running one whose start time is unknown: maybe a reused id)."""
    if host != _host():
        return None
    if pid == os.getpid():
        return start != (_started(pid) or 0)  # this process, or an earlier one with the same id
    now = _started(pid)
    if now is None:
        return True
    if now == 0 or start == 0:
        return None
    return now != start  # the same id, started at another time: a later process


# -- sweeping ---------------------------------------------------------------------------------
def is_stale(
    name: str, mtime: float, now: float | None = None, _cache: dict[str, bool | None] | None = None
) -> bool:
    """Whether a staging file called ``name`` (last written at ``mtime``) has no writer left."""
    cache = {} if _cache is None else _cache
    verdicts = []
    for match in _TAG.finditer(name):
        tag = match.group()
        if tag not in cache:
            cache[tag] = gone(int(match.group(1)), int(match.group(2)), match.group(3))
        verdicts.append(cache[tag])
    if verdicts and all(v is True for v in verdicts):
        return True
    if False in verdicts:
        return False
    return ((time.time() if now is None else now) - mtime) > STALE_AGE


def sweep(folder: Path, prefix: str, suffix: str = "") -> list[str]:
    """Remove the stale staging files ``prefix…suffix`` directly in ``folder``; return their names."""
    removed: list[str] = []
    cache: dict[str, bool | None] = {}
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        with suppress(OSError):  # gone meanwhile, or held open on Windows: try next time
            if entry.is_file(follow_symlinks=False) and is_stale(
                name, entry.stat(follow_symlinks=False).st_mtime, now, cache
            ):
                os.unlink(entry.path)
                removed.append(name)
    return removed
