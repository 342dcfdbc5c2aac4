"""``dzdesk members``: the 党员名册 (import a CSV roster, list it on any date, add, record events).

``members import FILE.csv`` always shows what would change first. At a terminal it then
asks 确认导入？; ``--yes`` applies without asking (scripts), ``--dry-run`` only shows.
Without a terminal and without ``--yes`` nothing is imported and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from ..errors import ValidationError
from ..orglife.models import EVENT_KINDS, FLAGS, ROLES, Member, MemberInput
from ..orglife.roster import Roster, category_at
from ..orglife.roster_import import ImportPlan
from ..orglife.validation import day
from ..store import Store
from .columns import safe, table

ORDER = 40
PREVIEW_ROWS = 30


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    members = subparsers.add_parser(
        "members", parents=[common], help="党员名册 / the party member roster"
    )
    sub = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)

    imp = sub.add_parser(
        "import",
        parents=[common],
        help="从 CSV 导入名册（先预览）/ import a CSV roster (preview first)",
        description="表头为中文字段名：姓名、类别（必填），党小组、入党日期、转正日期、职务（可选），顺序不限；"
        "也可有 标记、备注、转入日期 列。支持 UTF-8（含 BOM）与 GBK/GB18030 编码。先显示将要发生的变化，确认后导入。",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument(
        "--since",
        default="",
        metavar="DATE",
        help="新党员的转入日期（文件中没有“转入日期”时；默认“建册前”）",
    )
    imp.add_argument("--yes", action="store_true", help="不再询问，直接导入 / apply without asking")
    imp.add_argument("--dry-run", action="store_true", help="只预览，不导入 / preview only")
    imp.set_defaults(handler=cmd_import)

    ls = sub.add_parser("list", parents=[common], help="列出某日的名册 / the roster on a day")
    ls.add_argument("--at", default="", metavar="DATE", help="日期 YYYY-MM-DD，默认今天")
    ls.add_argument(
        "--all", action="store_true", help="包括已离开名册的党员 / include members who left"
    )
    ls.add_argument("--json", action="store_true", help="以 JSON 输出")
    ls.set_defaults(handler=cmd_list)

    add = sub.add_parser("add", parents=[common], help="登记一名党员 / add a member")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--category", required=True, help="正式党员 或 预备党员")
    add.add_argument("--group", default="", help="党小组")
    add.add_argument("--joined", default="", metavar="DATE", help="入党日期")
    add.add_argument("--confirmed", default="", metavar="DATE", help="转正日期")
    add.add_argument("--role", action="extend", nargs="+", default=[], choices=ROLES, help="职务")
    add.add_argument("--flag", action="extend", nargs="+", default=[], choices=FLAGS, help="标记")
    add.add_argument("--note", default="", help="备注（同名党员以此区分）")
    add.add_argument("--since", default="", metavar="DATE", help="转入日期（默认“建册前”）")
    add.set_defaults(handler=cmd_add)

    ev = sub.add_parser(
        "event", parents=[common], help="登记转入、转出、预备转正、去世、停止党籍 / record an event"
    )
    ev.add_argument("name", metavar="NAME", help="姓名（同名时写作 姓名#编号）")
    ev.add_argument("--kind", required=True, choices=EVENT_KINDS)
    ev.add_argument("--date", required=True, metavar="DATE")
    ev.add_argument("--note", default="")
    ev.set_defaults(handler=cmd_event)


def _store(args: argparse.Namespace) -> Store:
    return Store.open(getattr(args, "home", None))


def _limited(lines: list[str]) -> list[str]:
    if len(lines) <= PREVIEW_ROWS:
        return lines
    return [*lines[:PREVIEW_ROWS], f"  ……另有 {len(lines) - PREVIEW_ROWS} 名"]


def preview_text(plan: ImportPlan) -> str:
    src = plan.source
    out = [f"名册文件：{safe(src.name)}（{src.encoding} 编码，{len(src.rows)} 名党员）"]
    if plan.adds:
        out.append(f"将新增 {len(plan.adds)} 名党员：")
        out += _limited(
            [
                f"  第 {r.row} 行　{safe(r.member.name)}　{r.member.category}"
                + (f"　{safe(r.member.party_group)}" if r.member.party_group else "")
                + (f"　入党 {r.member.joined_party}" if r.member.joined_party else "")
                + (f"　{'、'.join(r.member.roles)}" if r.member.roles else "")
                for r in plan.adds
            ]
        )
    if plan.updates:
        out.append(f"将更新 {len(plan.updates)} 名党员：")
        out += _limited(
            [
                f"  第 {u.row} 行　{safe(u.name)}："
                + "；".join(f"{c.label} “{safe(c.old)}” → “{safe(c.new)}”" for c in u.changes)
                + (f"；登记预备转正（{u.confirm_on}）" if u.confirm_on else "")
                for u in plan.updates
            ]
        )
    if plan.unchanged:
        out.append(f"无变化 {plan.unchanged} 名。")
    if plan.not_in_file:
        names = "、".join(safe(n) for n in plan.not_in_file[:PREVIEW_ROWS]) + (
            "……" if len(plan.not_in_file) > PREVIEW_ROWS else ""
        )
        out.append(
            f"名册中另有 {len(plan.not_in_file)} 名党员不在文件中（不作改动；转出、去世等请逐人登记变动）：{names}"
        )
    out += [f"提示：{safe(n)}" for n in plan.notices[:PREVIEW_ROWS]]
    if src.ignored:
        out.append(f"已忽略的列：{'、'.join(safe(c) for c in src.ignored)}")
    return "\n".join(out)


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return False
    try:
        answer = input("确认导入？[y/N] ").strip().lower()
    except EOFError:
        return False
    return answer in ("y", "yes", "是", "确认")


def cmd_import(args: argparse.Namespace) -> int:
    with _store(args) as store:
        plan = store.members.plan_import(args.file, since=args.since)
        print(preview_text(plan))
        if not plan.has_changes:
            print("没有需要导入的变化。")
            return 0
        if args.dry_run:
            print("（仅预览，未导入。）")
            return 0
        if not _confirmed(args):
            print(
                "未导入：确认上述变化无误后，加 --yes 重新运行。 / Not imported; run again with --yes.",
                file=sys.stderr,
            )
            return 1
        store.members.apply_import(plan)
        counts = store.members.roster().counts(date.today())
        print(
            f"已导入：新增 {len(plan.adds)} 名，更新 {len(plan.updates)} 名。名册现有正式党员 {counts.full} 名、预备党员 {counts.probationary} 名。"
        )
    return 0


def _status(roster: Roster, member: Member, at: date) -> str:
    if roster.is_on(member.id, at):
        return "在册"
    later = [
        e
        for e in member.events
        if e.date and e.date <= at.isoformat() and e.kind not in ("预备转正",)
    ]
    if later:
        return f"{later[-1].kind} {later[-1].date}"
    return "尚未转入"


def cmd_list(args: argparse.Namespace) -> int:
    at = date.fromisoformat(day(args.at, "日期")) if args.at else date.today()
    with _store(args) as store:
        roster = store.members.roster()
        members = list(roster.members) if args.all else roster.at(at)
        counts = roster.counts(at)
        if args.json:
            print(
                json.dumps(
                    {
                        "at": at.isoformat(),
                        "full": counts.full,
                        "probationary": counts.probationary,
                        "members": [
                            {
                                "id": m.id,
                                "name": m.name,
                                "category": category_at(m, at),
                                "party_group": m.party_group,
                                "joined_party": m.joined_party,
                                "confirmed": m.confirmed,
                                "roles": list(m.roles),
                                "flags": list(m.flags),
                                "note": m.note,
                                "on_roster": roster.is_on(m.id, at),
                                "events": [
                                    {"kind": e.kind, "date": e.date, "note": e.note}
                                    for e in m.events
                                ],
                            }
                            for m in members
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0
        if not roster.kept:
            print("尚未建立党员名册。可用 dzdesk members import 名册.csv 导入。")
            return 0
        header = [
            "编号",
            "姓名",
            "类别",
            "党小组",
            "入党日期",
            "转正日期",
            "职务",
            "标记",
            *(["状态"] if args.all else []),
        ]
        rows = [
            [
                str(m.id),
                roster.label(m),
                category_at(m, at),
                m.party_group,
                m.joined_party,
                m.confirmed,
                m.roles_text,
                m.flags_text,
                *([_status(roster, m, at)] if args.all else []),
            ]
            for m in members
        ]
        print(table(header, rows))
        print(
            f"{at.isoformat()} 在册 {counts.total} 名：正式党员 {counts.full} 名，预备党员 {counts.probationary} 名。"
        )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    member = MemberInput(
        name=args.name,
        category=args.category,
        party_group=args.group,
        joined_party=args.joined,
        confirmed=args.confirmed,
        roles=tuple(args.role),
        flags=tuple(args.flag),
        note=args.note,
    )
    with _store(args) as store:
        saved = store.members.add(member, since=args.since)
        print(
            f"已登记 {safe(saved.name)}（编号 {saved.id}，{saved.category}），转入日期：{args.since or '建册前'}。"
        )
    return 0


def cmd_event(args: argparse.Namespace) -> int:
    with _store(args) as store:
        member = resolve(store.members.roster(), args.name)
        event = store.members.record_event(member.id, args.kind, args.date, args.note)
        print(f"已登记：{safe(member.name)} {event.kind} {event.date}。")
    return 0


def resolve(roster: Roster, spec: str) -> Member:
    """The member ``spec`` names among everyone recorded: 姓名#编号, or a name only one member (now on the roster) has."""
    spec = spec.strip()
    if "#" in spec:
        name, _, number = spec.rpartition("#")
        matches = [m for m in roster.members if str(m.id) == number and m.name == name.strip()]
    else:
        matches = [m for m in roster.members if m.name == spec]
        if len(matches) > 1:
            matches = [m for m in matches if m in roster.current()] or matches
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(f"名册中没有“{spec}”。", f"No member '{spec}'.")
    options = "、".join(f"{m.name}#{m.id}" for m in matches)
    raise ValidationError(
        f"名册中有 {len(matches)} 名“{spec}”（{options}），请写作 姓名#编号。",
        f"'{spec}' is ambiguous; write NAME#ID.",
    )
