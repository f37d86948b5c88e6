"""Automatic backups and restoring one: the way back from a damaged or rolled-back database.

Automatic backups go to the platform data dir (``backups/<database>-<key>/``), at most one a day
at app start plus one before each import and each ``accept-rollback``; the newest ``backups_keep``
(a setting, default 14) are kept. Each is an online copy of a sound file (``Store.backup``
refuses a damaged source and checks the copy) with its event-log head written beside it, the
head an auditor can hold the live log against (``verify --expect``). No backup is ever written
over another: every file a backup or a restore puts aside gets a name of its own from
:func:`new_file` (the second one within a second is ``…-2``), created exclusively, so two
processes never share one.

``restore`` never deletes anything: the current file is first copied aside, then the backup is
copied *into* the live database through SQLite's backup API (under SQLite's own locks, so no
other process writes half-way), and the anchor is moved to the restored head.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import anchor, paths
from .anchor import Rollback, contains, fast_head
from .atomic import atomic_write_text
from .enums import EventType
from .errors import CorruptDatabase, UsageError, UserError
from .eventlog import EventBatch, LogHead, log_head
from .store import Store

SIDECAR_SUFFIX = ".loghead.txt"


@dataclass(frozen=True)
class Backup:
    path: Path
    head: LogHead


def backup_dir(db_path: Path | str) -> Path:
    """Where a database's automatic backups go (one folder per database)."""
    import hashlib

    resolved = Path(db_path).expanduser().resolve()
    key = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:12]
    return paths.data_dir() / "backups" / f"{resolved.stem}-{key}"


def new_file(folder: Path, stem: str, suffix: str = "") -> Path:
    """A file no one else has: ``folder/stem+suffix``, else ``stem-2+suffix``, ``-3``… Created
    empty and exclusively (``O_EXCL``), so two processes naming a backup in the same second
    never pick the same name and nothing is written over an earlier backup. The counter goes on
    from the highest one there (not into a gap pruning left), so a later file never sorts as
    older. The caller fills it (an atomic rename over it) or deletes it if it cannot."""
    taken = re.compile(re.escape(stem) + r"(?:-(\d+))?" + re.escape(suffix))
    n = 1
    for existing in folder.iterdir():
        if found := taken.fullmatch(existing.name):
            n = max(n, int(found[1] or 1) + 1)
    while True:
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            n += 1
            continue
        os.close(fd)
        return path


# backup-20261130-114757-import.db, …-import-2.db: the time, then new_file's counter.
_AUTOMATIC = re.compile(r"backup-(\d{8}-\d{6})-.*?(?:-(\d+))?\.db")


def _age(path: Path) -> tuple[str, int, int, str]:
    """Sort key: the time in the name, then the counter (``-2`` came after the plain name),
    then, for two reasons in one second, the file's own time."""
    found = _AUTOMATIC.fullmatch(path.name)
    try:
        written = path.stat().st_mtime_ns
    except OSError:  # pruned by another process meanwhile
        written = 0
    if found is None:
        return ("", 0, written, path.name)
    return (found[1], int(found[2] or 1), written, path.name)


def write_backup(store: Store, dest: Path) -> Backup:
    """A checked copy of ``store`` at ``dest`` with its head in ``dest`` + ``.loghead.txt``."""
    store.backup(dest)
    with Store.open_read_only(dest) as copy:
        head = log_head(copy.conn)
    atomic_write_text(
        dest.with_name(dest.name + SIDECAR_SUFFIX),
        f"file: {dest.name}\n{head}\n",
        mode=0o600,
    )
    return Backup(dest, head)


def automatic_backups(db_path: Path | str) -> list[Path]:
    """The automatic backups of one database, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("backup-*.db"), key=_age, reverse=True)


def auto_backup(store: Store, reason: str, keep: int, *, daily: bool = False) -> Backup | None:
    """Make an automatic backup before ``reason`` ("start", "import", "accept-rollback"); with
    ``daily``, only if none was made today. Keeps the newest ``keep``. Returns the new backup.
    None on a PostgreSQL server, whose backups are its administrator's (core.pg_backup)."""
    if getattr(store, "backend", "sqlite") == "postgresql":
        return None
    folder = backup_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = datetime.now(UTC)
    today = f"backup-{now:%Y%m%d}"
    if daily and any(p.name.startswith(today) for p in automatic_backups(store.path)):
        return None
    dest = new_file(folder, f"backup-{now:%Y%m%d-%H%M%S}-{reason}", ".db")
    try:
        made = write_backup(store, dest)
    except BaseException:
        dest.unlink(missing_ok=True)  # the empty name new_file reserved
        raise
    for old in automatic_backups(store.path)[max(1, keep) :]:
        old.unlink(missing_ok=True)
        old.with_name(old.name + SIDECAR_SUFFIX).unlink(missing_ok=True)
    return made


