"""Committee engine: import outcomes, supersession, key-change hold, quota, roster, overview."""

from __future__ import annotations

import sqlite3

import pytest
from committee_fixtures import *  # noqa: F403 (pytest fixtures: committee, fake_bundles, real_branches)
from committee_fixtures import CancelWhileRecording
from hypothesis import given, settings
from hypothesis import strategies as st

from dzdesk.committee import models as m
from dzdesk.committee.grading import QuotaError, quota, set_grade
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.overview import overview_rows, rectifications
from dzdesk.committee.roster import parse_roster, read_roster
from dzdesk.committee.store import CommitteeStore
from dzdesk.errors import DzdeskError, NotFoundError, ValidationError


def _import(committee, fake_bundles, *sources):
    return import_bundles(committee, sources or [fake_bundles.folder], verify=fake_bundles.verify)


def test_folder_import_reports_each_file_and_keeps_going(committee, fake_bundles):
    fake_bundles.make("甲公司党支部")
    (fake_bundles.folder / "a-broken.dzb").write_bytes(b"not a zip")
    fake_bundles.make("乙协会党支部", kind="social")
    (fake_bundles.folder / "notes.txt").write_text("ignored: not a bundle")
    report = _import(committee, fake_bundles)
    assert [o.outcome for o in report.outcomes] == [m.REJECTED, m.IMPORTED, m.IMPORTED]
    assert report.outcomes[0].file == "a-broken.dzb" and report.outcomes[0].reason.endswith("。")
    assert not report.ok
    assert {s.branch_name for s in committee.submissions("2026Q4")} == {"甲公司党支部", "乙协会党支部"}
    again = _import(committee, fake_bundles, *sorted(fake_bundles.made))
    assert [o.outcome for o in again.outcomes] == [m.ALREADY, m.ALREADY] and again.ok


def test_files_are_stored_content_addressed(committee, fake_bundles):
    path = fake_bundles.make("甲公司党支部", evidence_bytes=5000)
    [outcome] = _import(committee, fake_bundles, path).outcomes
    sub = committee.submission(outcome.submission_id)
    [ev] = committee.evidence(sub.id)
    assert committee.blobs.path(ev["sha256"]).stat().st_size == 5000
    assert committee.blobs.path(sub.report_sha256).read_bytes().startswith(b"%PDF")
    assert committee.snapshot(sub.id)["branch"]["name"] == "甲公司党支部"


def test_newer_revision_supersedes_and_older_never_replaces(committee, fake_bundles):
    r1 = fake_bundles.make("甲公司党支部", revision=1, done=15, partial=4)
    r2 = fake_bundles.make("甲公司党支部", revision=2, done=19, generated_at="2026-12-22T10:00:00.000+08:00")
    assert _import(committee, fake_bundles, r1).outcomes[0].outcome == m.IMPORTED
    assert _import(committee, fake_bundles, r2).outcomes[0].outcome == m.REPLACED
    # another file claiming revision 1 with other content: held, r2 stays current
    late = fake_bundles.make("甲公司党支部", revision=1, done=10, file="late-r1.dzb")
    [held] = _import(committee, fake_bundles, late).outcomes
    assert held.outcome == m.HELD and held.hold == m.HOLD_REVISION and "第1版此前已导入过内容不同" in held.reason
    [current] = committee.submissions("2026Q4")
    assert current.revision == 2 and current.score == 100
    branch_id = current.branch_id
    assert [(s.revision, s.state) for s in committee.history(branch_id, "2026Q4")] == [
        (1, "superseded"), (2, "current"), (1, "held")]


def test_an_older_revision_arriving_later_is_kept_as_history(committee, fake_bundles):
    r1 = fake_bundles.make("甲公司党支部", revision=1, done=15, partial=4)
    r2 = fake_bundles.make("甲公司党支部", revision=2, done=19, generated_at="2026-12-22T10:00:00.000+08:00")
    assert _import(committee, fake_bundles, r2).outcomes[0].outcome == m.IMPORTED
    assert _import(committee, fake_bundles, r1).outcomes[0].outcome == m.OLDER
    [current] = committee.submissions("2026Q4")
    assert current.revision == 2
    assert [(s.revision, s.state) for s in committee.history(current.branch_id, "2026Q4")] == [
        (2, "current"), (1, "superseded")]


def test_same_name_new_key_is_held_until_confirmed(committee, fake_bundles):
    first = fake_bundles.make("甲公司党支部", done=12, partial=7)
    _import(committee, fake_bundles, first)
    other = fake_bundles.make("中共甲公司党支部", revision=2, key=fake_bundles.new_key(), file="new-key.dzb")
    [held] = _import(committee, fake_bundles, other).outcomes
    assert held.outcome == m.HELD and "另一签名密钥" in held.reason and not held.ok
    [current] = committee.submissions("2026Q4")
    assert current.revision == 1
    assert m.FLAG_KEY_HELD in overview_rows(committee, "2026Q4")[0].flags
    # importing it again still says held, never "already had"
    assert _import(committee, fake_bundles, other).outcomes[0].outcome == m.HELD
    [change] = committee.key_changes(pending_only=True)
    committee.decide_key_change(change.id, accept=True)
    [current] = committee.submissions("2026Q4")
    assert current.revision == 2 and current.fingerprint == change.new_fingerprint
    row = overview_rows(committee, "2026Q4")[0]
    assert m.FLAG_KEY_CHANGED in row.flags and m.FLAG_KEY_HELD not in row.flags
    assert committee.key_changes(pending_only=True) == []
    with pytest.raises(NotFoundError):
        committee.decide_key_change(change.id, accept=True)


