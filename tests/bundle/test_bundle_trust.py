"""Crafted bundles, re-signed with a real branch key: the committee trusts nothing it can recompute.

Each case is a bundle a hostile sender holding a branch key could make (every
hash, the snapshot digest and the signature redone). ``dzdesk verify`` and
``committee import`` share one validation layer, so each case has ONE
expected verdict, checked through both: refused (with the same sentence),
held ("模板未知，无法核分": authentic, but the score cannot be recomputed), or
accepted with the score the committee computed itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from bundle_tools import Base, base_bundle, craft, read_members

from dzdesk.bundle import BundleError, verify_bundle
from dzdesk.canonical import sha256_hex
from dzdesk.cli import main
from dzdesk.committee import models as m
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.overview import overview_rows
from dzdesk.committee.store import CommitteeStore
from dzdesk.paths import resolve_paths

REJECT, HELD, OK = "reject", "held", "ok"
UNKNOWN_HASH = "f" * 64


def _answers(edit: Callable[[list[dict]], object]) -> Callable[[dict], None]:
    return lambda doc: edit(doc["snapshot"]["answers"])


def _branch(**values: object) -> Callable[[dict], None]:
    return lambda doc: doc["snapshot"]["branch"].update(values)


def _unknown_template(doc: dict) -> None:
    """A template the verifier does not hold and the bundle does not carry."""
    del doc["template"]
    doc["snapshot"]["template"] = {"id": "某委员会-2027", "version": "1", "hash": UNKNOWN_HASH}


def _all(*edits: Callable[[dict], object]) -> Callable[[dict], None]:
    def edit(doc: dict) -> None:
        for one in edits:
            one(doc)
    return edit


def _score(**values: object) -> Callable[[dict], None]:
    return lambda doc: doc["score"].update(values)


def _all_undone(answers: list[dict]) -> None:
    for a in answers:
        a["status"] = "undone"


def _carried_edit(edit: Callable[[dict], object], rehash: bool) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        edit(doc["template"])
        if rehash:
            doc["snapshot"]["template"]["hash"] = sha256_hex(doc["template"])
    return change


def _first_task_points(template: dict) -> None:
    template["areas"][0]["tasks"][0]["points"] += 50


def _revision(value: int) -> Callable[[dict], None]:
    return lambda doc: doc["snapshot"].update(revision=value)


# name -> (doc edit, changes edit, verdict, what the message says / the hold kind)
CASES: dict[str, tuple[Callable | None, Callable | None, str, str]] = {
    # 1. the score is recomputed, never taken on trust
    "all undone claiming the stated score": (_answers(_all_undone), None, REJECT, "与答案计算结果"),
    "all undone claiming 100 and A": (_all(_answers(_all_undone), _score(total=100, grade="A")), None, REJECT, "与答案计算结果"),
    "score 1e308": (_score(total=1e308), None, REJECT, "score.total”超出范围"),
    "score -5": (_score(total=-5), None, REJECT, "score.total”超出范围"),
    "score of 400 digits": (_score(total=10**400), None, REJECT, "score.total”超出范围"),
    "grade Z": (_score(grade="Z"), None, REJECT, "score.grade"),
    "unknown template": (_unknown_template, None, HELD, m.HOLD_TEMPLATE),
    "unknown template claiming 100 and A": (_all(_unknown_template, _answers(_all_undone), _score(total=100, grade="A")), None, HELD, m.HOLD_TEMPLATE),
    "unknown template score 1e308": (_all(_unknown_template, _score(total=1e308)), None, REJECT, "score.total”超出范围"),
    "unknown template score -5": (_all(_unknown_template, _score(total=-5)), None, REJECT, "score.total”超出范围"),
    "carried template altered": (_carried_edit(lambda t: t.update(title="改过的模板"), rehash=False), None, REJECT, "随附的检查模板与自评记录所用的模板不符"),
    "carried template invalid, rehashed": (_carried_edit(_first_task_points, rehash=True), None, REJECT, "随附的检查模板有误"),
    "carried template renamed, rehashed": (_carried_edit(lambda t: t.update(version="9.9"), rehash=True), None, REJECT, "编号或版本与自评记录不符"),
    "carried template not an object": (lambda doc: doc.update(template=[1, 2]), None, REJECT, "字段“template”不是对象"),
    "template left out, built-in hash": (lambda doc: doc.pop("template"), None, OK, "known"),
    # 2. one answer per template task, exactly
    "task 19 missing": (_answers(lambda a: a.pop()), None, REJECT, "缺少任务“19”的答案"),
    "task 1 twice, identical": (_answers(lambda a: a.append(dict(a[0]))), None, REJECT, "任务“1”的答案出现了不止一次"),
    "task 1 twice, differing": (_answers(lambda a: a.append({**a[0], "status": "undone"})), None, REJECT, "任务“1”的答案出现了不止一次"),
    "task 99 added": (_answers(lambda a: a.append({**a[0], "task_key": "99"})), None, REJECT, "任务“99”不在模板中"),
    "task 99 instead of 19": (_answers(lambda a: a[-1].update(task_key="99")), None, REJECT, "任务“99”不在模板中"),
    "duplicate task under an unknown template": (_all(_unknown_template, _answers(lambda a: a.append(dict(a[3])))), None, REJECT, "任务“4”的答案出现了不止一次"),
    "evidence on task 99": (lambda doc: doc["snapshot"]["evidence"][0].update(task_key="99"), None, REJECT, "佐证材料所属的任务“99”不在模板中"),
    # 3. numbers in range
    "revision 2**63": (_revision(2**63), None, REJECT, "revision”超出范围"),
    "revision 2**62": (_revision(2**62), None, REJECT, "revision”超出范围"),
    "revision 10001": (_revision(10_001), None, REJECT, "revision”超出范围"),
    "revision 0": (_revision(0), None, REJECT, "revision”超出范围"),
    "100001 full members": (_branch(full_members=100_001), None, REJECT, "full_members”超出范围"),
    "-1 probationary members": (_branch(probationary_members=-1), None, REJECT, "probationary_members”超出范围"),
    "evidence size 2**62": (lambda doc: doc["snapshot"]["evidence"][0].update(size=2**62), None, REJECT, "size”超出范围"),
    "change-log revision 2**63": (None, lambda log: log["changes"][0].update(revision=2**63), REJECT, "revision”超出范围"),
    # 4. the branch profile, by the branch side's rules
    "empty branch name": (_branch(name=""), None, REJECT, "请填写“党支部名称”"),
    "branch name of 101 characters": (_branch(name="党" * 101), None, REJECT, "过长（101 字）"),
    "terminal escape in the name": (_branch(name="某\x1b[2J\x1b[31m党支部"), None, REJECT, "U+001B"),
    "bidi override in the name": (_branch(name="某公司\u202e部支党"), None, REJECT, "U+202E"),
    "zero-width space in the name": (_branch(name="合肥智联\u200b信息科技有限公司党支部"), None, REJECT, "U+200B"),
    "control character in the committee": (_branch(committee="中共某委员会\x07"), None, REJECT, "U+0007"),
    "empty secretary": (_branch(secretary=""), None, REJECT, "请填写“党支部书记”"),
    "name with a trailing space": (_branch(name="某党支部 "), None, REJECT, "首尾有空白"),
    "unknown kind": (_branch(kind="evil"), None, REJECT, "kind”不是有效的党支部类型"),
    "impossible founding date": (_branch(founded="2026-13-45"), None, REJECT, "founded”不是 YYYY-MM-DD"),
}


def _make(base: Base, case: str) -> bytes:
    doc, changes, _verdict, _what = CASES[case]
    return craft(base, doc=doc, changes=changes)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("crafted")
    base = base_bundle()
    files = {}
    for i, case in enumerate(CASES):
        path = folder / f"{i:02d}.dzb"
        path.write_bytes(_make(base, case))
        files[case] = path
    return files


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_verify_gives_the_cases_verdict(case, crafted, capsys):
    _doc, _changes, verdict, what = CASES[case]
    code = main(["verify", str(crafted[case])])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "内部错误" not in out + err
    if verdict == REJECT:
        assert code == 1 and out == "" and err.count("\n") == 1 and what in err, err
        with pytest.raises(BundleError) as info:
            verify_bundle(crafted[case])
        assert what in info.value.zh and info.value.en
        return
    vb = verify_bundle(crafted[case])
    assert code == 0, err
    if verdict == HELD:
        assert not vb.score_verified and "模板未知，无法核分" in out
    else:
        assert vb.score_verified and vb.scored_by == what and "得分（已核实）" in out


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_committee_import_gives_the_same_verdict(case, crafted, tmp_path):
    _doc, _changes, verdict, what = CASES[case]
    with CommitteeStore(resolve_paths(tmp_path / "committee"), actor="委员") as committee:
        [outcome] = import_bundles(committee, [crafted[case]]).outcomes
        if verdict == REJECT:
            assert outcome.outcome == m.REJECTED and what in outcome.reason, outcome.reason
            with pytest.raises(BundleError) as info:  # the very sentence verify gives
                verify_bundle(crafted[case])
            assert outcome.reason == info.value.zh
            assert committee.submissions(states=("current", "superseded", "held")) == []
        elif verdict == HELD:
            assert outcome.outcome == m.HELD and outcome.hold == what and "模板未知，无法核分" in outcome.reason
            assert committee.submissions("2026Q4") == []  # never current
            [row] = overview_rows(committee, "2026Q4")
            assert m.FLAG_HELD_TEMPLATE in row.flags and not row.submitted and row.committee_grade == ""
        else:
            assert outcome.outcome == m.IMPORTED
            [sub] = committee.submissions("2026Q4")
            assert sub.score_verified


def test_a_held_bundle_counts_for_no_grade_and_no_quota(crafted, tmp_path, capsys):
    from dzdesk.committee.grading import quota, set_grade
    from dzdesk.errors import DzdeskError

    home = str(tmp_path / "committee")
    with CommitteeStore(resolve_paths(home), actor="委员") as committee:
        [outcome] = import_bundles(committee, [crafted["unknown template claiming 100 and A"]]).outcomes
        with pytest.raises(DzdeskError, match="没有 2026Q4 期间的有效提交"):
            set_grade(committee, "2026Q4", outcome.branch, "A")
        assert quota(committee, "2026Q4").used == 0
    assert main(["committee", "holds", "--home", home]) == 0
    out = capsys.readouterr().out
    assert f"[{outcome.submission_id}]" in out and "模板未知，无法核分" in out
    # accepting it needs the template: still unknown, so it stays held, nothing changed
    assert main(["committee", "accept-hold", str(outcome.submission_id), "--home", home]) == 1
    assert "仍然没有检查模板" in capsys.readouterr().err
    with CommitteeStore(resolve_paths(home), actor="委员") as committee:
        assert [h.submission_id for h in committee.holds.list()] == [outcome.submission_id]


def test_an_accepted_template_hold_is_scored_by_the_committee(tmp_path):
    """Held for an unknown template, accepted once the committee holds it: the score is the committee's own."""
    base = base_bundle()
    members = base.member_dict()
    template = json.loads(members["assessment.json"])["template"]
    template["version"] = "委员会版"
    from dzdesk.template import parse_template

    mine = parse_template(template)

    def answered_against_mine(doc: dict) -> None:
        del doc["template"]
        doc["snapshot"]["template"] = {"id": mine.id, "version": mine.version, "hash": mine.hash}
        doc["score"]["total"] = 100
        doc["score"]["grade"] = "A"

    path = tmp_path / "mine.dzb"
    path.write_bytes(craft(base, doc=answered_against_mine))
    with CommitteeStore(resolve_paths(tmp_path / "committee"), actor="委员") as committee:
        [held] = import_bundles(committee, [path]).outcomes
        assert held.outcome == m.HELD and held.hold == m.HOLD_TEMPLATE
        committee.profile.issue_template("nonpublic", mine)  # the committee now holds (and issued) that template
        _hold, state = committee.holds.accept(held.submission_id)
        assert state == "current"
        [sub] = committee.submissions("2026Q4")
        assert sub.score_verified and sub.score == 94.21 and sub.grade == "A"  # computed, not the claimed 100


