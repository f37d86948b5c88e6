"""Backups of a PostgreSQL database: ``pg_dump`` in its custom format, written atomically, and
``restore`` of such a dump in place of the database.

``assettrack-admin backup FILE`` on a server database runs the ``pg_dump`` found on PATH (the
PostgreSQL client package; its version must be the server's or newer) and gives the event-log
head of what was dumped (:func:`backup`): AssetTrack opens a read-only REPEATABLE READ
transaction, exports its snapshot (``pg_export_snapshot()``), reads the head in it and runs
``pg_dump --snapshot`` on that snapshot, so the head is exactly the dump's, whatever other
stations commit meanwhile. (Reading the head back from the dump would need a scratch database
or parsing ``pg_restore``'s output; the shared snapshot needs neither.) ``assettrack-admin
restore DUMP`` puts a dump back (:func:`restore`): the counterpart of a file's restore — the
current database is dumped aside first (nothing is lost), the dump goes in with ``pg_restore``
as one transaction (others see the old database or the new one), is checked with ``verify``
(not sound: the database is put back as it was) and becomes this computer's anchor.
Automatic backups (before imports, at app start) are not made on a server: its administrator's
own backups cover it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import anchor, paths
from .atomic import atomic_path
from .backend import ServerDatabase
from .backups import new_file
from .errors import UsageError, UserError
from .eventlog import GENESIS, LogHead, log_head

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .pg_store import PgStore

NO_BACKUP = "No backup was made"
NO_RESTORE = "Nothing was restored: could not dump the current database first"

# What a dump must hold to be AssetTrack's (pg_restore --list names them "TABLE public NAME").
DUMP_TABLES = ("schema_version", "holders", "cases", "assets", "slots", "events")


def _tool(name: str, what: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise UserError(
            f"{what}: {name} was not found. Install the PostgreSQL client tools "
            "(Debian/Ubuntu: apt-get install postgresql-client) or do it on the server."
        )
    return program


def backup(store: PgStore, dest: Path, *, failed: str = NO_BACKUP) -> LogHead:
    """``pg_dump --format=custom`` of the store's database into ``dest`` (written atomically:
    nothing left there on failure); returns the event-log head of what was dumped, read in the
    snapshot pg_dump dumps (see the module docstring). ``failed`` starts the message when no
    dump could be made (:data:`NO_BACKUP`, :data:`NO_RESTORE`). The destination's rules (no
    symbolic link, no existing file, its folder exists) are the caller's: the admin CLI checks
    DEST as for a SQLite backup."""
    program = _tool("pg_dump", failed)
    if dest.is_dir():
        raise UserError(f"{dest} is a folder; give a file name for the backup.")
    with store.read():
        snapshot = str(store.conn.execute("SELECT pg_export_snapshot()").fetchone()[0])
        head = log_head(store.conn)
        with atomic_path(dest, mode=0o600) as tmp:
            done = subprocess.run(
                [
                    program, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                    "--file", str(tmp), "--dbname", store.target.uri,
                ],  # fmt: skip
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                why = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
                raise UserError(f"{failed}: pg_dump failed: {why}")
    return head


def server_backup_dir(target: ServerDatabase) -> Path:
    """Where this computer keeps the dumps it makes of a server database before replacing it
    (one folder per database address, as ``core.backups.backup_dir`` for a file)."""
    key = hashlib.sha256(target.uri.encode("utf-8")).hexdigest()[:12]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in target.name)
    return paths.data_dir() / "backups" / f"{name}-{key}"


@dataclass(frozen=True)
class ServerRestored:
    dump: Path
    kept_aside: Path  # the dump of the database as it was before
    head: LogHead  # the restored log's head
    previous: LogHead  # the head the database had before
    lost: int  # events the database had beyond the dump (0 if the dump holds them)
    ended: int  # other sessions ended (--force)


def check_dump(dump_file: Path) -> None:
    """A ``pg_dump`` custom-format file holding AssetTrack's tables, else a ``UserError``."""
    program = _tool("pg_restore", "Nothing was restored")
    if not dump_file.is_file():
        raise UsageError(f"No dump file at {dump_file}.")
    listing = subprocess.run(
        [program, "--list", str(dump_file)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        why = " ".join(listing.stderr.split()) or f"exit status {listing.returncode}"
        raise UserError(
            f"{dump_file} is not a pg_dump file (assettrack-admin backup makes them), so nothing "
            f"was restored: {why}"
        )
    missing = [t for t in DUMP_TABLES if f" TABLE DATA public {t} " not in listing.stdout]
    if missing:
        raise UserError(
            f"{dump_file} is not a dump of an AssetTrack database (no table {', '.join(missing)}), "
            "so nothing was restored."
        )


def _pg_restore(target: ServerDatabase, dump_file: Path) -> str:
    """``pg_restore --clean`` of ``dump_file`` into ``target`` as one transaction; "" when
    done, else why not (then nothing was changed)."""
    done = subprocess.run(
        [
            _tool("pg_restore", "Nothing was restored"),
            "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
            "--dbname", target.uri, str(dump_file),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return ""
    return " ".join(done.stderr.split()) or f"exit status {done.returncode}"


def restore(target: ServerDatabase, dump_file: Path | str, *, force: bool = False) -> ServerRestored:
    """Put the dump ``dump_file`` in place of the server database ``target``.

    Refused while other sessions are connected to it (counters, a psql), unless ``force``: then
    they are ended (the app connects again by itself and sees the restored database). The
    database as it was is dumped first into :func:`server_backup_dir`; ``pg_restore`` runs as
    one transaction; a restored database that ``verify`` finds unsound is put back as it was."""
    from .pg_store import PgStore, end_sessions, other_sessions
    from .verify import verify

    dump_file = Path(dump_file).expanduser()
    check_dump(dump_file)
    with PgStore(target, migrate=False, anchored=False, keeps_batch=False) as store:
        others = other_sessions(store)
        if others and not force:
            raise UserError(
                f"{len(others)} other session(s) are connected to {target.name} (counters, a "
                "psql…), so nothing was restored. Close them, or add --force to end them (the "
                "app connects again by itself and then shows the restored database)."
            )
        previous = anchor.fast_head(store.conn) if store.user_version() else LogHead(0, GENESIS)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        folder = server_backup_dir(target)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        aside = new_file(folder, f"before-restore-{stamp}", ".dump")  # never over a dump
        try:
            backup(store, aside, failed=NO_RESTORE)
        except BaseException:
            aside.unlink(missing_ok=True)
            raise
        if others:
            end_sessions(store, others)
    why = _pg_restore(target, dump_file)
    if why:
        raise UserError(
            f"pg_restore failed, so nothing was changed (it runs as one transaction): {why}. "
            f"The database as it was is also dumped in {aside}."
        )
    with PgStore(target, migrate=False, anchored=False, keeps_batch=False) as store:
        problems = [p for p in verify(store).problems if not p.startswith("rolled back:")]
        head = anchor.fast_head(store.conn)
        holds = previous.count == 0 or anchor.contains(store.conn, previous.count, previous.head_hash)
    if problems:
        back = _pg_restore(target, aside)
        again = (
            f"the database was put back as it was (from {aside})"
            if not back
            else f"putting the database back failed too ({back}): restore {aside} by hand"
        )
        raise UserError(
            f"{dump_file} is not a sound AssetTrack backup ({'; '.join(problems[:3])}); {again}."
        )
    anchor.write_anchor(target, head)
    lost = 0 if holds else max(previous.count - head.count, 0)
    return ServerRestored(dump_file, aside, head, previous, lost, len(others))
