"""Scoring: status points, 不适用 rescaling, grade bands and vetoes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dzdesk.models import Answer
from dzdesk.scoring import score
from dzdesk.template import builtin_template

TEMPLATE = builtin_template()
KEYS = TEMPLATE.task_keys


def answers(status_by_key):
    return {k: Answer(task_key=k, status=s) for k, s in status_by_key.items()}


def all_(status):
    return answers({k: status for k in KEYS})


def test_all_done_scores_100_and_grade_a():
    result = score(TEMPLATE, all_("done"), full_members=7)
    assert result.total == 100 and result.grade == "A" and result.grade_label == "先进"
    assert result.answered == 19 and result.counts["done"] == 19 and not result.flags


def test_all_undone_scores_0_and_grade_d():
    result = score(TEMPLATE, all_("undone"), full_members=7)
    assert result.total == 0 and result.grade == "D" and result.grade_label == "后进"


def test_partial_earns_half_points():
    result = score(TEMPLATE, all_("partial"), full_members=7)
    assert result.total == 50


def test_unanswered_tasks_count_as_zero_not_excluded():
    result = score(TEMPLATE, answers({"1": "done"}), full_members=7)
    assert result.total == TEMPLATE.task("1").points
    assert result.answered == 1 and result.counts["unanswered"] == 18


def test_not_applicable_is_excluded_and_rest_rescaled():
    status = {k: "done" for k in KEYS}
    status["12"] = "na"
    status["1"] = "undone"  # 6 points lost out of 95 possible
    result = score(TEMPLATE, answers(status), full_members=7)
    assert result.possible == 95
    assert result.total == round(100 * 89 / 95, 2)
    assert any("不适用" in r for r in result.reasons)


def test_all_not_applicable_cannot_be_scored():
    result = score(TEMPLATE, all_("na"), full_members=7)
    assert result.total == 0 and result.grade == "D"
    assert "无法计分" in result.reasons[0]


def test_band_edges():
    # tasks 1,3,5,9,13 are worth 6; the others 5.
    status = {k: "done" for k in KEYS}
    status["2"] = "undone"
    status["4"] = "undone"  # 90 exactly -> A
    assert score(TEMPLATE, answers(status), 7).grade == "A"
    status["6"] = "partial"  # 87.5 -> B
    assert score(TEMPLATE, answers(status), 7).grade == "B"


def test_empty_branch_is_capped_at_d_and_flagged():
    result = score(TEMPLATE, all_("done"), full_members=0)
    assert result.band_grade == "A" and result.grade == "D"
    assert result.flags == ("空壳党支部", "重点帮扶")
    assert any("空壳党支部" in r and "D级" in r for r in result.reasons)


def test_fewer_than_three_members_flags_focused_help_without_capping():
    result = score(TEMPLATE, all_("done"), full_members=2)
    assert result.grade == "A" and result.flags == ("重点帮扶",)
    assert score(TEMPLATE, all_("done"), full_members=3).flags == ()


def test_area_scores_add_up():
    result = score(TEMPLATE, all_("partial"), full_members=5)
    assert [a.name for a in result.areas][0] == "建强基本队伍"
    assert sum(a.earned for a in result.areas) == result.earned == 50
    assert all(a.percent == 50 for a in result.areas)


statuses = st.sampled_from(["done", "partial", "undone", "na", None])


@settings(max_examples=300, deadline=None)
@given(st.lists(statuses, min_size=19, max_size=19), st.integers(min_value=0, max_value=50))
def test_properties(status_list, members):
    ans = answers({k: s for k, s in zip(KEYS, status_list, strict=True) if s is not None})
    result = score(TEMPLATE, ans, members)
    assert 0 <= result.total <= 100
    assert sum(result.counts.values()) == 19
    assert result.answered == sum(s is not None for s in status_list)
    # the grade never beats the band the score earns, and vetoes only lower it
    assert result.grade >= result.band_grade
    if members == 0:
        assert result.grade == "D"
    else:
        assert result.grade == result.band_grade
    band_min = {b.grade: b.min for b in TEMPLATE.rubric.bands}
    assert result.total >= band_min[result.band_grade]
    # upgrading any one answer to 已完成 never lowers the score
    for key in KEYS:
        if ans.get(key) and ans[key].status in ("partial", "undone"):
            better = dict(ans)
            better[key] = Answer(task_key=key, status="done")
            assert score(TEMPLATE, better, members).total >= result.total
