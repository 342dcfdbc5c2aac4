"""``dzdesk report``: write the signed PDF self-assessment (自评报告)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ValidationError
from ..periods import parse_period
from ..report import write_report
from ..store import Store

ORDER = 30
MAX_PASSPHRASE_BYTES = 4096


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "report", parents=[common], help="生成自评报告 PDF（定稿后带数字签名）/ write the signed PDF report"
    )
    p.add_argument("--period", required=True, help="期间，例如 2026Q4")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf", help="报告文件")
    p.add_argument("--passphrase-file", type=Path, default=None, metavar="F", help="签名密钥口令所在的文件（第一行）")
    p.set_defaults(handler=cmd_report)


def read_passphrase(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        raw = path.read_bytes()[: MAX_PASSPHRASE_BYTES + 1]
    except FileNotFoundError:
        raise ValidationError(f"找不到口令文件“{path}”。", f"Passphrase file '{path}' not found.") from None
    except IsADirectoryError:
        raise ValidationError(f"口令文件“{path}”是一个文件夹。", f"Passphrase file '{path}' is a folder.") from None
    if len(raw) > MAX_PASSPHRASE_BYTES:
        raise ValidationError(f"口令文件“{path}”过大，不像是口令文件。", f"Passphrase file '{path}' is too large.")
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise ValidationError(f"口令文件“{path}”不是 UTF-8 文本。", f"Passphrase file '{path}' is not UTF-8 text.") from None
    return (lines[0] if lines else "") or None


def cmd_report(args: argparse.Namespace) -> int:
    period = parse_period(args.period).code
    passphrase = read_passphrase(args.passphrase_file)
    with Store.open(getattr(args, "home", None)) as store:
        store.require_profile()
        result = write_report(store, period, args.output, passphrase=passphrase)
    state = "已签名" if result.signed else "草稿，未签名"
    print(f"已生成自评报告：{result.path}（{result.pages} 页，{state}）")
    print(f"快照摘要：{result.snapshot_digest}")
    if result.fingerprint:
        print(f"签名密钥指纹：{result.fingerprint}")
    return 0
