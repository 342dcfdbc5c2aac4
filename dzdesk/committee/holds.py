"""Held submissions: files the committee keeps aside, never current or gradable, until the clerk decides.

A verified bundle is authentic for the key that signed it; what it *means* for
the committee can still be in doubt. It is held, with one sentence saying why
and what to do, when

- its key is new but its name is a registered branch's (a key change, or an
  impostor: names are compared after NFKC, invisible characters removed and
  traditional characters folded, see dzdesk/textrules.py);
- its key is known but it now uses a name equal to another branch's;
- its template cannot be had, so its score cannot be recomputed ("模板未知，无法核分");
- the branch already has another file with the same period and revision but
  different content (two files cannot both be that revision).

``committee holds`` lists them; ``accept-hold`` / ``decline-hold`` decide.
This module is part of the committee store (its SQL stays in the store's modules).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, ValidationError
from ..models import Answer
from ..periods import parse_period
from ..scoring import score
from ..template import Template, parse_template
from ..timeutil import now_iso
from . import models as m

if TYPE_CHECKING:
    from ..bundle.types import VerifiedBundle
    from .store import CommitteeStore

_HOLD_COLUMNS = """s.id, s.branch_id, b.name AS registered_name, s.branch_name, s.period, s.revision, s.hold_kind,
    s.hold_reason, s.fingerprint, s.snapshot_digest, s.imported_at, s.bundle_name"""


class Holds:
    """The committee store's held submissions (``store.holds``)."""

    def __init__(self, store: CommitteeStore) -> None:
        self._store = store

    # -- holding (called inside the store's import transaction) -----------------------------------
    def hold(self, sub_id: int, kind: str, reason: str, period: str, branch_id: int) -> str:
        self._store.db.execute(
            "UPDATE submissions SET state = 'held', hold_kind = ?, hold_reason = ? WHERE id = ?", [kind, reason, sub_id]
        )
        self._store._log(f"hold.{kind}", f"#{sub_id}", period, branch_id)
        return reason

    def key_change(self, registered: dict[str, Any], vb: VerifiedBundle, sub_id: int, period: str) -> str:
        """A new key under a registered branch's name: held until the fingerprints are compared."""
        store = self._store
        store._insert("key_changes", {
            "branch_id": registered["id"], "submission_id": sub_id, "old_fingerprint": registered["fingerprint"],
            "new_fingerprint": vb.signer_fingerprint, "held_at": now_iso(),
        })
        store._log("key.held", f"{registered['fingerprint']} -> {vb.signer_fingerprint}", period, registered["id"])
        old, new = registered["fingerprint"][:19], vb.signer_fingerprint[:19]
        if registered["name"].removeprefix("中共") == vb.branch.name.removeprefix("中共"):
            reason = (f"党支部“{vb.branch.name}”此前以另一签名密钥登记（指纹 {old}…），"
                      f"本文件的密钥指纹为 {new}…，需经确认后才能接收。")
        else:
            reason = (f"本文件自称“{vb.branch.name}”，与已登记的党支部“{registered['name']}”名称相同或相似，"
                      f"但签名密钥不同（原指纹 {old}…，本文件 {new}…），可能是更换了电脑，也可能是冒名，需核实指纹后才能接收。")
        return self.hold(sub_id, m.HOLD_KEY, reason, period, registered["id"])

    @staticmethod
    def name_reason(claimed: str, other: str) -> str:
        return (f"该文件的签名密钥属于已登记的党支部，但它现在自称“{claimed}”，与另一已登记党支部“{other}”的名称"
                f"相同或相似（可能冒名），已暂存；请核实后处理（committee holds）。")

    def place(
        self, sub_id: int, branch_id: int, period: str, *, replaces: bool = False, standard_ok: bool = False
    ) -> tuple[str, str, str]:
        """Where a new (or newly accepted) submission goes: held for its template or its revision, or into
        the period's revisions (current when newest). Returns (outcome, hold kind, reason).

        ``replaces``: the clerk has just accepted this very file (a key change, a revision conflict), so a
        different file with the same revision gives way to it instead of holding it again. ``standard_ok``:
        the clerk accepted it although it was not answered against the committee's checklist."""
        store = self._store
        row = store._rows(
            """SELECT revision, snapshot_digest, score_verified, template_id, template_version, template_hash, kind
               FROM submissions WHERE id = ?""",
            [sub_id],
        )[0]
        if not row["score_verified"]:
            reason = (f"模板未知，无法核分：该文件按检查模板“{row['template_id']}”（{row['template_version']}）填报，"
                      f"本机没有这一模板，得分无法核实，已暂存；请让党支部用新版 dzdesk 重新导出，"
                      f"或取得该模板后运行 committee accept-hold {sub_id}。")
            return m.HELD, m.HOLD_TEMPLATE, self.hold(sub_id, m.HOLD_TEMPLATE, reason, period, branch_id)
        if not standard_ok and not store.profile.policy().accepts(row["kind"], row["template_hash"]):
            reason = self.standard_reason(row, sub_id)
            return m.HELD, m.HOLD_STANDARD, self.hold(sub_id, m.HOLD_STANDARD, reason, period, branch_id)
        other = store._rows(
            """SELECT id, snapshot_digest FROM submissions WHERE branch_id = ? AND period = ? AND revision = ?
               AND state IN ('current', 'superseded') AND id != ? AND snapshot_digest != ?""",
            [branch_id, period, row["revision"], sub_id, row["snapshot_digest"]],
        )
        if other and replaces:
            for row_other in other:
                store.db.execute("UPDATE submissions SET state = 'declined' WHERE id = ?", [row_other["id"]])
                store._log("submission.replaced_by_decision", f"#{row_other['id']} -> #{sub_id}", period, branch_id)
        elif other:
            reason = (f"{period} 第{row['revision']}版此前已导入过内容不同的另一份文件（快照摘要 "
                      f"{other[0]['snapshot_digest'][:16]}…），同一版本不能有两份不同的内容，已暂存；"
                      f"请与党支部核实后运行 committee accept-hold {sub_id} 或 decline-hold {sub_id}。")
            return m.HELD, m.HOLD_REVISION, self.hold(sub_id, m.HOLD_REVISION, reason, period, branch_id)
        return store._settle_current(branch_id, period, sub_id), "", ""

    def standard_reason(self, row: dict[str, Any], sub_id: int) -> str:
        from ..models import KIND_LABELS

        choice = self._store.profile.policy().choice(row["kind"])
        label = KIND_LABELS.get(row["kind"], row["kind"])
        expected = (f"“{choice.template.title}”（{choice.template.version}）" if choice.template is not None
                    else "（尚未规定检查清单）")
        return (f"未按本党委标准填报：该文件按检查模板“{row['template_id']}”（{row['template_version']}）填报，"
                f"本党委为{label}党支部规定的清单是{expected}；已暂存，请核实后运行 committee accept-hold {sub_id} "
                f"（按其所用清单接收）或 decline-hold {sub_id}。")

    # -- the clerk's view and decisions -------------------------------------------------------
    def list(self, period: str | None = None) -> list[m.Hold]:
        sql = f"SELECT {_HOLD_COLUMNS} FROM submissions s JOIN branches b ON b.id = s.branch_id WHERE s.state = 'held'"
        args: list[Any] = []
        if period:
            sql += " AND s.period = ?"
            args.append(parse_period(period).code)
        return [
            m.Hold(r["id"], r["branch_id"], r["branch_name"], r["period"], r["revision"], r["hold_kind"] or m.HOLD_KEY,
                   r["hold_reason"], r["fingerprint"], r["snapshot_digest"], r["imported_at"], r["bundle_name"])
            for r in self._store._rows(sql + " ORDER BY s.id", args)
        ]

    def _held(self, sub_id: int) -> m.Hold:
        found = next((h for h in self.list() if h.submission_id == sub_id), None)
        if found is None:
            raise NotFoundError(f"没有编号为 {sub_id} 的暂存文件（committee holds 列出暂存的文件）。", f"No held submission {sub_id}.")
        return found

    def _pending_key_change(self, sub_id: int) -> int:
        rows = self._store._rows("SELECT id FROM key_changes WHERE submission_id = ? AND decision = ''", [sub_id])
        if not rows:
            raise NotFoundError(f"暂存文件 {sub_id} 没有待确认的密钥变更。", f"Held submission {sub_id} has no pending key change.")
        return rows[0]["id"]

    def accept(self, sub_id: int, templates: dict[str, Template] | None = None) -> tuple[m.Hold, str]:
        """Accept a held file: it joins the period's revisions (and may be held again for another reason).
        A file held for its template is first re-scored with that template, which must now be known."""
        store = self._store
        with store._write():
            held = self._held(sub_id)
            if held.kind == m.HOLD_KEY:
                store.decide_key_change(self._pending_key_change(sub_id), True)
                return held, self._outcome_after(sub_id)
            if held.kind == m.HOLD_TEMPLATE:
                self._rescore(sub_id, templates or {})
            if held.kind == m.HOLD_NAME:
                from .names import name_key

                store.db.execute(
                    "UPDATE branches SET name = ?, name_key = ? WHERE id = ?",
                    [held.branch_name, name_key(held.branch_name), held.branch_id],
                )
            store.db.execute(
                "UPDATE submissions SET state = 'superseded', hold_kind = '', hold_reason = '' WHERE id = ?", [sub_id]
            )
            store._log("hold.accepted", f"#{sub_id} {held.kind}", held.period, held.branch_id)
            self.place(sub_id, held.branch_id, held.period, replaces=held.kind == m.HOLD_REVISION,
                       standard_ok=held.kind in (m.HOLD_REVISION, m.HOLD_STANDARD))
            return held, self._outcome_after(sub_id)

    def decline(self, sub_id: int) -> m.Hold:
        store = self._store
        with store._write():
            held = self._held(sub_id)
            if held.kind == m.HOLD_KEY:
                store.decide_key_change(self._pending_key_change(sub_id), False)
                return held
            store.db.execute("UPDATE submissions SET state = 'declined' WHERE id = ?", [sub_id])
            store._log("hold.declined", f"#{sub_id} {held.kind}", held.period, held.branch_id)
            return held

    def _outcome_after(self, sub_id: int) -> str:
        """The state the accepted file ended in: current, history, or held again (with its reason)."""
        row = self._store._rows("SELECT state, hold_reason FROM submissions WHERE id = ?", [sub_id])[0]
        return row["hold_reason"] if row["state"] == "held" else row["state"]

    def _rescore(self, sub_id: int, templates: dict[str, Template]) -> None:
        from ..bundle.scorecheck import builtin_by_hash

        store = self._store
        row = store._rows(
            "SELECT template_hash, template_id, snapshot_json, full_members FROM submissions WHERE id = ?", [sub_id]
        )[0]
        template = builtin_by_hash().get(row["template_hash"]) or templates.get(row["template_hash"]) or self.template(row["template_hash"])
        if template is None:
            raise ValidationError(
                f"仍然没有检查模板“{row['template_id']}”，无法核分，该文件继续暂存。",
                f"Template '{row['template_id']}' is still unknown; the file stays held.",
            )
        snapshot = json.loads(row["snapshot_json"])
        answers = {a["task_key"]: Answer(task_key=a["task_key"], status=a["status"]) for a in snapshot["answers"]}
        if set(answers) != set(template.task_keys) or len(answers) != len(snapshot["answers"]):
            raise ValidationError("该文件的答案与模板的任务不一致，不能接收。", "The answers do not match the template's tasks.")
        result = score(template, answers, row["full_members"])
        store.db.execute(
            "UPDATE submissions SET score = ?, grade = ?, flags = ?, score_verified = 1 WHERE id = ?",
            [result.total, result.grade, json.dumps(list(result.flags), ensure_ascii=False), sub_id],
        )

    def template(self, template_hash: str) -> Template | None:
        """A template the committee has received or issued, by hash."""
        rows = self._store._rows("SELECT json FROM templates WHERE hash = ?", [template_hash])
        return parse_template(json.loads(rows[0]["json"])) if rows else None
