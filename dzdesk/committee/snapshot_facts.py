"""Counts a committee keeps per submission, read from a verified snapshot (pure functions)."""

from __future__ import annotations

from typing import Any

OPEN_STATUSES = ("partial", "undone")  # a task in either state carries an open rectification


def open_rectification_count(snapshot: dict[str, Any]) -> int:
    return sum(1 for a in snapshot.get("answers", []) if a.get("status") in OPEN_STATUSES)


def answer_counts(snapshot: dict[str, Any]) -> tuple[int, int]:
    """(tasks marked 不适用, answered tasks other than 不适用 that have no evidence at all)."""
    with_evidence = {e.get("task_key") for e in snapshot.get("evidence", [])}
    answers = snapshot.get("answers", [])
    na = sum(1 for a in answers if a.get("status") == "na")
    bare = sum(1 for a in answers if a.get("status") not in (None, "na") and a.get("task_key") not in with_evidence)
    return na, bare
