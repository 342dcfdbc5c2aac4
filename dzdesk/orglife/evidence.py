"""A meeting record as evidence for a task, in one step: its 会议记录 PDF and its attachments.

The minutes PDF of an unchanged record is byte-identical, and the store keeps one
evidence item per file content and task, so attaching the same record twice adds nothing.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Evidence
from .models import minutes_title
from .printing import minutes_bytes

if TYPE_CHECKING:
    from ..store import Store

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip() or "附件"


def attach_meeting_as_evidence(
    store: Store, period: str, task_key: str, meeting_id: int
) -> list[Evidence]:
    """Add meeting ``meeting_id`` (minutes PDF + attachments) to task ``task_key``'s evidence; all or nothing."""
    meeting = store.meetings.get(meeting_id)
    store.editable(period)
    caption = f"{meeting.type}（{meeting.date}）{meeting.topic}"[:500]
    added: list[Evidence] = []
    with tempfile.TemporaryDirectory(prefix="dzdesk-meeting-") as tmp:
        folder = Path(tmp)
        minutes = folder / _safe(f"{meeting.date} {minutes_title(meeting.type)}.pdf")
        minutes.write_bytes(minutes_bytes(store, meeting))
        files = [(minutes, caption)]
        for i, attachment in enumerate(meeting.attachments):
            copy = folder / str(i) / _safe(attachment.original_name)
            copy.parent.mkdir()
            shutil.copyfile(store.meetings.attachment_file(attachment), copy)
            files.append((copy, attachment.caption or caption))
        with store.batch():
            for path, text in files:
                added.append(store.add_evidence(period, task_key, path, caption=text))
    return added