def test_a_template_hold_accepted_with_a_template_the_committee_did_not_issue_is_held_for_its_standard(tmp_path):
    base = base_bundle()
    template = json.loads(base.member_dict()["assessment.json"])["template"]
    template["version"] = "别处的版本"
    from dzdesk.template import parse_template

    theirs = parse_template(template)

    def answered_against_theirs(doc: dict) -> None:
        del doc["template"]
        doc["snapshot"]["template"] = {"id": theirs.id, "version": theirs.version, "hash": theirs.hash}

    path = tmp_path / "theirs.dzb"
    path.write_bytes(craft(base, doc=answered_against_theirs))
    with CommitteeStore(resolve_paths(tmp_path / "committee"), actor="委员") as committee:
        [held] = import_bundles(committee, [path]).outcomes
        _hold, reason = committee.holds.accept(held.submission_id, {theirs.hash: theirs})
        assert "未按本党委标准填报" in reason and committee.submissions("2026Q4") == []
        [again] = committee.holds.list()
        assert again.kind == m.HOLD_STANDARD
        _hold, state = committee.holds.accept(held.submission_id)  # the clerk accepts it as it is
        assert state == "current" and committee.submissions("2026Q4")[0].score_verified


def test_a_wrong_crc_is_refused_even_when_the_bytes_match_their_hash(tmp_path):
    """The zip's CRC-32 is checked as docs/bundle-format.md says, on every member: here the evidence bytes
    (and so their signed SHA-256) are untouched, only the CRC fields of the zip are wrong."""
    base = base_bundle()
    raw = bytearray(base.data)
    name = next(info.filename for info, _ in read_members(base.data) if info.filename.startswith("evidence/"))
    central = raw.index(b"PK\x01\x02")
    while bytes(raw[central + 46 : central + 46 + len(name)]) != name.encode():
        central = raw.index(b"PK\x01\x02", central + 4)
    crc = int.from_bytes(raw[central + 16 : central + 20], "little") ^ 1
    local = int.from_bytes(raw[central + 42 : central + 46], "little")
    raw[central + 16 : central + 20] = raw[local + 14 : local + 18] = crc.to_bytes(4, "little")
    target = tmp_path / "crc.dzb"
    target.write_bytes(bytes(raw))
    with pytest.raises(BundleError, match="校验码不符") as info:
        verify_bundle(target)
    with CommitteeStore(resolve_paths(tmp_path / "committee"), actor="委员") as committee:
        [outcome] = import_bundles(committee, [target]).outcomes
        assert outcome.outcome == m.REJECTED and outcome.reason == info.value.zh


