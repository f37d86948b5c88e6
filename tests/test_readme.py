"""The README documents every ``assettrack-admin`` command (as sqlite-utils checks its CLI docs).

A command counts as documented when its full name appears in backticks in the README's
"Admin command line" section, e.g. `` `import holders FILE.csv` `` or `` `verify` ``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from assettrack_gui import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def admin_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Admin command line")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def undocumented(parser: argparse.ArgumentParser, section: str) -> list[str]:
    return [
        name
        for name, _ in cli.iter_commands(parser)
        if not re.search(rf"`{re.escape(name)}(?=[\s`])", section)
    ]


def test_every_command_is_in_the_readme():
    names = [name for name, _ in cli.iter_commands()]
    assert {"init", "import holders", "holder add", "case add", "stock-out", "backup"} <= set(names)
    missing = undocumented(cli.build_parser(), admin_section())
    assert not missing, f"document these commands in README.md's admin section: {missing}"


def test_a_new_command_fails_until_documented():
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    common = argparse.ArgumentParser(add_help=False)
    group = cli.add_group(commands, common, "audit", "audits")
    cli.add_command(group, common, "shelves", lambda args, ctx: 0, "count the shelves")
    section = admin_section()
    assert undocumented(parser, section) == ["audit", "audit shelves"]
    section += "\n| `audit shelves` | count the shelves |\n"
    assert undocumented(parser, section) == []


def test_global_options_environment_and_exit_codes_are_in_the_readme():
    section = admin_section()
    for text in ("`--db PATH`", "`--operator NAME`", "ASSETTRACK_DB", "| 0 |", "| 1 |", "| 2 |"):
        assert text in section
