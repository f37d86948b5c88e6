"""The whole ``assettrack-admin`` parser, assembled from the command families in ``--help`` order.

``iter_commands`` walks it, so the README test can insist that every command is documented.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator

from .assets import register_asset_commands
from .audit import register_audit_commands
from .cases import register_case_commands
from .custody import register_custody_commands
from .holders import register_holder_commands
from .imports import register_import_commands
from .init_db import register_init_command
from .inspection import register_inspection_commands
from .labels import register_label_commands
from .options import EXIT_CODES, PROG, global_options
from .recovery import register_recovery_commands
from .reports import register_report_commands
from .slots import register_slot_commands

CommandGroup = Callable[
    ["argparse._SubParsersAction[argparse.ArgumentParser]", argparse.ArgumentParser], None
]

# Order here is the order in --help. New command families append their register function.
COMMAND_GROUPS: list[CommandGroup] = [
    register_init_command,
    register_import_commands,
    register_slot_commands,
    register_custody_commands,
    register_holder_commands,
    register_case_commands,
    register_asset_commands,
    register_inspection_commands,
    register_audit_commands,  # audit: a stocktake of one case (cli/audit.py)
    register_recovery_commands,
    register_report_commands,
    register_label_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Administer an AssetTrack stockroom database: set it up, import lists,\n"
        "move custody from scripts, inspect, verify and back up.\n\n"
        "Run 'assettrack-admin COMMAND --help' for each command's details.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    global_options(parser, after_command=False)
    common = argparse.ArgumentParser(add_help=False)
    global_options(common, after_command=True)
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True
    )
    for register in COMMAND_GROUPS:
        register(commands, common)
    return parser


def iter_commands(
    parser: argparse.ArgumentParser | None = None, prefix: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and command family, e.g. ("import", …), ("import holders", …)."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                yield full, sub
                yield from iter_commands(sub, full)
