"""``case add|list``: the cases (carts, shelves) whose numbered slots hold assets in storage."""

from __future__ import annotations

import argparse

from .context import Context
from .options import add_command, add_group
from .output import plural, say


def cmd_case_add(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.model import NewCase

    result = ctx.engine().create_cases([NewCase(args.code, args.name, args.rows, args.cols, label=args.code)])
    size = args.rows * args.cols
    say(
        f"batch {result.batch_id}: created case {args.code} ({args.name.strip()}), "
        f"{args.rows} × {args.cols} = {plural(size, 'slot')}"
    )
    return 0


def cmd_case_list(args: argparse.Namespace, ctx: Context) -> int:
    engine = ctx.engine()
    cases = engine.cases()
    if not cases:
        say("No cases yet.")
        return 0
    width = max(len(c.case_code) for c in cases)
    for case in cases:
        used = sum(1 for slot in engine.case_slots(case.id) if not slot.empty)
        say(
            f"{case.case_code:<{width}}  {case.rows} × {case.cols}  "
            f"{used}/{case.size} used  {case.name}"
        )
    return 0


def register_case_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = add_group(commands, common, "case", "create or list cases")
    parser = add_command(
        group,
        common,
        "add",
        cmd_case_add,
        "create a case with rows × cols slots",
        "Slots are numbered 1..rows×cols. A case cannot be resized later.",
    )
    parser.add_argument("code", metavar="CODE", help="case code, unique (printed on its label)")
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("rows", metavar="ROWS", type=int)
    parser.add_argument("cols", metavar="COLS", type=int)
    add_command(group, common, "list", cmd_case_list, "list cases with their fill")
