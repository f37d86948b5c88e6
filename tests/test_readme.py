"""The README documents every ``assettrack-admin`` command (as sqlite-utils checks its CLI docs).

A command counts as documented when its full name appears in backticks in the README's
"Admin command line" section, e.g. `` `import holders FILE.csv` `` or `` `verify` ``.
"""

from __future__ import annotations

import argparse
import os
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
    group = cli.add_group(commands, common, "census", "censuses")
    cli.add_command(group, common, "shelves", lambda args, ctx: 0, "count the shelves")
    section = admin_section()
    assert undocumented(parser, section) == ["census", "census shelves"]
    section += "\n| `census shelves` | count the shelves |\n"
    assert undocumented(parser, section) == []


def test_global_options_environment_and_exit_codes_are_in_the_readme():
    section = admin_section()
    for text in ("`--db PATH`", "`--operator NAME`", "ASSETTRACK_DB", "| 0 |", "| 1 |", "| 2 |"):
        assert text in section


# -- the walkthrough, run as written ----------------------------------------------------------------

BATCH = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section, flags=re.S)


def _steps(section: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `assettrack-admin` line of the sh blocks."""
    steps: list[tuple[str, list[str]]] = []
    for block in _blocks(section, "sh"):
        lines = block.replace("\\\n", " ").splitlines()
        for line in lines:
            if line.startswith("#   "):
                steps[-1][1].append(line[4:])
            elif line.startswith("assettrack-admin"):
                steps.append((line.split("  #")[0].strip(), []))
    return steps


def _pattern(expected: str) -> re.Pattern[str]:
    """Batch ids, "head hash 9a3403ff…" and example paths stand for whatever the run printed."""
    parts = re.split(r"(\d{8}-\d{6}-[0-9a-f]{6}|[0-9a-f]{8}…|/media/usb/)", expected)
    out = []
    for part in parts:
        if BATCH.fullmatch(part):
            out.append(BATCH.pattern)
        elif re.fullmatch(r"[0-9a-f]{8}…", part):
            out.append("[0-9a-f]{64}")
        elif part == "/media/usb/":
            out.append(".*/usb/")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "$", re.M)


def test_the_walkthrough_prints_what_the_readme_says(tmp_path, monkeypatch):
    import shlex
    import subprocess
    import sys

    section = admin_section()
    csvs = _blocks(section, "csv")
    for name, text in zip(("holders.csv", "cases.csv", "assets.csv"), csvs[:3], strict=True):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "usb").mkdir()
    env = {**os.environ, "ASSETTRACK_DB": str(tmp_path / "assettrack.db")}
    batches: dict[str, str] = {}  # README's example batch id -> the run's
    steps = _steps(section)
    assert len(steps) > 25
    for command, expected in steps:
        for example, real in batches.items():
            command = command.replace(example, real)
        argv = shlex.split(command.replace("/media/usb/", f"{tmp_path}/usb/"))
        redirect = argv.index(">") if ">" in argv else None
        if redirect is not None:
            argv = argv[:redirect]
        proc = subprocess.run(
            [sys.executable, "-m", "assettrack_gui.cli", *argv[1:]],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        printed = proc.stdout + proc.stderr
        assert "Traceback" not in printed, printed
        for line in expected:
            found = _pattern(line).search(printed)
            assert found, f"{command}\n  README says: {line}\n  it printed:\n{printed}"
            for example, real in zip(
                BATCH.findall(line), BATCH.findall(found.group(0)), strict=True
            ):
                batches.setdefault(example, real)
