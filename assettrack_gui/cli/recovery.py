"""``restore BACKUP``: put a backup in place of a damaged or rolled-back database (the current
file is kept aside, never deleted); the way back that the damaged and rolled-back messages name.
"""

from __future__ import annotations

import argparse

from .context import Context
from .options import add_command
from .output import plural, say


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.backups import restore

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


def register_recovery_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = add_command(
        commands,
        common,
        "restore",
        cmd_restore,
        "put a backup in place of the database (the current file is kept aside)",
        "Checks the backup with verify, copies the current database aside (BACKUP is never "
        "changed and nothing is deleted), copies the backup into place under SQLite's locks "
        "and records its log head as this computer's anchor. Says how many events the "
        "replaced file had that the backup does not.",
    )
    parser.add_argument("backup", metavar="BACKUP", help="the backup file to restore")
