"""``dzdesk meeting``: the 组织生活台账 (record, list, check frequencies, print 签到表 and 会议记录).

``meeting add`` takes attendance from the roster on the meeting's day: everyone the
type expects is 出席 except those named with ``--absent 姓名:原因`` (请假) or
``--absent 姓名`` (缺席); ``--with`` names the participants instead (谈心谈话, 集中培训).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from ..errors import ValidationError
from ..orglife.attendance import default_attendance
from ..orglife.check import MeetingCheck
from ..orglife.models import EXCUSED, MeetingInput, percent
from ..orglife.summary import meeting_summary
from ..orglife.validation import day
from ..periods import parse_period
from ..store import Store
from .columns import safe, table

ORDER = 41
MAX_TEXT_FILE = 1024 * 1024


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    meeting = subparsers.add_parser(
        "meeting", parents=[common], help="组织生活台账 / meeting records"
    )
    sub = meeting.add_subparsers(dest="meeting_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", parents=[common], help="登记一次会议或活动 / record a meeting")
    add.add_argument(
        "--type", required=True, help="类型，如 支部党员大会、主题党日、党课、谈心谈话、集中培训"
    )
    add.add_argument("--date", required=True, metavar="DATE", help="日期 YYYY-MM-DD")
    add.add_argument("--topic", required=True, help="会议主题")
    add.add_argument("--place", default="", help="地点")
    add.add_argument("--host", default="", metavar="NAME", help="主持人")
    add.add_argument("--recorder", default="", metavar="NAME", help="记录人")
    add.add_argument(
        "--absent",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME[:REASON]",
        help="未出席的党员：姓名:原因 为请假，只写姓名为缺席（同名时写作 姓名#编号）",
    )
    add.add_argument(
        "--with",
        dest="named",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME",
        help="只列这些参加人员（谈心谈话的对象、参加培训的人员）",
    )
    add.add_argument("--group", default="", help="党小组（党小组会）")
    add.add_argument("--hours", type=float, default=None, help="学时（集中培训）")
    add.add_argument("--minutes", default="", help="会议记录（文字）")
    add.add_argument(
        "--minutes-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="会议记录所在的 UTF-8 文本文件",
    )
    add.add_argument("--resolutions", default="", help="决议事项")
    add.add_argument(
        "--attach",
        action="extend",
        nargs="+",
        default=[],
        type=Path,
        metavar="FILE",
        help="附件：照片、扫描的签到表、会议记录等",
    )
    add.set_defaults(handler=cmd_add)

    ls = sub.add_parser(
        "list", parents=[common], help="列出一个期间的会议记录 / list a period's meetings"
    )
    ls.add_argument("--period", required=True, help="期间，例如 2026Q4、2026H2、2026")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    ck = sub.add_parser(
        "check", parents=[common], help="按类型核对应开、已开、逾期和参与率 / check frequencies"
    )
    ck.add_argument("--period", required=True)
    ck.add_argument("--json", action="store_true")
    ck.add_argument("--today", default="", metavar="DATE", help="按哪一天判断逾期（默认今天）")
    ck.set_defaults(handler=cmd_check)

    sh = sub.add_parser("sheet", parents=[common], help="打印签到表 PDF / a sign-in sheet")
    sh.add_argument("--type", required=True)
    sh.add_argument("--date", required=True, metavar="DATE")
    sh.add_argument("--topic", default="")
    sh.add_argument("--place", default="")
    sh.add_argument("--group", default="", help="党小组（党小组会）")
    sh.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    sh.set_defaults(handler=cmd_sheet)

    mi = sub.add_parser(
        "minutes", parents=[common], help="打印会议记录 PDF / the minutes of a record"
    )
    mi.add_argument("id", type=int, metavar="ID", help="会议记录编号（见 meeting list）")
    mi.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    mi.set_defaults(handler=cmd_minutes)

    rm = sub.add_parser(
        "remove", parents=[common], help="删除一条会议记录（可用 restore 恢复）/ remove a record"
    )
    rm.add_argument("id", type=int, metavar="ID")
    rm.set_defaults(handler=cmd_remove)
    rs = sub.add_parser(
        "restore", parents=[common], help="恢复删除的会议记录 / restore a removed record"
    )
    rs.add_argument("id", type=int, metavar="ID")
    rs.set_defaults(handler=cmd_restore)


def _store(args: argparse.Namespace) -> Store:
    return Store.open(getattr(args, "home", None))


def _minutes_text(args: argparse.Namespace) -> str:
    if args.minutes_file is None:
        return args.minutes
    try:
        raw = args.minutes_file.read_bytes()[: MAX_TEXT_FILE + 1]
    except FileNotFoundError:
        raise ValidationError(
            f"找不到文件“{args.minutes_file}”。", f"File '{args.minutes_file}' not found."
        ) from None
    if len(raw) > MAX_TEXT_FILE:
        raise ValidationError(
            f"文件“{args.minutes_file}”过大，不像是会议记录。", "The minutes file is too large."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ValidationError(
                f"文件“{args.minutes_file}”不是 UTF-8 或 GBK 文本。",
                "The minutes file is not text.",
            ) from None


def cmd_add(args: argparse.Namespace) -> int:
    minutes = _minutes_text(args)
    with _store(args) as store:
        kind = store.meetings.policy().type(args.type.strip())
        when = day(args.date, "会议日期", required=True, earliest=2000)
        roster = store.members.roster()
        attendance = default_attendance(
            kind,
            roster,
            date.fromisoformat(when),
            group=args.group.strip(),
            absent=args.absent,
            named=args.named,
        )
        meeting = store.meetings.add(
            MeetingInput(
                type=kind.name,
                date=when,
                topic=args.topic,
                place=args.place,
                host=args.host,
                recorder=args.recorder,
                party_group=args.group,
                hours=args.hours,
                resolutions=args.resolutions,
                minutes=minutes,
                attendance=attendance,
            ),
            files=args.attach,
        )
        excused = len(meeting.with_status(EXCUSED))
        print(
            f"已登记会议记录 {meeting.id}：{meeting.type} {meeting.date}“{safe(meeting.topic)}”，"
            + (
                f"应到 {meeting.expected} 人，出席 {meeting.attended} 人，请假 {excused} 人，"
                f"缺席 {meeting.expected - meeting.attended - excused} 人"
                if meeting.attendance
                else "未记出席（未建党员名册）"
            )
            + (f"；附件 {len(meeting.attachments)} 个" if meeting.attachments else "")
            + "。"
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    period = parse_period(args.period)
    with _store(args) as store:
        meetings = store.meetings.in_period(period.code)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "type": m.type,
                        "date": m.date,
                        "topic": m.topic,
                        "place": m.place,
                        "host": m.host,
                        "recorder": m.recorder,
                        "party_group": m.party_group,
                        "hours": m.hours,
                        "expected": m.expected,
                        "attended": m.attended,
                        "participation": m.participation,
                        "attachments": len(m.attachments),
                    }
                    for m in meetings
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not meetings:
        print(f"{period.label}没有会议记录。")
        return 0
    rows = [
        [
            str(m.id),
            m.date,
            m.type,
            m.topic[:30] + ("…" if len(m.topic) > 30 else ""),
            f"{m.attended}/{m.expected}" if m.expected else "—",
            percent(m.participation),
            str(len(m.attachments) or ""),
        ]
        for m in meetings
    ]
    print(table(["编号", "日期", "类型", "主题", "出席/应到", "参与率", "附件"], rows))
    print(
        f"{period.label}共 {len(meetings)} 条会议记录。打印会议记录：dzdesk meeting minutes 编号 -o 文件.pdf"
    )
    return 0


def check_json(check: MeetingCheck) -> dict:
    return {
        "period": check.period,
        "today": check.today,
        "roster_kept": check.roster_kept,
        "participation": check.participation,
        "expected": check.expected,
        "attended": check.attended,
        "types": [
            {
                "type": t.name,
                "applies": t.applies,
                "note": t.reason,
                "rule": t.type.rule_text,
                "required": t.required,
                "met": t.met,
                "held": t.held,
                "overdue": t.overdue,
                "overdue_intervals": list(t.overdue_labels),
                "dates": [m.date for m in t.meetings],
                "expected": t.expected,
                "attended": t.attended,
                "participation": t.participation,
                "hours": t.hours,
                "proves": list(t.type.proves),
            }
            for t in check.types
        ],
        "meetings": [
            {
                "id": m.meeting_id,
                "type": m.type,
                "date": m.date,
                "expected": m.expected,
                "attended": m.attended,
                "participation": m.rate,
            }
            for m in check.meetings
        ],
    }


def check_text(check: MeetingCheck) -> str:
    lines = [f"{check.label}组织生活（截至 {check.today}）"]
    for t in check.types:
        if not t.applies:
            lines.append(f"  {t.name}：不适用（{t.reason}）")
            continue
        unit = "人" if t.per_member else "次"
        text = f"  {t.name}（{t.type.rule_text}）：应开 {t.required} {unit}，已开 {t.met} {unit}"
        if t.held != t.met:
            text += f"（本期记录 {t.held} 条）"
        if t.overdue:
            text += f"，逾期 {t.overdue} {unit}（{'、'.join(t.overdue_labels[:6])}{'等' if len(t.overdue_labels) > 6 else ''}）"
        if t.expected:
            text += f"；参与率 {percent(t.participation)}（出席 {t.attended}/应到 {t.expected}）"
        if t.hours is not None:
            text += f"；学时 {t.hours:g}"
        if t.reason:
            text += f"（{t.reason}）"
        lines.append(text)
    lines.append(
        f"总体参与率：{check.participation_text}"
        if check.expected
        else "总体参与率：—（没有出席记录）"
    )
    if check.meetings:
        lines.append("各次会议参与率：")
        lines += [
            f"  {m.meeting_id}　{m.date}　{m.type}　{percent(m.rate)}（{m.attended}/{m.expected}）"
            for m in check.meetings
        ]
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    period = parse_period(args.period)
    today = date.fromisoformat(day(args.today, "日期")) if args.today else date.today()
    with _store(args) as store:
        check = meeting_summary(store, period.code, today)
    print(
        json.dumps(check_json(check), ensure_ascii=False, indent=2)
        if args.json
        else check_text(check)
    )
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from ..orglife.printing import write_sign_in_sheet

    with _store(args) as store:
        path = write_sign_in_sheet(
            store,
            args.type.strip(),
            args.date,
            args.output,
            topic=args.topic,
            place=args.place,
            group=args.group,
        )
    print(f"已生成签到表：{path}")
    return 0


def cmd_minutes(args: argparse.Namespace) -> int:
    from ..orglife.printing import write_minutes

    with _store(args) as store:
        path = write_minutes(store, args.id, args.output)
    print(f"已生成会议记录：{path}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _store(args) as store:
        meeting = store.meetings.remove(args.id)
    print(
        f"已删除会议记录 {meeting.id}（{meeting.type} {meeting.date}）。可用 dzdesk meeting restore {meeting.id} 恢复。"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with _store(args) as store:
        meeting = store.meetings.restore(args.id)
    print(f"已恢复会议记录 {meeting.id}（{meeting.type} {meeting.date}）。")
    return 0
