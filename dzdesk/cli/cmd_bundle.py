"""Bundle and key commands: export, verify, key show/backup/restore.

Passphrases are asked for on the terminal; for scripts they may come from the
environment variables DZDESK_PASSPHRASE (the signing key's passphrase) and
DZDESK_BACKUP_PASSPHRASE (the key backup's passphrase).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ..bundle import export_bundle, suggested_filename, verify_bundle
from ..errors import ValidationError
from ..identity import (
    backup_identity,
    certificate_fingerprint,
    has_identity,
    key_is_encrypted,
    restore_identity,
)
from ..paths import AppPaths, resolve_paths
from ..periods import parse_period
from ..store import Store
from ..textrules import shown as printable

ORDER = 40
BACKUP_WARNING = (
    "警告：密钥备份文件连同其口令，可以用党支部的名义签署报告和上报文件。"
    "请将备份保存在U盘等离线介质上，妥善保管，不要通过网络传送，口令另行保管。"
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ex = subparsers.add_parser("export", parents=[common], help="导出已定稿自评的上报文件（.dzb） / export the signed bundle")
    ex.add_argument("--period", required=True, help="期间，例如 2026Q4")
    ex.add_argument("-o", "--output", type=Path, default=None, metavar="FILE.dzb",
                    help="输出文件，默认为当前文件夹中的“中共××党支部_期间_自评.dzb”")
    ex.set_defaults(handler=cmd_export)

    ver = subparsers.add_parser("verify", parents=[common], help="校验上报文件的签名和完整性 / verify a .dzb bundle")
    ver.add_argument("file", type=Path, metavar="FILE.dzb")
    ver.set_defaults(handler=cmd_verify)

    key = subparsers.add_parser("key", parents=[common], help="党支部签名密钥：查看、备份、恢复 / signing key")
    key_sub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    show = key_sub.add_parser("show", parents=[common], help="显示签名密钥指纹 / show the fingerprint")
    show.set_defaults(handler=cmd_key_show)
    backup = key_sub.add_parser("backup", parents=[common], help="把签名密钥备份到文件 / back up the key")
    backup.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.p12")
    backup.set_defaults(handler=cmd_key_backup)
    restore = key_sub.add_parser("restore", parents=[common], help="从备份文件恢复签名密钥 / restore the key")
    restore.add_argument("file", type=Path, metavar="FILE.p12")
    restore.add_argument("--replace", action="store_true", help="替换本机现有的另一把密钥")
    restore.set_defaults(handler=cmd_key_restore)


def _store(args: argparse.Namespace) -> Store:
    return Store.open(getattr(args, "home", None))


def _ask(prompt: str, env: str) -> str | None:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(prompt)


def _key_passphrase(paths: AppPaths) -> str | None:
    if not has_identity(paths) or not key_is_encrypted(paths):
        return None
    return _ask("签名密钥口令：", "DZDESK_PASSPHRASE")


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def cmd_export(args: argparse.Namespace) -> int:
    period = parse_period(args.period).code
    with _store(args) as store:
        profile = store.require_profile()
        target = args.output or Path.cwd() / suggested_filename(profile, period)
        path = export_bundle(store, period, target, passphrase=_key_passphrase(store.paths))
        assessment = store.require(period)
        print(f"已导出并读回校验上报文件：{path}（{_size_text(path.stat().st_size)}）")
        print(f"期间：{parse_period(period).label}（第{assessment.revision}版）")
        print(f"快照摘要：{assessment.snapshot_digest}")
        print(f"签名密钥指纹：{certificate_fingerprint(store.paths)}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from ..encryption_keys import local_keyring

    keys = local_keyring(_paths(args), os.environ.get("DZDESK_PASSPHRASE") or None)
    bundle = verify_bundle(args.file, keys=keys)
    branch = bundle.branch
    report = "自评报告 1 份" if bundle.report_member else "无自评报告"
    answers = len(bundle.snapshot["answers"])
    sealed = "（已加密：只有上级党委和本党支部能打开）" if bundle.extra.get("sealed") else ""
    print(f"上报文件有效：签名正确，内容完整未被改动{sealed}。 / Valid bundle: {args.file}")
    print(f"党支部：{printable(branch.display_name)}（{branch.kind_label}），上级党组织：{printable(branch.committee)}")
    print(f"期间：{parse_period(bundle.period).label}（{bundle.period}，第{bundle.revision}版）")
    flags = f"　标记：{'、'.join(printable(f) for f in bundle.flags)}" if bundle.flags else ""
    if bundle.score_verified:
        print(f"得分（已核实）：{bundle.score:g}　建议等次：{bundle.grade}{flags}")
    else:
        print(f"得分：模板未知，无法核分（文件自报 {bundle.score:g} 分、{bundle.grade}级，未核实；上级党委导入时将暂存待处理）{flags}")
    print(f"快照摘要：{bundle.snapshot_digest}")
    print(f"签名密钥指纹：{bundle.signer_fingerprint}")
    print(
        f"内容：任务答案 {answers} 项，佐证材料 {len(bundle.evidence)} 项（{bundle.extra['files']} 个文件），"
        f"变更记录 {bundle.extra['changes']} 条，{report}"
    )
    return 0


def _paths(args: argparse.Namespace) -> AppPaths:
    """Key commands need only the folders: a damaged database must not block a key backup."""
    return resolve_paths(getattr(args, "home", None))


def cmd_key_show(args: argparse.Namespace) -> int:
    fingerprint = certificate_fingerprint(_paths(args))
    if fingerprint is None:
        raise ValidationError("本机还没有党支部签名密钥。", "No branch signing key on this computer.")
    print(f"签名密钥指纹：{fingerprint}")
    return 0


def cmd_key_backup(args: argparse.Namespace) -> int:
    paths = _paths(args)
    print(BACKUP_WARNING, file=sys.stderr)
    secret = _ask("为备份文件设置口令（至少8个字符）：", "DZDESK_BACKUP_PASSPHRASE")
    if secret is None:
        raise ValidationError("需要为备份文件设置口令。", "A backup passphrase is required (DZDESK_BACKUP_PASSPHRASE).")
    if "DZDESK_BACKUP_PASSPHRASE" not in os.environ and getpass.getpass("再次输入口令：") != secret:
        raise ValidationError("两次输入的口令不一致，未备份。", "The passphrases differ; nothing was written.")
    path = backup_identity(paths, args.output, secret, _key_passphrase(paths))
    print(f"已备份签名密钥到：{path}")
    print(f"签名密钥指纹：{certificate_fingerprint(paths)}")
    return 0


def cmd_key_restore(args: argparse.Namespace) -> int:
    paths = _paths(args)
    secret = _ask("备份文件的口令：", "DZDESK_BACKUP_PASSPHRASE")
    if secret is None:
        raise ValidationError("需要输入备份文件的口令。", "The backup passphrase is required (DZDESK_BACKUP_PASSPHRASE).")
    before = certificate_fingerprint(paths)
    if before is not None and not args.replace:
        raise ValidationError(
            f"本机已有签名密钥（指纹 {before}）。如确需换成备份中的密钥，请加 --replace。",
            "A signing key already exists; add --replace to overwrite it.",
        )
    identity = restore_identity(paths, args.file, secret, os.environ.get("DZDESK_PASSPHRASE") or None)
    print(f"已恢复签名密钥，指纹：{identity.fingerprint}")
    return 0
