"""``show``, ``verify`` and ``backup``: look at the database without changing it.

``show`` says what a scan is, ``verify`` audits the whole database and the event log's hash chain,
``backup`` copies it and prints the copy's event-log head for safekeeping elsewhere.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import Refused, UsageError
from ..core.text import visible
from .context import Context
from .options import add_command, expected_head
from .output import flat, plural, say, warn

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from ..core.eventlog import LogHead


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.lookup import lookup_scan  # not the whole engine: show changes nothing

    found = lookup_scan(ctx.store(), args.scan, ctx.settings())
    match = found.match
    if not match.found:
        raise Refused([f"{visible(args.scan) or repr(args.scan)}: {match.message}"])
    say(found.title)
    if match.via == "dashless":
        say(f"  (scanned {visible(match.scan)}; matched {match.canonical} without dashes)")
    width = max((len(key) for key, _ in found.facts), default=0) + 1
    for key, value in found.facts:
        if key.strip() == "•":  # one of the assets a holder holds
            say(f"    • {flat(value)}")
        else:
            say(f"  {key + ':':<{width}} {flat(value)}")
    if match.kind in ("asset", "holder", "case"):
        say()
        say("History (oldest first; times are UTC):")
        if not found.events:
            say("  (no events)")
        for event in found.events:
            parts = [event.created_at, f"{event.event_type:<11}"]
            if event.asset_tag and match.kind != "asset":
                parts.append(event.asset_tag)
            if event.holder:
                parts.append(f"holder {flat(event.holder)}")
            if event.slot:
                parts.append(f"slot {flat(event.slot)}")
            if event.note:
                parts.append(f"note: {flat(event.note)}")
            parts.append(f"by {flat(event.operator)}")  # a stored line break forges no line
            parts.append(f"batch {event.batch_id}")
            say("  " + "  ".join(parts))
    return 0


def cmd_verify(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.verify import verify

    report = verify(ctx.store(), expect=args.expect)
    for warning in report.warnings:
        warn(f"warning: {warning}")
    if report.ok:
        # Fixed wording (always "events", "assets") so scripts can parse it.
        say(f"OK: {report.events} events, head hash {report.head_hash}, {report.assets} assets")
        return 0
    for problem in report.problems:
        warn(problem)
    warn(f"verify: {plural(len(report.problems), 'problem')} found")
    return 1


def _backup_head(path: Path) -> LogHead:
    """The event-log head of the finished backup, read without changing the file."""
    from ..core.eventlog import log_head
    from ..core.store import Store

    with Store.open_read_only(path) as backup:
        return log_head(backup.conn)


def backup_destination(dest_arg: str, ctx: Context, *, force: bool) -> Path:
    """The one set of rules for ``backup DEST``, a file or a server database alike: not a
    folder, not the database itself, not an existing file unless ``force``, never through a
    symbolic link (even with ``force``), and its folder must exist (``csvout.check_destination``,
    the rule of every file named on the command line). A ``UsageError`` says which."""
    from ..core.csvout import check_destination

    dest = Path(dest_arg).expanduser()
    if dest.is_dir():
        raise UsageError(f"{dest} is a folder; give a new file name for the backup.")
    if not ctx.on_server and dest.exists() and dest.resolve() == ctx.db_path.resolve():
        raise UsageError(f"{dest} is the database itself; give another file for the backup.")
    if dest.exists() and not dest.is_symlink() and not force:
        raise UsageError(
            f"{dest} already exists; choose a new file name for the backup (or add --force)."
        )
    return Path(check_destination(str(dest), force=force, what="a backup"))


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    dest = backup_destination(args.dest, ctx, force=args.force)
    if ctx.on_server:
        from ..core.pg_backup import backup

        head = backup(ctx.store(), dest)  # type: ignore[arg-type]  # a PgStore on a server
        say(f"Backup written to {dest.resolve()} (pg_dump custom format; put it back with 'assettrack-admin restore')")
    else:
        ctx.store().backup(dest)
        head = _backup_head(dest)
        say(f"Backup written to {dest.resolve()}")
    say(f"events: {head.count}")
    say(f"head_hash: {head.head_hash}")
    return 0


def register_inspection_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = add_command(
        commands,
        common,
        "show",
        cmd_show,
        "say what a scan is, where it is or who holds it, and its history",
        "Works for asset tags, holder badges and case codes, matched as a scanner\n"
        "would (exact, then without dashes). An unknown scan exits 1 with a hint.",
    )
    parser.add_argument("scan", metavar="SCAN")
    parser = add_command(
        commands,
        common,
        "verify",
        cmd_verify,
        "audit the database: integrity, invariants, event-log replay and hash chain",
        "Prints 'OK: N events, head hash H, M assets', or every problem on its own line\n"
        "on stderr and exits 1. A log that lost the head this computer recorded after its\n"
        "last commit is reported as rolled back. --expect COUNT:HASH (a head printed by an\n"
        "export, a receipt or a backup) fails unless the log holds that event with that hash.\n"
        "Things to clean up that are not damage (codes that differ only in dashes or letter\n"
        "case) are 'warning: …' lines on stderr; they do not change the exit code.",
    )
    parser.add_argument(
        "--expect",
        metavar="COUNT:HASH",
        type=expected_head,
        default=None,
        help="a log head kept elsewhere that this log must contain",
    )
    parser = add_command(
        commands,
        common,
        "backup",
        cmd_backup,
        "back the database up into a new file (safe while it is in use)",
        "On a file: a copy made with SQLite's online backup (only a sound file is copied,\n"
        "and the copy is checked). On a PostgreSQL database (--db postgresql://…): a dump\n"
        "made with pg_dump --format=custom (the PostgreSQL client tools on PATH), which\n"
        "'restore' puts back.\n\n"
        "DEST must be a new file in an existing folder: an existing file (perhaps an older\n"
        "backup or another database) is replaced only with --force, and a symbolic link\n"
        "never. Prints the event-log head of what was backed up (event count and head\n"
        "hash; on a server, read in the snapshot pg_dump dumped): record it somewhere\n"
        "outside the database.",
    )
    parser.add_argument("dest", metavar="DEST", help="backup file to write")
    parser.add_argument(
        "--force", action="store_true", help="replace DEST if it is an existing regular file"
    )
