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
