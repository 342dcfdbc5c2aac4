"""``dzdesk committee profile …``: the committee's 分类定级标准 (checklists per kind, quota rule, export)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..committee.grading import quota_base
from ..committee.profile_export import export_profile
from ..committee.store import CommitteeStore
from ..errors import ValidationError
from ..models import KIND_LABELS
from ..template import load_template
from ..textrules import shown
from .cmd_report import read_passphrase


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("profile", parents=[common], help="本党委的分类定级标准 / the committee's standard")
    ps = p.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    show = ps.add_parser("show", parents=[common], help="显示分类定级标准")
    show.set_defaults(handler=cmd_show)
    tpl = ps.add_parser("template", parents=[common], help="为一类党支部载入检查清单模板（JSON）")
    tpl.add_argument("file", nargs="?", type=Path, metavar="FILE.json")
    tpl.add_argument("--kind", required=True, choices=list(KIND_LABELS), help="nonpublic / social / organ")
    tpl.add_argument("--builtin", action="store_true", help="改用内置附件2清单（机关事业单位须明确选择）")
    tpl.add_argument("--clear", action="store_true", help="取消本党委为这一类党支部载入的清单")
    tpl.set_defaults(handler=cmd_template)
    q = ps.add_parser("quota", parents=[common], help="A级名额规则")
    q.add_argument("--percent", required=True, type=int, help="A级党支部不超过总数的百分之几（默认 10）")
    scope = q.add_mutually_exclusive_group()
    scope.add_argument("--every-period", dest="scope", action="store_const", const="every", help="每期都适用（默认）")
    scope.add_argument("--first-grading", dest="scope", action="store_const", const="first", help="仅首次定级适用")
    q.add_argument("--first-period", default="", help="首次定级的期间，例如 2027；不填则为本党委第一次评定等次的期间")
    q.add_argument("--rounding", default="down", choices=["down", "nearest", "up"], help="取整方式（默认向下取整，即“不超过”）")
    q.set_defaults(handler=cmd_quota, scope="every")
    exp = ps.add_parser("export", parents=[common], help="导出签名的分类定级标准文件（.dzp），交各党支部导入")
    exp.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.dzp|FOLDER")
    exp.add_argument("--passphrase-file", type=Path, default=None, metavar="F", help="本党委签名密钥口令所在的文件")
    exp.set_defaults(handler=cmd_export)


def _store(args: argparse.Namespace) -> CommitteeStore:
    return CommitteeStore.open(getattr(args, "home", None))


def cmd_show(args: argparse.Namespace) -> int:
    with _store(args) as store:
        own = store.own_identity()
        policy = store.profile.policy()
        base, from_roster = quota_base(store, None)
        deadlines = store.profile.deadlines()
        exports = store.profile.exports()
    print(f"本党委：{shown(own.name) if own else '（未设置，运行 dzdesk committee init --name 名称）'}")
    if own:
        print(f"签名密钥指纹：{own.fingerprint}")
    for kind, label in KIND_LABELS.items():
        choice = policy.choice(kind)
        if choice.template is None:
            text = "无（尚未载入；该类党支部的报送包将暂存待核实）"
        elif choice.builtin:
            text = f"内置附件2：{choice.template.title}（{choice.template.version}）"
        else:
            t = choice.template
            text = f"{shown(t.title)}（{t.id} {t.version}，{len(t.tasks)} 项，本党委载入）"
        print(f"{label}党支部的检查清单：{text}")
    rule = policy.quota
    print(f"A级名额规则：不超过 {rule.percent}%，{rule.scope_text}，{'名册' if from_roster else '已导入'}党支部 {base} 个")
    print(f"  {rule.explain(base)}")
    if deadlines:
        print("报送截止日期：" + "，".join(f"{p} {d}" for p, d in sorted(deadlines.items())))
    print(f"已导出标准文件 {len(exports)} 次" + (f"，最近：第 {exports[-1][0]} 号 {exports[-1][2]}" if exports else ""))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    chosen = sum(bool(x) for x in (args.file, args.builtin, args.clear))
    if chosen != 1:
        raise ValidationError("请给出模板文件，或选择 --builtin / --clear 之一。", "Give FILE.json, --builtin or --clear.")
    with _store(args) as store:
        if args.builtin:
            choice = store.profile.use_builtin(args.kind)
        elif args.clear:
            choice = store.profile.clear(args.kind)
        else:
            choice = store.profile.issue_template(args.kind, load_template(args.file))
    label = KIND_LABELS[args.kind]
    if choice.template is None:
        print(f"{label}党支部现在没有检查清单。")
    else:
        t = choice.template
        where = "内置附件2" if choice.builtin else "本党委载入"
        print(f"{label}党支部的检查清单：{shown(t.title)}（{where}，{t.id} {t.version}，{len(t.tasks)} 项，分值合计 100）")
    print("导出分类定级标准（dzdesk committee profile export -o 文件夹）并交各党支部导入后生效。")
    return 0


def cmd_quota(args: argparse.Namespace) -> int:
    with _store(args) as store:
        rule = store.profile.set_quota(args.percent, args.scope, args.first_period, args.rounding)
        base, _ = quota_base(store, None)
    print(f"A级名额规则：不超过 {rule.percent}%，{rule.scope_text}。按目前 {base} 个党支部：{rule.explain(base)}。")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args.passphrase_file) or os.environ.get("DZDESK_PASSPHRASE") or None
    with _store(args) as store:
        path = export_profile(store, args.output, passphrase=passphrase)
        own = store.own_identity()
        serial = store.profile.exports()[-1][0]
    print(f"已导出分类定级标准：{path}（第 {serial} 号）")
    print(f"签名密钥指纹：{own.fingerprint if own else ''}")
    print("请把该文件交给各党支部，在 dzdesk 中“导入上级党委标准”；并告知上面的指纹，供其核对。")
    return 0
