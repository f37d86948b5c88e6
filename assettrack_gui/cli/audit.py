"""``audit --case CODE FILE``: a stocktake of one case from a file of scans (or stdin).

The scans go through the same classifier as the GUI's Audit page (``core.audit``): each line is
one scan in scan order, slot labels (``CART-A/3``) allowed. The findings are printed (or, with
``--csv -``, written to stdout), the audit is recorded as one AUDIT event unless ``--dry-run``,
and ``--csv FILE`` writes the findings with the event-log head beside them. Exit 0 whenever the
audit ran, whatever it found; 1 when it could not be recorded (database busy, read-only, …);
2 for an unknown case, an unreadable file, or a file with no scans at all (the engine's rule,
``Audit.refusal``: an empty export must not become an audit saying everything is missing).

The printed table keeps each finding's detail whole: after the four short columns when the line
fits in 80 columns, else under them, indented and wrapped (``report audit`` prints the same way).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

from .context import Context
from .options import add_command, given
from .output import cell, flat, plural, say, warn

WIDTH = 80  # the printed findings stay readable in an 80-column terminal
DETAIL_INDENT = "    "


def print_findings(header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """The findings as a table people read: asset tag, status, expected and found slot aligned,
    then the detail in full — on the same line when that line fits in 80 columns, else under
    it, indented and wrapped at 80 columns (a tag or a slot is never split). Returns the number
    of findings; prints nothing for none."""
    found = [tuple(cell(v) for v in row[:4]) + (flat(str(row[4] or "")),) for row in rows]
    if not found:
        return 0
    labels = [h.replace("_", " ") for h in header[:5]]
    widths = [max(len(labels[i]), *(len(r[i]) for r in found)) for i in range(4)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))

    say(line(labels[:4]) + "  " + labels[4])
    say("  ".join("-" * w for w in [*widths, len(labels[4])]))
    for row in found:
        start, detail = line(row[:4]), row[4]
        if len(start) + 2 + len(detail) <= WIDTH:
            say(f"{start}  {detail}".rstrip())
            continue
        say(start.rstrip())
        for part in textwrap.wrap(
            detail,
            WIDTH,
            initial_indent=DETAIL_INDENT,
            subsequent_indent=DETAIL_INDENT,
            break_long_words=False,
            break_on_hyphens=False,
        ):
            say(part)
    return len(found)


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
    if (refused := audit.refusal()) is not None:  # no scans: bad input, nothing recorded
        source = "standard input" if args.file == "-" else args.file
        raise UsageError(f"{source}: {refused.message}")

    findings = audit.findings()
    rows = [f.row() for f in findings]
    counts = audit.counts()
    case = audit.case
    if dest != "-":
        say(f"Audit of {case.case_code} — {case.name}: {plural(audit.scan_count, 'scan')}")
        say()
        if print_findings(FINDINGS_HEADER, rows):
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
        "ignored). A slot label naming no slot of the case (another case's, a position outside\n"
        "it, Caps Lock on) is an unknown finding too, with the reason; the scan after it is\n"
        "placed by scan order. The audit is recorded as one AUDIT event; no asset changes.\n"
        "A file with no scans (empty, or blank lines only) is refused: nothing recorded, exit 2.\n"
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
