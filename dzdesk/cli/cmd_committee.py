"""Committee commands: import bundles, roster, deadline, list, grade, key changes, summary, the committee's own name and key."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from ..committee import models as m
from ..committee.grading import quota, set_grade
from ..committee.importer import import_bundles, kept_before_stop
from ..committee.overview import overview_rows
from ..committee.roster import read_roster
from ..committee.store import CommitteeStore
from ..committee.summary import write_summary
from ..periods import parse_period
from ..textrules import shown
from . import committee_profile

ORDER = 60


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    c = subparsers.add_parser("committee", parents=[common], help="上级党组织考核验收 / committee workstation")
    sub = c.add_subparsers(dest="committee_command", metavar="ACTION", required=True)

    imp = sub.add_parser("import", parents=[common], help="导入报送包（文件或文件夹）/ import bundles")
    imp.add_argument("sources", nargs="+", type=Path, metavar="FILE_OR_DIR")
    imp.add_argument("--json", action="store_true", help="以 JSON 输出")
    imp.set_defaults(handler=cmd_import)

    lst = sub.add_parser("list", parents=[common], help="本期党支部一览 / overview of a period")
    lst.add_argument("--period", required=True)
    lst.add_argument("--json", action="store_true", help="以 JSON 输出")
    lst.set_defaults(handler=cmd_list)

    gr = sub.add_parser("grade", parents=[common], help="评定等次 / set a committee grade")
    gr.add_argument("--period", required=True)
    gr.add_argument("--branch", required=True, help="党支部编号或名称")
    gr.add_argument("--grade", required=True, type=str.upper, choices=list(m.GRADES))
    gr.add_argument("--score", type=float, default=None, help="考核分（0–100，可选）")
    gr.add_argument("--comment", default="", help="评语")
    gr.set_defaults(handler=cmd_grade)

    summ = sub.add_parser("summary", parents=[common], help="生成通报 PDF 或 XLSX / write the summary")
    summ.add_argument("--period", required=True)
    summ.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf|FILE.xlsx")
    summ.set_defaults(handler=cmd_summary)

    roster = sub.add_parser("roster", parents=[common], help="党支部名册 / roster")
    roster_sub = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    rimp = roster_sub.add_parser("import", parents=[common], help="导入名册 CSV（name,kind,secretary）")
    rimp.add_argument("file", type=Path)
    rimp.set_defaults(handler=cmd_roster_import)
    rshow = roster_sub.add_parser("show", parents=[common], help="显示名册")
    rshow.set_defaults(handler=cmd_roster_show)

    dl = sub.add_parser("deadline", parents=[common], help="设置报送截止日期 / set the deadline")
    dl.add_argument("--period", required=True)
    dl.add_argument("--date", required=True, help="YYYY-MM-DD；空字符串表示取消")
    dl.set_defaults(handler=cmd_deadline)

    keys = sub.add_parser("keys", parents=[common], help="签名密钥变更（待确认与历史）/ key changes")
    keys.set_defaults(handler=cmd_keys)
    for name, accept, text in (("accept-key", True, "确认密钥变更并接收暂存的报送包"), ("decline-key", False, "拒绝密钥变更")):
        k = sub.add_parser(name, parents=[common], help=text)
        k.add_argument("change_id", type=int, metavar="ID", help="committee keys 显示的编号")
        k.set_defaults(handler=cmd_decide_key, accept=accept)

    committee_profile.register(sub, common)

    holds = sub.add_parser("holds", parents=[common], help="暂存待核实的报送包及原因 / held submissions")
    holds.add_argument("--period", default=None)
    holds.set_defaults(handler=cmd_holds)
    for name, accept, text in (("accept-hold", True, "核实后接收暂存的报送包"), ("decline-hold", False, "拒收暂存的报送包")):
        h = sub.add_parser(name, parents=[common], help=text)
        h.add_argument("submission_id", type=int, metavar="ID", help="committee holds 显示的编号")
        h.set_defaults(handler=cmd_decide_hold, accept=accept)
    init = sub.add_parser("init", parents=[common], help="本党委名称和签名密钥 / name the committee, make its key")
    init.add_argument("--name", required=True, help="本党委名称，例如：中共合肥市律师协会委员会；再次运行即改名，密钥不变")
    init.add_argument("--ask-passphrase", action="store_true", help="为新密钥设置密码（从终端输入两次）")
    init.set_defaults(handler=cmd_init)
    key = sub.add_parser("key", parents=[common], help="本党委的签名密钥 / the committee's signing key")
    key_sub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    kshow = key_sub.add_parser("show", parents=[common], help="显示本党委名称和签名密钥指纹")
    kshow.set_defaults(handler=cmd_key_show)


def _store(args: argparse.Namespace) -> CommitteeStore:
    return CommitteeStore.open(getattr(args, "home", None))


def cmd_import(args: argparse.Namespace) -> int:
    with _store(args) as store:
        try:
            report = import_bundles(store, args.sources)
        except BaseException as exc:  # a full disk, Ctrl-C: first say which files were already done
            kept = kept_before_stop(exc)
            if kept is not None and kept.outcomes and not args.json:
                print("导入在中途停止。停止前已经完成的文件如下，其余文件请重新导入：")
                _print_outcomes(kept)
            raise
    if args.json:
        print(json.dumps([asdict(o) for o in report.outcomes], ensure_ascii=False, indent=2))
    else:
        _print_outcomes(report)
        held = {o.hold for o in report.outcomes if o.outcome == m.HELD}
        if m.HOLD_KEY in held:
            print("签名密钥变更的报送包已暂存，请核实后运行 dzdesk committee keys / accept-key ID。")
        if held - {m.HOLD_KEY}:
            print("其他暂存的报送包及原因见 dzdesk committee holds，核实后运行 accept-hold ID 或 decline-hold ID。")
    return 0 if report.ok else 1


def _print_outcomes(report: m.ImportReport) -> None:
    for o in report.outcomes:
        mark = "✓" if o.ok else ("?" if o.outcome == m.HELD else "✗")
        what = f"{shown(o.branch)} {o.period} 第{o.revision}版" if o.branch else ""
        line = f"{mark} {o.label}　{shown(o.file, 120)}" + (f"　{what}" if what else "")
        print(line + (f"\n    {shown(o.reason, 400)}" if o.reason else ""))
    parts = [f"{m.OUTCOME_LABELS[k]} {report.count(k)}" for k in m.OUTCOME_LABELS if report.count(k)]
    print(f"共 {len(report.outcomes)} 个文件：" + "，".join(parts), flush=True)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def cmd_list(args: argparse.Namespace) -> int:
    code = parse_period(args.period).code
    with _store(args) as store:
        rows = overview_rows(store, code)
        q = quota(store, code)
        deadline = store.deadline(code)
    if args.json:
        print(json.dumps({
            "period": code, "deadline": deadline,
            "quota": {"base": q.base, "allowed": q.allowed, "used": q.used, "from_roster": q.from_roster},
            "branches": [asdict(r) for r in rows],
        }, ensure_ascii=False, indent=2))
        return 0
    print(f"{code}　党支部 {len(rows)} 个，已提交 {sum(r.submitted for r in rows)} 个　{q.text}"
          + (f"　截止 {deadline}" if deadline else ""))
    print("编号\t党支部\t类型\t党员\t提交时间\t自查分\t自评\t考核分\t考核等次\t待整改\t标记")
    for r in rows:
        print("\t".join([
            str(r.branch_id or "-"), shown(r.name), r.kind, "" if r.members is None else str(r.members),
            r.submitted_at[:16].replace("T", " "), _fmt(r.self_score), r.self_grade,
            _fmt(r.committee_score), r.committee_grade, str(r.open_rectifications) if r.submitted else "",
            "、".join(r.flags),
        ]))
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    with _store(args) as store:
        grade = set_grade(store, args.period, args.branch, args.grade, score=args.score, comment=args.comment)
        branch = store.resolve_branch(str(grade.branch_id))
        q = quota(store, grade.period)
    score = f"，考核分 {grade.score:g}" if grade.score is not None else ""
    print(f"已评定：{shown(branch['name'])} {grade.period} {grade.grade}级（{m.GRADE_LABELS[grade.grade]}）{score}。{q.text}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    with _store(args) as store:
        out = write_summary(store, args.period, args.output)
    print(f"已生成：{out}")
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    entries = read_roster(args.file)
    with _store(args) as store:
        store.replace_roster(entries)
    print(f"已导入名册：{len(entries)} 个党支部（原名册已替换）。")
    return 0


def cmd_roster_show(args: argparse.Namespace) -> int:
    with _store(args) as store:
        entries = store.roster()
    if not entries:
        print("尚未导入名册。")
    for e in entries:
        print(f"{shown(e.name)}\t{m.kind_label(e.kind)}\t{shown(e.secretary)}")
    return 0


def cmd_deadline(args: argparse.Namespace) -> int:
    with _store(args) as store:
        value = store.set_deadline(args.period, args.date)
    code = parse_period(args.period).code
    print(f"{code} 报送截止日期：{value}" if value else f"已取消 {code} 的报送截止日期。")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    with _store(args) as store:
        changes = store.key_changes()
    if not changes:
        print("没有签名密钥变更记录。")
    states = {"": "待确认", "accepted": "已确认", "declined": "已拒绝"}
    for k in changes:
        print(f"[{k.id}] {states[k.decision]}　{shown(k.branch_name)} {k.period}\n    原指纹 {k.old_fingerprint}\n    新指纹 {k.new_fingerprint}")
    return 0


def cmd_decide_key(args: argparse.Namespace) -> int:
    with _store(args) as store:
        change = store.decide_key_change(args.change_id, args.accept)
    if args.accept:
        print(f"已确认“{shown(change.branch_name)}”的新签名密钥，暂存的报送包已接收。")
    else:
        print(f"已拒绝“{shown(change.branch_name)}”的新签名密钥，暂存的报送包不予接收。")
    return 0


def cmd_holds(args: argparse.Namespace) -> int:
    with _store(args) as store:
        holds = store.holds.list(args.period)
    if not holds:
        print("没有暂存待核实的报送包。")
    for h in holds:
        print(f"[{h.submission_id}] {h.label}　{shown(h.branch_name)} {h.period} 第{h.revision}版　{shown(h.bundle_name, 120)}")
        print(f"    {shown(h.reason, 400)}")
        print(f"    签名密钥指纹 {h.fingerprint}")
    return 0


def cmd_decide_hold(args: argparse.Namespace) -> int:
    with _store(args) as store:
        if args.accept:
            held, state = store.holds.accept(args.submission_id)
        else:
            held = store.holds.decline(args.submission_id)
    name = shown(held.branch_name)
    if not args.accept:
        print(f"已拒收“{name}”{held.period} 第{held.revision}版的暂存文件。")
    elif state == "current":
        print(f"已接收“{name}”{held.period} 第{held.revision}版，现为该期间的有效提交。")
    elif state == "superseded":
        print(f"已接收“{name}”{held.period} 第{held.revision}版，已有更新的版本，作为历史版本保存。")
    else:
        print(f"“{name}”{held.period} 第{held.revision}版仍需核实：{shown(state, 400)}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from ..committee.identity import check_passphrase, init_committee, key_files

    with _store(args) as store:
        had_key = key_files(store.paths).exist()
        passphrase = None
        if args.ask_passphrase and not had_key:
            import getpass

            passphrase = check_passphrase(getpass.getpass("签名密钥密码："), getpass.getpass("再次输入密码："))
        before = store.own_identity()
        identity = init_committee(store, args.name, passphrase)
    if before is not None and before.name != identity.name:
        print(f"已改名：{before.name} → {identity.name}（签名密钥不变）")
    else:
        print(f"本党委：{identity.name}")
    print(f"签名密钥指纹：{identity.fingerprint}" + ("" if had_key else "（新建）"))
    return 0


def cmd_key_show(args: argparse.Namespace) -> int:
    from ..committee.identity import key_state
    from ..errors import NotFoundError

    with _store(args) as store:
        state = key_state(store)
    if state.identity is None and state.fingerprint is None:
        raise NotFoundError(
            "本党委还没有名称和签名密钥，请先运行 dzdesk committee init --name 本党委名称。",
            "No committee identity yet; run 'dzdesk committee init --name NAME'.",
        )
    print(f"本党委：{state.identity.name if state.identity else '（未命名）'}")
    print(f"签名密钥指纹：{state.fingerprint or '（密钥文件缺失）'}")
    print(f"密钥文件夹：{state.folder}" + ("（设有密码）" if state.encrypted else ""))
    if state.mismatch:
        print(f"注意：数据库记录的指纹为 {state.identity.fingerprint}，与密钥文件不符。")
    return 0 if state.fingerprint else 1
