"""``assettrack-admin``: the admin command line, a thin shell over the core custody engine.

Every command calls the same core functions as the GUI, so a batch refused here would be refused
there for the same reason. Exit codes: 0 done; 1 refused (nothing changed; one reason per line on
stderr naming the scan or CSV line), also when the database is busy, damaged or too new; 2 usage
error (bad arguments, missing or unreadable file, bad CSV header, no database yet).

The package holds no SQL and does not import sqlite3 (``tests/test_layering.py`` checks): queries
live in core, and database errors arrive translated by ``core.store``.

- ``run``: ``main``, exit codes and error messages
- ``parser``: the lazily built parser and ``COMMAND_FAMILIES``
- ``options``: global options, ``add_command`` / ``add_group``, option value checkers
- ``context``: the database, engine and settings a command works on
- ``output``: stdout/stderr, counts, visible values, aligned tables
- one module per command family: ``init_db``, ``imports``, ``slots``, ``custody``,
  ``holders``, ``cases``, ``assets``, ``inspection``, ``audit``, ``recovery``, ``reports``,
  ``labels``

Adding a command family: write a module with
``register_<family>_commands(commands, common)`` using ``add_group`` / ``add_command`` and add
its line to ``parser.COMMAND_FAMILIES`` (the module and the top-level commands it adds). The
README test then insists that every new command is documented.

This package imports only ``run`` when ``assettrack-admin`` starts; the names below load on
first use (start-up time, docs/architecture.md "Start-up").
"""

from __future__ import annotations

from importlib import import_module

from .run import main

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from .context import Context
    from .options import EXIT_CODES, PROG, add_command, add_group
    from .parser import COMMAND_FAMILIES, build_parser, iter_commands
    from .reports import REPORT_EVENT_TYPES

_LAZY = {
    "COMMAND_FAMILIES": "parser",
    "EXIT_CODES": "options",
    "PROG": "options",
    "REPORT_EVENT_TYPES": "reports",
    "Context": "context",
    "add_command": "options",
    "add_group": "options",
    "build_parser": "parser",
    "iter_commands": "parser",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COMMAND_FAMILIES",
    "EXIT_CODES",
    "PROG",
    "REPORT_EVENT_TYPES",
    "Context",
    "add_command",
    "add_group",
    "build_parser",
    "iter_commands",
    "main",
]
