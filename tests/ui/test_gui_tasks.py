"""Answering tasks through the real widgets: keyboard, mouse, rectification, autosave, undo."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from dzdesk.template import STATUSES
from ui.task_page import NO_DATE

PERIOD = "2026Q4"
DIGITS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4)


def test_opens_on_current_quarter_with_all_tasks(make_window, store):
    window = make_window(store)
    assert window.session.period == PERIOD
    assert window.tree_model.rowCount() == 5
    assert sum(window.tree_model.rowCount(window.tree_model.index(r, 0)) for r in range(5)) == 19
    assert window.task_page.title.text().startswith("1. ")
    assert "已填写 0/19 项" in window.progress_label.text()
    assert store.current(PERIOD) is not None


def test_answer_all_19_tasks_with_keyboard_and_mouse(make_window, store, qtbot, type_text):
    window = make_window(store)
    page = window.task_page
    keys = window.session.state.template.task_keys
    for i, key in enumerate(keys):
        assert page.key == key
        status = STATUSES[i % 4]
        if i % 2:  # keyboard: Alt+1..4 picks the status
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
            qtbot.keyClick(window, DIGITS[STATUSES.index(status)], Qt.KeyboardModifier.AltModifier)
        else:
            qtbot.mouseClick(page.status_buttons[status], Qt.MouseButton.LeftButton)
        page.narrative.setFocus()
        type_text(page.narrative, f"第{key}项本期已落实")
        if status in ("partial", "undone"):
            assert page.rect_box.isVisible(), (key, status, window.session.answer(key))
            type_text(page.measures, "下季度补齐")
            type_text(page.owner, "张三")
            page.deadline.setDate(QDate(2027, 3, 31))
        if i % 2:
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
            qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        elif i < len(keys) - 1:
            qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    window.session.flush()
    answers = store.answers(store.require(PERIOD))
    assert len(answers) == 19
    for i, key in enumerate(keys):
        assert answers[key].status == STATUSES[i % 4]
        assert answers[key].narrative == f"第{key}项本期已落实"
    assert store.finalize_check(PERIOD).ok
    assert "已填写 19/19 项" in window.progress_label.text()


def test_tree_shows_status_as_text_and_icon(make_window, store, qtbot):
    window = make_window(store)
    qtbot.mouseClick(window.task_page.status_buttons["undone"], Qt.MouseButton.LeftButton)
    index = window.tree_model.index_for_task("1").siblingAtColumn(1)
    assert index.data() == "未完成"
    assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert window.tree_model.index(0, 1).data() == "1/5"


def test_rectification_block_appears_and_is_required(make_window, store, qtbot, messages, db_answer, type_text):
    window = make_window(store)
    page = window.task_page
    assert not page.rect_box.isVisible()
    qtbot.mouseClick(page.status_buttons["partial"], Qt.MouseButton.LeftButton)
    assert page.rect_box.isVisible()
    assert "整改措施、责任人、完成时限" in page.rect_missing.text()
    window.show_review()
    blockers = window.review_page.blockers.text()
    assert "task:1" in blockers and "须填写整改措施、责任人、完成时限" in blockers
    assert not window.review_page.finalize_button.isEnabled()
    window.review_page.blockers.linkActivated.emit("task:1")  # the link takes the person to the task
    assert window.stack.currentWidget() is page and page.key == "1"
    type_text(page.measures, "组织专题学习")
    type_text(page.owner, "李四")
    page.deadline.setDate(QDate(2026, 12, 31))
    window.session.flush()
    assert not page.rect_missing.isVisible()
    assert db_answer(PERIOD, "1")["deadline"] == "2026-12-31"
    qtbot.mouseClick(page.status_buttons["done"], Qt.MouseButton.LeftButton)
    assert not page.rect_missing.isVisible()
    page.deadline.setDate(NO_DATE)
    assert db_answer(PERIOD, "1")["deadline"] == ""


def test_typing_autosaves_after_a_pause(make_window, store, qtbot, db_answer, type_text):
    window = make_window(store)
    page = window.task_page
    page.narrative.setFocus()
    type_text(page.narrative, "召开支部党员大会")
    assert window.save_label.text() == "正在输入…"
    row = db_answer(PERIOD, "1")
    assert row is None or row["narrative"] == ""  # not yet: the debounce is still running
    qtbot.waitUntil(lambda: (db_answer(PERIOD, "1") or {}).get("narrative") == "召开支部党员大会", timeout=3000)
    assert window.save_label.text().startswith("已自动保存 ")
    assert page.narrative_count.text() == "已输入 8 字"


def test_page_change_flushes_typing(make_window, store, qtbot, db_answer, type_text):
    window = make_window(store)
    type_text(window.task_page.narrative, "学习党的二十大精神")
    window.step(+1)
    assert db_answer(PERIOD, "1")["narrative"] == "学习党的二十大精神"
    window.step(-1)
    assert window.task_page.narrative.toPlainText() == "学习党的二十大精神"


def test_undo_and_redo_across_tasks(make_window, store, qtbot, type_text):
    window = make_window(store)
    page = window.task_page
    qtbot.mouseClick(page.status_buttons["done"], Qt.MouseButton.LeftButton)
    type_text(page.narrative, "第一项")
    window.step(+1)
    qtbot.mouseClick(page.status_buttons["na"], Qt.MouseButton.LeftButton)
    answers = lambda: store.answers(store.require(PERIOD))  # noqa: E731
    assert answers()["2"].status == "na"
    window.undo_action.trigger()
    assert answers()["2"].status is None
    window.undo_action.trigger()  # the narrative of task 1: the page follows the undo
    assert answers()["1"].narrative == "" and page.key == "1"
    assert page.narrative.toPlainText() == ""
    window.redo_action.trigger()
    assert answers()["1"].narrative == "第一项"
    assert page.narrative.toPlainText() == "第一项"
    window.redo_action.trigger()
    assert answers()["2"].status == "na"
    assert window.tree_model.index_for_task("2").siblingAtColumn(1).data() == "不适用"


def test_too_long_text_is_refused_with_one_sentence(make_window, store, messages, db_answer, type_text):
    window = make_window(store)
    window.session.type_text("1", "owner", "长" * 3000)
    window.session.flush()
    assert any("责任人" in t and "过长" in t for t in messages.texts("warning"))
    assert db_answer(PERIOD, "1") is None
    assert window.task_page.owner.text() == ""  # the page shows what the store really holds
