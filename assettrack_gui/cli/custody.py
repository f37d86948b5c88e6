"""``stock-out``, ``stock-in`` and ``void``: custody moves from scripts, all or nothing, through
the same engine calls as the GUI's scan batches; ``void`` undoes a wrong commit."""

from __future__ import annotations

import argparse

from .context import Context
from .options import add_command, given
from .output import plural, print_moves, say


def cmd_stock_out(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().commit_stock_out(args.scans, args.holder)
    holder = result.preview.holder
    to = f" to {holder.label}" if holder else ""
    say(f"batch {result.batch_id}: stocked out {plural(result.count, 'asset')}{to}")
    print_moves(result)
    return 0


def cmd_stock_in(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().commit_stock_in(args.scans, args.case)
    say(f"batch {result.batch_id}: stocked in {plural(result.count, 'asset')}")
    print_moves(result)
    return 0


def cmd_void(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().commit_void(args.batch)
    say(
        f"batch {result.batch_id}: voided batch {args.batch.strip()}: "
        f"put {plural(result.count, 'asset')} back"
    )
    print_moves(result)
    return 0


def register_custody_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = add_command(
        commands,
        common,
        "stock-out",
        cmd_stock_out,
        "hand slotted assets to one holder (all or nothing)",
        "Every scan must be an asset in a slot and in storage, each at most once; the\n"
        "holder must exist and be active. Each slot is vacated.",
    )
    parser.add_argument(
        "--holder",
        required=True,
        type=given,
        metavar="BADGE_OR_NAME",
        help="badge code or exact name",
    )
    parser.add_argument("scans", nargs="+", metavar="SCAN", help="asset tags as scanned")
    parser = add_command(
        commands,
        common,
        "stock-in",
        cmd_stock_in,
        "take assets back from their holders into slots (all or nothing)",
        "Each asset goes back to the slot it last left if that slot is still empty,\n"
        "otherwise to the lowest free slot of --case that is not the home (last slot) of\n"
        "an asset still out, and only if there is none to such a home, saying whose.\n"
        "Without --case such a line is refused.",
    )
    parser.add_argument(
        "--case",
        type=given,
        metavar="CODE",
        help="case for returns whose own slot is taken or unknown",
    )
    parser.add_argument("scans", nargs="+", metavar="SCAN", help="asset tags as scanned")
    parser = add_command(
        commands,
        common,
        "void",
        cmd_void,
        "undo a wrong stock-out, stock-in, put-away or move batch (all or nothing)",
        "Writes a new batch that puts every asset of BATCH back exactly where it was\n"
        "before: a stock-out's assets into the slots they left, a stock-in's to the\n"
        "holder they came from, a put-away's out of the slot, a move's to the old slot.\n"
        "History is kept: both batches stay in the log, each event of the new one noted\n"
        "'voids batch BATCH'. Refused (exit 1, every reason) when an asset changed since\n"
        "(a later event, its old slot taken, its holder deactivated), when BATCH was\n"
        "already voided, or when it is a registration, holder or case batch.",
    )
    parser.add_argument("batch", type=given, metavar="BATCH", help="batch id, e.g. 20261124-183012-a1b2c3")
