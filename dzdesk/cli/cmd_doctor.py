"""``dzdesk doctor``: versions, data paths, fonts, key fingerprint and database health."""

from __future__ import annotations

import argparse
import json

from ..diagnostics import collect
from ..paths import resolve_paths

ORDER = 90


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "doctor", parents=[common],
        help="诊断信息：版本、数据位置、字体、密钥指纹、数据库完整性 / diagnostics",
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print the diagnostics; exit 1 when a problem was found so scripts can tell."""
    diagnostics = collect(resolve_paths(getattr(args, "home", None)))
    if args.json:
        print(json.dumps(diagnostics.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(diagnostics.as_text())
    return 1 if diagnostics.problems else 0
