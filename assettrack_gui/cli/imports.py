"""``import holders|cases|assets FILE``: one CSV or .xlsx file in, one all-or-nothing batch.

How the file was read (encoding, separator), which rows ``--skip-existing`` skipped and which
serials are shared are decided in ``core.importer`` / ``core.ops.registry``; this only prints.

The file is read and checked by ``core.importer`` before the database is opened, so a bad file
is a usage error whether or not a database exists. A file that will be accepted is preceded by an
automatic backup (``core.backups``: platform data dir, the newest ``backups_keep`` kept).
"""

from __future__ import annotations

import argparse

from .context import Context
from .options import Handler, add_command, add_group
from .output import plural, say, warn


def _import(kind: str) -> Handler:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        from ..core import importer

        file = importer.load_import(kind, args.file)  # a bad file is a usage error, db or not
        engine = ctx.engine()
        skip = bool(args.skip_existing)
        made = None
        preview = importer.preview_import(engine, file, skip_existing=skip)
        if preview.ok and not all(line.skipped for line in preview.lines):
            # An import changes many records at once: keep the way back (core.backups).
            from ..core.backups import auto_backup

            made = auto_backup(ctx.store(), "import", ctx.settings().backups_keep)
        result = importer.commit_import(engine, file, skip_existing=skip)
        noun = {"holders": "holder", "cases": "case", "assets": "asset"}[kind]
        if result.batch_id:
            say(f"batch {result.batch_id}: imported {plural(result.count, noun)} from {file.path}")
        else:
            say(f"nothing imported from {file.path}: every row already exists as given")
        say(file.how_read)
        if result.skipped:
            say(f"skipped {plural(result.skipped, noun)} identical to existing records")
        for line in result.preview.lines:
            if line.warning is not None and not line.skipped:
                warn(f"warning: {line.name}: {line.warning.message}")
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
        "A CSV file (separated by ',', ';' or Tab; UTF-8 with or without BOM, UTF-16 with BOM\n"
        "or Windows-1252, detected and stated) or an .xlsx workbook (first sheet). The first\n"
        "non-empty line is a header naming exactly the columns below, in any order. Blank lines\n"
        "are skipped. Any bad row refuses the whole file: nothing is imported and every bad row\n"
        "is listed as 'line N: reason'. A serial already on another asset is imported with a\n"
        "'warning: line N: …' on stderr.",
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
        parser.add_argument("file", metavar="FILE", help="the .csv or .xlsx file to import")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="skip (and count) rows identical to existing records (an asset out with a "
            "holder or retired is identical if the row names the slot it left); a row whose code "
            "exists with other fields is still refused, naming the difference",
        )
