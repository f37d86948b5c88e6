"""``case add|rename|resize|list``: the cases (carts, shelves) whose numbered slots hold assets in
storage."""

from __future__ import annotations

import argparse
import re

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


def cmd_case_rename(args: argparse.Namespace, ctx: Context) -> int:
    engine = ctx.engine()
    before = engine.case(args.code)
    after = engine.rename_case(args.code, args.name)
    if before is not None and before.name == after.name:
        say(f"case {after.case_code} is already named {after.name!r}; nothing changed")
    else:
        old = before.name if before is not None else ""
        say(f"Renamed case {after.case_code}: {old or '(no name)'} → {after.name or '(no name)'}")
    return 0


_SIZE = re.compile(r"\s*([0-9]+)\s*[x×X]\s*([0-9]+)\s*")


def size_value(text: str) -> tuple[int, int]:
    """``ROWSxCOLS`` (``3x5``, ``3×5`` or ``3X5``): a usage error (exit 2) otherwise."""
    found = _SIZE.fullmatch(text)
    if found is None:
        raise argparse.ArgumentTypeError(
            f"give the new size as ROWSxCOLS, e.g. 3x5 (got {text!r})"
        )
    return int(found.group(1)), int(found.group(2))


def cmd_case_resize(args: argparse.Namespace, ctx: Context) -> int:
    engine = ctx.engine()
    rows, cols = args.size
    before = engine.case(args.code)
    after = engine.resize_case(args.code, rows, cols)
    if before is not None and (before.rows, before.cols) == (after.rows, after.cols):
        say(f"case {after.case_code} is already {after.rows} × {after.cols}; nothing changed")
    else:
        old = f"{before.rows} × {before.cols}" if before is not None else "?"
        say(
            f"Resized case {after.case_code}: {old} → {after.rows} × {after.cols} "
            f"= {plural(after.size, 'slot')}"
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
    group = add_group(commands, common, "case", "create, rename, resize or list cases")
    parser = add_command(
        group,
        common,
        "add",
        cmd_case_add,
        "create a case with rows × cols slots",
        "Slots are numbered 1..rows×cols, row by row. 'case resize' changes the size later.",
    )
    parser.add_argument("code", metavar="CODE", help="case code, unique (printed on its label)")
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("rows", metavar="ROWS", type=int)
    parser.add_argument("cols", metavar="COLS", type=int)
    parser = add_command(
        group,
        common,
        "rename",
        cmd_case_rename,
        "change a case's name (its code, slots and contents stay)",
    )
    parser.add_argument("code", metavar="CODE", help="the case's code, as scanned")
    parser.add_argument("name", metavar="NAME", help="the new name")
    parser = add_command(
        group,
        common,
        "resize",
        cmd_case_resize,
        "give a case another number of rows and columns",
        "Growing adds slots; positions are numbered row by row, so slot N keeps its number (and\n"
        "its asset) but may sit in another row of a case with another number of columns.\n"
        "Shrinking is refused (exit 1), naming each asset, while any occupied slot would fall\n"
        "outside the new size: move those assets first. Empty slots outside are removed, or kept\n"
        "as history (holding nothing) when an event names them.",
    )
    parser.add_argument("code", metavar="CODE", help="the case's code, as scanned")
    parser.add_argument(
        "size", metavar="ROWSxCOLS", type=size_value, help="the new size, e.g. 3x5"
    )
    add_command(group, common, "list", cmd_case_list, "list cases with their fill")
