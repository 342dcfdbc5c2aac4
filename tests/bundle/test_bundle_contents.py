"""The quick shape tests in dzdesk.bundle.contents agree with the detailed walks they stand in for.

A well-formed document passes the quick test and is never walked in detail; a
malformed one fails it and the detailed walk names the problem. So the quick
test must never accept what the detailed walk refuses (that would weaken the
check), and should refuse only what the walk refuses (or a good bundle would
pay for the walk). Each property mutates the real demo bundle's rows: a field
replaced by any JSON value (booleans, floats, nulls, wrong statuses, objects…),
dropped, or the whole row replaced. The score comparison is checked against
the original ``_numbers(score_document(...))`` form.
"""

from __future__ import annotations

import copy
import json
from functools import cache

import pytest
from bundle_tools import base_bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dzdesk.bundle import BundleError, scorecheck
from dzdesk.bundle import contents as c
from dzdesk.bundle.manifest import Manifest, parse_manifest
from dzdesk.bundle.verify import KINDS
from dzdesk.models import Answer
from dzdesk.scoring import score
from dzdesk.template import STATUSES, builtin_template

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))

_scalar = (
    st.none() | st.booleans() | st.integers(-5, 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from([*STATUSES, "DONE", "", "1", "a" * 64, "0" * 64])
)
_value = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                      max_leaves=6)


@cache
def _docs() -> tuple[dict, dict, dict]:
    """assessment.json, changes.json and the evidence entries of the signed manifest."""
    members = base_bundle().member_dict()
    return (json.loads(members["assessment.json"]), json.loads(members["changes.json"]),
            {e.sha256: e for e in _manifest().entries if e.role == "evidence"})


@cache
def _manifest() -> Manifest:
    return parse_manifest(base_bundle().member_dict()["manifest.json"], KINDS)


def _mutate(rows: list, data: st.DataObject) -> list:
    """One row changed: a field (or a rectification field) set to any JSON value or dropped, or the row replaced."""
    rows = copy.deepcopy(rows)
    i = data.draw(st.integers(0, len(rows) - 1))
    how = data.draw(st.sampled_from(["set", "drop", "row", "nested"]))
    if how == "row":
        rows[i] = data.draw(_value)
        return rows
    target = rows[i]
    if how == "nested" and isinstance(target.get("rectification"), dict):
        target = target["rectification"]
    key = data.draw(st.sampled_from(sorted(target)))
    if how == "drop":
        del target[key]
    else:
        target[key] = data.draw(_value)
    return rows


def _walk_refuses(walk, *args) -> bool:
    try:
        walk(*args)
    except BundleError:
        return True
    return False


def test_the_real_documents_pass_the_quick_tests():
    assessment, changes, entries = _docs()
    snapshot = assessment["snapshot"]
    assert c._answers_ok(snapshot["answers"])
    assert c._evidence_ok(snapshot["evidence"], entries) and entries
    assert c._changes_ok(changes["changes"])


@given(data=st.data())
@SETTINGS
def test_answers_quick_test_agrees_with_the_walk(data):
    rows = _mutate(_docs()[0]["snapshot"]["answers"], data)
    assert c._answers_ok(rows) == (not _walk_refuses(c._explain_answers, rows))


@given(data=st.data())
@SETTINGS
def test_evidence_quick_test_agrees_with_the_walk(data):
    assessment, _, entries = _docs()
    rows = _mutate(assessment["snapshot"]["evidence"], data)
    if data.draw(st.booleans()):
        rows = rows + copy.deepcopy(rows[:1])  # the same file listed twice is allowed
    if data.draw(st.booleans()):
        rows = rows[1:]  # a file in the bundle that no item refers to
    assert c._evidence_ok(rows, entries) == (not _walk_refuses(c._explain_evidence, rows, entries))


@given(data=st.data())
@SETTINGS
def test_changes_quick_test_agrees_with_the_walk(data):
    rows = _mutate(_docs()[1]["changes"], data)
    assert c._changes_ok(rows) == (not _walk_refuses(c._explain_changes, rows))


@given(statuses=st.lists(st.sampled_from([*STATUSES, None]), min_size=19, max_size=19), members=st.integers(0, 12))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_score_numbers_are_the_same_bytes_as_the_score_document(statuses, members):
    template = builtin_template()
    answers = {k: Answer(task_key=k, status=s) for k, s in zip(template.task_keys, statuses, strict=True)}
    result = score(template, answers, members)
    assert scorecheck._result_numbers(result) == scorecheck._numbers(c.score_document(result))


@pytest.mark.parametrize("member,edit,message", [
    ("answers", lambda r: r[3].update(status="完成"), "“snapshot.answers[3].status”不是有效状态"),
    ("answers", lambda r: r[0]["rectification"].pop("owner"), "缺少字段“snapshot.answers[0].rectification.owner”"),
    ("answers", lambda r: r[5].update(narrative=None), "字段“snapshot.answers[5].narrative”的类型不对"),
    ("evidence", lambda r: r[0].update(size=True), "字段“snapshot.evidence[0].size”的类型不对"),
    ("evidence", lambda r: r[0].update(size=r[0]["size"] + 1), "的大小与清单不符"),
    ("evidence", lambda r: r.pop(), "自评数据未提及的佐证文件"),
    ("changes", lambda r: r[2].update(revision=1.0), "字段“changes[2].revision”的类型不对"),
    ("changes", lambda r: r[1].pop("new"), "缺少字段“changes[1].new”"),
])
def test_refusals_name_the_first_problem(member, edit, message):
    assessment, changes = copy.deepcopy(_docs()[:2])
    rows = changes["changes"] if member == "changes" else assessment["snapshot"][member]
    edit(rows)
    with pytest.raises(BundleError) as info:
        if member == "answers":
            c._check_answers(rows)
        elif member == "evidence":
            c._check_evidence(rows, _manifest())
        else:
            c.check_changes(changes)
    assert message in info.value.zh and info.value.en
