"""The PostgreSQL store: the same interface as ``core.store.Store``, over psycopg 3.

Loaded only when a ``postgresql://`` database is named (``core.backend.open_store``). What the
engine gets from ``read()`` and ``write()`` is a ``PgConnection``: it answers the calls the core
makes of an ``sqlite3.Connection`` (``execute(sql, params)`` returning a cursor with
``fetchone``/``fetchall``/iteration and ``lastrowid``, ``executemany``, ``in_transaction``), with
rows as tuples, after ``core.dialect.for_postgres`` has rewritten the statement. So the query
modules keep one set of SQL.

Writes: ``BEGIN ISOLATION LEVEL REPEATABLE READ`` then ``LOCK TABLE events IN SHARE ROW
EXCLUSIVE MODE`` before anything is read — the counterpart of SQLite's ``BEGIN IMMEDIATE``: one
writer at a time (every write appends to the one hash chain, so writers conflict anyway),
readers never blocked, and the snapshot the validation reads is taken after the lock, so no
other station's commit can slip in between validation and apply. A writer waits at most
``lock_timeout`` (5 s, SQLite's ``busy_timeout``) and is then refused in words. The commit
sends ``NOTIFY assettrack`` so other stations' ``data_version()`` moves. Why not SERIALIZABLE
with retries: see docs/architecture.md.

Errors a person must see come out as the same ``StoreError`` subclasses as on SQLite, plus
``ServerUnavailable`` when the server went away; anything else is a bug and propagates.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import errors as pgerr
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus

from . import dialect
from .backend import PASSWORD_HELP, ServerDatabase
from .errors import (
    CorruptDatabase,
    DatabaseBusy,
    DiskFull,
    NewerSchema,
    ReadOnlyDatabase,
    RolledBack,
    ServerUnavailable,
    StoreError,
)
from .store import Store

if TYPE_CHECKING:
    from .anchor import Rollback
    from .eventlog import LogHead

SCHEMA_FILE = Path(__file__).with_name("schema_pg.sql")  # package data, like schema.sql
SCHEMA_VERSION = 3  # the version schema_pg.sql creates (store.latest_version() today)
LOCK_TIMEOUT_MS = 5000  # as SQLite's busy_timeout
CONNECT_TIMEOUT_S = 10
# How long data_version() listens for notifications: long enough to read the socket, so a line
# the server closed is noticed by the poll (with 0 psycopg does not read it), short for the GUI.
NOTIFY_WAIT_S = 0.001
# With a watcher reconnecting in the background (the app's status bar): after a failed attempt,
# reads and commits are refused at once for this long instead of each waiting for the server.
RETRY_AFTER_S = 2.0
STREAM_ROWS = 2000  # rows per FETCH of a report's server-side cursor (PgConnection.stream)
CHANNEL = "assettrack"  # NOTIFY on every commit; data_version() counts the others'
# pg_advisory_xact_lock key for schema creation (no table to lock yet): "AssetTrk" in ASCII
MIGRATION_LOCK = 0x4173736574547266

# What to do after the server went away: the caller's context chooses (``PgStore(keeps_batch=)``).
# The app keeps the batch on screen; a command of the admin CLI has nothing kept, it is re-run.
KEEP_BATCH = "your batch is kept — commit again when the server is back."
RUN_AGAIN = "run the command again when the server is back."
SERVER_GONE = "The database server went away ({why}). Nothing was changed; {advice}"
UNREACHABLE = "The database server at {target} cannot be reached. Nothing was changed; {advice}"
# A commit whose answer was lost and whose head is not found yet (the server may have it).
SAVE_UNKNOWN_BATCH = (
    "Whether the batch was saved is not known yet; it is kept. When the server is back, commit "
    "it again: what was saved is refused as already done."
)
SAVE_UNKNOWN_COMMAND = (
    "Whether the change was saved is not known yet. When the server is back, check with "
    "'assettrack-admin show' or 'verify' before running the command again."
)


class _NumberLoader(Loader):
    """``numeric`` (sum of bigints, …) as int when whole, else float: what SQLite returns."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        return float(text)


