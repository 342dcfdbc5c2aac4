"""The README's commands run as written, and the documentation names every command and option.

As sqlite-utils' tests/test_docs.py does: the documentation is checked against the
command line itself, so neither can drift from the other.
"""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from dzdesk.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
TRY = "/tmp/dzdesk-try"


def _documentation() -> str:
    return README.read_text(encoding="utf-8") + "".join(p.read_text(encoding="utf-8") for p in DOCS)


def _try_block() -> list[str]:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```bash\n(dzdesk demo --home /tmp/dzdesk-try\n.*?)```", text, re.S)
    assert match, "the README's runnable block is missing"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_the_readmes_runnable_block_runs_as_written(tmp_path, capsys):
    lines = _try_block()
    assert len(lines) >= 8
    for line in lines:
        argv = shlex.split(line.replace(TRY, str(tmp_path / "try")))
        assert argv[0] == "dzdesk"
        code = main(argv[1:])
        out, err = capsys.readouterr()
        assert code == 0, f"{line}\n{err}"
    assert (tmp_path / "try" / "通报.pdf").read_bytes().startswith(b"%PDF")


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    found = {prefix: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _commands(sub, (*prefix, name))
    return found


def _undocumented_options(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """Options none of whose spellings (``-o`` or ``--output``) the documentation mentions."""
    missing = []
    for action in parser._actions:
        spellings = [o for o in action.option_strings if o not in ("-h", "--help", "--home")]
        if spellings and not any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text) for o in spellings):
            missing.append(spellings[-1])
    return sorted(missing)


COMMANDS = _commands(build_parser())
LEAVES = {path: p for path, p in COMMANDS.items() if path and not any(
    isinstance(a, argparse._SubParsersAction) for a in p._actions)}


@pytest.mark.parametrize("path", sorted(LEAVES), ids=[" ".join(p) for p in sorted(LEAVES)])
def test_every_command_and_option_is_documented(path):
    text = _documentation()
    words = " ".join(path)
    spelled = re.compile(r"dzdesk\s+" + r"\s+".join(map(re.escape, path)) + r"\b")
    # a table row may list sibling actions together: `dzdesk committee import|list|grade …`
    grouped = re.compile(r"dzdesk\s+" + r"\s+".join(map(re.escape, path[:-1])) + r"\s+[\w|-]*\b" + re.escape(path[-1]) + r"\b")
    assert spelled.search(text) or grouped.search(text), f"`dzdesk {words}` is not in the README or docs/"
    missing = _undocumented_options(LEAVES[path], text)
    assert not missing, f"`dzdesk {words}`: {missing} not documented"


def test_every_documented_command_exists():
    """`dzdesk a b` in the README or docs names a real command (its arguments may follow)."""
    text = _documentation()
    unknown = set()
    for match in re.finditer(r"`dzdesk((?: [a-z][a-z-]*)+)", text):
        words = tuple(match.group(1).split())
        known = max((p for p in COMMANDS if words[: len(p)] == p), key=len, default=())
        parser = COMMANDS[known]
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if subparsers and len(words) > len(known) and not words[len(known)].startswith("-"):
            unknown.add(" ".join(words))
    assert not unknown, sorted(unknown)
