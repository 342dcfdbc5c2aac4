"""Packaging without freezing: portable mode, the resource locator from a wheel, installer files.

The frozen build itself is tested by packaging/smoke_test.sh (run by build_linux.sh),
not here: it takes minutes.
"""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import platformdirs
import pytest

from dzdesk.diagnostics import collect
from dzdesk.paths import APP_AUTHOR, APP_NAME, portable_root, resolve_paths

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"


@pytest.fixture
def frozen_app(tmp_path, monkeypatch):
    """Pretend to be the frozen dzdesk.exe in a folder on a USB stick, with no DZDESK_HOME."""
    folder = tmp_path / "U盘" / "dzdesk"
    folder.mkdir(parents=True)
    exe = folder / "dzdesk-cli"
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.delenv("DZDESK_HOME", raising=False)
    return folder


def test_portable_marker_file_puts_everything_beside_the_executable(frozen_app):
    (frozen_app / "portable").write_text("", encoding="utf-8")
    paths = resolve_paths()
    data = (frozen_app / "data").resolve()
    assert paths.data_dir == data
    assert paths.log_dir == data / "logs" and paths.config_dir == data
    assert paths.branch_db.parent == data and paths.keys_dir.parent == data


def test_portable_data_folder_alone_is_enough(frozen_app):
    (frozen_app / "data").mkdir()
    assert resolve_paths().data_dir == (frozen_app / "data").resolve()


def test_installed_copy_uses_the_user_folders(frozen_app):
    assert portable_root() is None
    assert resolve_paths().data_dir == Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def test_explicit_home_and_environment_win_over_portable(frozen_app, tmp_path, monkeypatch):
    (frozen_app / "portable").touch()
    assert resolve_paths(tmp_path / "chosen").data_dir == (tmp_path / "chosen").resolve()
    monkeypatch.setenv("DZDESK_HOME", str(tmp_path / "env"))
    assert resolve_paths().data_dir == (tmp_path / "env").resolve()


def test_portable_marker_is_ignored_when_not_frozen(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / "portable").touch()
    (tmp_path / "data").mkdir()
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert portable_root() is None


def test_portable_demo_runs_and_doctor_says_portable(frozen_app, capsys):
    from dzdesk.cli import main

    (frozen_app / "portable").touch()
    assert main(["demo", "--draft"]) == 0
    assert (frozen_app / "data" / "dzdesk.sqlite").is_file()
    assert (frozen_app / "data" / "keys" / "branch-cert.pem").is_file()
    assert (frozen_app / "data" / "logs" / "dzdesk.log").is_file()
    capsys.readouterr()
    d = collect(resolve_paths())
    assert d.frozen and d.location_mode.startswith("便携模式")
    assert d.database.state == "ok"


def test_wheel_carries_resources_at_the_package_path(tmp_path):
    """Build the wheel, install it elsewhere, and find templates and fonts through it."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "-w", str(tmp_path), "--no-deps", "-q"],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("dzdesk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert any(re.fullmatch(r"dzdesk/resources/templates/[^/]+\.json", n) for n in names)
    assert "dzdesk/resources/fonts/wqy-microhei.ttc" in names
    assert "dzdesk/diagnostics.py" in names and "dzdesk/cli/cmd_doctor.py" in names
    assert "ui/about_dialog.py" in names

    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    probe = (
        "import dzdesk.resources as r, dzdesk.template as t\n"
        "print(r.resource_root()); print(t.builtin_template().id)\n"
        "print(r.resource_path('fonts', 'wqy-microhei.ttc').is_file())\n"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r})\n" + probe],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    root, template_id, font_ok = out.stdout.split("\n")[:3]
    assert Path(root) == target / "dzdesk" / "resources"
    assert template_id and font_ok == "True"


def test_desktop_entry_is_valid():
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str
    entry.read(PACKAGING / "linux" / "dzdesk.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Exec"] == "dzdesk"
    assert section["Icon"] == "dzdesk" and section["Terminal"] == "false"
    assert "党支部" in section["Name"] and section["Categories"].endswith(";")


def test_inno_setup_script_references_files_that_exist():
    iss = (PACKAGING / "windows" / "dzdesk.iss").read_bytes()
    assert iss.startswith(b"\xef\xbb\xbf"), "Inno Setup needs the BOM to read Chinese text"
    text = iss.decode("utf-8-sig")
    assert "PrivilegesRequired=lowest" in text
    assert 'Name: "chinesesimplified"' in text and "usPostUninstall" in text
    assert "MB_DEFBUTTON2" in text, "deleting data must not be the default answer"
    here = PACKAGING / "windows"
    for relative in re.findall(r'(?:SetupIconFile=|Source: ")(\.\.[^"\r\n*]+)', text):
        assert (here / relative.replace("\\", "/")).is_file(), relative


def test_spec_bundles_resources_where_the_locator_looks():
    spec = (PACKAGING / "dzdesk.spec").read_text(encoding="utf-8")
    assert '(str(REPO / "resources"), "dzdesk/resources")' in spec
    assert (PACKAGING / "icons" / "dzdesk.ico").is_file() and (PACKAGING / "icons" / "dzdesk.png").is_file()
    assert (PACKAGING / "entry_cli.py").is_file() and (PACKAGING / "entry_gui.py").is_file()
