"""What blocks finalizing an assessment, and what only deserves a warning."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .models import Answer, Evidence
from .template import Template


@dataclass(frozen=True)
class Finding:
    task_key: str
    message: str  # Chinese, shown to the secretary
    message_en: str


@dataclass(frozen=True)
class FinalizeCheck:
    blockers: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.blockers


def check_finalize(
    template: Template, answers: Mapping[str, Answer], evidence: Sequence[Evidence]
) -> FinalizeCheck:
    with_evidence = {e.task_key for e in evidence}
    blockers: list[Finding] = []
    warnings: list[Finding] = []
    for task in template.tasks:
        answer = answers.get(task.key)
        label = f"第{task.key}项（{task.title}）"
        if answer is None or answer.status is None:
            blockers.append(Finding(task.key, f"{label}尚未填写完成状态。", f"task {task.key} has no status"))
            continue
        if answer.status in ("partial", "undone"):
            rect = answer.rectification
            missing = [name for name, value in (("整改措施", rect.measures), ("责任人", rect.owner), ("完成时限", rect.deadline)) if not value.strip()]
            if missing:
                blockers.append(
                    Finding(
                        task.key,
                        f"{label}未全部完成，须填写{'、'.join(missing)}。",
                        f"task {task.key} is not done and needs a rectification ({', '.join(missing)})",
                    )
                )
        if answer.status == "done" and task.key not in with_evidence:
            warnings.append(
                Finding(task.key, f"{label}标为已完成，但没有佐证材料。", f"task {task.key} is done but has no evidence")
            )
    return FinalizeCheck(tuple(blockers), tuple(warnings))
