"""Held submissions: look-alike names, a known key claiming another branch's name, the same revision with
other content. Each is held with one sentence, never current, and decided with accept-hold / decline-hold."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bundle"))

from bundle_tools import base_bundle, craft, other_identity  # noqa: E402
from committee_fixtures import committee, fake_bundles  # noqa: E402, F401

from dzdesk.cli import main  # noqa: E402
from dzdesk.committee import models as m  # noqa: E402
from dzdesk.committee.importer import import_bundles  # noqa: E402
from dzdesk.committee.overview import overview_rows  # noqa: E402
from dzdesk.committee.store import CommitteeStore  # noqa: E402
from dzdesk.paths import resolve_paths  # noqa: E402
from dzdesk.textrules import name_key  # noqa: E402

NAME = "合肥智联信息科技有限公司党支部"  # the demo branch of the base bundle
PERIOD = "2026Q4"


def _named(name: str):
    return lambda doc: doc["snapshot"]["branch"].update(name=name)


@pytest.fixture
def home(tmp_path) -> str:
    return str(tmp_path / "committee")


def _import(home: str, *files: Path) -> list[m.ImportOutcome]:
    with CommitteeStore(resolve_paths(home), actor="委员") as store:
        return list(import_bundles(store, list(files)).outcomes)


@pytest.mark.parametrize("look_alike", [
    "合肥智聯信息科技有限公司黨支部",  # traditional characters
    "中共 合肥智联信息科技有限公司党支部",  # the prefix and a space
    "合肥智联信息科技有限公司党支部",  # the very same name (a key change)
])
def test_a_new_key_with_a_registered_name_or_a_look_alike_is_held(look_alike, home, tmp_path):
    base = base_bundle()
    original = tmp_path / "original.dzb"
    original.write_bytes(base.data)
    impostor = tmp_path / "impostor.dzb"
    impostor.write_bytes(craft(base, doc=_named(look_alike), signer=other_identity(look_alike)))
    first, second = _import(home, original, impostor)
    assert first.outcome == m.IMPORTED
    assert second.outcome == m.HELD and second.hold == m.HOLD_KEY
    assert ("签名密钥不同" if look_alike != NAME else "另一签名密钥") in second.reason
    with CommitteeStore(resolve_paths(home)) as store:
        assert [s.branch_name for s in store.submissions(PERIOD)] == [NAME]  # the original stays current
        assert len(store.branches()) == 1  # not registered as a new branch
        [row] = overview_rows(store, PERIOD)
        assert m.FLAG_KEY_HELD in row.flags


def test_full_width_letters_and_case_compare_equal():
    assert name_key("合肥ＡＢＣ科技党支部") == name_key("合肥abc科技党支部") == name_key("中共合肥ABC科技党支部")
    assert name_key("合肥智聯信息科技有限公司黨支部") == name_key(NAME)
    assert name_key("合肥智联信息科技有限公司第二党支部") != name_key(NAME)


def test_a_known_key_claiming_another_branchs_name_is_held_then_decided(home, tmp_path, capsys):
    base = base_bundle()
    ours = tmp_path / "ours.dzb"
    ours.write_bytes(base.data)
    other_name = "合肥某律师事务所党支部"
    theirs = tmp_path / "theirs.dzb"
    theirs.write_bytes(craft(base, doc=_named(other_name), signer=other_identity(other_name)))
    claiming = tmp_path / "claiming.dzb"
    claiming.write_bytes(craft(base, doc=_all(_named("合肥某律師事務所黨支部"), _revision(2))))
    a, b, c = _import(home, ours, theirs, claiming)
    assert (a.outcome, b.outcome) == (m.IMPORTED, m.IMPORTED)
    assert c.outcome == m.HELD and c.hold == m.HOLD_NAME and f"“{other_name}”" in c.reason
    assert main(["committee", "holds", "--home", home]) == 0
    listing = capsys.readouterr().out
    assert f"[{c.submission_id}] 名称与其他党支部相同或相似" in listing
    assert main(["committee", "decline-hold", str(c.submission_id), "--home", home]) == 0
    assert "已拒收" in capsys.readouterr().out
    with CommitteeStore(resolve_paths(home)) as store:
        assert store.holds.list() == []
        assert sorted(s.branch_name for s in store.submissions(PERIOD)) == sorted([NAME, other_name])
        assert store.submission(c.submission_id).state == "declined"


def _all(*edits):
    def edit(doc):
        for one in edits:
            one(doc)
    return edit


def _revision(value: int):
    return lambda doc: doc["snapshot"].update(revision=value)


def test_the_same_revision_with_other_content_is_held_and_accepting_it_replaces_the_other(committee, fake_bundles, capsys):  # noqa: F811
    first = fake_bundles.make("甲公司党支部", revision=1, done=15, partial=4)
    again = fake_bundles.make("甲公司党支部", revision=1, done=19, file="again.dzb")
    report = import_bundles(committee, [first, again], verify=fake_bundles.verify)
    imported, held = report.outcomes
    assert held.outcome == m.HELD and held.hold == m.HOLD_REVISION and not report.ok
    [current] = committee.submissions(PERIOD)
    assert current.id == imported.submission_id  # never silently made current
    [row] = overview_rows(committee, PERIOD)
    assert m.FLAG_HELD_REVISION in row.flags and row.held == m.HOLD_LABELS[m.HOLD_REVISION]
    _held, state = committee.holds.accept(held.submission_id)
    assert state == "current"
    [current] = committee.submissions(PERIOD)
    assert current.id == held.submission_id and current.score == 100
    states = {s.id: s.state for s in committee.history(current.branch_id, PERIOD)}
    assert states == {imported.submission_id: "declined", held.submission_id: "current"}
    # importing the held-then-accepted file again: already had
    assert import_bundles(committee, [again], verify=fake_bundles.verify).outcomes[0].outcome == m.ALREADY


def test_declining_a_revision_hold_keeps_the_first_file(committee, fake_bundles):  # noqa: F811
    first = fake_bundles.make("甲公司党支部", revision=1, done=15, partial=4)
    again = fake_bundles.make("甲公司党支部", revision=1, done=19, file="again.dzb")
    _imported, held = import_bundles(committee, [first, again], verify=fake_bundles.verify).outcomes
    committee.holds.decline(held.submission_id)
    [current] = committee.submissions(PERIOD)
    assert current.revision == 1 and current.score < 100 and committee.holds.list() == []
    assert import_bundles(committee, [again], verify=fake_bundles.verify).outcomes[0].outcome == m.REJECTED


def test_terminal_escapes_never_reach_the_terminal(committee, fake_bundles, tmp_path, capsys):  # noqa: F811
    """A file name on the stick, or a name stored by an older dzdesk, with escape sequences: shown masked."""
    evil = tmp_path / "evil\x1b[2J\x1b]0;pwned\x07.dzb"
    evil.write_bytes(b"not a zip")
    home = str(committee.paths.data_dir)
    fake_bundles.make("旧版\x1b[31m党支部", file="legacy.dzb")
    import_bundles(committee, [fake_bundles.folder / "legacy.dzb"], verify=fake_bundles.verify)
    assert main(["committee", "import", str(evil), "--home", home]) == 1
    assert main(["committee", "list", "--period", PERIOD, "--home", home]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "evil?[2J?]0;pwned?.dzb" in out and "旧版?[31m党支部" in out