def test_the_cases_cover_every_class_of_the_issue():
    """Issue 14, classes 1-4: each has refused and (where it applies) held cases above."""
    verdicts = {v for _d, _c, v, _w in CASES.values()}
    assert verdicts == {REJECT, HELD, OK}
    assert len(CASES) >= 40


def _verdict(path: Path) -> str:
    try:
        vb = verify_bundle(path)
    except BundleError as exc:
        return exc.zh
    return f"ok verified={vb.score_verified} by={vb.scored_by} score={vb.score}"


def test_verdicts_do_not_depend_on_the_templates_seen_before(crafted):
    """A carried template seen before is recognised by the hash of its bytes (scorecheck.parse_assessment):
    every case gets the same verdict with that cache empty and warm."""
    from dzdesk.bundle import scorecheck

    warm = base_bundle().path
    for case, path in crafted.items():
        scorecheck._carried.clear()
        cold = _verdict(path)
        verify_bundle(warm)
        assert _verdict(path) == cold, case


def test_a_second_template_key_is_refused_cold_or_warm(tmp_path):
    """Hand-written, non-canonical assessment.json with two "template" members (the last one genuine)."""
    from bundle_tools import manifest_of, rebuild, set_entry, signed

    from dzdesk.bundle import scorecheck

    base = base_bundle()
    members = base.member_dict()
    data = members["assessment.json"]
    assert data.startswith(b'{"format"')
    data = b'{"template":{"evil":1},' + data[1:]
    manifest = manifest_of(members)
    set_entry(manifest, "assessment.json", data, role="assessment")
    target = tmp_path / "two-templates.dzb"
    target.write_bytes(rebuild(signed({**members, "assessment.json": data}, manifest, base.identity)))
    for warm in (False, True):
        scorecheck._carried.clear()
        if warm:
            verify_bundle(base.path)
        with pytest.raises(BundleError, match="assessment.json 格式不正确：不是有效的 JSON"):
            verify_bundle(target)
