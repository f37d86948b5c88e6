"""What a command works on: the database path, the operator, and the store, engine and settings,
each opened only when a command first needs it and closed once at the end of ``main``.

The settings come from one ``SettingsOwner`` that the engine reads too, so the scanner prefix,
overdue days and the warnings about a broken settings file are the same for every part of a run.
"""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

from ..core import paths
from ..core.errors import ReadOnlyDatabase, StoreError, UsageError
from .options import PROG
from .output import warn

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from ..core import backend
    from ..core.engine import Engine
    from ..core.settings import Settings, SettingsOwner
    from ..core.store import Store


class Context:
    """Opens the database (and the engine over it) only when a command needs it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._db: str | None = getattr(args, "db", None)
        self._target: backend.Target | None = None
        self._operator: str | None = getattr(args, "operator", None)
        self._store: Store | None = None
        self._engine: Engine | None = None
        self._settings_owner: SettingsOwner | None = None

    @property
    def target(self) -> backend.Target:
        """The database --db (or $ASSETTRACK_DB) names: a file, or a PostgreSQL server's
        database. A URL that cannot be used is a usage error (exit 2)."""
        if self._target is None:
            from ..core import backend  # not for --help and usage errors

            self._target = backend.target(self._db)
        return self._target

    @property
    def on_server(self) -> bool:
        from ..core import backend

        return backend.is_server(self.target)

    @property
    def db_path(self) -> Path:
        """The database file; a usage error for commands that need one on a server database."""
        where = self.target
        if not isinstance(where, Path):
            raise UsageError(
                f"This command works on a database file; {where} is a PostgreSQL database "
                "(see README: PostgreSQL)."
            )
        return where

    @property
    def operator(self) -> str:
        """--operator, else the OS user (looked up only when something is recorded)."""
        if self._operator is None:
            from ..core.rules import default_operator

            self._operator = default_operator()
        return self._operator

    def settings_owner(self) -> SettingsOwner:
        """The one owner of the shared settings file, read once; its problems are one warning
        line each."""
        if self._settings_owner is None:
            from ..core.settings import SettingsOwner

            self._settings_owner = SettingsOwner()
            for problem in self._settings_owner.problems:
                warn(f"warning: {problem}")
        return self._settings_owner

    def settings(self) -> Settings:
        """The current settings, as the engine sees them."""
        return self.settings_owner().current

    def store(self) -> Store:
        """The existing AssetTrack database; never creates one (that is ``init``'s job)."""
        gc.enable()  # start-up is over: the command's work runs with the collector (run.main)
        if self._store is None and self.on_server:
            self._store = self._server_store()
        if self._store is None:
            from ..core.store import Store

            path = self.db_path
            if not path.exists():
                raise UsageError(
                    f"No database at {path}; run {PROG} init to create it "
                    f"(or choose another with --db PATH or {paths.DB_ENV_VAR})."
                )
            if path.is_dir():
                raise UsageError(f"{path} is a folder, not a database file.")
            try:
                store = Store(path, create=False, migrate=False)
            except StoreError as exc:
                if type(exc) not in (StoreError, ReadOnlyDatabase):
                    raise  # busy, damaged, too new: say so
                # Read-only media (an auditor's USB stick): reading still works.
                store = self._read_only(path, exc)
                self._store = store
                return store
            try:
                if store.user_version() == 0:
                    if store.has_tables():
                        raise UsageError(f"{path} is not an AssetTrack database.")
                    raise UsageError(
                        f"No AssetTrack database at {path} (the file is empty); "
                        f"run {PROG} init to create it."
                    )
                store.migrate()  # refuses a database from a newer AssetTrack
            except BaseException:
                store.close()
                raise
            self._store = store
        return self._store

    def _server_store(self) -> Store:
        from ..core.backend import ServerDatabase
        from ..core.pg_store import PgStore

        assert isinstance(self.target, ServerDatabase)
        store = PgStore(self.target, migrate=False, keeps_batch=False)
        try:
            if store.user_version() == 0:
                if store.has_tables():
                    raise UsageError(f"{self.target} is not an AssetTrack database.")
                raise UsageError(
                    f"No AssetTrack database at {self.target} (it holds no tables); "
                    f"run {PROG} init to create it."
                )
            store.migrate()  # refuses a database from a newer AssetTrack
        except BaseException:
            store.close()
            raise
        return store

    @staticmethod
    def _read_only(path: Path, why: StoreError) -> Store:
        from ..core.store import Store, latest_version

        try:
            store = Store.open_read_only(path)
        except StoreError:
            try:
                store = Store.open_read_only(path, immutable=True)
            except StoreError:
                raise why from None
        if store.user_version() != latest_version():
            store.close()
            raise UsageError(
                f"{path} can only be read (read-only disk) and is at schema version "
                f"{store.user_version()}, not {latest_version()}: copy it to a writable disk first."
            )
        return store

    def engine(self) -> Engine:
        from ..core.engine import Engine  # the engine loads when a command needs it

        if self._engine is None:
            self._engine = Engine(
                self.store(), operator=self.operator, settings=self.settings_owner()
            )
        return self._engine

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._engine = None