def _connect(target: ServerDatabase) -> psycopg.Connection[Any]:
    try:
        conn = psycopg.connect(
            target.uri,
            autocommit=True,  # transactions are explicit, as the SQLite store's
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="assettrack",
            options=f"-c lock_timeout={LOCK_TIMEOUT_MS}",
        )
    except psycopg.Error as exc:
        raise _connect_error(exc, target) from None
    conn.adapters.register_loader("numeric", _NumberLoader)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def sentence(text: str) -> str:
    """libpq's or the server's words as one sentence: one line, ending with its own stop."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


# The server's startup refusals carry no SQLSTATE in libpq's error, only its words.
_NO_ROLE = re.compile(r'\brole "(?P<name>[^"]*)" does not exist')
_NO_DATABASE = re.compile(r'\bdatabase "(?P<name>[^"]*)" does not exist')


def _connect_error(exc: psycopg.Error, target: ServerDatabase) -> StoreError:
    text = sentence(str(exc))
    if "password" in text.lower() or "authentication" in text.lower():
        return StoreError(f"The database server at {target} refused the login: {text} {PASSWORD_HELP}")
    if found := _NO_ROLE.search(text):
        return StoreError(
            f"The database server at {target} has no user (login role) {found['name']}: {text} "
            "Nothing was changed. Give an existing user in the address "
            "(postgresql://USER@host/dbname), or ask the server's administrator to create this "
            f"one (createuser {found['name']}) and let it use the database."
        )
    if found := _NO_DATABASE.search(text):
        return StoreError(
            f"The database server at {target} has no such database ({text.rstrip('.')}). "
            f"Nothing was changed. Ask its administrator to create it (createdb {found['name']}), "
            "then run 'assettrack-admin init'."
        )
    return ServerUnavailable(
        f"Cannot reach the database server at {target}: {text} Nothing was changed; check that "
        "the server is running and the address is right."
    )


def _gone(exc: BaseException, conn: psycopg.Connection[Any] | None) -> bool:
    """True when the error means the connection to the server is lost."""
    if isinstance(
        exc,
        pgerr.AdminShutdown | pgerr.CrashShutdown | pgerr.CannotConnectNow | pgerr.ConnectionException,
    ):
        return True
    if conn is not None and conn.closed:
        return True
    return isinstance(exc, psycopg.OperationalError) and getattr(exc, "sqlstate", None) is None


def translate_error(
    exc: BaseException,
    target: object = "",
    conn: Any = None,
    *,
    advice: str = KEEP_BATCH,
    writing: bool = True,
) -> StoreError | None:
    """A psycopg error as a message a clerk can act on; None means it is a bug. ``advice``:
    what to do once the server is back (:data:`KEEP_BATCH` in the app, :data:`RUN_AGAIN` on the
    command line); ``writing``: whether a change was being made (else a read was refused)."""
    if isinstance(exc, StoreError):
        return exc
    if not isinstance(exc, psycopg.Error):
        return None
    where = f" ({target})" if target else ""
    if _gone(exc, conn):
        why = " ".join(str(exc).split()) or "the connection was closed"
        return ServerUnavailable(SERVER_GONE.format(why=why, advice=advice))
    if isinstance(
        exc, pgerr.LockNotAvailable | pgerr.SerializationFailure | pgerr.DeadlockDetected
    ):
        return DatabaseBusy(
            "The database is busy: another station is writing to it. "
            "Nothing was changed; try again in a moment."
        )
    if isinstance(exc, pgerr.DiskFull | pgerr.OutOfMemory):
        return DiskFull(f"The database server's disk is full{where}. Nothing was changed.")
    if isinstance(exc, pgerr.InsufficientPrivilege) and not writing:
        return ReadOnlyDatabase(
            f"The database server refused access{where}: {sentence(str(exc))} Nothing was read "
            "or changed; ask its administrator to let this user read AssetTrack's tables "
            "(GRANT SELECT)."
        )
    if isinstance(exc, pgerr.ReadOnlySqlTransaction | pgerr.InsufficientPrivilege):
        return ReadOnlyDatabase(
            f"The database server refused the change{where}: {sentence(str(exc))} "
            "Nothing was changed."
        )
    if isinstance(exc, pgerr.DataCorrupted | pgerr.IndexCorrupted):
        return CorruptDatabase(
            f"The database server reports damaged data{where}: {exc}. Ask its administrator to "
            "restore it from a backup."
        )
    return None


class _PipelineExitNoise(logging.Filter):
    """Drops psycopg's warning "error ignored terminating <Pipeline …>": ``executemany`` runs
    in a pipeline, and when the server goes away mid-batch psycopg cannot end it cleanly; it
    logs that second failure and raises the first, which the caller turns into words."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("error ignored terminating", "error ignored exiting"))


