"""Errors a user must see, as opposed to bugs.

Everything derived from ``UserError`` carries a plain-language message that the GUI shows in a
dialog and the CLI prints on stderr without a traceback.
"""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Expected failure with a message meant for a person."""

    exit_code = 1


class UsageError(UserError):
    """Bad arguments or an unreadable input file (CLI exit code 2)."""

    exit_code = 2


class StoreError(UserError):
    """The database cannot be used right now (locked, full, read-only, damaged, too new)."""


class DatabaseBusy(StoreError):
    pass


class DiskFull(StoreError):
    pass


class ReadOnlyDatabase(StoreError):
    pass


class CorruptDatabase(StoreError):
    pass


class NewerSchema(StoreError):
    pass


class ServerUnavailable(StoreError):
    """The database server cannot be reached, or went away during a command (PostgreSQL):
    nothing was changed, and a batch on screen is kept to commit again."""


class RolledBack(StoreError):
    """The database lost events this computer recorded (see ``core.anchor``): no writes."""


class Refused(UserError):
    """A batch was refused: nothing changed. ``reasons`` holds one line per refused scan/row."""

    def __init__(self, reasons: list[str], result: Any = None) -> None:
        super().__init__("\n".join(reasons) if reasons else "refused")
        self.reasons = reasons
        self.result = result
