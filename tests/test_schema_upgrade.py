"""Every released schema version opens with the current code and keeps its digests.

Add a fixture here (a demo store saved by that release) whenever a migration is added.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dzdesk.paths import resolve_paths
from dzdesk.snapshot import snapshot_digest
from dzdesk.store import Store

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "schema").glob("branch-*.sqlite"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_released_schema_opens_and_digests_are_stable(fixture, tmp_path):
    paths = resolve_paths(tmp_path)
    shutil.copy(fixture, paths.branch_db)
    with Store(paths) as store:
        assert store.profile().name == "合肥智联信息科技有限公司党支部"
        finalized = [a for a in store.assessments() if a.is_finalized]
        assert {a.period for a in finalized} == {"2026Q3", "2026Q4"}
        for assessment in finalized:
            assert snapshot_digest(store.snapshot(assessment)) == assessment.snapshot_digest
        reopened = store.reopen("2026Q4")
        store.set_answer("2026Q4", "1", narrative="升级后仍可编辑")
        assert store.answer(reopened, "1").narrative == "升级后仍可编辑"
    assert fixture.stat().st_size > 0


COMMITTEE_FIXTURES = sorted((Path(__file__).parent / "fixtures" / "schema").glob("committee-*.sqlite"))


@pytest.mark.parametrize("fixture", COMMITTEE_FIXTURES, ids=[f.stem for f in COMMITTEE_FIXTURES])
def test_released_committee_schema_opens_and_keeps_its_data(fixture, tmp_path):
    """A committee database of an earlier release: three submissions of 2026Q4 (one branch named in
    traditional characters, its roster entry in simplified ones), a four-branch roster, a B grade."""
    from dzdesk.committee import models as m
    from dzdesk.committee.grading import quota
    from dzdesk.committee.overview import overview_rows
    from dzdesk.committee.store import CommitteeStore

    paths = resolve_paths(tmp_path)
    shutil.copy(fixture, paths.committee_db)
    with CommitteeStore(paths) as store:
        rows = {r.name: r for r in overview_rows(store, "2026Q4")}
        # the roster's 合肥智联…党支部 and the bundle's 合肥智聯…黨支部 are now one branch
        assert set(rows) == {"合肥智聯科技有限公司黨支部", "乙协会党支部", "丙公司党支部", "丁公司党支部"}
        assert rows["合肥智聯科技有限公司黨支部"].on_roster
        assert m.FLAG_NOT_SUBMITTED in rows["丁公司党支部"].flags
        assert rows["乙协会党支部"].committee_grade == "B" and rows["乙协会党支部"].committee_score == 88
        assert rows["丙公司党支部"].tasks_without_evidence == 18  # evidence on task 1 only and rows["丙公司党支部"].na_tasks == 0
        assert store.holds.list() == [] and all(s.score_verified for s in store.submissions("2026Q4"))
        assert quota(store, "2026Q4").base == 4
        assert store.resolve_branch("合肥智联科技有限公司党支部")["name"] == "合肥智聯科技有限公司黨支部"
