"""assettrack_gui/core never depends on Qt: the CLI, scripts and tests use it without a display.
The admin CLI is a shell over core: it neither imports sqlite3 nor holds SQL of its own."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import assettrack_gui.cli
import assettrack_gui.core

CORE = Path(assettrack_gui.core.__file__).parent
CLI = Path(assettrack_gui.cli.__file__).parent
QT_NAMES = re.compile(r"\b(PySide6|PySide2|PyQt5|PyQt6|shiboken6|shiboken2|qtpy)\b")


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(CORE)], "assettrack_gui.core."))


def test_core_source_never_mentions_qt() -> None:
    sources = sorted(CORE.rglob("*.py"))
    assert len(sources) >= 10
    offenders = [
        f"{path.relative_to(CORE.parent)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if QT_NAMES.search(line)
    ]
    assert offenders == []


QT_CHECK = (
    "import importlib, sys\n"
    "for name in sys.argv[1:]:\n"
    "    importlib.import_module(name)\n"
    "qt = sorted(m for m in sys.modules if m.split('.')[0] in "
    "{'PySide6', 'PySide2', 'PyQt5', 'PyQt6', 'shiboken6', 'shiboken2'})\n"
    "print('loaded:', len([m for m in sys.modules if m.startswith('assettrack_gui.')]))\n"
    "print('qt:', qt)\n"
)


def qt_loaded_by(*modules: str) -> tuple[int, str]:
    """Import the modules in a fresh interpreter: (assettrack modules loaded, Qt modules line)."""
    proc = subprocess.run(
        [sys.executable, "-c", QT_CHECK, *modules],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    return int(lines[0].split()[1]), lines[-1]


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = core_modules()
    assert {"assettrack_gui.core.custody", "assettrack_gui.core.store"} <= set(modules)
    loaded, qt = qt_loaded_by(*modules)
    assert qt == "qt: []"
    assert loaded >= len(modules)


def test_the_admin_cli_runs_without_qt() -> None:
    """assettrack-admin must work on a headless server or over ssh, with no Qt libraries loaded."""
    loaded, qt = qt_loaded_by("assettrack_gui.cli")
    assert qt == "qt: []"
    assert loaded > 5


# -- the admin CLI holds no SQL -----------------------------------------------------------------

SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA)\b\s")


def sql_offences(source: str) -> list[str]:
    """Imports of sqlite3 and string literals that read like SQL, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        found += [f"{node.lineno}: imports {n}" for n in names if n.split(".")[0] == "sqlite3"]
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL.search(node.value)
        ):
            found.append(f"{node.lineno}: SQL {node.value!r}")
    return sorted(found, key=lambda offence: int(offence.split(":")[0]))


def test_the_checker_finds_sqlite3_and_sql():
    source = (
        "import sqlite3\n"
        "from sqlite3 import Error\n"
        "Q = f'SELECT id FROM holders WHERE badge_code = {x}'\n"
        "def f(conn):\n"
        "    conn.execute('UPDATE assets SET serial = ?')\n"
        "NOT_SQL = 'Select the slot, then update nothing.'\n"
    )
    assert sql_offences(source) == [
        "1: imports sqlite3",
        "2: imports sqlite3",
        "3: SQL 'SELECT id FROM holders WHERE badge_code = '",  # the f-string's text part
        "5: SQL 'UPDATE assets SET serial = ?'",
    ]


def test_the_admin_cli_imports_no_sqlite3_and_holds_no_sql():
    """Queries live with the data layer; the CLI calls core and prints what it returns."""
    sources = sorted(CLI.rglob("*.py"))
    assert len(sources) >= 10
    offenders = [
        f"{path.relative_to(CLI.parent)}:{offence}"
        for path in sources
        for offence in sql_offences(path.read_text("utf-8"))
    ]
    assert offenders == []