@contextmanager
def _quiet_pipeline_exit() -> Iterator[None]:
    logger = logging.getLogger("psycopg")
    noise = _PipelineExitNoise()
    logger.addFilter(noise)
    try:
        yield
    finally:
        logger.removeFilter(noise)


class PgCursor:
    """The part of ``sqlite3.Cursor`` the core uses."""

    def __init__(self, cur: psycopg.Cursor[Any], lastrowid: int | None = None) -> None:
        self._cur = cur
        self.lastrowid = lastrowid

    @property
    def description(self) -> Any:
        return self._cur.description

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cur.fetchone() if self._cur.description is not None else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cur.fetchall() if self._cur.description is not None else []

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        return self._cur.fetchmany(size) if self._cur.description is not None else []

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if self._cur.description is None:
            return iter(())
        return iter(self._cur)


class PgConnection:
    """What ``PgStore.read()``/``write()`` yield: the calls the core makes of a connection."""

    def __init__(self, store: PgStore) -> None:
        self._store = store

    @property
    def raw(self) -> psycopg.Connection[Any]:
        return self._store.raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        text, with_id = dialect.for_postgres(sql, True)
        try:
            cur = self.raw.execute(text, params)
        except psycopg.Error as exc:
            raise self._store.user_error(exc) or exc from None
        return PgCursor(cur, cur.fetchone()[0] if with_id else None)  # type: ignore[index]

    def stream(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of a long SELECT through a server-side cursor, ``STREAM_ROWS`` at a time
        (``core.dialect.stream``). It needs the surrounding transaction (every report runs in
        ``read()``); outside one, the rows come as ``execute`` gives them. Other statements may
        run on this connection while the rows are being read."""
        if not self.in_transaction:
            yield from self.execute(sql, params)
            return
        text, _ = dialect.for_postgres(sql, False)
        self._store._cursors += 1
        cur = self.raw.cursor(name=f"assettrack_rows_{self._store._cursors}")
        cur.itersize = STREAM_ROWS
        try:
            cur.execute(text, params)
            yield from cur
        except psycopg.Error as exc:
            raise self._store.user_error(exc) or exc from None
        finally:
            with contextlib.suppress(psycopg.Error):
                cur.close()

    def executemany(self, sql: str, rows: Any) -> PgCursor:
        text, _ = dialect.for_postgres(sql, False)
        try:
            with self.raw.cursor() as cur, _quiet_pipeline_exit():
                cur.executemany(text, list(rows))
        except psycopg.Error as exc:
            raise self._store.user_error(exc) or exc from None
        return PgCursor(cur)


class PgStore(Store):
    """An open AssetTrack database on a PostgreSQL server. Belongs to one thread, as ``Store``.

    A ``Store`` to its callers (the engine, reports, verify take either); every method that
    touches the database is its own. What ``read()``/``write()`` yield is a ``PgConnection``,
    typed as the SQLite connection it stands in for."""

    backend = "postgresql"

    def __init__(
        self,
        target: ServerDatabase,
        *,
        create: bool = True,
        migrate: bool = True,
        anchored: bool = True,
        keeps_batch: bool = True,
    ) -> None:
        """``keeps_batch``: the caller keeps a failed batch to commit again (the app); False for
        a command that is simply run again (the admin CLI). It chooses the words said when the
        server goes away."""
        # ``path`` is what the rest of the program shows and keys things by (anchor, titles).
        self.path = target  # type: ignore[assignment]
        self.target = target
        self.damaged: str | None = None  # the server guards its pages; kept for the interface
        self.anchored = anchored
        self.keeps_batch = keeps_batch
        self._writing = False  # inside write(): a refused statement was a change, not a read
        self._rolled_back: Rollback | None | bool = False
        self._changes = 0
        self._cursors = 0  # names of server-side cursors (PgConnection.stream)
        # Set by a watcher that reconnects off the GUI thread (qt/server_status.py): then a
        # transaction does not wait for a server that just failed to answer (RETRY_AFTER_S).
        self.background_reconnect = False
        self._failed_at: float | None = None
        self.raw = _connect(target)
        self.pg = PgConnection(self)
        self.conn = self.pg  # type: ignore[assignment]
        try:
            if migrate:
                self.migrate()
        except BaseException:
            self.raw.close()
            raise

    # -- connection ----------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return not self.raw.closed

    def reconnect(self) -> bool:
        """Connect again after the server went away; True once connected."""
        if not self.raw.closed:
            return True
        try:
            conn = _connect(self.target)
        except StoreError:
            self.connection_failed()
            return False
        return self.adopt(conn)

    def new_connection(self) -> psycopg.Connection[Any]:
        """A new connection to this store's server, not yet in use: safe to call from another
        thread (it reads only the address), handed over with :meth:`adopt` on the store's own
        thread. A ``StoreError`` (``ServerUnavailable``…) when the server cannot be reached."""
        return _connect(self.target)

    def adopt(self, conn: psycopg.Connection[Any]) -> bool:
        """Use ``conn`` (from :meth:`new_connection`) if this store lost its own; the store's
        changes counter moves, so a poller re-reads what happened meanwhile. False (and
        ``conn`` closed) if the store had meanwhile connected again by itself."""
        if not self.raw.closed:
            conn.close()
            return False
        self.raw = conn
        self._failed_at = None
        self._changes += 1  # whatever happened meanwhile: the caller re-reads
        return True

    def connection_failed(self) -> None:
        """An attempt to reach the server failed just now (here or in a watcher's thread)."""
        self._failed_at = time.monotonic()

    def _ensure_connected(self) -> None:
        if not self.raw.closed:
            return
        recently = self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_AFTER_S
        if not (self.background_reconnect and recently) and self.reconnect():
            return
        raise ServerUnavailable(UNREACHABLE.format(target=self.target, advice=self.advice))

    @property
    def advice(self) -> str:
        """What to do once the server is back, as the caller's context has it."""
        return KEEP_BATCH if self.keeps_batch else RUN_AGAIN

    def user_error(self, exc: BaseException) -> StoreError | None:
        return translate_error(
            exc, self.target, self.raw, advice=self.advice, writing=self._writing
        )

    # -- schema --------------------------------------------------------------------------------

    def user_version(self) -> int:
        """The schema version recorded in ``schema_version`` (0: no AssetTrack schema)."""
        self._ensure_connected()
        try:
            if self.raw.execute("SELECT to_regclass('schema_version')").fetchone() == (None,):
                return 0
            row = self.raw.execute("SELECT version FROM schema_version").fetchone()
        except psycopg.Error as exc:
            raise self.user_error(exc) or exc from None
        return int(row[0]) if row else 0

    def has_tables(self) -> bool:
        """True if the database's schema holds any table at all (ours or another program's)."""
        return bool(
            self.raw.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() LIMIT 1"
            ).fetchone()
        )

    def is_foreign(self) -> bool:
        return self.user_version() == 0 and self.has_tables()

    def migrate(self) -> None:
        """Create the schema on an empty database; refuse one from a newer AssetTrack."""
        current = self.user_version()
        if current > SCHEMA_VERSION:
            raise NewerSchema(
                f"This database ({self.target}) was written by a newer version of AssetTrack "
                f"(schema {current}; this version knows up to {SCHEMA_VERSION}). "
                "Upgrade AssetTrack to open it."
            )
        if current == SCHEMA_VERSION:
            return
        if self.is_foreign():
            raise StoreError(
                f"{self.target} is not an AssetTrack database: it already holds another "
                "program's tables. Nothing was changed; choose another database."
            )
        if current != 0:
            raise StoreError(
                f"{self.target} has schema version {current}, which AssetTrack never wrote on "
                "PostgreSQL (its first version there is 3). Nothing was changed."
            )
        raw = self.raw
        try:
            raw.execute("BEGIN")
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            if raw.execute("SELECT to_regclass('schema_version')").fetchone() == (None,):
                raw.execute(SCHEMA_FILE.read_text("utf-8").encode("utf-8"))
                raw.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
            raw.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            user = self.user_error(exc)
            if user is not None:
                raise user from None
            if isinstance(exc, psycopg.errors.FeatureNotSupported | psycopg.errors.UndefinedObject):
                raise StoreError(
                    f"The PostgreSQL server cannot hold AssetTrack's schema: {exc}. AssetTrack "
                    "needs PostgreSQL 13 or newer built with ICU (the Debian and Ubuntu "
                    "packages are)."
                ) from None
            raise

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def write(  # type: ignore[override]
        self, *, accepting_rollback: bool = False
    ) -> Iterator[PgConnection]:
        """One transaction per batch, one writer at a time (see the module docstring); COMMIT,
        or ROLLBACK on any error. Refused on a rolled-back log, as on SQLite (checked inside
        the transaction: its first statement, BEGIN, is where a connection the server dropped
        since the last command is made again)."""
        self._writing = True  # the lock itself needs a write privilege: a refusal is a change's
        try:
            self._begin(
                "BEGIN ISOLATION LEVEL REPEATABLE READ; LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"
            )
        except BaseException:
            self._writing = False
            raise
        raw = self.raw
        committing = False
        head: LogHead | None = None
        try:
            if (rollback := self.rollback()) is not None and not accepting_rollback:
                raise RolledBack(rollback.message)
            yield self.pg
            head = _anchor().fast_head(self.conn)
            raw.execute(f"NOTIFY {CHANNEL}")
            committing = True
            raw.execute("COMMIT")
        except BaseException as exc:
            if committing and head is not None and _gone(exc, raw) and self._committed(head):
                pass  # the server committed; only its answer was lost
            else:
                self._rollback()
                user = self.user_error(exc)
                if user is not None:
                    if committing and isinstance(user, ServerUnavailable) and raw.closed:
                        unknown = SAVE_UNKNOWN_BATCH if self.keeps_batch else SAVE_UNKNOWN_COMMAND
                        user = ServerUnavailable(
                            f"The database server went away while saving ({sentence(str(exc))}) "
                            f"{unknown}"
                        )
                    raise user from None
                raise
        finally:
            self._writing = False
        if head is not None and self.anchored:
            self._record(head)

    def _begin(self, sql: str) -> None:
        """Start a transaction; a connection found dead here (the server restarted since the
        last command) is made again once, as nothing has been done on it yet."""
        for attempt in (1, 2):
            self._ensure_connected()
            try:
                self.raw.execute(sql)
                return
            except psycopg.Error as exc:
                self._rollback()
                if attempt == 1 and _gone(exc, self.raw):
                    self.raw.close()
                    continue
                raise self.user_error(exc) or exc from None

    def _committed(self, head: LogHead) -> bool:
        """After a lost answer to COMMIT: reconnect and look for the head that was committed."""
        if not self.reconnect():
            return False
        try:
            return _anchor().contains(self.conn, head.count, head.head_hash)
        except StoreError:
            return False

    @contextmanager
    def read(self) -> Iterator[PgConnection]:  # type: ignore[override]
        """A consistent snapshot for multi-query reads (REPEATABLE READ, READ ONLY)."""
        if self.pg.in_transaction:
            yield self.pg
            return
        self._begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield self.pg
        except psycopg.Error as exc:
            user = self.user_error(exc)
            if user is not None:
                raise user from None
            raise
        finally:
            self._rollback()

    def _rollback(self) -> None:
        with contextlib.suppress(psycopg.Error):
            if not self.raw.closed and self.pg.in_transaction:
                self.raw.execute("ROLLBACK")

    # -- the anchor (core.anchor), as on SQLite ------------------------------------------------

    def rollback(self) -> Rollback | None:
        if self._rolled_back is False:
            self._rolled_back = None
            if self.anchored:
                self._rolled_back = _anchor().check(self.conn, self.target)
        assert self._rolled_back is not True and self._rolled_back is not False
        return self._rolled_back

    def accept_head(self) -> None:
        self._rolled_back = None
        if self.anchored:
            self._record(_anchor().fast_head(self.conn))

    def _record(self, head: LogHead) -> None:
        with contextlib.suppress(OSError):
            _anchor().write_anchor(self.target, head)

    # -- change notification -------------------------------------------------------------------

    def data_version(self) -> int:
        """Moves whenever another connection committed (``NOTIFY assettrack`` in each commit),
        or the connection was made again; polled by the app like SQLite's data_version.

        Listening reads the socket, so a connection the server closed is noticed here (then
        ``connected`` is False). Connecting again is left to the next transaction, or to a
        watcher off the GUI thread (``background_reconnect``): a poll must never wait for a
        server that is gone."""
        if self.raw.closed or self.pg.in_transaction:
            return self._changes
        mine = self.raw.info.backend_pid
        try:
            for note in self.raw.notifies(timeout=NOTIFY_WAIT_S):
                if note.pid != mine:
                    self._changes += 1
        except psycopg.Error as exc:
            if not _gone(exc, self.raw):
                raise
            with contextlib.suppress(psycopg.Error):
                self.raw.close()
        return self._changes

    # -- checks and backups --------------------------------------------------------------------

    def check_file(self, *, quick: bool = True) -> list[str]:
        """Nothing to check from here: the server guards its own pages (page checksums,
        ``amcheck`` are its administrator's tools). ``verify`` checks the content."""
        return []

    def backup(self, dest: Path | str) -> None:
        """``pg_dump`` into ``dest`` (``core.pg_backup.backup``, which also gives the head)."""
        from .pg_backup import backup

        backup(self, Path(dest))

    def close(self) -> None:
        if not self.raw.closed:
            self._rollback()
            self.raw.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- verify's schema check ------------------------------------------------------------------------

_CREATE = re.compile(
    r"^CREATE (?:UNIQUE )?(?P<kind>TABLE|INDEX|TRIGGER|FUNCTION|COLLATION) (?P<name>\w+)"
    r"(?P<rest>.*?);\s*$",
    re.S | re.M,
)

_FUNCTION = re.compile(r"^CREATE FUNCTION (\w+)\(.*?\$\$(.*?)\$\$;", re.S | re.M)


def _squash(text: str) -> str:
    return " ".join(text.replace("(", " ( ").replace(")", " ) ").replace('"', "").split()).lower()


def expected_objects() -> dict[tuple[str, str], str]:
    """(kind, name) -> definition, as ``schema_pg.sql`` creates them: a trigger's is its
    ``CREATE TRIGGER`` (keyed by "name on table"), a function's its body."""
    objects: dict[tuple[str, str], str] = {}
    text = SCHEMA_FILE.read_text("utf-8")
    for found in _FUNCTION.finditer(text):
        objects["function", found[1]] = _squash(found[2])
    for found in _CREATE.finditer(_FUNCTION.sub("", text)):
        kind, name, rest = found["kind"].lower(), found["name"], found["rest"]
        if kind == "trigger":
            table = re.search(r"\bON (\w+)", rest)
            assert table is not None
            objects[kind, f"{name} on {table[1]}"] = _squash(f"CREATE TRIGGER {name}{rest}")
        else:
            objects[kind, name] = ""
    return objects


_ACTUAL_SQL = """
SELECT 'table', tablename, '' FROM pg_tables WHERE schemaname = current_schema()
UNION ALL
SELECT 'index', i.indexname, '' FROM pg_indexes i
 WHERE i.schemaname = current_schema()
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
UNION ALL
SELECT 'trigger', t.tgname || ' on ' || c.relname,
       CASE WHEN t.tgenabled = 'D' THEN 'disabled' ELSE pg_get_triggerdef(t.oid) END
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'function', p.proname, p.prosrc FROM pg_proc p
 WHERE p.pronamespace = current_schema()::regnamespace
UNION ALL
SELECT 'collation', collname, '' FROM pg_collation
 WHERE collnamespace = current_schema()::regnamespace
"""


def check_schema(conn: PgConnection, report: Any) -> None:
    """verify's schema stage on PostgreSQL: AssetTrack's tables, indexes, functions and
    triggers, each trigger enabled and each function's body as AssetTrack wrote it (a disabled
    or rewritten append-only trigger would leave the log unprotected), and nothing added."""
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    if row is None or row[0] != SCHEMA_VERSION:
        report.problems.append(
            f"schema: version {row[0] if row else None}, expected {SCHEMA_VERSION}"
        )
        return
    schema = str(conn.execute("SELECT current_schema()").fetchone()[0])  # type: ignore[index]
    expected = expected_objects()
    actual: dict[tuple[str, str], str] = {}
    for kind, name, definition in conn.execute(_ACTUAL_SQL):
        if kind == "trigger" and definition != "disabled":
            definition = _squash(definition.replace(f"{schema}.", ""))
        elif kind == "function":
            definition = _squash(definition)
        actual[kind, name] = definition
    for kind, name in sorted(expected.keys() - actual.keys()):
        report.problems.append(f"schema: {kind} {name} is missing")
    for kind, name in sorted(expected.keys() & actual.keys()):
        if actual[kind, name] == "disabled":
            report.problems.append(f"schema: trigger {name} is disabled")
        elif expected[kind, name] != actual[kind, name]:
            report.problems.append(f"schema: {kind} {name} differs from AssetTrack's definition")
    for kind, name in sorted(actual.keys() - expected.keys()):
        if kind in ("trigger", "table", "function"):
            report.problems.append(f"schema: unexpected {kind} {name}")


# AssetTrack's foreign keys (child table, column, parent table), as schema_pg.sql declares them.
FOREIGN_KEYS = (
    ("assets", "current_holder_id", "holders"),
    ("slots", "case_id", "cases"),
    ("slots", "asset_id", "assets"),
    ("events", "asset_id", "assets"),
    ("events", "holder_id", "holders"),
    ("events", "slot_id", "slots"),
)

_FOREIGN_KEY_DECLARED_SQL = """
SELECT 1 FROM pg_constraint k
  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
 WHERE k.contype = 'f' AND k.convalidated AND cardinality(k.conkey) = 1
   AND k.conrelid = to_regclass(?) AND a.attname = ? AND k.confrelid = to_regclass(?)
"""


def check_foreign_keys(conn: PgConnection, report: Any) -> None:
    """verify's foreign-key stage on PostgreSQL (SQLite's ``PRAGMA foreign_key_check``): each of
    AssetTrack's foreign keys is declared, and no row points to a missing row. A superuser's
    session with ``session_replication_role = replica`` skips the checks without changing the
    schema, so the rows themselves are read."""
    for child, column, parent in FOREIGN_KEYS:
        if conn.execute(_FOREIGN_KEY_DECLARED_SQL, (child, column, parent)).fetchone() is None:
            report.problems.append(
                f"schema: foreign key {child}.{column} → {parent} is missing or not validated"
            )
        dangling = conn.execute(
            f"SELECT c.id FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} p WHERE p.id = c.{column}) ORDER BY c.id"
        )
        for (row_id,) in dangling:
            report.problems.append(
                f"foreign key: {child} row {row_id} points to a missing {parent} row"
            )


# -- restore: the other sessions on the database ---------------------------------------------------


def other_sessions(store: PgStore) -> list[int]:
    """Process ids of the other client sessions connected to the store's database."""
    rows = store.raw.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY pid"
    ).fetchall()
    return [int(pid) for (pid,) in rows]


def end_sessions(store: PgStore, pids: list[int]) -> None:
    """End those sessions (``pg_terminate_backend``); a ``StoreError`` in words when this user
    may not (a superuser, the same role or ``pg_signal_backend`` may)."""
    for pid in pids:
        try:
            store.raw.execute("SELECT pg_terminate_backend(%s)", (pid,))
        except psycopg.Error as exc:
            raise StoreError(
                f"Nothing was restored: the other sessions could not be ended ({' '.join(str(exc).split())}). "
                "Close them (the counters' AssetTrack, psql), or restore as the database's "
                "administrator."
            ) from None


def _anchor() -> Any:
    from . import anchor

    return anchor


def server_pid(store: PgStore) -> int:
    """This store's backend process id on the server (tests end it to simulate a lost line)."""
    return int(store.raw.info.backend_pid)


