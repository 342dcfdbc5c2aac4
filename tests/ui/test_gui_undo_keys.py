"""Ctrl+Z / Ctrl+Y typed inside a text field use the session's one undo history."""

from __future__ import annotations

from PySide6.QtCore import Qt

PERIOD = "2026Q4"
CTRL = Qt.KeyboardModifier.ControlModifier


def _answers(store):
    return store.answers(store.require(PERIOD))


def test_ctrl_z_in_the_narrative_undoes_the_typing_through_the_session(make_window, store, qtbot, type_text):
    window = make_window(store)
    page = window.task_page
    assert not page.narrative.isUndoRedoEnabled()  # no second, field-local history
    type_text(page.narrative, "召开组织生活会")
    assert window.save_label.text() == "正在输入…"
    qtbot.keyClick(page.narrative, Qt.Key.Key_Z, CTRL)
    # the pending typing was saved as one step, then undone: field, store and stack agree
    assert page.narrative.toPlainText() == ""
    assert _answers(store)["1"].narrative == ""
    assert window.session.undo_stack.canRedo() and not window.session.undo_stack.canUndo()
    qtbot.keyClick(page.narrative, Qt.Key.Key_Y, CTRL)
    assert page.narrative.toPlainText() == "召开组织生活会"
    assert _answers(store)["1"].narrative == "召开组织生活会"
    qtbot.keyClick(page.narrative, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(page.narrative, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # the other redo key
    assert _answers(store)["1"].narrative == "召开组织生活会"


def test_ctrl_z_in_a_field_also_undoes_earlier_edits_elsewhere(make_window, store, qtbot, type_text):
    window = make_window(store)
    page = window.task_page
    qtbot.mouseClick(page.status_buttons["partial"], Qt.MouseButton.LeftButton)
    type_text(page.narrative, "第一项的情况")
    window.step(+1)  # page change saves the typing
    type_text(page.narrative, "第二项")
    qtbot.keyClick(page.narrative, Qt.Key.Key_Z, CTRL)  # the typing on task 2
    assert page.key == "2" and page.narrative.toPlainText() == ""
    qtbot.keyClick(page.narrative, Qt.Key.Key_Z, CTRL)  # then task 1's narrative: the page follows
    assert page.key == "1" and page.narrative.toPlainText() == ""
    qtbot.keyClick(page.narrative, Qt.Key.Key_Z, CTRL)  # then task 1's status
    answers = _answers(store)
    assert answers["1"].status is None and answers["1"].narrative == "" and answers["2"].narrative == ""
    assert not page.status_buttons["partial"].isChecked()


def test_ctrl_z_in_the_owner_line_edit(make_window, store, qtbot, type_text):
    window = make_window(store)
    page = window.task_page
    qtbot.mouseClick(page.status_buttons["undone"], Qt.MouseButton.LeftButton)
    type_text(page.owner, "张三")
    qtbot.keyClick(page.owner, Qt.Key.Key_Z, CTRL)
    assert page.owner.text() == "" and _answers(store)["1"].rectification.owner == ""
    assert _answers(store)["1"].status == "undone"  # only the typing was undone
    qtbot.keyClick(page.owner, Qt.Key.Key_Y, CTRL)
    assert page.owner.text() == "张三" and _answers(store)["1"].rectification.owner == "张三"


def test_other_shortcuts_still_reach_the_field(make_window, store, qtbot, type_text):
    window = make_window(store)
    page = window.task_page
    type_text(page.narrative, "全文")
    qtbot.keyClick(page.narrative, Qt.Key.Key_A, CTRL)  # select all is the field's own
    assert page.narrative.textCursor().selectedText() == "全文"
    assert window.session.undo_stack.count() == 0  # nothing pushed by Ctrl+A
