"""Row ↔ dataclass conversions for the branch store."""

from __future__ import annotations

from typing import Any

from ..models import Answer, Assessment, BranchProfile, ChangeEntry, Evidence, Rectification


def profile_from_row(row: dict[str, Any]) -> BranchProfile:
    return BranchProfile(
        name=row["name"],
        kind=row["kind"],
        committee=row["committee"],
        secretary=row["secretary"],
        full_members=row["full_members"],
        probationary_members=row["probationary_members"],
        founded=row["founded"],
    )


def assessment_from_row(row: dict[str, Any]) -> Assessment:
    return Assessment(
        id=row["id"],
        period=row["period"],
        revision=row["revision"],
        status=row["status"],
        template_id=row["template_id"],
        template_version=row["template_version"],
        template_hash=row["template_hash"],
        created_at=row["created_at"],
        finalized_at=row["finalized_at"],
        snapshot_digest=row["snapshot_digest"],
    )


def answer_from_row(row: dict[str, Any]) -> Answer:
    return Answer(
        task_key=row["task_key"],
        status=row["status"],
        narrative=row["narrative"],
        rectification=Rectification(row["problem"], row["measures"], row["owner"], row["deadline"]),
        self_score=row["self_score"],
        updated_at=row["updated_at"],
    )


def evidence_from_row(row: dict[str, Any]) -> Evidence:
    return Evidence(
        id=row["id"],
        task_key=row["task_key"],
        sha256=row["sha256"],
        original_name=row["original_name"],
        size=row["size"],
        caption=row["caption"],
        added_at=row["added_at"],
        position=row["position"],
    )


def change_from_row(row: dict[str, Any]) -> ChangeEntry:
    return ChangeEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        assessment_id=row["assessment_id"],
        task_key=row["task_key"],
        field=row["field"],
        old=row["old"],
        new=row["new"],
    )
