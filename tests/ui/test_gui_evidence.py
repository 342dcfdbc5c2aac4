"""Evidence on a task page: add by dialog and drop, thumbnails, captions, remove and undo."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QFileDialog

PERIOD = "2026Q4"


def _png(path, colour="red"):
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def test_add_by_dialog_shows_thumbnail_and_reaches_store(make_window, store, tmp_path, monkeypatch, qtbot):
    photo = _png(tmp_path / "党员大会.png")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(photo)], "")))
    window = make_window(store)
    panel = window.task_page.evidence
    assert panel.empty.isVisible()
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    rows = store.evidence(store.require(PERIOD), "1")
    assert [e.original_name for e in rows] == ["党员大会.png"]
    assert store.evidence_file(rows[0]).read_bytes() == photo.read_bytes()
    qtbot.waitUntil(lambda: window.evidence_model.rowCount() == 1)
    icon = window.evidence_model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()
    assert window.save_label.text().startswith("已自动保存")


def test_drop_files_and_bad_file_gets_one_sentence(make_window, store, tmp_path, messages, qtbot):
    good = tmp_path / "会议记录.txt"
    good.write_text("会议记录", encoding="utf-8")
    bad = tmp_path / "病毒.exe"
    bad.write_bytes(b"MZ")
    window = make_window(store)
    panel = window.task_page.evidence
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(bad))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(event)
    names = [e.original_name for e in store.evidence(store.require(PERIOD), "1")]
    assert names == ["会议记录.txt"]
    warning = messages.texts("warning")
    assert len(warning) == 1 and "不支持“.exe”类型" in warning[0] and "Traceback" not in warning[0]
    qtbot.waitUntil(lambda: window.evidence_model.rowCount() == 1)


def test_remove_then_undo_restores(make_window, store, tmp_path, qtbot):
    photo = _png(tmp_path / "场所.png", "blue")
    store.ensure_assessment(PERIOD)
    store.add_evidence(PERIOD, "1", photo)
    window = make_window(store)
    panel = window.task_page.evidence
    assert window.evidence_model.rowCount() == 1
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert store.evidence(store.require(PERIOD), "1") == []
    qtbot.waitUntil(lambda: window.evidence_model.rowCount() == 0)
    window.undo_action.trigger()
    assert [e.original_name for e in store.evidence(store.require(PERIOD), "1")] == ["场所.png"]
    qtbot.waitUntil(lambda: window.evidence_model.rowCount() == 1)
    window.redo_action.trigger()
    assert store.evidence(store.require(PERIOD), "1") == []


def test_caption_edit_saved(make_window, store, tmp_path, qtbot):
    doc = tmp_path / "计划.pdf"
    doc.write_bytes(b"%PDF-1.4\n%%EOF\n")
    store.ensure_assessment(PERIOD)
    store.add_evidence(PERIOD, "2", doc)
    window = make_window(store)
    window.go_to_task("2")
    index = window.evidence_model.index(0, 1)
    assert window.evidence_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert window.evidence_model.setData(index, "  年度服务计划书  ")
    assert store.evidence(store.require(PERIOD), "2")[0].caption == "年度服务计划书"
    qtbot.waitUntil(lambda: window.evidence_model.index(0, 1).data() == "年度服务计划书")


def test_open_makes_a_named_copy(make_window, store, tmp_path, monkeypatch):
    from ui import evidence_panel  # the main window looks it up there when opening

    doc = tmp_path / "总结.docx"
    doc.write_bytes(b"PK\x03\x04 demo")
    store.ensure_assessment(PERIOD)
    ev = store.add_evidence(PERIOD, "3", doc)
    opened = []
    monkeypatch.setattr(evidence_panel, "open_with_system", lambda path: opened.append(path) or True)
    window = make_window(store)
    window.open_evidence(ev)
    assert opened[0].name == "总结.docx" and opened[0].read_bytes() == doc.read_bytes()


def test_finalized_period_is_read_only(make_window, demo_store):
    window = make_window(demo_store)
    assert window.session.read_only
    page = window.task_page
    assert page.locked.isVisible()
    assert not page.status_buttons["done"].isEnabled()
    assert page.narrative.isReadOnly()
    assert not page.evidence.add_button.isEnabled()
    assert not page.evidence.acceptDrops()
    before = demo_store.answers(demo_store.require(PERIOD))["1"]
    window.session.set_field("1", "status", "undone")
    assert demo_store.answers(demo_store.require(PERIOD))["1"] == before
    assert date.fromisoformat(demo_store.require(PERIOD).finalized_at[:10])
