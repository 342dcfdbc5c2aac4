"""The ``dzdesk`` command line: a thin front end over the engine.

Each ``cmd_*.py`` module in this package adds its subcommands through
``register(subparsers, common)``; ``common`` is the parent parser carrying
``--home`` so the option works before or after the command name. A command's
handler receives the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    import argparse

# argparse, the command modules and the log-file handler are imported only when a
# command runs: ``dzdesk`` with no arguments opens the GUI, whose start time counts.
log = logging.getLogger("dzdesk.cli")


def _command_modules() -> list:
    import pkgutil

    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("cmd_"))
    modules = [importlib.import_module(f"{__name__}.{name}") for name in names]
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 100))


def build_parser() -> argparse.ArgumentParser:
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home", default=argparse.SUPPRESS, metavar="DIR",
        help="数据目录（默认为系统用户数据目录，或环境变量 DZDESK_HOME）/ data folder",
    )
    parser = argparse.ArgumentParser(
        prog="dzdesk",
        description="dzdesk — 党支部建设提升行动自评工具（离线）。不带参数运行时打开图形界面。",
        parents=[common],
    )
    parser.add_argument("--version", action=_version_action(), nargs=0, help="显示版本（程序、模板、格式）并退出")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.register(subparsers, common)
    return parser


def _version_action() -> type[argparse.Action]:
    import argparse

    class _VersionAction(argparse.Action):
        """Like action="version" but without argparse's line wrapping (scripts parse this line)."""

        def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001
            print(version_text())
            parser.exit()

    return _VersionAction


def version_text() -> str:
    from ..template import FORMAT_VERSION as TEMPLATE_FORMAT
    from ..template import builtin_template

    template = builtin_template()
    text = f"dzdesk {__version__} (template {template.id} v{template.version}, template format {TEMPLATE_FORMAT}"
    from ..bundle.format import FORMAT_NAME, FORMAT_VERSION

    return text + f", bundle format {FORMAT_NAME} {FORMAT_VERSION})"


def _open_gui(home: str | None) -> int:
    try:
        gui = importlib.import_module("ui.app")
    except ImportError as exc:  # a damaged install (Qt's libraries missing): say so, the CLI still works
        print(
            f"错误：图形界面无法启动（{exc}）。请重新安装 dzdesk；命令行功能仍可使用（dzdesk --help）。"
            f" / The GUI cannot start: {exc}",
            file=sys.stderr,
        )
        return 1
    return gui.run_gui(home)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (len(argv) == 2 and argv[0] == "--home"):
        # The GUI: open it before building the parser, which imports every command
        # module (reportlab, pyHanko, ...) and would add ~0.7 s to the start.
        return _open_gui(argv[1] if argv else None)
    from ..errors import DzdeskError
    from ..logs import setup_logging
    from ..paths import resolve_paths
    from ..progress import Cancelled

    parser = build_parser()
    args = parser.parse_args(argv)
    home = getattr(args, "home", None)
    if not args.command:
        parser.print_help()
        return 0
    try:
        setup_logging(resolve_paths(home).log_dir)
    except OSError:
        pass  # a read-only data folder: the command itself will say so clearly
    try:
        return int(args.handler(args) or 0)
    except DzdeskError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except Cancelled:
        print("已取消，未写入任何内容。 / Cancelled; nothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。 / Interrupted.", file=sys.stderr)
        return 130
    except OSError as exc:
        log.exception("I/O error in %s", args.command)
        print(f"错误：读写文件失败（{exc.strerror or exc}：{exc.filename or ''}），请检查磁盘空间和权限。 / I/O error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the one place that turns a bug into a short message
        log.exception("unexpected error in %s", args.command)
        print(f"错误：程序内部错误（{type(exc).__name__}），详情已写入日志。 / Internal error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