def test_declined_key_change_is_never_accepted(committee, fake_bundles):
    _import(committee, fake_bundles, fake_bundles.make("甲公司党支部"))
    other = fake_bundles.make("甲公司党支部", revision=3, key=fake_bundles.new_key(), file="x.dzb")
    _import(committee, fake_bundles, other)
    [change] = committee.key_changes(pending_only=True)
    committee.decide_key_change(change.id, accept=False)
    assert committee.submissions("2026Q4")[0].revision == 1
    assert _import(committee, fake_bundles, other).outcomes[0].outcome == m.REJECTED


def _many(committee, fake_bundles, n):
    for i in range(n):
        fake_bundles.make(f"第{i + 1:02d}党支部", done=19 - i % 8)
    return _import(committee, fake_bundles)


def test_a_quota_is_floor_of_ten_percent(committee, fake_bundles):
    _many(committee, fake_bundles, 31)
    q = quota(committee, "2026Q4")
    assert (q.base, q.allowed, q.used, q.from_roster) == (31, 3, 0, False)
    for i in range(3):
        set_grade(committee, "2026Q4", f"第{i + 1:02d}党支部", "A", score=95, comment="成绩突出")
    set_grade(committee, "2026Q4", "第01党支部", "a")  # re-grading an A as A keeps the count
    with pytest.raises(QuotaError) as err:
        set_grade(committee, "2026Q4", "第04党支部", "A")
    assert "31" in err.value.zh and "A级名额 3 个：共 31 个" in err.value.zh and "已评定 3 个" in err.value.zh
    assert 4 not in {g.branch_id for g in committee.grades("2026Q4").values() if g.grade == "A"}
    assert quota(committee, "2026Q4").used == 3
    set_grade(committee, "2026Q4", "第02党支部", "B")
    set_grade(committee, "2026Q4", "第04党支部", "A")
    assert quota(committee, "2026Q4").text == "A级 3/3（已导入党支部 31 个 × 10%）"


def test_quota_uses_the_roster_when_there_is_one(committee, fake_bundles):
    _many(committee, fake_bundles, 5)
    committee.replace_roster([m.RosterEntry(f"第{i + 1:02d}党支部", "nonpublic") for i in range(25)])
    q = quota(committee, "2026Q4")
    assert (q.base, q.allowed, q.from_roster) == (25, 2, True)
    set_grade(committee, "2026Q4", "1", "A")
    set_grade(committee, "2026Q4", "2", "A")
    with pytest.raises(QuotaError):
        set_grade(committee, "2026Q4", "3", "A")


def test_grade_input_is_checked(committee, fake_bundles):
    _many(committee, fake_bundles, 2)
    for bad, kwargs in (("E", {}), ("B", {"score": 101}), ("B", {"comment": "长" * 2001})):
        with pytest.raises(ValidationError):
            set_grade(committee, "2026Q4", "1", bad, **kwargs)
    with pytest.raises(NotFoundError):
        set_grade(committee, "2026Q4", "不存在的党支部", "B")
    with pytest.raises(ValidationError, match="没有 2026Q3"):
        set_grade(committee, "2026Q3", "1", "B")
    assert committee.grades("2026Q4") == {}


def test_overview_flags_roster_and_deadline(committee, fake_bundles):
    fake_bundles.make("甲公司党支部", members=2, generated_at="2027-01-20T09:00:00+08:00")
    fake_bundles.make("乙公司党支部", members=0)
    fake_bundles.make("丙公司党支部", members=9, done=16, partial=3)
    _import(committee, fake_bundles)
    committee.replace_roster([
        m.RosterEntry("中共甲公司党支部", "nonpublic", "张三"), m.RosterEntry("乙公司党支部", "nonpublic"),
        m.RosterEntry("丁协会党支部", "social", "李四"),
    ])
    committee.set_deadline("2026Q4", "2027-01-10")
    rows = {r.name: r for r in overview_rows(committee, "2026Q4")}
    assert set(rows) == {"甲公司党支部", "乙公司党支部", "丙公司党支部", "丁协会党支部"}
    assert m.FLAG_FOCUSED_HELP in rows["甲公司党支部"].flags and rows["甲公司党支部"].late
    assert m.FLAG_LATE in rows["甲公司党支部"].flags
    assert m.FLAG_EMPTY in rows["乙公司党支部"].flags and rows["乙公司党支部"].self_grade == "D"
    assert m.FLAG_NOT_ON_ROSTER in rows["丙公司党支部"].flags and rows["丙公司党支部"].open_rectifications == 3
    assert not rows["丁协会党支部"].submitted and rows["丁协会党支部"].flags == (m.FLAG_NOT_SUBMITTED,)
    assert rows["丁协会党支部"].kind == "社会组织"
    rects = rectifications(committee, "2026Q4")
    assert [r.deadline for r in rects] == sorted(r.deadline for r in rects)
    assert {r.task_title for r in rects} >= {"党建工作经费保障"}
    with pytest.raises(ValidationError):
        committee.set_deadline("2026Q4", "2027-02-30")


