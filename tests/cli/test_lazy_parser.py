"""``assettrack-admin`` builds only the command it runs (start-up time), and says the same.

The lazy parser (``cli.parser.LazyCommands``) must print exactly what the fully built one prints
for ``--help`` and every ``COMMAND --help``, accept and refuse the same arguments, and
``COMMAND_FAMILIES`` must name exactly the commands each family registers.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys

import pytest

from assettrack_gui.cli.parser import COMMAND_FAMILIES, build_parser, family_register, iter_commands


def _run(lazy: bool, argv: list[str]) -> tuple[str, str, object]:
    """stdout, stderr and the exit code (or the parsed namespace) of parsing ``argv``."""
    out, err = io.StringIO(), io.StringIO()
    result: object
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = vars(build_parser(lazy=lazy).parse_args(argv))
        except SystemExit as exc:
            result = exc.code
    return out.getvalue(), err.getvalue(), result


ALL_COMMANDS = [name for name, _ in iter_commands()]


@pytest.mark.parametrize("argv", [["--help"]] + [[*name.split(), "--help"] for name in ALL_COMMANDS])
def test_help_texts_are_those_of_the_full_parser(argv: list[str]) -> None:
    lazy, full = _run(True, argv), _run(False, argv)
    assert lazy == full
    assert lazy[0] and lazy[2] == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "AT-1"],
        ["--db", "x.db", "show", "--operator", "ann", "AT-1"],
        ["holder", "add", "Dana", "B-1"],
        ["report", "custody", "--days", "3"],
        ["shwo", "AT-1"],  # unknown command: the same list of choices
        ["holder"],  # a family without its command
        ["show"],  # a command without its argument
        ["report", "custody", "--days", "-1"],  # a bad option value
        [],
    ],
)
def test_arguments_are_parsed_and_refused_alike(argv: list[str]) -> None:
    lazy, full = _run(True, argv), _run(False, argv)
    if isinstance(full[2], dict):  # the handler is the same function in both
        assert isinstance(lazy[2], dict) and lazy[2].pop("func") is full[2].pop("func")
    assert lazy == full


def test_every_family_line_names_what_its_module_registers() -> None:
    for family, names in COMMAND_FAMILIES.items():
        commands = argparse.ArgumentParser().add_subparsers()
        family_register(family)(commands, argparse.ArgumentParser(add_help=False))
        assert tuple(commands.choices) == names, family
    listed = [name for names in COMMAND_FAMILIES.values() for name in names]
    assert [name for name in ALL_COMMANDS if " " not in name] == listed


def _modules_after(argv: list[str]) -> dict[str, object]:
    """Run ``assettrack-admin argv`` in a fresh interpreter (with the test's private dirs):
    its exit code and the modules it imported."""
    code = (
        "import contextlib, io, json, sys\n"
        "from assettrack_gui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    try:\n"
        f"        code = main({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_help_imports_no_database_code() -> None:
    result = _modules_after(["--help"])
    modules = result["modules"]
    assert result["code"] == 0 and isinstance(modules, list)
    assert "sqlite3" not in modules and "assettrack_gui.core.store" not in modules
    assert "typing" not in modules  # TYPE_CHECKING = False in the modules on this path
    assert "shutil" not in modules  # options.HelpFormatter knows the terminal width


def test_show_builds_only_its_own_family_and_not_the_engine(tmp_path) -> None:
    from assettrack_gui.core.store import Store

    db = tmp_path / "stock.db"
    Store(db).close()
    result = _modules_after(["--db", str(db), "show", "AT-0001"])
    modules = result["modules"]
    assert result["code"] == 1 and isinstance(modules, list)  # unknown: refused
    families = {f"assettrack_gui.cli.{family.partition(':')[0]}" for family in COMMAND_FAMILIES}
    assert families & set(modules) == {"assettrack_gui.cli.inspection"}
    assert "assettrack_gui.core.engine" not in modules  # nor the operations it loads
    assert not [name for name in modules if name.startswith("assettrack_gui.core.ops")]
    assert "shutil" not in modules
    assert "dataclasses" not in modules  # settings, matches and lookups are named tuples


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3", "40", "200"])
def test_help_is_as_wide_as_argparse_would_make_it(monkeypatch, columns) -> None:
    import shutil

    from assettrack_gui.cli.options import terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns


def test_garbage_collection_is_off_only_while_starting(tmp_path, monkeypatch, capsys) -> None:
    """run.main starts without the cyclic garbage collector; it is back on once the command
    opens its database, and after main returns or exits (--help, a usage error)."""
    import gc

    from assettrack_gui.cli import main
    from assettrack_gui.cli.context import Context
    from assettrack_gui.core.store import Store

    states: list[bool] = []
    opened = Context.store

    def store(self: Context) -> Store:
        states.append(gc.isenabled())
        result = opened(self)
        states.append(gc.isenabled())
        return result

    monkeypatch.setattr(Context, "store", store)
    db = tmp_path / "stock.db"
    Store(db).close()
    assert main(["--db", str(db), "show", "AT-0001"]) == 1
    assert states[:2] == [False, True] and gc.isenabled()
    for argv in (["--help"], ["shwo"]):
        with pytest.raises(SystemExit):
            main(argv)
        assert gc.isenabled()
