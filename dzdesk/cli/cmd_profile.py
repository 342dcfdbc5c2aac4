"""Branch commands for the committee's 分类定级标准: ``profile import`` and ``profile show``."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from ..bundle.profile_kind import verify_profile
from ..models import KIND_LABELS
from ..store import Store
from ..textrules import shown

ORDER = 15


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("profile", parents=[common], help="上级党委的分类定级标准 / the committee's standard")
    sub = p.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", parents=[common], help="导入上级党委下发的分类定级标准（.dzp）")
    imp.add_argument("file", type=Path, metavar="FILE.dzp")
    imp.add_argument("--accept-new-key", action="store_true", help="上级党委更换了签名密钥，已核实新指纹")
    imp.set_defaults(handler=cmd_import)
    show = sub.add_parser("show", parents=[common], help="显示当前的分类定级标准")
    show.set_defaults(handler=cmd_show)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def cmd_import(args: argparse.Namespace) -> int:
    verified = verify_profile(args.file)
    with Store.open(getattr(args, "home", None)) as store:
        kind = store.require_profile().kind
        before = store.standards.current()
        standard = store.standards.record(verified, _sha256(args.file), accept_new_key=args.accept_new_key)
        choice = store.standards.choose_template(kind)
    print(f"已导入分类定级标准：{shown(standard.title)}（{shown(standard.committee)}，第 {standard.serial} 号）")
    if before is None:
        print(f"已固定上级党委的签名密钥，指纹：{standard.fingerprint}")
        print("请与上级党委公布的指纹逐组核对；以后的标准和考核反馈都必须由这一密钥签名。")
    elif before.fingerprint != standard.fingerprint:
        print(f"上级党委签名密钥已更换：原指纹 {before.fingerprint}")
        print(f"　　　　　　　　　　　新指纹 {standard.fingerprint}")
    _print_choice(kind, choice)
    if standard.encryption_key is None:
        print("该标准未附上级党委的加密公钥：导出的上报文件仍只签名、不加密。")
    else:
        print("以后导出的上报文件将加密，只有上级党委和本党支部能打开。")
    return 0


def _print_choice(kind: str, choice) -> None:  # noqa: ANN001 - a TemplateChoice
    where = {"committee": "上级党委下发", "builtin": "内置附件2", "unconfirmed": "暂用内置附件2"}[choice.source]
    t = choice.template
    print(f"本党支部（{KIND_LABELS[kind]}）的检查清单：{shown(t.title)}（{where}，{t.id} {t.version}，{len(t.tasks)} 项）")
    if choice.note:
        print(f"注意：{choice.note}")


def cmd_show(args: argparse.Namespace) -> int:
    with Store.open(getattr(args, "home", None)) as store:
        kind = store.require_profile().kind
        standard = store.standards.current()
        choice = store.standards.choose_template(kind)
        if standard is not None:
            store.standards.mark_read()
    if standard is None:
        print("尚未导入上级党委的分类定级标准（dzdesk profile import FILE.dzp）。")
        _print_choice(kind, choice)
        return 0
    print(f"分类定级标准：{shown(standard.title)}（第 {standard.serial} 号，{standard.issued_at[:10]} 下发）")
    print(f"上级党委：{shown(standard.committee)}")
    print(f"签名密钥指纹：{standard.fingerprint}")
    _print_choice(kind, choice)
    q = standard.quota
    print(f"A级比例：不超过 {q.percent}%（{q.scope_text}）")
    if standard.deadlines:
        print("报送截止日期：" + "，".join(f"{p} {d}" for p, d in sorted(standard.deadlines.items())))
    print("上报文件：" + ("加密后报送（仅上级党委和本党支部可打开）" if standard.encryption_key else "只签名、不加密"))
    return 0
