"""``report custody|holder|history|occupancy|events|audits|audit|assets|receipt``: read-only
reports.

Each report is built by ``core.reports`` inside one read snapshot and either printed as an
aligned table in local time or written with ``--csv`` (plus the event-log head beside it).
The report code (and fpdf) is imported only when a report runs, so building the parser stays
fast.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from ..core.enums import EventType
from .context import Context
from .options import HelpFormatter, add_command, add_group, given, overdue_days
from .output import plural, print_table, say, warn

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from ..core.report_requests import ReportRequest
    from ..core.reports import Report

REPORT_EVENT_TYPES = ", ".join(EventType)  # the one list (core.model), for --type's help


def _request(kind: str, **fields: object) -> ReportRequest:
    from ..core.report_requests import ReportRequest  # the report code loads when a report runs

    return ReportRequest(kind, **fields)  # type: ignore[arg-type]


def _people_columns(header: Sequence[str]) -> list[int]:
    """Every column but the UTC times: people read the local-time column next to them."""
    return [i for i, name in enumerate(header) if not name.endswith("_utc")]


def _local_zone() -> str:
    """The local time zone by name (America/New_York), else its abbreviation (EST).

    Never one UTC offset: the rows of a report can lie on both sides of a DST change.
    """
    tz = os.environ.get("TZ", "").lstrip(":")
    if "zoneinfo/" in tz:
        return tz.split("zoneinfo/", 1)[1]
    if tz and "/" in tz and not tz.startswith("/"):
        return tz
    if not tz:
        try:
            link = os.path.realpath("/etc/localtime")
        except OSError:
            link = ""
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    from datetime import datetime

    return datetime.now().astimezone().tzname() or "local time"


def _csv_dest(text: str, force: bool) -> str:
    from ..core.csvout import check_destination

    return check_destination(text, force=force, what="the CSV")


def _report_output(
    args: argparse.Namespace,
    ctx: Context,
    request: ReportRequest,
    empty: str,
    *,
    table: Callable[[Report], int] | None = None,
) -> int:
    """Run one report in one read snapshot: ``--csv`` export with the log head, or a table."""
    from ..core.csvout import is_stream, sidecar_path, write_csv
    from ..core.report_requests import open_report, report_rows

    with open_report(ctx.store(), request, ctx.settings()) as (report, head):
        if args.csv is not None:
            dest = _csv_dest(args.csv, args.force)
            rows = write_csv(dest, report.header, report_rows(report, request), log_head=head)
            if is_stream(dest):  # stdout, a FIFO or a device: no sidecar, head went to stderr
                if rows == 0:
                    warn(empty)
                return 0
            say(f"Wrote {plural(rows, 'row')} to {dest}" + (f" ({empty})" if rows == 0 else ""))
            say(f"Event-log head recorded in {sidecar_path(dest)}")
            return 0
        say(report.title)
        say()
        if table is not None:
            count = table(report)
        else:
            count = print_table(
                report.header, lambda: report_rows(report, request), _people_columns(report.header)
            )
        if count == 0:
            say(empty)
        else:
            say()
            if request.kind not in ("audit", "assets"):
                say(f"{plural(count, 'row')}; times are local ({_local_zone()}); --csv adds UTC.")
            else:  # an audit's findings, the assets: no times
                say(plural(count, "row"))
    return 0


def _days(args: argparse.Namespace, ctx: Context) -> int:
    return args.days if args.days is not None else ctx.settings().overdue_days


def cmd_report_custody(args: argparse.Namespace, ctx: Context) -> int:
    days = _days(args, ctx)
    if args.holder:
        empty = f"{args.holder} holds nothing" + (" overdue." if args.overdue else ".")
    elif args.overdue:
        empty = f"Nothing is overdue (held more than {plural(days, 'day')})."
    else:
        empty = "Nobody holds anything: every asset is in storage."
    request = _request(
        "custody", holder=args.holder or "", overdue_days=days, overdue_only=args.overdue
    )
    return _report_output(args, ctx, request, empty)


def cmd_report_holder(args: argparse.Namespace, ctx: Context) -> int:
    request = _request("holder", holder=args.holder, overdue_days=_days(args, ctx))
    return _report_output(args, ctx, request, f"{args.holder} holds nothing.")


def cmd_report_history(args: argparse.Namespace, ctx: Context) -> int:
    return _report_output(args, ctx, _request("history", scan=args.scan), "No events.")


def cmd_report_occupancy(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.report_requests import last_audit_by_case, occupancy_summary

    def table(report: Report) -> int:
        # Per case first (used / free, last audit), then every slot and what is in it.
        audited = last_audit_by_case(ctx.store())
        summary = [
            (*row, audited.get(str(row[0]), ""))
            for row in occupancy_summary(ctx.store(), args.case, ctx.settings())
        ]
        print_table(
            ["case_code", "case_name", "slots", "used", "free", "last_audit"],
            lambda: iter(summary),
            range(6),
        )
        if not summary:
            return 0
        say()
        return print_table(report.header, report.rows, [0, 5, 6, 7, 8])

    request = _request("occupancy", case=args.case or "")
    return _report_output(args, ctx, request, "No cases yet.", table=table)


def cmd_report_events(args: argparse.Namespace, ctx: Context) -> int:
    request = _request(
        "events",
        since=args.since or "",
        until=args.until or "",
        event_type=args.type or "",
        holder=args.holder or "",
        operator=args.operator_filter or "",
        batch=args.batch or "",
    )
    return _report_output(args, ctx, request, "No events match.")


# -- audits (core/audit_report.py) -----------------------------------------------------------------


def cmd_report_audits(args: argparse.Namespace, ctx: Context) -> int:
    empty = f"{args.case}: no audit recorded yet." if args.case else "No audit recorded yet."
    return _report_output(args, ctx, _request("audits", case=args.case or ""), empty)


def cmd_report_audit(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.errors import UsageError

    if bool(args.batch_id) == bool(args.case):
        raise UsageError("name one audit: its BATCH_ID, or --case CODE for the case's latest")
    if args.pdf is not None:
        from ..core.audit_report import write_audit_pdf
        from ..core.csvout import check_destination
        from ..core.report_requests import audit_sheet_for

        dest = Path(check_destination(args.pdf, force=args.force, what="the PDF"))
        sheet = audit_sheet_for(ctx.store(), args.batch_id or "", args.case or "", ctx.settings())
        write_audit_pdf(sheet, dest)
        say(f"{sheet.title}: {plural(len(sheet.findings), 'finding')}, written to {dest}")
        if args.csv is None:
            return 0
    from ..core.report_requests import report_rows
    from .audit import print_findings  # the findings' table, details whole (as `audit` prints)

    request = _request("audit", batch=args.batch_id or "", case=args.case or "")
    return _report_output(
        args,
        ctx,
        request,
        "No findings.",
        table=lambda report: print_findings(report.header, report_rows(report, request)),
    )


def cmd_report_assets(args: argparse.Namespace, ctx: Context) -> int:
    empty = "No retired assets." if args.retired else "No assets yet."
    return _report_output(args, ctx, _request("assets", retired_only=args.retired), empty)


def cmd_report_receipt(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.csvout import check_destination
    from ..core.receipt import receipt_title, write_receipt_pdf
    from ..core.report_requests import receipt_for_batch

    dest = Path(check_destination(args.pdf, force=args.force, what="the PDF"))
    receipt = receipt_for_batch(ctx.store(), args.batch_id)
    write_receipt_pdf(receipt, dest)
    say(
        f"{receipt_title(receipt.kind)} for batch {receipt.batch_id}: "
        f"{plural(len(receipt.lines), 'asset')}, {receipt.holder_name} ({receipt.holder_badge}), "
        f"written to {dest}"
    )
    return 0


def register_report_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = add_group(
        commands,
        common,
        "report",
        "custody, holder, history, occupancy, event, audit and asset reports; receipts as PDF",
        "Without --csv a report prints an aligned table with local times. With --csv FILE it\n"
        "writes a CSV for Excel (UTF-8 with BOM, CRLF; text that starts like a formula gets a\n"
        "leading apostrophe) and records the event-log head (event count and head hash) in\n"
        "FILE.loghead.txt beside it; with --csv - the CSV goes to stdout and the head to stderr.",
    )

    def force_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="replace FILE if it already exists"
        )

    def csv_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--csv",
            type=given,
            metavar="FILE",
            help="write CSV to FILE (- for stdout) instead of printing a table; the event-log "
            "head goes to FILE.loghead.txt (stderr for -). FILE must be new (or --force) and "
            "not a symbolic link; a FIFO or /dev/stdout is written into",
        )
        force_option(parser)

    def days_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--days",
            type=overdue_days,
            metavar="N",
            help="overdue means held longer than N days (default: overdue_days in the settings "
            "file, 14 unless changed)",
        )

    parser = add_command(
        group,
        common,
        "custody",
        cmd_report_custody,
        "who holds what: tag, serial, description, holder, since, days held, overdue",
        "Overdue = held longer than N days since the last stock-out (exactly N days is not\n"
        "overdue).",
    )
    parser.add_argument(
        "--holder", metavar="BADGE", type=given, help="only this holder (badge or exact name)"
    )
    parser.add_argument("--overdue", action="store_true", help="only overdue assets")
    days_option(parser)
    csv_option(parser)

    parser = add_command(
        group, common, "holder", cmd_report_holder, "everything one holder has now"
    )
    parser.add_argument("holder", metavar="BADGE", type=given, help="badge code or exact name")
    days_option(parser)
    csv_option(parser)

    parser = add_command(
        group,
        common,
        "history",
        cmd_report_history,
        "every event of one asset, oldest first",
        "SCAN is matched as a scanner's input (exact, then without dashes).",
    )
    parser.add_argument("scan", metavar="SCAN", help="asset tag as scanned")
    csv_option(parser)

    parser = add_command(
        group,
        common,
        "occupancy",
        cmd_report_occupancy,
        "per case: slots used / free, and each slot's asset",
    )
    parser.add_argument("--case", metavar="CODE", type=given, help="only this case")
    csv_option(parser)

    # Not the shared parent: here --operator filters events instead of naming who records them
    # (a report records nothing), so it must not also be set by the global --operator.
    db_only = argparse.ArgumentParser(add_help=False, formatter_class=HelpFormatter)
    db_only.add_argument(
        "--db",
        type=given,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (as before COMMAND)",
    )
    parser = add_command(
        group,
        db_only,
        "events",
        cmd_report_events,
        "all events in a date range, filtered by type, holder, operator and batch",
        "DATE is YYYY-MM-DD, a local calendar day (--until includes that whole day), or\n"
        "YYYY-MM-DDTHH:MM[:SS] local time (or with Z / +HH:MM).\n"
        "TYPE is one of " + textwrap.fill(REPORT_EVENT_TYPES, 70, subsequent_indent="  ") + "\n"
        "(stock-out works for STOCK_OUT).",
    )
    parser.add_argument("--since", metavar="DATE", type=given, help="from this day or time on")
    parser.add_argument(
        "--until", metavar="DATE", type=given, help="up to this day (inclusive) or time"
    )
    parser.add_argument("--type", metavar="TYPE", type=given, help="only this event type")
    parser.add_argument("--holder", metavar="BADGE", type=given, help="only events of this holder")
    parser.add_argument(
        "--operator",
        dest="operator_filter",
        type=given,
        metavar="NAME",
        help="only events recorded by this operator (exact name)",
    )
    parser.add_argument("--batch", metavar="ID", type=given, help="only this batch")
    csv_option(parser)

    parser = add_command(
        group,
        common,
        "audits",
        cmd_report_audits,
        "recorded audits (stocktakes), newest first: case, date, operator, counts per class",
    )
    parser.add_argument("--case", metavar="CODE", type=given, help="only audits of this case")
    csv_option(parser)

    parser = add_command(
        group,
        common,
        "audit",
        cmd_report_audit,
        "every finding of one recorded audit; --pdf writes a sheet for signing",
        "Name the audit by BATCH_ID (report audits lists them) or --case CODE (its latest\n"
        "audit). The findings are listed as recorded: asset_tag, status, expected_slot,\n"
        "found_slot, detail. --pdf FILE writes the audit sheet (case, date, operator, every\n"
        "finding, signature lines); with --csv too, both are written.",
    )
    parser.add_argument("batch_id", nargs="?", metavar="BATCH_ID", help="the audit's batch id")
    parser.add_argument("--case", metavar="CODE", type=given, help="the latest audit of this case")
    parser.add_argument("--pdf", metavar="FILE", type=given, help="PDF file to write")
    csv_option(parser)

    parser = add_command(
        group,
        common,
        "assets",
        cmd_report_assets,
        "where everything is: every asset with its slot, holder, storage or RETIRED (LOST)",
        "One row per asset, by tag: asset_tag, serial, description, status (STORAGE,\n"
        "IN_CUSTODY, RETIRED) and location (CART-A/3, the holder, 'storage (no slot)' or\n"
        "'RETIRED (LOST)' / '(BROKEN)' / '(DISPOSED)'). Retired assets are listed too.",
    )
    parser.add_argument(
        "--retired", action="store_true", help="only the retired assets (lost, broken, disposed)"
    )
    csv_option(parser)

    parser = add_command(
        group,
        common,
        "receipt",
        cmd_report_receipt,
        "write the PDF hand-over (stock-out) or return (stock-in) receipt of a batch",
        "The receipt lists holder, badge, batch id, date, operator and every asset with tag\n"
        "and serial, with signature lines, and the event-log head at printing.",
    )
    parser.add_argument("batch_id", metavar="BATCH_ID", help="as printed by stock-out / stock-in")
    parser.add_argument(
        "--pdf", required=True, metavar="FILE", type=given, help="PDF file to write"
    )
    force_option(parser)
