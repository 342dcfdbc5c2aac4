"""Branch commands: init, answers import, status, finalize, demo."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..answers_import import import_answers
from ..demo import create_demo
from ..identity import certificate_fingerprint, create_identity, has_identity
from ..models import BranchProfile
from ..periods import current_quarter, parse_period
from ..store import Store
from ..template import STATUS_LABELS

ORDER = 10


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("init", parents=[common], help="建立党支部信息和签名密钥 / create the branch profile")
    p.add_argument("--branch", required=True, help="党支部名称")
    p.add_argument("--kind", required=True, choices=["nonpublic", "social", "organ"], help="类型：非公企业/社会组织/机关事业单位")
    p.add_argument("--committee", required=True, help="上级党组织")
    p.add_argument("--secretary", required=True, help="党支部书记")
    p.add_argument("--members", required=True, type=int, help="正式党员人数")
    p.add_argument("--probationary", type=int, default=0, help="预备党员人数")
    p.add_argument("--founded", default="", help="成立日期 YYYY-MM-DD")
    p.set_defaults(handler=cmd_init)

    answers = subparsers.add_parser("answers", parents=[common], help="答案的批量导入 / answers")
    answers_sub = answers.add_subparsers(dest="answers_command", metavar="ACTION", required=True)
    imp = answers_sub.add_parser("import", parents=[common], help="从 JSON 文件导入答案 / import answers from JSON")
    imp.add_argument("file", type=Path)
    imp.add_argument("--period", required=True)
    imp.add_argument("--allow-outside", action="store_true",
                     help="允许导入答案文件所在文件夹之外的佐证材料 / accept evidence outside the answers file's folder")
    imp.set_defaults(handler=cmd_answers_import)

    st = subparsers.add_parser("status", parents=[common], help="进度、得分和定稿前的问题 / progress and score")
    st.add_argument("--period", default=None, help="期间，默认当前季度")
    st.add_argument("--json", action="store_true", help="以 JSON 输出")
    st.set_defaults(handler=cmd_status)

    fin = subparsers.add_parser("finalize", parents=[common], help="定稿（锁定）本期自评 / finalize")
    fin.add_argument("--period", required=True)
    fin.set_defaults(handler=cmd_finalize)

    demo = subparsers.add_parser("demo", parents=[common], help="生成演示党支部和完整自评 / create demo data")
    demo.add_argument("--draft", action="store_true", help="本季度保留为草稿，不定稿")
    demo.set_defaults(handler=cmd_demo)


def _store(args: argparse.Namespace) -> Store:
    return Store.open(getattr(args, "home", None))


def cmd_init(args: argparse.Namespace) -> int:
    profile = BranchProfile(
        name=args.branch, kind=args.kind, committee=args.committee, secretary=args.secretary,
        full_members=args.members, probationary_members=args.probationary, founded=args.founded,
    )
    with _store(args) as store:
        store.save_profile(profile)
        saved = store.require_profile()
        if not has_identity(store.paths):
            create_identity(store.paths, saved.display_name, saved.committee)
        print(f"已建立党支部：{saved.display_name}（{saved.kind_label}），上级党组织：{saved.committee}")
        print(f"签名密钥指纹：{certificate_fingerprint(store.paths)}")
        print(f"数据目录：{store.paths.data_dir}")
    return 0


def cmd_answers_import(args: argparse.Namespace) -> int:
    with _store(args) as store:
        store.require_profile()
        result = import_answers(store, parse_period(args.period).code, args.file, allow_outside=args.allow_outside)
        print(f"已导入 {result.answers} 项任务的答案，新增佐证材料 {result.evidence_added} 个（{result.period}）。")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    period = parse_period(args.period).code if args.period else current_quarter().code
    with _store(args) as store:
        store.require_profile()
        assessment = store.require(period)
        result = store.score(period)
        check = store.finalize_check(period)
        if args.json:
            print(json.dumps({
                "period": period, "revision": assessment.revision, "status": assessment.status,
                "answered": result.answered, "tasks": result.task_count, "score": result.total,
                "grade": result.grade, "reasons": list(result.reasons), "flags": list(result.flags),
                "blockers": [f.message for f in check.blockers], "warnings": [f.message for f in check.warnings],
                "snapshot_digest": assessment.snapshot_digest,
            }, ensure_ascii=False, indent=2))
            return 0
        state = "已定稿" if assessment.is_finalized else "草稿"
        print(f"期间：{period}（第{assessment.revision}版，{state}）")
        print(f"进度：已填写 {result.answered}/{result.task_count} 项")
        counts = "，".join(f"{label} {result.counts[s]}" for s, label in STATUS_LABELS.items())
        print(f"状态：{counts}，未填 {result.counts['unanswered']}")
        print(f"得分：{result.total:g}　建议等次：{result.grade_text}")
        for reason in result.reasons:
            print(f"  · {reason}")
        if result.flags:
            print(f"标记：{'、'.join(result.flags)}")
        if assessment.is_finalized:
            print(f"快照摘要：{assessment.snapshot_digest}")
        elif check.blockers:
            print(f"定稿前须解决（{len(check.blockers)}）：")
            for finding in check.blockers:
                print(f"  ✗ {finding.message}")
        else:
            print("可以定稿。")
        for finding in check.warnings:
            print(f"  ! {finding.message}")
    return 0


def cmd_finalize(args: argparse.Namespace) -> int:
    with _store(args) as store:
        store.require_profile()
        assessment = store.finalize(args.period)
        check = store.finalize_check(assessment.period)
        print(f"{assessment.period} 第{assessment.revision}版已定稿。快照摘要：{assessment.snapshot_digest}")
        for finding in check.warnings:
            print(f"  ! {finding.message}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = create_demo(store, finalize_current=not args.draft)
        profile = store.require_profile()
        score = store.score(result.current.period)
        print(f"已生成演示党支部：{profile.display_name}")
        print(f"{result.previous.period}：已定稿，得分 {store.score(result.previous.period, result.previous).total:g}")
        state = "已定稿" if result.current.is_finalized else "草稿"
        print(f"{result.current.period}：{state}，19 项全部填写，佐证材料 {result.evidence_count} 个，得分 {score.total:g}，建议等次 {score.grade_text}")
        print(f"数据目录：{store.paths.data_dir}")
        print(f"下一步：dzdesk status --period {result.current.period}")
    return 0
