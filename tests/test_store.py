"""The branch store: answers, evidence, finalize/reopen, copy forward, change log."""

from __future__ import annotations

import sqlite3

import pytest

from dzdesk.errors import LockedError, NotFoundError, ValidationError
from dzdesk.models import BranchProfile
from dzdesk.store import Store


def fill_all(store, period, status="done"):
    for key in store.template_for(store.require(period)).task_keys:
        fields = {"status": status, "narrative": f"第{key}项完成情况"}
        if status in ("partial", "undone"):
            fields.update(problem="问题", measures="措施", owner="李四", deadline="2026-12-31")
        store.set_answer(period, key, **fields)


def table_counts(store):
    return {t: store.db[t].count for t in ("branch", "assessments", "answers", "evidence", "change_log")}


def test_profile_round_trip_and_log(store, profile):
    assert store.profile() == profile
    store.save_profile(BranchProfile(**{**profile.__dict__, "full_members": 2}))
    assert store.profile().full_members == 2
    last = store.changes()[-1]
    assert (last.field, last.old, last.new, last.actor) == ("branch.full_members", "7", "2", "tester")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"name": "  "}, "党支部名称"),
        ({"kind": "party"}, "党支部类型"),
        ({"full_members": -1}, "正式党员人数"),
        ({"full_members": "7"}, "正式党员人数"),
        ({"founded": "2018-02-30"}, "不是有效日期"),
    ],
)
def test_bad_profile_is_refused_and_nothing_changes(store, profile, change, fragment):
    before = table_counts(store)
    with pytest.raises(ValidationError) as info:
        store.save_profile(BranchProfile(**{**profile.__dict__, **change}))
    assert fragment in info.value.zh
    assert store.profile() == profile and table_counts(store) == before


def test_set_answer_saves_one_transaction_with_log(store):
    store.create_assessment("2026Q4")
    change = store.set_answer("2026Q4", "3", status="partial", narrative="已参加培训", owner="李四")
    assert change.fields == ("status", "narrative", "owner") and change.task_key == "3"
    answer = store.answer(store.require("2026Q4"), "3")
    assert (answer.status, answer.narrative, answer.rectification.owner) == ("partial", "已参加培训", "李四")
    assert answer.self_score == 3.0  # half of 6 points
    logged = [(c.field, c.new) for c in store.changes(store.require("2026Q4")) if c.task_key == "3"]
    assert logged == [("status", "partial"), ("narrative", "已参加培训"), ("owner", "李四")]
    # the same value again is no change and logs nothing
    assert store.set_answer("2026Q4", "3", narrative="已参加培训").fields == ()


@pytest.mark.parametrize(
    ("key", "fields", "fragment"),
    [
        ("20", {"status": "done"}, "没有编号"),
        ("1", {"status": "finished"}, "完成状态"),
        ("1", {"deadline": "31/12/2026"}, "不是有效日期"),
        ("1", {"narrative": 5}, "应为文字"),
        ("1", {"narrative": "字" * 20_001}, "过长"),
        ("1", {"colour": "red"}, "无法识别"),
    ],
)
def test_bad_answers_are_refused_without_writing(store, key, fields, fragment):
    store.create_assessment("2026Q4")
    before = table_counts(store)
    with pytest.raises(ValidationError) as info:
        store.set_answer("2026Q4", key, **fields)
    assert fragment in info.value.zh
    assert table_counts(store) == before


def test_unknown_period_is_a_clear_error(store):
    with pytest.raises(NotFoundError, match="2026Q1"):
        store.set_answer("2026Q1", "1", status="done")


def test_evidence_is_copied_content_addressed_and_deduplicated(store, tmp_path):
    store.create_assessment("2026Q4")
    src = tmp_path / "签到表.jpg"
    src.write_bytes(b"\xff\xd8 photo bytes")
    first = store.add_evidence("2026Q4", "9", src, caption="支部大会签到")
    again = store.add_evidence("2026Q4", "9", src)
    assert first.id == again.id and len(store.evidence(store.require("2026Q4"), "9")) == 1
    blob = store.evidence_file(first)
    assert blob.read_bytes() == src.read_bytes() and blob.name == first.sha256
    src.unlink()  # the original may go away; our copy stays
    assert blob.is_file()


def test_evidence_remove_and_restore(store, tmp_path):
    store.create_assessment("2026Q4")
    src = tmp_path / "记录.pdf"
    src.write_bytes(b"%PDF-1.4 record")
    ev = store.add_evidence("2026Q4", "9", src)
    store.remove_evidence(ev.id)
    assert store.evidence(store.require("2026Q4")) == []
    assert store.evidence_file(ev).is_file()
    store.restore_evidence(ev.id)
    assert [e.id for e in store.evidence(store.require("2026Q4"))] == [ev.id]
    store.set_evidence_caption(ev.id, "党员大会记录")
    assert store.evidence(store.require("2026Q4"))[0].caption == "党员大会记录"


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [("virus.exe", b"MZ", "不支持"), ("missing.jpg", None, "找不到")],
)
def test_bad_evidence_files_are_refused(store, tmp_path, name, content, fragment):
    store.create_assessment("2026Q4")
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    before = table_counts(store)
    with pytest.raises(ValidationError, match=fragment):
        store.add_evidence("2026Q4", "1", src)
    assert table_counts(store) == before


