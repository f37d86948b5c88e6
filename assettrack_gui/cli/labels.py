"""``labels assets|cases|slots|badges --pdf FILE``: printable barcode labels.

What goes on each label and the layouts are ``core.labels``; the PDF code loads only when a
label sheet is made, so building the parser stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..core.errors import UsageError
from .context import Context
from .options import add_command, add_group, given
from .output import plural, say, warn

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from ..core.labels import Label


# Kept here (not imported from core.labels) so --help needs no core module; core checks them again.
LAYOUT_NAMES = ("avery-l7651", "avery-5160", "roll-62mm")
LAYOUT_HELP = (
    "layouts:\n"
    "  avery-l7651  A4 sheet, Avery L7651: 5 × 13 labels of 38.1 × 21.2 mm (default)\n"
    "               top margin 10.7 mm, side margin 4.75 mm, pitch 40.6 × 21.2 mm\n"
    "  avery-5160   US Letter sheet, Avery 5160: 3 × 10 labels of 66.7 × 25.4 mm\n"
    "               top margin 12.7 mm, side margin 4.8 mm, pitch 69.85 × 25.4 mm\n"
    "  roll-62mm    62 mm continuous roll: one 62 × 29 mm label per page\n"
)


def _start(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--start counts from 1 (got {value})")
    return value


def _labels_command(
    what: str, make: Callable[[argparse.Namespace, Context], list[Label]]
) -> Callable[[argparse.Namespace, Context], int]:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        from ..core.csvout import check_destination
        from ..core.labels import LAYOUTS, check_start, narrow_bars, write_labels_pdf

        check_start(LAYOUTS[args.layout], args.start)
        dest = Path(check_destination(args.pdf, force=args.force, what="the PDF"))
        labels = make(args, ctx)
        if not labels:
            raise UsageError(f"no {what} to label")
        pages = write_labels_pdf(
            labels, dest, layout=args.layout, symbology=args.symbology, start=args.start
        )
        say(f"Wrote {plural(len(labels), what[:-1] + ' label')} ({plural(pages, 'page')}, "
            f"{args.layout}, {'QR' if args.symbology == 'qr' else 'Code 128'}) to {dest}")
        for label in labels:
            if label.note:  # a retired asset named by a scan
                say(f"note: {label.note}")
        for narrow in narrow_bars(labels, args.layout, args.symbology):
            warn(f"warning: {narrow.message()}")
        return 0

    return run


def _codes_or_all(args: argparse.Namespace, codes: list[str], name: str) -> None:
    """Either codes (or --case) or --all: never both, never neither (a usage error, exit 2)."""
    chosen = bool(codes) or bool(getattr(args, "case", None))
    if args.all and chosen:
        raise UsageError(f"give {name} or --all, not both")
    if not args.all and not chosen:
        raise UsageError(f"give at least one {name}, or --all")


def _assets(args: argparse.Namespace, ctx: Context) -> list[Label]:
    from ..core.labels import asset_labels

    _codes_or_all(args, args.scans, "SCAN (or --case CODE)")
    return asset_labels(ctx.engine(), args.scans, case=args.case, everything=args.all)


def _cases(args: argparse.Namespace, ctx: Context) -> list[Label]:
    from ..core.labels import case_labels

    _codes_or_all(args, args.codes, "case CODE")
    return case_labels(ctx.engine(), args.codes, everything=args.all)


def _slots(args: argparse.Namespace, ctx: Context) -> list[Label]:
    from ..core.labels import slot_labels

    return slot_labels(ctx.engine(), args.case)


def _badges(args: argparse.Namespace, ctx: Context) -> list[Label]:
    from ..core.labels import badge_labels

    _codes_or_all(args, args.badges, "BADGE")
    return badge_labels(ctx.engine(), args.badges, everything=args.all)


def register_label_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = add_group(
        commands,
        common,
        "labels",
        "printable barcode labels (PDF) for assets, cases, slots and badges",
        "Each label has a Code 128 (or, with --symbology qr, a QR) symbol of exactly the code\n"
        "the app scans, that code in text under it and a second line (description, case name,\n"
        "holder name). Codes are matched like a scan (exact, then without dashes); a label\n"
        "carries the database's spelling. An unknown code is refused (exit 1), naming it.\n"
        "A code whose Code 128 bars come out narrower than 0.17 mm (two dots at 300 dpi) on\n"
        "the layout is printed all the same, with a 'warning:' line on stderr naming it: use a\n"
        "wider layout or --symbology qr for it.\n\n"
        + LAYOUT_HELP,
    )

    def common_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--pdf", required=True, type=given, metavar="FILE",
            help="write the labels to FILE (must be new, or --force; never a symbolic link)",
        )
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
        parser.add_argument(
            "--layout", choices=LAYOUT_NAMES, default="avery-l7651", metavar="NAME",
            help="avery-l7651 (A4, default), avery-5160 (US Letter) or roll-62mm",
        )
        parser.add_argument(
            "--symbology", choices=("code128", "qr"), default="code128",
            help="Code 128 (default) or QR code",
        )
        parser.add_argument(
            "--start", type=_start, default=1, metavar="N",
            help="first label position to print on (1 = top left; skips used labels of a "
            "partly used sheet)",
        )

    def all_option(parser: argparse.ArgumentParser, what: str) -> None:
        parser.add_argument("--all", action="store_true", help=f"a label for every {what}")

    parser = add_command(
        group, common, "assets", _labels_command("assets", _assets),
        "asset tag labels, with the description",
        "SCAN is matched as a scanner's input; --case adds every asset slotted in that case.\n"
        "Retired assets (lost, broken, disposed) are left out of --all (and are in no case);\n"
        "one named by a SCAN is printed all the same, with a note that it is retired.",
    )
    parser.add_argument("scans", nargs="*", metavar="SCAN", help="asset tag as scanned")
    parser.add_argument("--case", type=given, metavar="CODE", help="every asset in this case")
    all_option(parser, "asset that is not retired")
    common_options(parser)

    parser = add_command(
        group, common, "cases", _labels_command("cases", _cases), "case code labels, with the name"
    )
    parser.add_argument("codes", nargs="*", metavar="CODE", help="case code")
    all_option(parser, "case")
    common_options(parser)

    parser = add_command(
        group, common, "slots", _labels_command("slots", _slots),
        "one CASE/POS label per slot of a case (scan it in Put-away to choose the slot)",
    )
    parser.add_argument("--case", required=True, type=given, metavar="CODE", help="case code")
    common_options(parser)

    parser = add_command(
        group, common, "badges", _labels_command("badges", _badges),
        "holder badge labels, with the holder's name",
        "--all prints every active holder's badge.",
    )
    parser.add_argument("badges", nargs="*", metavar="BADGE", help="badge code as scanned")
    all_option(parser, "active holder")
    common_options(parser)
