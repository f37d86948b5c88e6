"""``init``: create the database file, or bring an existing one up to the current schema.

The only command that may create a database; every other command refuses a missing one (see
``Context.store``).
"""

from __future__ import annotations

import argparse

from ..core.errors import CorruptDatabase, UsageError
from .context import Context
from .options import add_command
from .output import say


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    if ctx.on_server:
        return _init_server(ctx)
    from ..core.store import Store, latest_version

    path = ctx.db_path
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for the database.")
    existed = path.exists()
    store = Store(path, create=True, migrate=False)
    try:
        before = store.user_version()
        if before == 0 and store.has_tables():
            raise UsageError(
                f"{path} already holds a database that is not AssetTrack's; "
                "choose another file with --db."
            )
        if existed and before > 0 and (problems := store.check_file(quick=True)):
            raise CorruptDatabase(
                f"The database is damaged ({problems[0]}): it was not upgraded or changed. "
                "Restore it from a backup (assettrack-admin restore BACKUP)."
            )
        store.migrate()
    finally:
        store.close()
    shown = path.resolve()
    if not existed or before == 0:
        say(f"Created database {shown} (schema {latest_version()})")
    elif before < latest_version():
        say(f"Upgraded database {shown} from schema {before} to {latest_version()}")
    else:
        say(f"Database {shown} is up to date (schema {before})")
    return 0


def _init_server(ctx: Context) -> int:
    """On PostgreSQL: the schema goes into an existing, empty database (made by the server's
    administrator with ``createdb``); an AssetTrack database is left as it is."""
    from ..core.backend import ServerDatabase
    from ..core.pg_store import SCHEMA_VERSION, PgStore

    target = ctx.target
    assert isinstance(target, ServerDatabase)
    with PgStore(target, migrate=False, keeps_batch=False) as store:
        before = store.user_version()
        if before == 0 and store.has_tables():
            raise UsageError(
                f"{target} already holds tables that are not AssetTrack's; "
                "give another database with --db."
            )
        store.migrate()
    if before == 0:
        say(f"Created the AssetTrack schema in {target} (schema {SCHEMA_VERSION})")
    else:
        say(f"Database {target} is up to date (schema {before})")
    return 0


def register_init_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    add_command(
        commands,
        common,
        "init",
        cmd_init,
        "create the database, or bring an existing one up to date; prints its path",
        "Safe to run again: an up-to-date database is left as it is. Refuses a database\n"
        "written by a newer AssetTrack, and any SQLite file that is not AssetTrack's.\n"
        "With --db postgresql://user@host/dbname it creates the schema in that existing,\n"
        "empty PostgreSQL database (made with createdb).",
    )
