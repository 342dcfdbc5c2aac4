"""The period selector marks finalized periods and reopened revisions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from dzdesk.template import builtin_template

PERIOD = "2026Q4"


def _finalized_q3(store) -> None:
    store.create_assessment("2026Q3")
    for key in builtin_template().task_keys:
        store.set_answer("2026Q3", key, status="done", narrative="已落实")
    store.finalize("2026Q3")


def _items(combo) -> list[tuple[str, str, str]]:
    return [
        (combo.itemData(i), combo.itemText(i), combo.itemData(i, Qt.ItemDataRole.ToolTipRole) or "")
        for i in range(combo.count())
    ]


def test_finalized_and_reopened_periods_are_marked(make_window, store, messages):
    _finalized_q3(store)
    window = make_window(store)  # today is in 2026Q4: created, copied forward from 2026Q3
    combo = window.period_combo
    (q4, q4_text, q4_tip), (q3, q3_text, q3_tip) = _items(combo)
    assert (q4, q4_text) == (PERIOD, "2026年第四季度") and "可以修改" in q4_tip
    assert (q3, q3_text) == ("2026Q3", "2026年第三季度（已定稿）") and "定稿" in q3_tip and "只能查看" in q3_tip
    assert combo.currentData() == PERIOD

    for key in window.session.state.template.task_keys:
        window.session.set_field(key, "status", "done")
    window.finalize()  # the confirmation is answered Yes
    assert store.require(PERIOD).is_finalized
    assert combo.currentText() == "2026年第四季度（已定稿）"

    window.reopen()
    assert combo.currentText() == "2026年第四季度（第2版，草稿）"
    assert "第1版原样保留" in combo.itemData(combo.currentIndex(), Qt.ItemDataRole.ToolTipRole)
    window.session.set_field("1", "narrative", "第二版的修改")
    window.finalize()
    assert combo.currentText() == "2026年第四季度（第2版，已定稿）"

    combo.setCurrentIndex(combo.findData("2026Q3"))  # choosing a finalized period opens it read-only
    combo.activated.emit(combo.currentIndex())
    assert window.session.period == "2026Q3" and window.session.read_only
    window.go_to_task("1")
    assert window.task_page.locked.isVisible()
    assert combo.currentText() == "2026年第三季度（已定稿）"
    assert messages.texts("warning") == []


def test_combo_is_wide_enough_for_the_marks(make_window, store):
    _finalized_q3(store)
    window = make_window(store)
    combo = window.period_combo
    metrics = combo.fontMetrics()
    widest = max(metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() >= widest  # the full text fits, nothing is cut off
