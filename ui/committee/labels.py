"""The engine's Chinese vocabulary (kinds, flags, outcomes, grades, states) as the GUI shows it.

The engine keeps domain words in Chinese; each has an entry in en.json, so ``tr()`` turns
it into English in English mode. Lists are joined the way the language joins them.
"""

from __future__ import annotations

from collections.abc import Iterable

from dzdesk.committee import models as m
from dzdesk.quota import ROUNDING
from dzdesk.template import STATUS_LABELS

from ..i18n import language, tr

KEY_DECISIONS = {"": "待确认", "accepted": "已确认", "declined": "已拒绝"}
SUBMISSION_STATES = {
    "current": "当前有效",
    "superseded": "已被替换（存档）",
    "held": "待确认（密钥变更）",
    "declined": "已拒收",
}


def joined(items: Iterable[str]) -> str:
    """'甲、乙、丙' in Chinese, 'A, B, C' in English."""
    return (", " if language() == "en" else "、").join(items)


def flags(values: Iterable[str]) -> str:
    return joined(tr(v) for v in values)


def grade(value: str) -> str:
    """'A级（先进）'; '' for no grade."""
    if value not in m.GRADE_LABELS:
        return value
    return tr("{0}级（{1}）").format(value, tr(m.GRADE_LABELS[value]))


def status(code: str) -> str:
    return tr(STATUS_LABELS[code]) if code in STATUS_LABELS else tr("未填")


def decision(code: str) -> str:
    return tr(KEY_DECISIONS.get(code, code))


def state(code: str) -> str:
    return tr(SUBMISSION_STATES.get(code, code))


def outcome(code: str) -> str:
    return tr(m.OUTCOME_LABELS.get(code, code))


def when(iso: str) -> str:
    """'2026-12-20T10:00:00.000+08:00' -> '2026-12-20 10:00'."""
    return iso[:16].replace("T", " ")


def quota_explanation(q: m.Quota) -> str:
    """The quota in one line, as the engine says it (``Quota.explanation``), in the GUI's language:
    'A级名额 0 个：共 8 个名册上的党支部 × 10% = 0.8，向下取整'."""
    rule = q.rule
    if not q.binds:
        first = rule.first_period or tr("首次评定等次的期间")
        return tr("本期不限A级名额：名额规则（不超过 {0}%）仅适用于首次定级（{1}）").format(
            rule.percent, first
        )
    product = rule.percent * q.base / 100
    shown = f"{product:g}" if product != int(product) else str(int(product))
    text = tr("A级名额 {0} 个：共 {1} 个{2}党支部 × {3}% = {4}").format(
        q.allowed, q.base, tr(q.source), rule.percent, shown
    )
    if product != int(product):
        text += tr("，") + tr(ROUNDING[rule.rounding][0])
    return text


def quota_summary(q: m.Quota) -> str:
    """The overview's short form: 'A级名额：1 / 2（名册党支部 24 个 × 10%）'."""
    if not q.binds:
        return tr("A级：{0} 个（本期不限名额）").format(q.used)
    text = (
        "A级名额：{0} / {1}（名册党支部 {2} 个 × {3}%）"
        if q.from_roster
        else "A级名额：{0} / {1}（已导入党支部 {2} 个 × {3}%）"
    )
    return tr(text).format(q.used, q.allowed, q.base, q.rule.percent)
