"""Helpers for the 党员名册 and 组织生活 page tests: the pages over the real store, run synchronously."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ui.meetings_page import MeetingsPage
from ui.members_page import MembersPage
from ui.operations import Operations, SyncExecutor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = date(2026, 11, 28)


def members_page(qtbot, store) -> MembersPage:
    page = MembersPage(Operations(store, SyncExecutor()), TODAY)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.reload()
    return page


def meetings_page(qtbot, store, period: str = "2026Q4") -> MeetingsPage:
    page = MeetingsPage(Operations(store, SyncExecutor()), period, TODAY)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.reload()
    return page


def visible_names(page: MembersPage) -> list[str]:
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
