"""``import holders|cases|assets FILE.csv``: one CSV file in, one all-or-nothing batch.

The file is read and checked by ``core.importer`` before the database is opened, so a bad file
is a usage error whether or not a database exists. A file that will be accepted is preceded by an
automatic backup (``core.backups``: platform data dir, the newest ``backups_keep`` kept).
"""

from __future__ import annotations

import argparse

from .context import Context
from .options import Handler, add_command, add_group
from .output import plural, say


def _import(kind: str) -> Handler:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        from ..core import importer

        file = importer.load_import(kind, args.file)  # a bad file is a usage error, db or not
        engine = ctx.engine()
        made = None
        if importer.preview_import(engine, file).ok:
            # An import changes many records at once: keep the way back (core.backups).
            from ..core.backups import auto_backup

            made = auto_backup(ctx.store(), "import", ctx.settings().backups_keep)
        result = importer.commit_import(engine, file)
        noun = {"holders": "holder", "cases": "case", "assets": "asset"}[kind]
        say(f"batch {result.batch_id}: imported {plural(result.count, noun)} from {file.path}")
        if made is not None:
            say(f"(the database as it was before is backed up in {made.path})")
        return 0

    return run


def register_import_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = add_group(
        commands,
        common,
        "import",
        "import holders, cases or assets from a CSV file (one all-or-nothing batch)",
        "The file is UTF-8 (a BOM is fine); line 1 is a header naming exactly the columns\n"
        "below, in any order. Blank lines are skipped. Any bad row refuses the whole file:\n"
        "nothing is imported and every bad row is listed as 'line N: reason'.",
    )
    docs = {
        "holders": (
            "import holders (people who take custody)",
            "columns: name,badge_code\n\nexample:\n  name,badge_code\n  Dana Reyes,B-1001",
        ),
        "cases": (
            "import cases and create their rows × cols slots",
            "columns: case_code,name,rows,cols\n\nexample:\n  case_code,name,rows,cols\n"
            "  CART-A,Laptop cart A,2,5",
        ),
        "assets": (
            "register assets, optionally straight into a slot",
            "columns: asset_tag,serial,description,case_code,position\n"
            "case_code and position may both be empty (the asset waits unslotted).\n\n"
            "example:\n  asset_tag,serial,description,case_code,position\n"
            "  AT-SMOKE-0001,5CG1234,ThinkPad T14,CART-A,1",
        ),
    }
    for kind, (summary, description) in docs.items():
        parser = add_command(group, common, kind, _import(kind), summary, description)
        parser.add_argument("file", metavar="FILE.csv", help="the CSV file to import")
