"""Timestamps and dates as the store keeps them and documents print them."""

from __future__ import annotations

from datetime import date, datetime

from .errors import ValidationError


def now_iso() -> str:
    """Local time with its UTC offset, to the millisecond: sortable and unambiguous."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def parse_date(text: str, field: str = "日期") -> str:
    """Validate ``YYYY-MM-DD`` (or empty) and return it normalised."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationError(
            f"{field}“{text}”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-12-31。",
            f"'{text}' is not a valid date; use YYYY-MM-DD.",
        ) from None


def chinese_date(value: date | str) -> str:
    """2026年11月28日 — Arabic numerals, no zero padding (GB/T 9704)."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"
