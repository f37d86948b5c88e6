"""A tamperer's hand at the database, on either backend: what ``verify`` must catch.

On SQLite it is a stock ``sqlite3`` shell on the file (autocommit); on PostgreSQL it is ``psql``
as the server's superuser on the database (autocommit), who can also switch the guards off in
ways the schema does not show (``SET session_replication_role = replica`` turns every trigger and
foreign key check off for that session only). Statements are written once, in SQLite's syntax
(``?`` placeholders), as the core's are; ``REFUSED`` is what a guard raises on either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg

from assettrack_gui.core import dialect
from assettrack_gui.core.backend import ServerDatabase

# What a trigger, CHECK or UNIQUE refusing a hand's statement raises, on SQLite or PostgreSQL.
REFUSED = (sqlite3.IntegrityError, psycopg.Error)
CHECK_FAILED = "CHECK constraint failed|violates check constraint"


class PgShell:
    """``psql`` as the superuser, in autocommit, taking SQLite-style ``?`` placeholders."""

    backend = "postgres"

    def __init__(self, db: ServerDatabase) -> None:
        self.conn = psycopg.connect(db.uri, autocommit=True)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self.conn.execute(dialect.placeholders(sql).encode(), params)

    def guards_off(self) -> None:
        """Every trigger and foreign-key check off for this session only (nothing in the
        schema shows it): only the data can give the tamperer away."""
        self.execute("SET session_replication_role = replica")

    def close(self) -> None:
        self.conn.close()


Shell = sqlite3.Connection | PgShell


def open_shell(db: Path | ServerDatabase) -> Shell:
    if isinstance(db, ServerDatabase):
        return PgShell(db)
    return sqlite3.connect(db, isolation_level=None)


def on_postgres(shell: object) -> bool:
    return isinstance(shell, PgShell)


def drop_log_triggers(shell: Shell) -> list[str]:
    """Take the event log's append-only guards away (SQLite: drop them; PostgreSQL: disable
    them, as a superuser can); returns what ``verify``'s schema check says about it."""
    if isinstance(shell, PgShell):
        shell.execute("ALTER TABLE events DISABLE TRIGGER events_no_update")
        shell.execute("ALTER TABLE events DISABLE TRIGGER events_no_delete")
        return [
            "schema: trigger events_no_delete on events is disabled",
            "schema: trigger events_no_update on events is disabled",
        ]
    shell.execute("DROP TRIGGER events_no_update")
    shell.execute("DROP TRIGGER events_no_delete")
    return [
        "schema: trigger events_no_delete is missing",
        "schema: trigger events_no_update is missing",
    ]