def test_finalize_is_blocked_until_complete_then_locks(store, tmp_path):
    store.create_assessment("2026Q4")
    check = store.finalize_check("2026Q4")
    assert len(check.blockers) == 19
    with pytest.raises(ValidationError, match="还不能定稿"):
        store.finalize("2026Q4")
    fill_all(store, "2026Q4")
    store.set_answer("2026Q4", "5", status="undone")
    with pytest.raises(ValidationError, match="整改措施、责任人、完成时限"):
        store.finalize("2026Q4")
    store.set_answer("2026Q4", "5", measures="发展2名积极分子", owner="王五", deadline="2027-03-31")
    check = store.finalize_check("2026Q4")
    assert check.ok and len(check.warnings) == 18  # done without evidence is a warning only
    final = store.finalize("2026Q4")
    assert final.is_finalized and len(final.snapshot_digest) == 64
    with pytest.raises(LockedError, match="已定稿"):
        store.set_answer("2026Q4", "1", narrative="改一下")
    src = tmp_path / "a.png"
    src.write_bytes(b"png")
    with pytest.raises(LockedError):
        store.add_evidence("2026Q4", "1", src)


def test_reopen_creates_a_new_revision_and_keeps_the_old(store):
    store.create_assessment("2026Q4")
    fill_all(store, "2026Q4")
    first = store.finalize("2026Q4")
    second = store.reopen("2026Q4")
    assert second.revision == 2 and not second.is_finalized
    store.set_answer("2026Q4", "1", narrative="补充说明")
    old = store.revision("2026Q4", 1)
    assert old.snapshot_digest == first.snapshot_digest
    assert store.answers(old)["1"].narrative == "第1项完成情况"
    assert store.answers(second)["1"].narrative == "补充说明"
    assert store.answers(second)["2"].status == "done"
    final2 = store.finalize("2026Q4")
    assert final2.snapshot_digest != first.snapshot_digest


def test_copy_forward_copies_text_and_evidence_but_not_status(store, tmp_path):
    store.create_assessment("2026Q3")
    fill_all(store, "2026Q3")
    src = tmp_path / "照片.png"
    src.write_bytes(b"png bytes")
    store.add_evidence("2026Q3", "18", src, "活动室")
    store.create_assessment("2026Q4", copy_from="2026Q3")
    q4 = store.require("2026Q4")
    assert store.answers(q4)["1"].narrative == "第1项完成情况"
    assert store.answers(q4)["1"].status is None
    assert [e.caption for e in store.evidence(q4)] == ["活动室"]
    with pytest.raises(ValidationError, match="已经存在"):
        store.create_assessment("2026Q4")


def test_change_log_is_append_only(store):
    store.create_assessment("2026Q4")
    store.set_answer("2026Q4", "1", status="done")
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("DELETE FROM change_log")
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE change_log SET new = 'x'")


def test_batch_is_all_or_nothing(store):
    store.create_assessment("2026Q4")
    with pytest.raises(ValidationError):
        with store.batch():
            store.set_answer("2026Q4", "1", status="done")
            store.set_answer("2026Q4", "2", status="bogus")
    assert store.answers(store.require("2026Q4")) == {}


def test_wal_mode_and_snapshot_is_deterministic(demo_store):
    assert demo_store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    q4 = demo_store.require("2026Q4")
    from dzdesk.snapshot import snapshot_digest

    assert snapshot_digest(demo_store.snapshot(q4)) == q4.snapshot_digest
    reopened = Store(demo_store.paths)
    assert snapshot_digest(reopened.snapshot(reopened.require("2026Q4"))) == q4.snapshot_digest
    reopened.close()


@pytest.mark.parametrize("name, message", [
    ("某\x1b[31m党支部", "U+001B"), ("某公司\u202e党支部", "U+202E"), ("某\u200b党支部", "U+200B"),
    ("党" * 101, "过长"), ("  ", "请填写"),
])
def test_profile_names_follow_the_rules_the_committee_checks(store, profile, name, message):
    """The branch side refuses what a committee would refuse in a bundle (dzdesk/textrules.py)."""
    import re
    from dataclasses import replace

    with pytest.raises(ValidationError, match=re.escape(message)):
        store.save_profile(replace(profile, name=name))
    assert store.profile() == profile
