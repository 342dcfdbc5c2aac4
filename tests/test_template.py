"""The built-in checklist template and validation of committee-supplied templates."""

from __future__ import annotations

import copy
import json
import re

import pytest
from seed_source import seed_text

from dzdesk.errors import ValidationError
from dzdesk.template import builtin_template, load_template, parse_template


def seed_tasks() -> dict[str, str]:
    text = seed_text()
    attachment = text[text.index("提升行动重点任务\n"):]
    return {m.group(1): m.group(2) for m in re.finditer(r"^(\d+)．(.*)$", attachment, re.M)}


def test_builtin_has_five_areas_and_nineteen_tasks_in_seed_order():
    template = builtin_template()
    assert [a.name for a in template.areas] == ["建强基本队伍", "拓展基本阵地", "落实基本制度", "丰富基本活动", "强化基本保障"]
    assert template.task_keys == tuple(str(n) for n in range(1, 20))


def test_task_texts_match_the_seed_character_for_character():
    expected = seed_tasks()
    assert len(expected) == 19
    for task in builtin_template().tasks:
        assert task.text == expected[task.key], f"task {task.key} differs from the seed"


def test_every_task_has_title_guidance_evidence_examples_and_points_summing_to_100():
    template = builtin_template()
    for task in template.tasks:
        assert task.title and task.guidance and task.evidence_examples
        assert task.points > 0
    assert sum(t.points for t in template.tasks) == 100


def test_rubric_defaults():
    rubric = builtin_template().rubric
    assert [(b.grade, b.min, b.label) for b in rubric.bands] == [("A", 90, "先进"), ("B", 75, "较好"), ("C", 60, "一般"), ("D", 0, "后进")]
    assert rubric.status_points == {"done": 1.0, "partial": 0.5, "undone": 0.0}
    assert {v.flag for v in rubric.vetoes} == {"空壳党支部", "重点帮扶"}


def test_hash_is_stable_and_changes_with_content():
    template = builtin_template()
    again = parse_template(copy.deepcopy(template.raw))
    assert again.hash == template.hash and len(template.hash) == 64
    changed = copy.deepcopy(template.raw)
    changed["areas"][0]["tasks"][0]["title"] += "！"
    assert parse_template(changed).hash != template.hash


def _raw():
    return copy.deepcopy(builtin_template().raw)


def _broken(mutate):
    data = _raw()
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.pop("id"), "缺少字段“id”"),
        (lambda d: d.update(format_version=99), "不支持的版本"),
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d["areas"][0]["tasks"][1].update(key="1"), "重复"),
        (lambda d: d["areas"][0]["tasks"][0].update(points=50), "应为100"),
        (lambda d: d["areas"][0]["tasks"][0].update(points="5"), "类型不正确"),
        (lambda d: d["areas"][0]["tasks"][0].update(points=True), "类型不正确"),
        (lambda d: d["areas"][0]["tasks"][0].update(text=""), "不能为空"),
        (lambda d: d["areas"][1].update(tasks=[]), "至少需要一项任务"),
        (lambda d: d["rubric"]["bands"].pop(), "A、B、C、D"),
        (lambda d: d["rubric"]["bands"][0].update(min=50), "依次降低"),
        (lambda d: d["rubric"]["status_points"].update(partial=2), "0到1"),
        (lambda d: d["rubric"]["vetoes"][0].update(when="moon_phase"), "不支持的条件"),
    ],
)
def test_invalid_templates_are_rejected_with_a_located_message(mutate, fragment):
    with pytest.raises(ValidationError) as info:
        parse_template(_broken(mutate))
    assert fragment in info.value.zh
    assert info.value.zh.startswith("模板文件有误")


def test_load_template_file_errors(tmp_path):
    missing = tmp_path / "none.json"
    with pytest.raises(ValidationError, match="找不到模板文件"):
        load_template(missing)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{not json")
    with pytest.raises(ValidationError, match="UTF-8 JSON"):
        load_template(bad)
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (3 * 1024 * 1024))
    with pytest.raises(ValidationError, match="过大"):
        load_template(huge)


def test_a_committee_template_for_organs_loads(tmp_path):
    data = _raw()
    data.update(id="committee-organ-2026", title="机关（事业）单位党支部重点任务（委员会自定）", applies_to=["organ"])
    path = tmp_path / "organ.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    template = load_template(path)
    assert template.id == "committee-organ-2026" and template.applies_to == ("organ",)
