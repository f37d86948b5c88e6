"""``asset add|edit|retire|reinstate|list``: one device at a time, and devices that are gone.

Registering one asset follows the import's rules (``core.ops.registry``); retiring (lost,
broken, disposed) and reinstating are all-or-nothing batches like stock-out; an edit records
the old and new serial or description. The engine decides and words every refusal.
"""

from __future__ import annotations

import argparse

from .context import Context
from .options import add_command, add_group, given
from .output import flat, plural, print_moves, print_table, say, warn

KINDS = ("lost", "broken", "disposed")


def cmd_asset_add(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.model import NewAsset

    item = NewAsset(
        args.tag,
        args.serial,
        args.description,
        args.case or "",
        args.position,
        label=args.tag,
    )
    result = ctx.engine().commit_register([item])
    line = result.preview.lines[0]
    say(f"batch {result.batch_id}: registered {line.asset_tag} into {line.to}")
    if line.warning is not None:
        warn(f"warning: {line.name}: {line.warning.message}")
    return 0


def cmd_asset_edit(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.errors import UsageError

    if args.serial is None and args.description is None:
        raise UsageError("asset edit: give --serial, --description or both")
    engine = ctx.engine()
    before = engine.asset(args.scan)
    info = engine.edit_asset(args.scan, serial=args.serial, description=args.description)
    if not info.batch_id:
        say(f"{info.asset_tag} already has that serial and description; nothing changed")
    else:
        say(f"batch {info.batch_id}: edited {info.asset_tag}")
        assert before is not None
        for word, old, new in (
            ("serial", before.serial, info.serial),
            ("description", before.description, info.description),
        ):
            if old != new:
                say(f"  {word}: {flat(repr(old))} → {flat(repr(new))}")
    if info.warning is not None:
        warn(f"warning: {info.asset_tag}: {info.warning.message}")
    return 0


def cmd_asset_retire(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().commit_retire(args.scans, args.kind, args.reason)
    say(f"batch {result.batch_id}: retired {plural(result.count, 'asset')} as {args.kind}")
    print_moves(result)
    return 0


def cmd_asset_reinstate(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().commit_reinstate(args.scans, args.reason)
    say(
        f"batch {result.batch_id}: reinstated {plural(result.count, 'asset')} "
        "to storage; put away with 'slot'"
    )
    print_moves(result)
    return 0


def cmd_asset_list(args: argparse.Namespace, ctx: Context) -> int:
    assets = ctx.engine().assets(retired_only=args.retired)
    header = ["asset_tag", "serial", "description", "location"]
    count = print_table(
        header,
        lambda: iter((a.asset_tag, a.serial, a.description, a.where) for a in assets),
        range(len(header)),
    )
    if count == 0:
        say("No retired assets." if args.retired else "No assets yet.")
    return 0


def register_asset_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = add_group(
        commands,
        common,
        "asset",
        "register, edit, retire, reinstate or list assets (devices)",
        "An asset is found by its tag as scanned (exactly, or without dashes).",
    )
    parser = add_command(
        group,
        common,
        "add",
        cmd_asset_add,
        "register one asset, optionally straight into an empty slot",
        "The same rules as 'import assets': a new tag unlike any tag, badge or case code;\n"
        "--case and --position together or not at all. A serial already on another asset\n"
        "is accepted with a warning on stderr.",
    )
    parser.add_argument("tag", metavar="TAG", help="asset tag, as printed on its label")
    parser.add_argument("--serial", default="", metavar="S", help="manufacturer's serial number")
    parser.add_argument("--description", default="", metavar="D", help="what it is")
    parser.add_argument("--case", type=given, metavar="CODE", help="case to put it in")
    parser.add_argument(
        "--position", type=int, metavar="N", help="slot position in --case, 1..rows×cols"
    )

    parser = add_command(
        group,
        common,
        "edit",
        cmd_asset_edit,
        "change an asset's serial or description (recorded with old and new values)",
        "Only the fields given change, and only a change is recorded (one ASSET_EDIT event).\n"
        "An empty value clears the field. Retired assets can be edited too. A serial already\n"
        "on another asset is accepted with a warning on stderr.",
    )
    parser.add_argument("scan", metavar="SCAN", help="asset tag as scanned")
    parser.add_argument("--serial", metavar="S", help="the new serial")
    parser.add_argument("--description", metavar="D", help="the new description")

    parser = add_command(
        group,
        common,
        "retire",
        cmd_asset_retire,
        "retire assets as lost, broken or disposed (all or nothing)",
        "A retired asset leaves its slot, or the custody of the holder who had it (who lost\n"
        "it), and stays in history and reports as RETIRED (LOST) etc. Nothing stocks it out,\n"
        "takes it in or puts it away until it is reinstated. Refused (exit 1, nothing\n"
        "changed) if any scan is unknown, repeated or already retired, or without a reason.",
    )
    parser.add_argument(
        "--kind", required=True, type=str.lower, choices=KINDS, help="why it is gone"
    )
    parser.add_argument(
        "--reason", required=True, metavar="TEXT", help="what happened, recorded with the event"
    )
    parser.add_argument("scans", nargs="+", metavar="SCAN", help="asset tags as scanned")

    parser = add_command(
        group,
        common,
        "reinstate",
        cmd_asset_reinstate,
        "bring retired assets back to storage, in no slot (all or nothing)",
        "Put them away afterwards with 'slot'. Refused (exit 1, nothing changed) if any scan\n"
        "is not a retired asset, or without a reason.",
    )
    parser.add_argument(
        "--reason", required=True, metavar="TEXT", help="why it is back, recorded with the event"
    )
    parser.add_argument("scans", nargs="+", metavar="SCAN", help="asset tags as scanned")

    parser = add_command(
        group,
        common,
        "list",
        cmd_asset_list,
        "list assets by tag with serial, description and where each is",
        "Where: CASE/POS, the holder, 'storage (no slot)' or RETIRED (LOST|BROKEN|DISPOSED).",
    )
    parser.add_argument("--retired", action="store_true", help="only retired assets")
