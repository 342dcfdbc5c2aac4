"""packaging/trim_icu.py: the trimmed ICU data library answers Qt's questions exactly as the full one.

The frozen Linux build ships the trimmed library (31 MB → 6.5 MB); here the check runs
against the PySide6 installed for the tests, in subprocesses (LD_LIBRARY_PATH must be
set before Qt loads ICU).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parent.parent / "packaging"
sys.path.insert(0, str(PACKAGING))

import trim_icu  # noqa: E402


def _icu_data_library() -> Path | None:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return next((p for p in found if p.is_file() and not p.is_symlink()), None)


needs_linux_wheel = pytest.mark.skipif(
    not sys.platform.startswith("linux") or _icu_data_library() is None or not (shutil.which("cc") or
                                                                               shutil.which("gcc")),
    reason="needs Linux, PySide6's bundled libicudata and a C compiler",
)


def _answers(tmp_path: Path, name: str, library_dir: Path | None) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if library_dir is not None:
        env["LD_LIBRARY_PATH"] = str(library_dir)
    out = subprocess.run([sys.executable, str(PACKAGING / "check_icu.py")], env=env, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    (tmp_path / name).write_text(out, encoding="utf-8")
    return json.loads(out)


@needs_linux_wheel
def test_trimmed_library_gives_qt_the_same_answers(tmp_path):
    original = _icu_data_library()
    trimmed_dir = tmp_path / "lib"
    trimmed_dir.mkdir()
    trimmed = trimmed_dir / original.name
    trim_icu.main([str(original), "--output", str(trimmed)])
    assert trimmed.stat().st_size < original.stat().st_size / 3

    full = _answers(tmp_path, "full.json", None)
    small = _answers(tmp_path, "trimmed.json", trimmed_dir)
    assert small["library"] == str(trimmed), "the trimmed library was not the one Qt loaded"
    assert full["sort/zh"][:3] == ["安徽某科技有限公司党支部", "蚌埠分所党支部", "包河区党支部"]  # pinyin
    assert full["zone/Asia/Shanghai/zh/LongName"] == "中国标准时间"
    compare = subprocess.run([sys.executable, str(PACKAGING / "check_icu.py"), "--compare",
                              str(tmp_path / "full.json"), str(tmp_path / "trimmed.json")],
                             capture_output=True, text=True)
    assert compare.returncode == 0, compare.stderr
    assert {k: v for k, v in full.items() if k != "library"} == {k: v for k, v in small.items() if k != "library"}


@needs_linux_wheel
def test_the_comparison_notices_missing_chinese_data(tmp_path, monkeypatch):
    """Without the zh collation and zone names the answers differ and --compare says so."""
    original = _icu_data_library()
    trimmed_dir = tmp_path / "lib"
    trimmed_dir.mkdir()
    monkeypatch.setattr(trim_icu, "KEEP_LOCALE", trim_icu.re.compile(r"^(root|en|en_US(_POSIX)?|en_001)$"))
    trim_icu.main([str(original), "--output", str(trimmed_dir / original.name)])
    _answers(tmp_path, "full.json", None)
    broken = _answers(tmp_path, "trimmed.json", trimmed_dir)
    assert broken["zone/Asia/Shanghai/zh/LongName"] == "China Standard Time"
    compare = subprocess.run([sys.executable, str(PACKAGING / "check_icu.py"), "--compare",
                              str(tmp_path / "full.json"), str(tmp_path / "trimmed.json")],
                             capture_output=True, text=True)
    assert compare.returncode == 1
    assert "different: sort/zh" in compare.stderr


def test_keep_rules():
    assert trim_icu.keep_item("coll/zh.res", 900_000)
    assert trim_icu.keep_item("coll/root.res", 10)
    assert trim_icu.keep_item("zone/en_US_POSIX.res", 10)
    assert not trim_icu.keep_item("coll/de.res", 10)
    assert not trim_icu.keep_item("coll/de_.res", 10)  # collation alias of a dropped locale
    assert trim_icu.keep_item("zone/pool.res", 10) and trim_icu.keep_item("supplementalData.res", 10)
    assert trim_icu.keep_item("gb18030.cnv", 230_000) and trim_icu.keep_item("ibm-5348_P100-1997.cnv", 1_500)
    assert not trim_icu.keep_item("euc-tw-2014.cnv", 540_000)
    assert not trim_icu.keep_item("brkitr/cjdict.dict", 2_000_000)
    assert not trim_icu.keep_item("translit/root.res", 10)
