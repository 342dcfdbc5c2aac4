"""The engine is a library without Qt: importing every dzdesk module loads no PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import dzdesk


def test_every_engine_module_imports_without_qt():
    names = sorted(m.name for m in pkgutil.walk_packages(dzdesk.__path__, "dzdesk.") if m.name != "dzdesk.__main__")
    assert len(names) > 20
    code = (
        "import importlib, sys\n"
        f"names = {names!r}\n"
        "for n in names: importlib.import_module(n)\n"
        "from dzdesk.cli import build_parser; build_parser()\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print(len(names), qt)\n"
        "sys.exit(1 if qt else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("[]")
