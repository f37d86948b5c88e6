"""``audit --case CODE FILE``: a stocktake of one case from a file of scans (or stdin).

The scans go through the same classifier as the GUI's Audit page (``core.audit``): each line is
one scan in scan order, slot labels (``CART-A/3``) allowed. The findings are printed (or, with
``--csv -``, written to stdout), the audit is recorded as one AUDIT event unless ``--dry-run``,
and ``--csv FILE`` writes the findings with the event-log head beside them. Exit 0 whenever the
audit ran, whatever it found; 1 when it could not be recorded (database busy, read-only, …);
2 for an unknown case or an unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .context import Context
from .options import add_command, given
from .output import plural, print_table, say, warn


def _read_scans(name: str) -> list[str]:
    """The lines of FILE (``-``: stdin), read before the database is opened."""
    from ..core.audit import scan_lines
    from ..core.errors import UsageError

    if name == "-":
        return scan_lines(sys.stdin.buffer.read(), "standard input")
    path = Path(name).expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a file of scans.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}") from None
    return scan_lines(data, str(path))


def cmd_audit(args: argparse.Namespace, ctx: Context) -> int:
    from ..core.audit import FINDINGS_HEADER, AuditSession, counts_text
    from ..core.csvout import check_destination, is_stream, sidecar_path, write_csv
    from ..core.errors import StoreError, UsageError, UserError
    from ..core.report_requests import current_log_head

    scans = _read_scans(args.file)  # a bad file is a usage error, database or not
    dest = check_destination(args.csv, force=args.force, what="the CSV") if args.csv else None
    # With --csv - the findings are the output: everything else goes to stderr.
    tell = warn if dest == "-" else say
    session = AuditSession(ctx.engine())
    try:
        audit = session.start(args.case)
    except StoreError:
        raise
    except UserError as exc:
        raise UsageError(str(exc)) from None
    for number, line in enumerate(scans, 1):
        outcome = session.scan(line)
        if not outcome.recorded and line.strip():
            warn(f"line {number}: {outcome.message}")

    findings = audit.findings()
    rows = [f.row() for f in findings]
    counts = audit.counts()
    case = audit.case
    if dest != "-":
        say(f"Audit of {case.case_code} — {case.name}: {plural(audit.scan_count, 'scan')}")
        say()
        if print_table(FINDINGS_HEADER, lambda: iter(rows), range(len(FINDINGS_HEADER))):
            say()
    tell(f"{case.case_code}: {counts_text(counts)}")

    if args.dry_run:
        tell("--dry-run: nothing recorded")
    else:
        recorded = session.finish()
        tell(f"batch {recorded.batch_id}: recorded the audit of {case.case_code} (AUDIT event)")

    if dest is not None:
        head = current_log_head(ctx.store())
        written = write_csv(dest, FINDINGS_HEADER, rows, log_head=head)
        if not is_stream(dest):
            say(f"Wrote {plural(written, 'finding')} to {dest}")
            say(f"Event-log head recorded in {sidecar_path(dest)}")
    return 0


def register_audit_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = add_command(
        commands,
        common,
        "audit",
        cmd_audit,
        "stocktake one case from a file of scans: every difference from the database",
        "FILE (- for stdin) holds one scan per line, in the order scanned: asset tags in slot\n"
        "order, and slot labels CASE/POS, each followed by the asset found in that slot (both\n"
        "may be mixed). A tag after no label is taken as found at its own slot if that comes\n"
        "after the last slot scanned (skipped slots were empty or their asset is missing),\n"
        "otherwise at the next slot (out of order: wrong slot, 'slot by scan order').\n"
        "Each finding is one of: ok, wrong-slot, missing, unexpected (another case's slot, in\n"
        "custody, retired, or no slot), unknown (matches no asset), duplicate (scanned again:\n"
        "ignored). The audit is recorded as one AUDIT event; no asset changes.\n"
        "Exit 0 when the audit ran, whatever it found.",
    )
    parser.add_argument("--case", required=True, type=given, metavar="CODE", help="the case audited")
    parser.add_argument("file", metavar="FILE", help="the scans, one per line (- for stdin)")
    parser.add_argument(
        "--csv",
        type=given,
        metavar="OUT",
        help="also write the findings as CSV (asset_tag, status, expected_slot, found_slot, "
        "detail) to OUT (- for stdout), with the event-log head in OUT.loghead.txt",
    )
    parser.add_argument("--force", action="store_true", help="replace OUT if it already exists")
    parser.add_argument(
        "--dry-run", action="store_true", help="show the findings but record nothing"
    )
