"""Diagnostics, `dzdesk doctor`, `--version` and the About dialog: what a helper on the phone reads."""

from __future__ import annotations

import json
import sqlite3

import pytest

from dzdesk import __version__
from dzdesk.cli import main
from dzdesk.diagnostics import check_database, collect
from dzdesk.identity import certificate_fingerprint
from dzdesk.resources import resource_path
from dzdesk.template import builtin_template


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tree(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes() if p.is_file() else None) for p in root.rglob("*"))


def damage_middle(path, offset_pages=3):
    """Overwrite one page in the middle of a real database file with garbage."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    start = page * offset_pages
    assert len(data) > start + page, "database too small to damage a middle page"
    data[start : start + page] = b"\xa5" * page
    path.write_bytes(bytes(data))


def collect_for(home):
    from dzdesk.paths import resolve_paths

    return collect(resolve_paths(home))


def test_fresh_home_reports_missing_database_and_creates_nothing(home):
    before = tree(home)
    d = collect_for(home)
    assert d.database.state == "missing" and d.database.ok
    assert d.key_fingerprint is None
    assert d.problems == ()
    assert d.data_dir == home.resolve() and d.location_mode == "环境变量 DZDESK_HOME"
    assert tree(home) == before, "collect() must only read"



def test_demo_branch_versions_fingerprint_integrity_and_fonts(demo_store):
    d = collect(demo_store.paths)
    template = builtin_template()
    assert d.app_version == __version__
    assert d.template == f"{template.id} v{template.version}"
    assert d.sqlite_version == sqlite3.sqlite_version and d.sqlite_ok
    assert d.key_fingerprint == certificate_fingerprint(demo_store.paths)
    assert d.database.state == "ok" and d.database.size > 0
    assert d.resource_dir == resource_path()
    roles = {f.role: f for f in d.fonts}
    assert set(roles) == {"fangsong", "heiti", "kaiti", "songti", "title", "fallback"}
    assert all(f.present for f in d.fonts)
    assert roles["fallback"].path == resource_path("fonts", "wqy-microhei.ttc")
    text = d.as_text()
    for needle in (d.key_fingerprint, str(demo_store.paths.branch_db), "完好", "未发现问题", "随程序附带"):
        assert needle in text


def test_damaged_page_is_reported_and_file_left_untouched(demo_store):
    demo_store.close()
    db = demo_store.paths.branch_db
    damage_middle(db)
    before = db.read_bytes()
    d = collect(demo_store.paths)
    assert d.database.state == "damaged", d.database
    assert not d.database.ok
    assert any("backups" in p for p in d.problems)
    assert db.read_bytes() == before


def test_damaged_certificate_is_a_problem_not_a_crash(demo_store):
    (demo_store.paths.keys_dir / "branch-cert.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n", encoding="utf-8")
    d = collect(demo_store.paths)
    assert d.key_fingerprint.startswith("证书文件无法读取")
    assert any("密钥备份" in p for p in d.problems)


def test_not_a_database_file(home):
    (home / "dzdesk.sqlite").write_text("这不是数据库", encoding="utf-8")
    health = check_database(home / "dzdesk.sqlite")
    assert health.state == "damaged" and "not a database" in health.detail
    assert "不是 dzdesk 数据文件" in health.label
    assert (home / "dzdesk.sqlite").read_text(encoding="utf-8") == "这不是数据库"


def test_doctor_command_text_and_json(demo_store, capsys):
    home = str(demo_store.paths.data_dir)
    code, out, err = run(capsys, "doctor", "--home", home)
    assert code == 0, err
    assert "[签名密钥]" in out and certificate_fingerprint(demo_store.paths) in out
    assert "完整性：完好" in out and f"数据目录：{home}" in out
    code, out, _ = run(capsys, "--home", home, "doctor", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["database"]["state"] == "ok" and data["problems"] == []
    assert data["bundle_format"] in (None, "dzdesk-bundle 1")
    assert data["key_fingerprint"] == certificate_fingerprint(demo_store.paths)


def test_doctor_exit_code_says_there_is_a_problem(home, capsys):
    (home / "dzdesk.sqlite").write_bytes(b"\0" * 10 + b"garbage" * 200)
    code, out, err = run(capsys, "doctor")
    assert code == 1
    assert "已损坏" in out and "backups" in out
    assert "Traceback" not in out + err


def test_version_names_app_template_and_formats(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert len(out.strip().splitlines()) == 1, "one line, not wrapped"
    template = builtin_template()
    assert out.startswith(f"dzdesk {__version__} (template {template.id} v{template.version}, template format ")


def test_about_dialog_shows_and_copies(qtbot, demo_store):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QDialogButtonBox, QGroupBox, QLabel

    from ui.about_dialog import AboutDialog

    dialog = AboutDialog(collect(demo_store.paths))
    qtbot.addWidget(dialog)
    dialog.show()
    titles = [box.title() for box in dialog.findChildren(QGroupBox)]
    assert titles == ["结论", "版本", "数据位置", "报告字体", "签名密钥", "数据库检查"]
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    fingerprint = certificate_fingerprint(demo_store.paths)
    assert fingerprint in texts and "完好（integrity_check: ok）" in texts
    assert dialog.copy_button.text() == "复制"
    qtbot.mouseClick(dialog.copy_button, qtbot_left())
    copied = QGuiApplication.clipboard().text()
    assert fingerprint in copied and "图形界面：Qt " in copied and str(demo_store.paths.branch_db) in copied
    assert dialog.copy_button.text() == "已复制"
    qtbot.waitUntil(lambda: dialog.copy_button.text() == "复制", timeout=4000)
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Close), qtbot_left())
    assert not dialog.isVisible()


def test_about_dialog_highlights_problems(qtbot, home):
    from PySide6.QtWidgets import QLabel

    from ui.about_dialog import AboutDialog

    (home / "dzdesk.sqlite").write_text("broken", encoding="utf-8")
    dialog = AboutDialog(collect_for(home))
    qtbot.addWidget(dialog)
    problem = [lb for lb in dialog.findChildren(QLabel) if "backups" in lb.text()]
    assert problem and "c0262d" in problem[0].styleSheet()


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
