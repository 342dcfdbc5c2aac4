"""The committee's profile in its store (``store.profile``): quota rule and the checklist per branch kind.

Part of the committee store: the SQL of the profile lives here. Every change is one
transaction with its row in the committee log. A template once issued for a kind
stays in the history of that kind: bundles answered against an earlier version
still follow the committee's standard (assessments keep the exact template they
were answered against).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..models import KIND_LABELS
from ..quota import ROUNDING, SCOPE_FIRST, SCOPES, QuotaRule
from ..template import Template, check_limits, parse_template
from ..timeutil import now_iso
from .policy import BUILTIN_KINDS, CommitteePolicy, KindChoice

if TYPE_CHECKING:
    from .store import CommitteeStore

def _kind(kind: str) -> str:
    if kind not in KIND_LABELS:
        raise ValidationError(
            f"党支部类型“{kind}”无效，应为 nonpublic（非公企业）、social（社会组织）或 organ（机关事业单位）。",
            f"Kind '{kind}' is invalid; use nonpublic, social or organ.",
        )
    return kind


class ProfileStore:
    def __init__(self, store: CommitteeStore) -> None:
        self._store = store
        self._writes = 0  # this connection's profile changes (data_version counts only other connections')
        self._cached: tuple[tuple[int, int], CommitteePolicy] | None = None

    # -- reading ---------------------------------------------------------------------------------
    def _settings(self) -> dict[str, Any]:
        return {r["key"]: json.loads(r["value"]) for r in self._store._rows("SELECT key, value FROM profile_settings")}

    def quota_rule(self) -> QuotaRule:
        values = self._settings().get("quota", {})
        return QuotaRule(**{k: v for k, v in values.items() if k in QuotaRule.__dataclass_fields__})

    def template(self, template_hash: str) -> Template | None:
        rows = self._store._rows("SELECT json FROM templates WHERE hash = ?", [template_hash])
        return parse_template(json.loads(rows[0]["json"])) if rows else None

    def first_graded_period(self) -> str:
        """The first period the committee graded any branch in ('' if none): the default 首次定级."""
        from ..periods import parse_period

        periods = [r["period"] for r in self._store._rows("SELECT DISTINCT period FROM grades")]
        return min(periods, key=parse_period) if periods else ""

    def policy(self) -> CommitteePolicy:
        """The committee's rules now (asked for every imported bundle: kept until the profile changes)."""
        stamp = (self._store.db.execute("PRAGMA data_version").fetchone()[0], self._writes)
        if self._cached is not None and self._cached[0] == stamp:
            return self._cached[1]
        policy = self._read_policy()
        self._cached = (stamp, policy)
        return policy

    def _read_policy(self) -> CommitteePolicy:
        kinds: dict[str, KindChoice] = {}
        history: dict[str, list[str]] = {}
        for row in self._store._rows("SELECT kind, template_hash FROM kind_template_history ORDER BY issued_at"):
            history.setdefault(row["kind"], []).append(row["template_hash"])
        for row in self._store._rows("SELECT kind, template_hash, builtin FROM kind_templates"):
            if row["builtin"]:
                from ..template import builtin_template

                kinds[row["kind"]] = KindChoice(row["kind"], builtin_template(), True, tuple(history.get(row["kind"], ())))
            else:
                template = self.template(row["template_hash"]) if row["template_hash"] else None
                kinds[row["kind"]] = KindChoice(row["kind"], template, False, tuple(history.get(row["kind"], ())))
        return CommitteePolicy(quota=self.quota_rule(), kinds=kinds)

    # -- changing --------------------------------------------------------------------------------
    def set_quota(self, percent: int, scope: str, first_period: str = "", rounding: str = "down") -> QuotaRule:
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ValidationError("A级比例应为 0 到 100 之间的整数（百分数）。", "The A quota must be a whole percentage 0-100.")
        if scope not in SCOPES:
            raise ValidationError("名额适用范围应为“每期”或“仅首次定级”。", "The quota scope must be 'every' or 'first'.")
        if rounding not in ROUNDING:
            raise ValidationError("取整方式应为 down、nearest 或 up。", "Rounding must be down, nearest or up.")
        if first_period and scope == SCOPE_FIRST:
            from ..periods import parse_period

            first_period = parse_period(first_period).code
        rule = QuotaRule(percent, scope, first_period if scope == SCOPE_FIRST else "", rounding)
        store = self._store
        with store._write():
            store.db.execute(
                "INSERT INTO profile_settings (key, value) VALUES ('quota', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [json.dumps(rule.__dict__, ensure_ascii=False)],
            )
            store._log("profile.quota", json.dumps(rule.__dict__, ensure_ascii=False))
            self._writes += 1
        return rule

    def issue_template(self, kind: str, template: Template) -> KindChoice:
        """Make ``template`` the checklist of ``kind`` branches (a new version of it, if one was issued)."""
        kind = _kind(kind)
        check_limits(template)
        store, at = self._store, now_iso()
        with store._write():
            store.db.execute(
                """INSERT INTO templates (hash, id, version, title, json, source, received_at, issued_at)
                   VALUES (?, ?, ?, ?, ?, 'issued', ?, ?)
                   ON CONFLICT(hash) DO UPDATE SET issued_at = excluded.issued_at, source = 'issued'""",
                [template.hash, template.id, template.version, template.title,
                 json.dumps(template.raw, ensure_ascii=False), at, at],
            )
            self._assign(kind, template.hash, builtin=False, at=at)
            store.db.execute(
                "INSERT OR IGNORE INTO kind_template_history (kind, template_hash, issued_at) VALUES (?, ?, ?)",
                [kind, template.hash, at],
            )
            store._log("profile.template", f"{kind} {template.id} {template.version} {template.hash}")
            self._writes += 1
        return self.policy().choice(kind)

    def use_builtin(self, kind: str) -> KindChoice:
        """The built-in attachment 2 for ``kind`` (the default for 非公企业 and 社会组织; a choice for 机关)."""
        kind = _kind(kind)
        with self._store._write():
            self._assign(kind, None, builtin=True, at=now_iso())
            self._store._log("profile.template", f"{kind} builtin")
            self._writes += 1
        return self.policy().choice(kind)

    def clear(self, kind: str) -> KindChoice:
        """No checklist of the committee's for ``kind`` (非公企业/社会组织 fall back to attachment 2)."""
        kind = _kind(kind)
        with self._store._write():
            self._store.db.execute("DELETE FROM kind_templates WHERE kind = ?", [kind])
            self._store._log("profile.template", f"{kind} cleared")
            self._writes += 1
        return self.policy().choice(kind)

    def _assign(self, kind: str, template_hash: str | None, *, builtin: bool, at: str) -> None:
        self._store.db.execute(
            """INSERT INTO kind_templates (kind, template_hash, builtin, set_at, actor) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(kind) DO UPDATE SET template_hash = excluded.template_hash, builtin = excluded.builtin,
               set_at = excluded.set_at, actor = excluded.actor""",
            [kind, template_hash, int(builtin), at, self._store.actor],
        )

    def defaults_text(self) -> str:
        kinds = "、".join(KIND_LABELS[k] for k in BUILTIN_KINDS)
        return f"未设置时：{kinds}党支部使用内置附件2清单，机关事业单位党支部没有清单（需上级党委载入）。"

    # -- exports -------------------------------------------------------------------------------------
    def deadlines(self) -> dict[str, str]:
        return {r["period"]: r["deadline"] for r in self._store._rows("SELECT period, deadline FROM deadlines")}

    def next_serial(self) -> int:
        rows = self._store._rows("SELECT COALESCE(MAX(serial), 0) + 1 AS serial FROM profile_exports")
        return int(rows[0]["serial"])

    def record_export(self, serial: int, file_name: str, sha256: str) -> None:
        store = self._store
        with store._write():
            store.db.execute(
                "INSERT INTO profile_exports (serial, exported_at, file_name, sha256, actor) VALUES (?, ?, ?, ?, ?)",
                [serial, now_iso(), file_name, sha256, store.actor],
            )
            store._log("profile.exported", f"#{serial} {file_name} {sha256}")

    def exports(self) -> list[tuple[int, str, str]]:
        """(serial, exported_at, file name) of every profile file written, oldest first."""
        rows = self._store._rows("SELECT serial, exported_at, file_name FROM profile_exports ORDER BY serial")
        return [(r["serial"], r["exported_at"], r["file_name"]) for r in rows]
