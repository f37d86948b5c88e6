"""``holder add|rename|rebadge|deactivate|reactivate|list``: the people who take custody.

A holder is found by badge code or exact name; a change that changes nothing says so instead of
recording an event.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .context import Context

if TYPE_CHECKING:
    from ..core.model import HolderInfo
from .options import Handler, add_command, add_group
from .output import say


def _find_holder(ctx: Context, ref: str) -> HolderInfo | None:
    return ctx.engine().holder(ref)


def cmd_holder_add(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.model import NewHolder

    result = ctx.engine().add_holders([NewHolder(args.name, args.badge, label=args.badge)])
    say(f"batch {result.batch_id}: added holder {args.name.strip()} ({args.badge})")
    return 0


def cmd_holder_rename(args: argparse.Namespace, ctx: Context) -> int:
    before = _find_holder(ctx, args.holder)
    after = ctx.engine().rename_holder(args.holder, args.new_name)
    if before is not None and before.name == after.name:
        say(f"{after.label} already has that name; nothing changed")
    else:
        old = before.name if before else args.holder
        say(f"Renamed holder {after.badge_code}: {old} → {after.name}")
    return 0


def cmd_holder_rebadge(args: argparse.Namespace, ctx: Context) -> int:
    before = _find_holder(ctx, args.holder)
    after = ctx.engine().rebadge_holder(args.holder, args.new_badge)
    if before is not None and before.badge_code == after.badge_code:
        say(f"{after.label} already has that badge; nothing changed")
    else:
        old = before.badge_code if before else args.holder
        say(f"Changed the badge of {after.name}: {old} → {after.badge_code}")
    return 0


def _set_active(active: bool) -> Handler:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        before = _find_holder(ctx, args.holder)
        after = ctx.engine().set_holder_active(args.holder, active)
        state = "active" if active else "deactivated"
        if before is not None and before.active == active:
            say(f"{after.label} is already {state}; nothing changed")
        else:
            say(f"{after.label} is now {state}")
        return 0

    return run


def cmd_holder_list(args: argparse.Namespace, ctx: Context) -> int:
    holders = ctx.engine().all_holders()
    if not holders:
        say("No holders yet.")
        return 0
    width = max(len(h.badge_code) for h in holders)
    for h in holders:
        say(f"{h.badge_code:<{width}}  {h.name}{'' if h.active else '  (deactivated)'}")
    return 0


def register_holder_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = add_group(
        commands,
        common,
        "holder",
        "add, rename, rebadge, deactivate, reactivate or list holders",
        "A holder is found by badge code (as scanned) or by exact name.",
    )
    parser = add_command(group, common, "add", cmd_holder_add, "add a holder")
    parser.add_argument("name", metavar="NAME", help="full name")
    parser.add_argument("badge", metavar="BADGE", help="badge code, unique")
    parser = add_command(group, common, "rename", cmd_holder_rename, "change a holder's name")
    parser.add_argument("holder", metavar="BADGE_OR_NAME")
    parser.add_argument("new_name", metavar="NEW_NAME")
    parser = add_command(
        group,
        common,
        "rebadge",
        cmd_holder_rebadge,
        "give a holder a new badge code (lost or reissued badge)",
        "The new code is checked like a new holder's badge: it must scan as itself, be used by\n"
        "no holder, asset or case, and not differ from another code only in dashes or letter\n"
        "case. The old badge scans as nothing afterwards; history keeps the change.",
    )
    parser.add_argument("holder", metavar="BADGE_OR_NAME")
    parser.add_argument("new_badge", metavar="NEW_BADGE")
    parser = add_command(
        group,
        common,
        "deactivate",
        _set_active(False),
        "stop a holder receiving new custody",
        "What they already hold stays recorded against them until it is stocked in.",
    )
    parser.add_argument("holder", metavar="BADGE_OR_NAME")
    parser = add_command(
        group, common, "reactivate", _set_active(True), "let a deactivated holder receive custody"
    )
    parser.add_argument("holder", metavar="BADGE_OR_NAME")
    add_command(group, common, "list", cmd_holder_list, "list all holders by name")
