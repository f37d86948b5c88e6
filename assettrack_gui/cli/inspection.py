"""``show``, ``verify`` and ``backup``: look at the database without changing it.

``show`` says what a scan is, ``verify`` audits the whole database and the event log's hash chain,
``backup`` copies it and prints the copy's event-log head for safekeeping elsewhere.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import Refused, UsageError
from ..core.text import visible
from .context import Context

if TYPE_CHECKING:
    from ..core.eventlog import LogHead
from .options import add_command, expected_head
from .output import flat, plural, say, warn


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


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.csvout import check_destination

    dest = Path(args.dest).expanduser()
    if dest.is_dir():
        raise UsageError(f"{dest} is a folder; give a new file name for the backup.")
    if ctx.on_server:
        if dest.exists() and not args.force:
            raise UsageError(f"{dest} already exists; choose a new file name (or add --force).")
        ctx.store().backup(dest)  # pg_dump (core.pg_backup)
        say(f"Backup written to {dest.resolve()} (pg_dump custom format; restore with pg_restore)")
        return 0
    if dest.exists() and dest.resolve() == ctx.db_path.resolve():
        raise UsageError(f"{dest} is the database itself; give another file for the backup.")
    if dest.exists() and not dest.is_symlink() and not args.force:
        raise UsageError(
            f"{dest} already exists; choose a new file name for the backup (or add --force)."
        )
    dest = Path(check_destination(str(dest), force=args.force, what="a backup"))
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
        "copy the database with SQLite's online backup (safe while it is in use)",
        "DEST must be a new file: an existing file (perhaps an older backup or another\n"
        "database) is never overwritten. Prints the event-log head of the copy (event\n"
        "count and head hash): record it somewhere outside the database.",
    )
    parser.add_argument("dest", metavar="DEST", help="backup file to write")
    parser.add_argument(
        "--force", action="store_true", help="replace DEST if it is an existing regular file"
    )
