"""The 党员名册 page as a standalone widget over the real store: filter, past days, add/edit, events."""

from __future__ import annotations

from datetime import date

import pytest
from orglife_pages import TODAY, members_page, visible_names
from orglife_tools import seed_roster

from dzdesk.orglife.models import MemberInput


@pytest.fixture
def branch(store):
    seed_roster(store)
    return store


# -- 党员名册 ----------------------------------------------------------------------------


def test_roster_page_lists_filters_and_shows_a_past_day(qtbot, branch):
    branch.members.add(MemberInput("吴十", "正式党员"), since="2026-06-01")
    page = members_page(qtbot, branch)
    assert "吴十" in visible_names(page) and "在册 10 名" in page.summary.text()
    page.day.set_text("2026-01-01")  # before 吴十 joined the branch
    assert "吴十" not in visible_names(page)
    assert len(visible_names(page)) == 9 and "张伟（2001-07-01入党）" in visible_names(page)
    assert page.summary.text() == "2026-01-01 在册 9 名：正式党员 8 名，预备党员 1 名"
    qtbot.keyClicks(page.search, "zhang")  # pinyin is not matched: nothing, and no error
    assert visible_names(page) == []
    page.search.setText("第二党小组")
    assert visible_names(page) == ["王五", "钱七", "孙八", "张伟（2001-07-01入党）"]
    page.search.clear()
    page.show_choice.setCurrentIndex(2)  # 全部
    assert "吴十" in visible_names(page)
    assert not page.empty.isVisible()


def test_add_a_member_and_a_namesake_needs_telling_apart(qtbot, branch):
    page = members_page(qtbot, branch)
    page.add_button.click()
    dialog = page.dialog
    dialog.name.setText("吴十")
    dialog.category.setCurrentIndex(1)
    dialog.joined.set_text("2026-05-01")
    dialog.since.set_text("2026-05-01")
    dialog.flags["流动党员"].setChecked(True)
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    saved = branch.members.roster().find("吴十", TODAY)
    assert (saved.category, saved.flags, saved.events[0].date) == (
        "预备党员",
        ("流动党员",),
        "2026-05-01",
    )
    assert "吴十" in visible_names(page) and page.selected().member.id == saved.id

    page.add_button.click()
    dialog = page.dialog
    dialog.name.setText("张伟")
    dialog.joined.set_text("2001-07-01")
    dialog.before_records.setChecked(True)
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "同名党员请填写不同的入党日期或备注" in dialog.error.text()
    dialog.note.setText("研发部")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert len([m for m in branch.members.all() if m.name == "张伟"]) == 3


def test_a_bad_field_stays_in_the_dialog_with_one_sentence(qtbot, branch):
    page = members_page(qtbot, branch)
    page.add_button.click()
    page.dialog.name.setText("")
    page.dialog.buttons.accepted.emit()
    assert page.dialog.isVisible() and page.dialog.error.text() == "请填写“姓名”。"
    assert len(branch.members.all()) == 9


def test_edit_and_events_move_a_member_off_the_roster_and_back(qtbot, branch):
    page = members_page(qtbot, branch)
    page.search.setText("孙八")
    page.table.selectRow(0)
    page.edit_button.click()
    page.dialog.group.setCurrentText("第一党小组")
    page.dialog.buttons.accepted.emit()
    sun = branch.members.roster().find("孙八", TODAY)
    assert sun.party_group == "第一党小组"
    assert branch.changes()[-1].field == f"member#{sun.id}.party_group"

    page.event_button.click()
    dialog = page.dialog
    assert dialog.kinds == ["转出", "去世", "停止党籍"]
    dialog.date.set_text("2026-11-01")
    dialog.note.setText("转往区机关党支部")
    dialog.buttons.accepted.emit()
    assert not branch.members.roster().is_on(sun.id, TODAY)
    assert visible_names(page) == []  # 在册 only
    page.show_choice.setCurrentIndex(1)  # 已离开
    assert visible_names(page) == ["孙八"]
    page.table.selectRow(0)
    assert (
        page.model.row(page.proxy.mapToSource(page.proxy.index(0, 0)).row()).status
        == "转出 2026-11-01"
    )
    assert page.events.count() == 2
    page.events.setCurrentRow(1)
    page.cancel_button.click()
    assert branch.members.roster().is_on(sun.id, TODAY)


def test_a_probationary_member_is_offered_the_confirmation(qtbot, branch):
    page = members_page(qtbot, branch)
    page.search.setText("周九")
    page.table.selectRow(0)
    page.event_button.click()
    assert page.dialog.kinds[0] == "预备转正"
    page.dialog.date.set_text("2027-03-01")
    page.dialog.buttons.accepted.emit()
    assert branch.members.roster().find("周九", date(2027, 3, 2)).confirmed == "2027-03-01"