@dataclass(frozen=True)
class Restored:
    backup: Path
    kept_aside: Path
    head: LogHead  # the restored log's head
    previous: LogHead  # the head the database had before
    lost: int  # events the previous file had beyond the backup (0 if the backup holds them)


def restore(db_path: Path | str, backup: Path | str) -> Restored:
    """Put ``backup`` in place of the database at ``db_path``; keep the current file aside."""
    from .verify import verify  # loaded only for a restore

    db_path, backup = Path(db_path), Path(backup).expanduser()
    if not backup.is_file():
        raise UsageError(f"No backup file at {backup}.")
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise UsageError(f"{backup} is the database itself; name a backup file.")
    with Store.open_read_only(backup) as source:
        problems = [p for p in verify(source).problems if not p.startswith("rolled back:")]
        if problems:
            raise UserError(
                f"{backup} is not a sound AssetTrack backup, so nothing was restored: "
                + "; ".join(problems[:3])
            )
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        aside = new_file(db_path.parent, f"{db_path.name}.before-restore-{stamp}")
        try:
            previous, holds = _keep_aside(db_path, aside, source)
        except BaseException:
            aside.unlink(missing_ok=True)
            raise
        try:
            with Store(db_path, create=True, migrate=False, anchored=False) as live:
                source.conn.backup(live.conn)  # under SQLite's locks: others see old or new
                head = fast_head(live.conn)
        except CorruptDatabase:
            # The damaged file cannot even be written over page by page: its bytes are kept
            # aside already, so start the database afresh from the backup.
            for suffix in ("", "-wal", "-shm"):
                db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
            with Store(db_path, create=True, migrate=False, anchored=False) as live:
                source.conn.backup(live.conn)
                head = fast_head(live.conn)
    anchor.write_anchor(db_path, head)
    lost = 0 if previous is None or holds else max(previous.count - head.count, 0)
    return Restored(backup, aside, head, previous or LogHead(0, ""), lost)


def _keep_aside(db_path: Path, aside: Path, source: Store) -> tuple[LogHead | None, bool]:
    """Copy the current database to ``aside`` (a file :func:`new_file` made for it: online if
    the database can be read, else its bytes with its ``-wal``); return its head (None if
    unreadable) and whether the backup holds it."""
    import sqlite3

    if not db_path.exists():
        aside.unlink(missing_ok=True)  # nothing to keep
        return None, True
    try:
        with Store(db_path, create=False, migrate=False, anchored=False) as live:
            previous = fast_head(live.conn) if live.user_version() else LogHead(0, "")
            target = sqlite3.connect(str(aside))
            try:
                live.conn.backup(target)
            finally:
                target.close()
        os.chmod(aside, 0o600)
        holds = previous.count == 0 or contains(source.conn, previous.count, previous.head_hash)
        return previous, holds
    except (CorruptDatabase, sqlite3.DatabaseError):
        # Keep the name (it is ours): the bytes below are copied over whatever half-copy it has.
        aside.with_name(aside.name + "-journal").unlink(missing_ok=True)
    # Damaged: no connection of ours is open now, so copying the bytes cancels no lock.
    for suffix in ("", "-wal"):
        src = db_path.with_name(db_path.name + suffix)
        if src.exists():
            shutil.copy2(src, aside.with_name(aside.name + suffix))
            os.chmod(aside.with_name(aside.name + suffix), 0o600)
    return None, False


@dataclass(frozen=True)
class Accepted:
    rollback: Rollback
    batch_id: str
    backup: Backup | None


def accept_rollback(store: Store, operator: str, keep: int) -> Accepted | None:
    """Accept, on the record, that the database lost events this computer had recorded: back it
    up as it is, write a ``ROLLBACK_ACCEPTED`` event naming what was lost, and move the anchor
    to the new head. None when there is nothing to accept."""
    import socket

    rollback = store.rollback()
    if rollback is None:
        return None
    made = auto_backup(store, "accept-rollback", keep)
    with store.write(accepting_rollback=True) as conn:
        events = EventBatch(conn, operator)
        events.add(
            EventType.ROLLBACK_ACCEPTED,
            note=f"{rollback.missing} event(s) lost" if rollback.missing else "history replaced",
            details={
                "anchor_count": rollback.anchor.count,
                "anchor_hash": rollback.anchor.head_hash,
                "anchor_written_at": rollback.anchor.written_at,
                "log_count": rollback.current.count,
                "missing": rollback.missing,
                "host": socket.gethostname(),
            },
        )
        events.flush()
    store.accept_head()
    return Accepted(rollback, events.batch_id, made)
