"""``restore BACKUP`` and ``accept-rollback``: the two ways back that the damaged and rolled-back
messages name. A restore keeps the current file aside (nothing is deleted); accepting a rollback
is recorded as an event.
"""

from __future__ import annotations

import argparse

from ..core.errors import UsageError
from .context import Context
from .options import add_command
from .output import plural, say


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    if ctx.on_server:
        return _restore_on_server(args, ctx)
    from ..core.backups import restore

    if args.force:
        raise UsageError("--force is for a server database (it ends the other sessions).")
    done = restore(ctx.db_path, args.backup)
    say(f"Restored {ctx.db_path} from {done.backup}")
    say(f"The file it replaced is kept at {done.kept_aside}")
    if done.lost:
        say(
            f"The replaced file had {plural(done.lost, 'event')} that the backup does not: "
            "those changes are not in the restored database."
        )
    say(f"events: {done.head.count}")
    say(f"head_hash: {done.head.head_hash}")
    return 0


def _restore_on_server(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.backend import ServerDatabase
    from ..core.pg_backup import restore

    target = ctx.target
    assert isinstance(target, ServerDatabase)
    done = restore(target, args.backup, force=args.force)
    if done.ended:
        say(f"Ended {plural(done.ended, 'other session')} connected to {target.name}.")
    say(f"Restored {target} from {done.dump}")
    say(f"The database as it was is dumped in {done.kept_aside}")
    if done.lost:
        say(
            f"The replaced database had {plural(done.lost, 'event')} that the dump does not: "
            "those changes are not in the restored database (other counters that recorded them "
            "will report it as rolled back: accept-rollback there, or restore a newer dump)."
        )
    say(f"events: {done.head.count}")
    say(f"head_hash: {done.head.head_hash}")
    return 0


def cmd_accept_rollback(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.backups import accept_rollback

    done = accept_rollback(ctx.store(), ctx.operator, ctx.settings().backups_keep)
    if done is None:
        say("Nothing to accept: the database holds the head this computer recorded.")
        return 0
    rollback = done.rollback
    lost = (
        f"{plural(rollback.missing, 'event')} are gone for good (the log this computer saw "
        f"reach event {rollback.anchor.count} on {rollback.anchor.written_at} now ends at "
        f"event {rollback.current.count})"
        if rollback.missing
        else "the history this computer recorded was replaced"
    )
    say(f"Accepted: {lost}.")
    say(f"Recorded as batch {done.batch_id} (event type ROLLBACK_ACCEPTED).")
    if done.backup is not None:
        say(f"The database as it was before is backed up in {done.backup.path}")
    return 0


def register_recovery_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = add_command(
        commands,
        common,
        "restore",
        cmd_restore,
        "put a backup in place of the database (the current one is kept aside)",
        "Checks the backup with verify, copies the current database aside (BACKUP is never "
        "changed and nothing is deleted), copies the backup into place under SQLite's locks "
        "and records its log head as this computer's anchor. Says how many events the "
        "replaced file had that the backup does not.\n\n"
        "On a PostgreSQL database (--db postgresql://…) BACKUP is a dump made by 'backup': "
        "refused while other sessions are connected (unless --force), the database as it is "
        "is dumped aside first, the dump goes in with pg_restore as one transaction and is "
        "checked with verify (if unsound, the database is put back as it was).",
    )
    parser.add_argument("backup", metavar="BACKUP", help="the backup file (or dump) to restore")
    parser.add_argument(
        "--force",
        action="store_true",
        help="server database only: end the other sessions connected to it (counters connect "
        "again by themselves)",
    )
    add_command(
        commands,
        common,
        "accept-rollback",
        cmd_accept_rollback,
        "accept that the database lost events this computer recorded, on the record",
        "For a database reported as rolled back (its log no longer holds the head this\n"
        "computer recorded after its last commit) when no backup holds the lost events:\n"
        "backs the database up as it is, records a ROLLBACK_ACCEPTED event naming how many\n"
        "events were lost and since when, and lets work go on. Prefer 'restore BACKUP' when\n"
        "a backup still holds them. On a server database the anchor is kept per address on\n"
        "each computer, so each counter that recorded the lost events accepts them once; no\n"
        "backup is made there (make one with 'backup DEST' first if wanted).",
    )
