"""The one module that owns SQLite: connections, pragmas, migrations and write transactions.

Every mutation runs inside ``Store.write()``, which issues an explicit ``BEGIN IMMEDIATE`` (so the
write lock is taken before validation reads anything and ``busy_timeout`` is honoured) and ends with
``COMMIT`` or, on any error, an explicit ``ROLLBACK``. Python's sqlite3 is opened with
``isolation_level=None`` so it never starts deferred transactions of its own.

SQLite errors a person must see (busy, disk full, read-only, damaged file, newer schema) are turned
into ``errors.StoreError`` subclasses with a plain-language message; anything else is a bug and
propagates unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .errors import (
    CorruptDatabase,
    DatabaseBusy,
    DiskFull,
    NewerSchema,
    ReadOnlyDatabase,
    RolledBack,
    StoreError,
    UserError,
)

if TYPE_CHECKING:
    from .anchor import Rollback
    from .eventlog import LogHead

BUSY_TIMEOUT_MS = 5000
SCHEMA_FILE = Path(__file__).with_name("schema.sql")  # package data (wheel, PyInstaller)

# What Store.read() and Store.write() yield. Code outside core names the type by this alias, so
# only this module knows which database driver sits underneath.
Connection = sqlite3.Connection


def _schema_v1(conn: sqlite3.Connection) -> None:
    sql = SCHEMA_FILE.read_text("utf-8")
    for statement in _split_sql(sql):
        conn.execute(statement)


def _split_sql(sql: str) -> list[str]:
    """Split a script into statements (sqlite3.complete_statement handles triggers' inner ';')."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not current.strip():
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


# Schema v2: the event types SLOT_UNASSIGN (a void of a put-away takes an asset out of its slot)
# and ROLLBACK_ACCEPTED (someone accepted, on the record, that the database lost events this
# computer had seen: core.anchor), and an index for the events that carry a note (the
# compensating events of a void). SQLite
# cannot change a CHECK in place, so the events table is rebuilt (SQLite's documented
# "generalized ALTER TABLE" procedure): every row is copied unchanged, so the hash chain stays
# valid; the triggers and indexes that go with the old table are created again.
_EVENTS_V2 = """
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    batch_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL CHECK (event_type IN (
                    'RECEIVE', 'SLOT_ASSIGN', 'SLOT_MOVE', 'STOCK_OUT', 'STOCK_IN',
                    'HOLDER_ADD', 'HOLDER_RENAME', 'HOLDER_DEACTIVATE', 'HOLDER_REACTIVATE',
                    'CASE_CREATE', 'SLOT_UNASSIGN', 'ROLLBACK_ACCEPTED')),
    asset_id    INTEGER REFERENCES assets(id),
    holder_id   INTEGER REFERENCES holders(id),
    slot_id     INTEGER REFERENCES slots(id),
    operator    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    CHECK (asset_id IS NOT NULL OR event_type IN (
        'HOLDER_ADD', 'HOLDER_RENAME', 'HOLDER_DEACTIVATE', 'HOLDER_REACTIVATE', 'CASE_CREATE',
        'ROLLBACK_ACCEPTED')),
    CHECK (event_type NOT IN ('STOCK_OUT', 'STOCK_IN')
           OR (holder_id IS NOT NULL AND slot_id IS NOT NULL)),
    CHECK (event_type <> 'SLOT_UNASSIGN' OR slot_id IS NOT NULL)
)
"""
_EVENTS_V2_AFTER = [
    "INSERT INTO events SELECT id, batch_id, event_type, asset_id, holder_id, slot_id, operator,"
    " created_at, note, details, prev_hash, hash FROM events_v1 ORDER BY id",
    "DROP TABLE events_v1",
    "CREATE INDEX events_asset ON events (asset_id, id)",
    "CREATE INDEX events_batch ON events (batch_id)",
    "CREATE INDEX events_holder ON events (holder_id, id)",
    "CREATE INDEX events_created ON events (created_at)",
    "CREATE INDEX events_noted ON events (batch_id) WHERE note <> ''",
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n"
    "BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END",
]


def _schema_v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE events RENAME TO events_v1")
    conn.execute(_EVENTS_V2)
    for statement in _EVENTS_V2_AFTER:
        conn.execute(statement)


# Schema v3: retirement (a third location type, RETIRED, with the kind of retirement on the
# asset), event types for editing assets, retiring and reinstating them, renaming, re-badging
# and resizing cases and holders, and stocktakes (AUDIT); a case may be resized as long as no
# occupied slot falls outside it (slots outside the size that no event names are deleted;
# named ones stay as history and can hold nothing). The assets table is rebuilt to change its
# CHECK (foreign keys are off for this migration: Store.migrate), every row copied unchanged.
_ASSETS_V3 = """
CREATE TABLE assets_v3 (
    id                 INTEGER PRIMARY KEY,
    asset_tag          TEXT NOT NULL UNIQUE CHECK (length(asset_tag) > 0),
    serial             TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    location_type      TEXT NOT NULL DEFAULT 'STORAGE'
                       CHECK (location_type IN ('STORAGE', 'IN_CUSTODY', 'RETIRED')),
    current_holder_id  INTEGER REFERENCES holders(id),
    retirement         TEXT CHECK (retirement IN ('LOST', 'BROKEN', 'DISPOSED')),
    CHECK ((location_type = 'IN_CUSTODY') = (current_holder_id IS NOT NULL)),
    CHECK ((location_type = 'RETIRED') = (retirement IS NOT NULL))
)
"""
_EVENT_TYPES_V3 = (
    "'RECEIVE', 'SLOT_ASSIGN', 'SLOT_MOVE', 'STOCK_OUT', 'STOCK_IN', 'HOLDER_ADD', "
    "'HOLDER_RENAME', 'HOLDER_DEACTIVATE', 'HOLDER_REACTIVATE', 'CASE_CREATE', 'SLOT_UNASSIGN', "
    "'ROLLBACK_ACCEPTED', 'ASSET_EDIT', 'RETIRE', 'REINSTATE', 'HOLDER_REBADGE', 'CASE_RENAME', "
    "'CASE_RESIZE', 'AUDIT'"
)
_NO_ASSET_V3 = (
    "'HOLDER_ADD', 'HOLDER_RENAME', 'HOLDER_DEACTIVATE', 'HOLDER_REACTIVATE', 'CASE_CREATE', "
    "'ROLLBACK_ACCEPTED', 'HOLDER_REBADGE', 'CASE_RENAME', 'CASE_RESIZE', 'AUDIT'"
)
_EVENTS_V3 = (
    "CREATE TABLE events (\n"
    + f"""    id          INTEGER PRIMARY KEY,
    batch_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL CHECK (event_type IN ({_EVENT_TYPES_V3})),
    asset_id    INTEGER REFERENCES assets(id),
    holder_id   INTEGER REFERENCES holders(id),
    slot_id     INTEGER REFERENCES slots(id),
    operator    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{{}}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    CHECK (asset_id IS NOT NULL OR event_type IN ({_NO_ASSET_V3})),
    CHECK (event_type NOT IN ('STOCK_OUT', 'STOCK_IN')
           OR (holder_id IS NOT NULL AND slot_id IS NOT NULL)),
    CHECK (event_type <> 'SLOT_UNASSIGN' OR slot_id IS NOT NULL),
    CHECK (event_type NOT IN ('RETIRE', 'REINSTATE', 'ASSET_EDIT') OR asset_id IS NOT NULL),
    CHECK (event_type NOT IN ('HOLDER_REBADGE') OR holder_id IS NOT NULL)
)
"""
)
_V3_STATEMENTS = [
    # triggers that name assets go first (they are created again below)
    "DROP TRIGGER slots_no_custody_asset_insert",
    "DROP TRIGGER slots_no_custody_asset_update",
    "DROP TRIGGER cases_fixed_size",
    "DROP TRIGGER slots_no_delete",
    _ASSETS_V3,
    "INSERT INTO assets_v3 (id, asset_tag, serial, description, location_type,"
    " current_holder_id, retirement) SELECT id, asset_tag, serial, description, location_type,"
    " current_holder_id, NULL FROM assets ORDER BY id",
    "DROP TABLE assets",
    "ALTER TABLE assets_v3 RENAME TO assets",
    "CREATE INDEX assets_tag_nodash ON assets (replace(asset_tag, '-', ''))",
    "CREATE INDEX assets_tag_nodash_nocase ON assets (replace(asset_tag, '-', '') COLLATE NOCASE)",
    "CREATE INDEX assets_holder ON assets (current_holder_id) WHERE current_holder_id IS NOT NULL",
    "CREATE INDEX assets_serial ON assets (serial) WHERE serial <> ''",
    "CREATE TRIGGER assets_no_delete BEFORE DELETE ON assets\n"
    "BEGIN SELECT RAISE(ABORT, 'assets cannot be deleted'); END",
    "CREATE TRIGGER assets_custody_not_slotted BEFORE UPDATE OF location_type ON assets\n"
    "WHEN NEW.location_type = 'IN_CUSTODY'\n"
    " AND EXISTS (SELECT 1 FROM slots WHERE asset_id = NEW.id)\n"
    "BEGIN SELECT RAISE(ABORT, 'vacate the slot before an asset goes into custody'); END",
    "CREATE TRIGGER assets_custody_active_holder BEFORE UPDATE OF current_holder_id ON assets\n"
    "WHEN NEW.current_holder_id IS NOT NULL\n"
    " AND NEW.current_holder_id IS NOT OLD.current_holder_id\n"
    " AND (SELECT active FROM holders WHERE id = NEW.current_holder_id) = 0\n"
    "BEGIN SELECT RAISE(ABORT, 'an inactive holder cannot receive custody'); END",
    "CREATE TRIGGER assets_retired_not_slotted BEFORE UPDATE OF location_type ON assets\n"
    "WHEN NEW.location_type = 'RETIRED'\n"
    " AND EXISTS (SELECT 1 FROM slots WHERE asset_id = NEW.id)\n"
    "BEGIN SELECT RAISE(ABORT, 'vacate the slot before an asset is retired'); END",
    "CREATE TRIGGER assets_retired_back_to_storage BEFORE UPDATE OF location_type ON assets\n"
    "WHEN OLD.location_type = 'RETIRED' AND NEW.location_type = 'IN_CUSTODY'\n"
    "BEGIN SELECT RAISE(ABORT, 'a retired asset must be reinstated before custody'); END",
    "CREATE TRIGGER slots_no_custody_asset_insert BEFORE INSERT ON slots\n"
    "WHEN NEW.asset_id IS NOT NULL\n"
    " AND (SELECT location_type FROM assets WHERE id = NEW.asset_id) = 'IN_CUSTODY'\n"
    "BEGIN SELECT RAISE(ABORT, 'an asset in custody cannot be put in a slot'); END",
    "CREATE TRIGGER slots_no_custody_asset_update BEFORE UPDATE OF asset_id ON slots\n"
    "WHEN NEW.asset_id IS NOT NULL\n"
    " AND (SELECT location_type FROM assets WHERE id = NEW.asset_id) = 'IN_CUSTODY'\n"
    "BEGIN SELECT RAISE(ABORT, 'an asset in custody cannot be put in a slot'); END",
    "CREATE TRIGGER slots_no_retired_asset_insert BEFORE INSERT ON slots\n"
    "WHEN NEW.asset_id IS NOT NULL\n"
    " AND (SELECT location_type FROM assets WHERE id = NEW.asset_id) = 'RETIRED'\n"
    "BEGIN SELECT RAISE(ABORT, 'a retired asset cannot be put in a slot'); END",
    "CREATE TRIGGER slots_no_retired_asset_update BEFORE UPDATE OF asset_id ON slots\n"
    "WHEN NEW.asset_id IS NOT NULL\n"
    " AND (SELECT location_type FROM assets WHERE id = NEW.asset_id) = 'RETIRED'\n"
    "BEGIN SELECT RAISE(ABORT, 'a retired asset cannot be put in a slot'); END",
    # resizing: allowed while no occupied slot falls outside the new size
    "CREATE TRIGGER cases_resize_keeps_occupied BEFORE UPDATE OF rows, cols ON cases\n"
    "WHEN EXISTS (SELECT 1 FROM slots WHERE case_id = NEW.id AND asset_id IS NOT NULL\n"
    "             AND position > NEW.rows * NEW.cols)\n"
    "BEGIN SELECT RAISE(ABORT, 'a case cannot shrink past an occupied slot'); END",
    "CREATE TRIGGER slots_asset_inside_case BEFORE UPDATE OF asset_id ON slots\n"
    "WHEN NEW.asset_id IS NOT NULL\n"
    " AND NEW.position > (SELECT rows * cols FROM cases WHERE id = NEW.case_id)\n"
    "BEGIN SELECT RAISE(ABORT, 'slot position outside its case'); END",
    # the events table, for the new event types (rebuilt as in v2)
    "ALTER TABLE events RENAME TO events_v1",
]

# After the events table is rebuilt (a trigger naming events would follow the rename).
_V3_AFTER_EVENTS = [
    "CREATE INDEX events_slot ON events (slot_id) WHERE slot_id IS NOT NULL",
    # a slot is deleted only when its case shrank past it and no event names it
    "CREATE TRIGGER slots_no_delete BEFORE DELETE ON slots\n"
    "WHEN OLD.position <= (SELECT rows * cols FROM cases WHERE id = OLD.case_id)\n"
    " OR OLD.asset_id IS NOT NULL\n"
    " OR EXISTS (SELECT 1 FROM events WHERE slot_id = OLD.id)\n"
    "BEGIN SELECT RAISE(ABORT, 'slots cannot be deleted'); END",
]


def _schema_v3(conn: sqlite3.Connection) -> None:
    for statement in _V3_STATEMENTS:
        conn.execute(statement)
    conn.execute(_EVENTS_V3)
    for statement in _EVENTS_V2_AFTER:
        conn.execute(statement)
    for statement in _V3_AFTER_EVENTS:
        conn.execute(statement)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise StoreError(f"The schema upgrade found broken references: {problems[:5]}")


# Migrations run in order, each inside the same BEGIN IMMEDIATE; user_version records the last one.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_schema_v1, _schema_v2, _schema_v3]


def latest_version() -> int:
    return len(MIGRATIONS)


def translate_error(exc: BaseException, path: Path | str = "") -> StoreError | None:
    """Map an sqlite3 error to a message a clerk can act on; None means it is a bug."""
    if not isinstance(exc, sqlite3.Error):
        return None
    msg = str(exc).lower()
    where = f" ({path})" if path else ""
    if "locked" in msg or "busy" in msg:
        return DatabaseBusy(
            "The database is busy: another station or program is writing to it. "
            "Nothing was changed; try again in a moment."
        )
    if "full" in msg:
        return DiskFull(f"The disk holding the database is full{where}. Nothing was changed.")
    if "readonly" in msg or "read-only" in msg or "read only" in msg:
        return ReadOnlyDatabase(
            f"The database is read-only{where}: changes cannot be saved. Nothing was changed."
        )
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return CorruptDatabase(
            f"The database is damaged or is not an AssetTrack database{where}: nothing more "
            "is written to it. Restore it from a backup (assettrack-admin restore BACKUP)."
        )
    if "unable to open" in msg:
        return StoreError(f"The database cannot be opened{where}: check the path and permissions.")
    if "disk i/o" in msg:
        return StoreError(f"The disk reported an error while using the database{where}.")
    return None


@contextmanager
def user_errors(path: object = "") -> Iterator[None]:
    """Raise a database error a person must see as its ``StoreError``; a bug propagates unchanged.

    For callers outside core (the admin CLI) that must not know the driver's exception classes
    (SQLite's, or psycopg's when a PostgreSQL database is in use: ``core.pg_store``).
    """
    try:
        yield
    except sqlite3.Error as exc:
        user = translate_error(exc, str(path))
        if user is None:
            raise
        raise user from None
    except Exception as exc:
        if "assettrack_gui.core.pg_store" not in sys.modules:
            raise
        user = sys.modules["assettrack_gui.core.pg_store"].translate_error(exc, path)
        if user is None:
            raise
        raise user from None


def _anchor() -> ModuleType:
    """core.anchor, loaded at the first write or check (not for every read-only command)."""
    from . import anchor

    return anchor


def _create_private(path: Path) -> None:
    """A new, empty database file readable by its user only (custody data names people; SQLite
    gives the ``-wal`` and ``-shm`` files the same mode), in a folder made private if new."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Store:
    """An open AssetTrack database. A Store (like its connection) belongs to one thread."""

    def __init__(
        self,
        path: Path | str,
        *,
        create: bool = True,
        migrate: bool = True,
        anchored: bool = True,
    ) -> None:
        self.path = Path(path)
        # Set on the first "malformed"/corrupt error: the file is damaged and this process
        # writes nothing more to it (reads still try, so people can see what is left).
        self.damaged: str | None = None
        # The log head is recorded outside the file after every commit and compared on the
        # first write (core.anchor): a database that lost events is not written to.
        self.anchored = anchored and str(path) != ":memory:"
        self._rolled_back: Rollback | None | bool = False  # False: not checked yet
        if str(path) != ":memory:":
            if not self.path.exists():
                if not create:
                    raise UserError(
                        f"No database at {self.path}. Create one with 'assettrack-admin init'."
                    )
                _create_private(self.path)
            elif self.path.is_dir():
                raise UserError(f"{self.path} is a folder, not a database file.")
        try:
            self.conn = sqlite3.connect(
                str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) or exc from None
        try:
            self._configure()
            if migrate:
                self.migrate()
        except BaseException:
            self.conn.close()
            raise

    # -- setup -----------------------------------------------------------------------------

    def _configure(self) -> None:
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA trusted_schema = OFF")
            self.conn.execute("PRAGMA user_version").fetchone()  # fails early on a non-database
            mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal" and not self.is_foreign():
                try:
                    self.conn.execute("PRAGMA journal_mode = WAL")
                except sqlite3.OperationalError as exc:
                    # A read-only file cannot switch journal mode; reading still works.
                    if translate_error(exc) is None:
                        raise
            self.conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) or exc from None

    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def is_foreign(self) -> bool:
        """Another program's SQLite database: tables, but no AssetTrack schema version."""
        return self.user_version() == 0 and bool(
            self.conn.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchone()
        )

    def migrate(self) -> None:
        """Bring the schema up to date; refuse a database written by a newer AssetTrack."""
        current = self.user_version()
        if current < 0:
            raise StoreError(
                f"{self.path} has an unknown schema version ({current}): it was not written by "
                "AssetTrack, or it was changed by hand. Nothing was changed; restore a backup "
                "(assettrack-admin restore BACKUP) or choose another file."
            )
        if current > latest_version():
            raise NewerSchema(
                f"This database ({self.path}) was written by a newer version of AssetTrack "
                f"(schema {current}; this version knows up to {latest_version()}). "
                "Upgrade AssetTrack to open it."
            )
        if current == latest_version():
            return
        if self.is_foreign():
            raise StoreError(
                f"{self.path} is not an AssetTrack database: it already holds another program's "
                "tables. Nothing was changed; choose another file."
            )
        # A table rebuild (v3) needs foreign keys off; the pragma is a no-op inside a
        # transaction, so it is switched here and the migration checks the references itself.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.write() as conn:
                current = self.user_version()  # re-read under the write lock
                if current > latest_version():
                    raise NewerSchema(f"Schema {current} is newer than this AssetTrack.")
                for version in range(current, latest_version()):
                    MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {latest_version()}")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def write(self, *, accepting_rollback: bool = False) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (also after SQLITE_FULL/BUSY).

        Refused outright on a damaged file, and on a rolled-back one unless this is the write
        that records accepting the rollback (``core.backups.accept_rollback``). After COMMIT the
        new head is recorded as this computer's anchor."""
        if self.damaged is not None:
            raise CorruptDatabase(self.damaged)
        if (rollback := self.rollback()) is not None and not accepting_rollback:
            raise RolledBack(rollback.message)
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._user_error(exc) or exc from None
        try:
            yield conn
            head = _anchor().fast_head(conn) if self.anchored else None
            conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            user = self._user_error(exc)
            if user is not None:
                raise user from None
            raise
        if head is not None:
            self._record(head)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for multi-query reads (deferred BEGIN, never writes).

        An SQLite error a person must see (busy, damaged file, …) that happens inside the block
        comes out as a ``StoreError``; a bug stays what it is.
        """
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        try:
            conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise self._user_error(exc) or exc from None
        try:
            yield conn
        except sqlite3.Error as exc:
            user = self._user_error(exc)
            if user is not None:
                raise user from None
            raise
        finally:
            self._rollback()

    # -- the anchor (core.anchor) ----------------------------------------------------------

    def rollback(self) -> Rollback | None:
        """The rollback this database went through, if its log lost the head recorded here."""
        if self._rolled_back is False:
            self._rolled_back = None
            if self.anchored:
                try:
                    self._rolled_back = _anchor().check(self.conn, self.path)
                except sqlite3.Error as exc:
                    raise self._user_error(exc) or exc from None
        assert self._rolled_back is not True and self._rolled_back is not False
        return self._rolled_back

    def accept_head(self) -> None:
        """Record the log's current head as this computer's anchor (after a restore, or after a
        rollback was accepted on the record)."""
        self._rolled_back = None
        if self.anchored:
            self._record(_anchor().fast_head(self.conn))

    def _record(self, head: LogHead) -> None:
        with contextlib.suppress(OSError):  # the commit stands; no anchor weakens the next check
            _anchor().write_anchor(self.path, head)

    def _user_error(self, exc: BaseException) -> StoreError | None:
        """The StoreError for ``exc``; a damaged file is remembered (no more writes here)."""
        user = translate_error(exc, self.path)
        if isinstance(user, CorruptDatabase) and self.damaged is None:
            self.damaged = str(user)
        return user

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the transaction is already gone (SQLite may roll back by itself)

    # -- helpers -----------------------------------------------------------------------------

    def has_tables(self) -> bool:
        """True if the file holds any table at all (ours or another program's)."""
        return bool(
            self.conn.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").fetchone()
        )

    def data_version(self) -> int:
        """Changes whenever another connection commits to the database (PRAGMA data_version)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def check_file(self, *, quick: bool = True) -> list[str]:
        """``PRAGMA quick_check`` (or the full ``integrity_check``): the problems found, empty if
        the file is sound. A damaged file is remembered (no more writes from this process)."""
        pragma = "quick_check" if quick else "integrity_check"
        try:
            found = [str(row[0]) for row in self.conn.execute(f"PRAGMA {pragma}")]
        except sqlite3.DatabaseError as exc:
            user = self._user_error(exc)
            if not isinstance(user, CorruptDatabase):
                raise user or exc from None
            return [str(exc)]
        problems = [p for p in found if p != "ok"]
        if problems and self.damaged is None:
            self.damaged = str(translate_error(sqlite3.DatabaseError("malformed"), self.path))
        return problems

    def backup(self, dest: Path | str) -> None:
        """Online backup (works while other processes use the database), of a sound file only:
        the source passes ``quick_check`` first and the copy ``integrity_check`` after, or
        there is no backup (and no partial file)."""
        dest = Path(dest)
        if dest.exists() and dest.is_dir():
            raise UserError(f"{dest} is a folder; give a file name for the backup.")
        if dest.exists() and self.path.exists() and dest.samefile(self.path):
            # Replacing the live file under open connections would lose their locks and data.
            raise UserError(f"{dest} is the database itself; give another file for the backup.")
        if problems := self.check_file(quick=True):
            raise CorruptDatabase(
                f"No backup was made: the database is damaged ({problems[0]}). A copy of a "
                "damaged file is damaged too; restore the newest good backup instead "
                "(assettrack-admin restore BACKUP)."
            )
        try:
            from .atomic import atomic_path

            with atomic_path(dest, mode=0o600) as tmp:
                try:
                    target = sqlite3.connect(str(tmp))
                except sqlite3.Error as exc:
                    raise UserError(f"Cannot write the backup to {dest}: {exc}") from None
                try:
                    self._copy_into(target, dest)
                    target.execute("PRAGMA journal_mode = DELETE")
                    bad = [r[0] for r in target.execute("PRAGMA integrity_check") if r[0] != "ok"]
                    if bad:
                        raise CorruptDatabase(
                            f"No backup was made: the copy failed its integrity check ({bad[0]})."
                        )
                finally:
                    target.close()
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) or UserError(f"Backup failed: {exc}") from None
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFull(
                    f"The disk holding {dest.parent} is full: no backup was made (nothing "
                    "partial was left there). Free some space or choose another place."
                ) from None
            raise UserError(f"Cannot write the backup to {dest}: {exc.strerror or exc}") from None

    def _copy_into(self, target: sqlite3.Connection, dest: Path) -> None:
        """SQLite's online backup; a full *destination* is said as such (not the database)."""
        try:
            self.conn.backup(target)
        except sqlite3.OperationalError as exc:
            if "full" in str(exc).lower():
                raise DiskFull(
                    f"The disk holding {dest.parent} is full: no backup was made (nothing "
                    "partial was left there). Free some space or choose another place."
                ) from None
            raise

    @classmethod
    def open_read_only(cls, path: Path | str, *, immutable: bool = False) -> Store:
        """Open an existing file without changing it (no WAL switch, no migration, no anchor).

        ``immutable`` is for a file on read-only media (a backup on a write-protected USB
        stick), where SQLite could not even create its ``-shm`` lock file: it reads the file as
        it is and ignores any ``-wal`` beside it (backups have none)."""
        store = cls.__new__(cls)
        store.path = Path(path)
        store.damaged = None
        store.anchored = False
        store._rolled_back = None
        flag = "immutable=1" if immutable else "mode=ro"
        try:
            store.conn = sqlite3.connect(
                f"{store.path.resolve().as_uri()}?{flag}", uri=True, isolation_level=None
            )
            store.conn.execute("PRAGMA query_only = ON")
            store.conn.execute("PRAGMA user_version").fetchone()  # fails early if unreadable
        except sqlite3.Error as exc:
            raise translate_error(exc, store.path) or exc from None
        return store

    def close(self) -> None:
        self._rollback()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
