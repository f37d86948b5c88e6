"""``assettrack-admin``: the admin command line, a thin shell over the core custody engine.

Every command calls the same core functions as the GUI, so a batch refused here would be refused
there for the same reason. Exit codes: 0 done; 1 refused (nothing changed; one reason per line on
stderr naming the scan or CSV line), also when the database is busy, damaged or too new; 2 usage
error (bad arguments, missing or unreadable file, bad CSV header, no database yet).

The package holds no SQL and does not import sqlite3 (``tests/test_layering.py`` checks): queries
live in core, and database errors arrive translated by ``core.store``.

- ``run``: ``main``, exit codes and error messages
- ``parser``: the assembled parser and ``COMMAND_GROUPS``
- ``options``: global options, ``add_command`` / ``add_group``, option value checkers
- ``context``: the database, engine and settings a command works on
- ``output``: stdout/stderr, counts, visible values, aligned tables
- one module per command family: ``init_db``, ``imports``, ``slots``, ``custody``,
  ``holders``, ``cases``, ``inspection``, ``audit``, ``reports``

Adding a command family (e.g. ``audit …``): write a module with
``register_<family>_commands(commands, common)`` using ``add_group`` / ``add_command`` and append
it to ``parser.COMMAND_GROUPS``. The README test then insists that every new command is
documented.
"""

from __future__ import annotations

from .context import Context
from .options import EXIT_CODES, PROG, add_command, add_group
from .parser import COMMAND_GROUPS, build_parser, iter_commands
from .reports import REPORT_EVENT_TYPES
from .run import main

__all__ = [
    "COMMAND_GROUPS",
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
