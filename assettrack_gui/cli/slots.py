"""``slot`` (put-away) and ``move``: place one asset into an empty slot of a case.

``slot`` is for an asset that is in no slot yet, ``move`` for one already slotted; the engine
decides which assets and slots qualify and words the refusals.
"""

from __future__ import annotations

import argparse

from .context import Context
from .options import Handler, add_command, given
from .output import print_moves, say


def _placement(move: bool) -> Handler:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        engine = ctx.engine()
        from ..core.model import Placement

        items = [Placement(args.scan, args.case, args.position)]
        result = engine.commit_move(items) if move else engine.commit_put_away(items)
        say(f"batch {result.batch_id}: {'moved' if move else 'put away'} 1 asset")
        print_moves(result)
        return 0

    return run


def register_slot_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    for name, move, summary, description in (
        (
            "slot",
            False,
            "put an unslotted asset away into an empty slot",
            "Refused if the slot is taken or unknown, the asset is already in a slot (use\n"
            "move) or in custody (use stock-in).",
        ),
        (
            "move",
            True,
            "move a slotted asset into another empty slot",
            "Refused if the slot is taken or unknown, or the asset is not in a slot.",
        ),
    ):
        parser = add_command(commands, common, name, _placement(move), summary, description)
        parser.add_argument("--case", required=True, metavar="CODE", type=given, help="case code")
        parser.add_argument(
            "--position", required=True, type=int, metavar="N", help="slot position, 1..rows×cols"
        )
        parser.add_argument("scan", metavar="SCAN", help="asset tag as scanned")