def test_roster_encodings_and_headers(tmp_path):
    text = "name,kind,secretary\n甲公司党支部,非公企业,张三\n乙协会党支部,social,李四\n"
    for i, data in enumerate([text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("gbk")]):
        path = tmp_path / f"r{i}.csv"
        path.write_bytes(data)
        entries = read_roster(path)
        assert [(e.name, e.kind, e.secretary) for e in entries] == [
            ("甲公司党支部", "nonpublic", "张三"), ("乙协会党支部", "social", "李四")]
    assert parse_roster("党支部名称,类型,书记\n丙党支部,机关事业单位,王五\n")[0].kind == "organ"


@pytest.mark.parametrize("text, words", [
    ("", "空的"),
    ("a,b,c\n甲,非公企业,张\n", "表头"),
    ("name,kind\n", "没有党支部"),
    ("name,kind\n甲党支部,工厂\n", "第2行的类型"),
    ("name,kind\n甲党支部,非公企业\n中共 甲党支部,非公企业\n", "与第2行重复"),
    ("name,kind\n,非公企业\n", "缺少党支部名称"),
])
def test_roster_rejects_bad_files_with_one_sentence(text, words):
    with pytest.raises(ValidationError) as err:
        parse_roster(text)
    assert words in err.value.zh


def test_roster_rejects_binary_and_missing(tmp_path, committee):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ValidationError, match="不是 CSV"):
        read_roster(path)
    with pytest.raises(ValidationError, match="找不到"):
        read_roster(tmp_path / "none.csv")
    assert committee.roster() == []


def test_log_is_append_only_and_newer_schema_refused(committee, fake_bundles, paths):
    _many(committee, fake_bundles, 1)
    assert [e["action"] for e in committee.log()][:2] == ["branch.registered", "submission.imported"]
    with pytest.raises(sqlite3.DatabaseError):
        committee.db.execute("DELETE FROM committee_log")
    committee.db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('dzdesk.committee', '9999_future', 'x')")
    committee.db.conn.commit()
    committee.close()
    with pytest.raises(DzdeskError, match="更新版本"):
        CommitteeStore(paths)


def test_same_snapshot_signed_with_a_new_key_is_held_not_a_crash(committee, fake_bundles):
    first = fake_bundles.make("甲公司党支部")
    resigned = fake_bundles.make("甲公司党支部", key=fake_bundles.new_key(), file="resigned.dzb")
    assert fake_bundles.made[first].snapshot_digest == fake_bundles.made[resigned].snapshot_digest
    outcomes = _import(committee, fake_bundles, first, resigned).outcomes
    assert [o.outcome for o in outcomes] == [m.IMPORTED, m.HELD]


def test_cancel_keeps_what_was_imported(committee, fake_bundles):
    from dzdesk.progress import Cancelled

    for i in range(5):
        fake_bundles.make(f"第{i}党支部")

    with pytest.raises(Cancelled):
        import_bundles(committee, [fake_bundles.folder], verify=fake_bundles.verify, progress=CancelWhileRecording(at=3))
    assert len(committee.submissions("2026Q4")) == 3
    committee.close()
    reopened = CommitteeStore(committee.paths)
    assert len(reopened.submissions("2026Q4")) == 3  # committed, not lost with the cancel
    reopened.close()


def test_empty_folder_and_missing_path_are_one_sentence(committee, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationError, match="没有 .dzb"):
        import_bundles(committee, [tmp_path / "empty"])
    with pytest.raises(ValidationError, match="找不到"):
        import_bundles(committee, [tmp_path / "nope.dzb"])


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_roster_parser_never_fails_with_anything_but_a_sentence(text):
    try:
        entries = parse_roster(text)
    except ValidationError as exc:
        assert exc.zh and "\n" not in exc.zh
    else:
        assert entries and all(e.name and e.kind in ("nonpublic", "social", "organ") for e in entries)


def test_a_bundle_whose_evidence_does_not_match_leaves_nothing(committee, fake_bundles):
    import zipfile

    path = fake_bundles.make("甲公司党支部")
    vb = fake_bundles.made[path]
    with zipfile.ZipFile(path, "w") as zf:  # swapped on the stick after the factory made it
        zf.writestr(vb.evidence[0].member, b"different bytes")
        zf.writestr("report.pdf", b"%PDF")
    [outcome] = _import(committee, fake_bundles, path).outcomes
    assert outcome.outcome == m.REJECTED and "改动" in outcome.reason
    assert committee.submissions(states=("current", "superseded", "held")) == []
    assert committee.branches() == []
    files = [p for p in committee.blobs.root.rglob("*") if p.is_file()] if committee.blobs.root.exists() else []
    assert files == []
