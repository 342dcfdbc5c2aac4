"""Assessment periods."""

from __future__ import annotations

from datetime import date

import pytest

from dzdesk.errors import ValidationError
from dzdesk.periods import Period, current_quarter, parse_period


@pytest.mark.parametrize(
    ("text", "code", "label", "end"),
    [
        ("2026Q4", "2026Q4", "2026年第四季度", date(2026, 12, 31)),
        (" 2026q1 ", "2026Q1", "2026年第一季度", date(2026, 3, 31)),
        ("2026H1", "2026H1", "2026年上半年", date(2026, 6, 30)),
        ("2026H2", "2026H2", "2026年下半年", date(2026, 12, 31)),
        ("2026", "2026", "2026年度", date(2026, 12, 31)),
    ],
)
def test_parse(text, code, label, end):
    period = parse_period(text)
    assert (period.code, period.label, period.end_date) == (code, label, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q4", "2026H3", "Q4", "", "1999", "2026-Q4"])
def test_invalid(text):
    with pytest.raises(ValidationError, match="格式不正确|超出范围"):
        parse_period(text)


def test_previous_and_current():
    assert parse_period("2026Q1").previous() == Period(2025, "Q", 4)
    assert parse_period("2026H1").previous().code == "2025H2"
    assert parse_period("2026").previous().code == "2025"
    assert current_quarter(date(2026, 11, 28)).code == "2026Q4"
    assert current_quarter(date(2026, 1, 1)).code == "2026Q1"
    assert sorted([parse_period("2026Q2"), parse_period("2025Q4")])[0].code == "2025Q4"
