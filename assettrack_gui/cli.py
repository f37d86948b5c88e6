"""``assettrack-admin``: the admin command line, a thin shell over the core custody engine.

Every command calls the same core functions as the GUI, so a batch refused here would be refused
there for the same reason. Exit codes: 0 done; 1 refused (nothing changed; one reason per line on
stderr naming the scan or CSV line), also when the database is busy, damaged or too new; 2 usage
error (bad arguments, missing or unreadable file, bad CSV header, no database yet).

Adding a command family (e.g. ``report …``): write ``register_<family>_commands(commands, common)``
using ``add_group`` / ``add_command`` below and append it to ``COMMAND_GROUPS``. The README test
then insists that every new command is documented.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .core import importer, paths
from .core.engine import Engine, find_holder
from .core.errors import Refused, UsageError, UserError
from .core.eventlog import LogHead, log_head
from .core.matching import visible
from .core.model import CommitResult, HolderInfo, NewCase, NewHolder, Placement
from .core.rules import check_operator, default_operator
from .core.settings import Settings, load_settings_checked
from .core.store import Store, latest_version, translate_error
from .core.verify import verify

PROG = "assettrack-admin"

Handler = Callable[[argparse.Namespace, "Context"], int]

EXIT_CODES = """\
exit codes:
  0  done
  1  refused: nothing was changed; one reason per line on stderr, naming the scan or
     the CSV line ("line 7: ..."); also when the database is busy, damaged or too new
  2  usage error: bad arguments, missing or unreadable file, bad CSV header, no database
"""


# -- the database a command works on ---------------------------------------------------------------


class Context:
    """Opens the database (and the engine over it) only when a command needs it."""

    def __init__(self, args: argparse.Namespace) -> None:
        db = getattr(args, "db", None)
        self.db_path = Path(db).expanduser() if db else paths.default_db_path()
        self.operator: str = getattr(args, "operator", None) or default_operator()
        self._store: Store | None = None
        self._engine: Engine | None = None
        self._settings: Settings | None = None

    def settings(self) -> Settings:
        """The shared settings file, read once; its problems are one warning line each."""
        if self._settings is None:
            self._settings, problems = load_settings_checked()
            for problem in problems:
                _warn(f"warning: {problem}")
        return self._settings

    def store(self) -> Store:
        """The existing AssetTrack database; never creates one (that is ``init``'s job)."""
        if self._store is None:
            path = self.db_path
            if not path.exists():
                raise UsageError(
                    f"No database at {path}; run {PROG} init to create it "
                    f"(or choose another with --db PATH or {paths.DB_ENV_VAR})."
                )
            if path.is_dir():
                raise UsageError(f"{path} is a folder, not a database file.")
            store = Store(path, create=False, migrate=False)
            try:
                if store.user_version() == 0:
                    if store.has_tables():
                        raise UsageError(f"{path} is not an AssetTrack database.")
                    raise UsageError(
                        f"No AssetTrack database at {path} (the file is empty); "
                        f"run {PROG} init to create it."
                    )
                store.migrate()  # refuses a database from a newer AssetTrack
            except BaseException:
                store.close()
                raise
            self._store = store
        return self._store

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(self.store(), operator=self.operator, settings=self.settings())
        return self._engine

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._engine = None


# -- option values ---------------------------------------------------------------------------------

MAX_DAYS = 36500  # a hundred years: longer than anything is held, small enough for date maths


def _given(text: str) -> str:
    """An option's value: an empty one (``--db ''``) is a mistake, never "use the default"."""
    if text == "":
        raise argparse.ArgumentTypeError("the value is empty; give one or leave the option out")
    return text


def _operator_name(text: str) -> str:
    _given(text)
    try:
        return check_operator(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# -- parser building blocks --------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    # After the command the defaults are SUPPRESS, so they never overwrite a value given before it.
    default = argparse.SUPPRESS if after_command else None
    parser.add_argument(
        "--db",
        metavar="PATH",
        type=_given,
        default=default,
        help=f"database file (default: ${paths.DB_ENV_VAR}, else {paths.data_dir() / paths.DB_FILENAME})",
    )
    parser.add_argument(
        "--operator",
        metavar="NAME",
        type=_operator_name,
        default=default,
        help="name recorded on every event (default: the OS user)",
    )


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    name: str,
    func: Handler,
    summary: str,
    description: str = "",
) -> argparse.ArgumentParser:
    """A command: ``summary`` is its line in the parent's --help, ``description`` its own."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary}\n\n{description}".rstrip() if description else summary,
        epilog=EXIT_CODES,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func)
    return parser


def add_group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    name: str,
    summary: str,
    description: str = "",
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command family such as ``holder add|rename|…``; returns where its commands go."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary}\n\n{description}".rstrip() if description else summary,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser.add_subparsers(
        title="commands", dest=f"{name}_command", metavar="COMMAND", required=True
    )


def _say(text: str = "") -> None:
    print(text)


def _warn(text: str) -> None:
    print(text, file=sys.stderr)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _flat(text: str) -> str:
    """A stored value on one output line: line breaks and control characters made visible."""
    return visible(text, limit=len(text) * 8 + 1)


def _print_moves(result: CommitResult) -> None:
    """One line per asset: canonical tag, where it was, where it is now."""
    for line in result.preview.lines:
        scanned = f"  (scanned {visible(line.scan)})" if line.scan != line.asset_tag else ""
        _say(f"  {line.asset_tag}: {line.now} → {line.to}{scanned}")


# -- init --------------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    path = ctx.db_path
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for the database.")
    existed = path.exists()
    store = Store(path, create=True, migrate=False)
    try:
        before = store.user_version()
        if before == 0 and store.has_tables():
            raise UsageError(
                f"{path} already holds a database that is not AssetTrack's; "
                "choose another file with --db."
            )
        store.migrate()
    finally:
        store.close()
    shown = path.resolve()
    if not existed or before == 0:
        _say(f"Created database {shown} (schema {latest_version()})")
    elif before < latest_version():
        _say(f"Upgraded database {shown} from schema {before} to {latest_version()}")
    else:
        _say(f"Database {shown} is up to date (schema {before})")
    return 0


def register_init_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    add_command(
        commands,
        common,
        "init",
        cmd_init,
        "create the database, or bring an existing one up to date; prints its path",
        "Safe to run again: an up-to-date database is left as it is. Refuses a database\n"
        "written by a newer AssetTrack, and any SQLite file that is not AssetTrack's.",
    )


# -- import ------------------------------------------------------------------------------------------


def _import(kind: str) -> Handler:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        file = importer.load_import(kind, args.file)  # a bad file is a usage error, db or not
        result = importer.commit_import(ctx.engine(), file)
        noun = {"holders": "holder", "cases": "case", "assets": "asset"}[kind]
        _say(f"batch {result.batch_id}: imported {_count(result.count, noun)} from {file.path}")
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


# -- slot and move ---------------------------------------------------------------------------------


def _placement(move: bool) -> Handler:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        engine = ctx.engine()
        items = [Placement(args.scan, args.case, args.position)]
        result = engine.commit_move(items) if move else engine.commit_put_away(items)
        _say(f"batch {result.batch_id}: {'moved' if move else 'put away'} 1 asset")
        _print_moves(result)
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
        parser.add_argument("--case", required=True, metavar="CODE", type=_given, help="case code")
        parser.add_argument(
            "--position", required=True, type=int, metavar="N", help="slot position, 1..rows×cols"
        )
        parser.add_argument("scan", metavar="SCAN", help="asset tag as scanned")


# -- stock-out and stock-in --------------------------------------------------------------------------


def cmd_stock_out(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().commit_stock_out(args.scans, args.holder)
    holder = result.preview.holder
    to = f" to {holder.label}" if holder else ""
    _say(f"batch {result.batch_id}: stocked out {_count(result.count, 'asset')}{to}")
    _print_moves(result)
    return 0


def cmd_stock_in(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().commit_stock_in(args.scans, args.case)
    _say(f"batch {result.batch_id}: stocked in {_count(result.count, 'asset')}")
    _print_moves(result)
    return 0


def register_custody_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = add_command(
        commands,
        common,
        "stock-out",
        cmd_stock_out,
        "hand slotted assets to one holder (all or nothing)",
        "Every scan must be an asset in a slot and in storage, each at most once; the\n"
        "holder must exist and be active. Each slot is vacated.",
    )
    parser.add_argument(
        "--holder",
        required=True,
        type=_given,
        metavar="BADGE_OR_NAME",
        help="badge code or exact name",
    )
    parser.add_argument("scans", nargs="+", metavar="SCAN", help="asset tags as scanned")
    parser = add_command(
        commands,
        common,
        "stock-in",
        cmd_stock_in,
        "take assets back from their holders into slots (all or nothing)",
        "Each asset goes back to the slot it last left if that slot is still empty,\n"
        "otherwise to the lowest free slot of --case. Without --case such a line is refused.",
    )
    parser.add_argument(
        "--case",
        type=_given,
        metavar="CODE",
        help="case for returns whose own slot is taken or unknown",
    )
    parser.add_argument("scans", nargs="+", metavar="SCAN", help="asset tags as scanned")


# -- holders ------------------------------------------------------------------------------------------


def _find_holder(ctx: Context, ref: str) -> HolderInfo | None:
    with ctx.store().read() as conn:
        return find_holder(conn, ref)


def cmd_holder_add(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().add_holders([NewHolder(args.name, args.badge, label=args.badge)])
    _say(f"batch {result.batch_id}: added holder {args.name.strip()} ({args.badge})")
    return 0


def cmd_holder_rename(args: argparse.Namespace, ctx: Context) -> int:
    before = _find_holder(ctx, args.holder)
    after = ctx.engine().rename_holder(args.holder, args.new_name)
    if before is not None and before.name == after.name:
        _say(f"{after.label} already has that name; nothing changed")
    else:
        old = before.name if before else args.holder
        _say(f"Renamed holder {after.badge_code}: {old} → {after.name}")
    return 0


def _set_active(active: bool) -> Handler:
    def run(args: argparse.Namespace, ctx: Context) -> int:
        before = _find_holder(ctx, args.holder)
        after = ctx.engine().set_holder_active(args.holder, active)
        state = "active" if active else "deactivated"
        if before is not None and before.active == active:
            _say(f"{after.label} is already {state}; nothing changed")
        else:
            _say(f"{after.label} is now {state}")
        return 0

    return run


def cmd_holder_list(args: argparse.Namespace, ctx: Context) -> int:
    holders = ctx.engine().all_holders()
    if not holders:
        _say("No holders yet.")
        return 0
    width = max(len(h.badge_code) for h in holders)
    for h in holders:
        _say(f"{h.badge_code:<{width}}  {h.name}{'' if h.active else '  (deactivated)'}")
    return 0


def register_holder_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = add_group(
        commands,
        common,
        "holder",
        "add, rename, deactivate, reactivate or list holders",
        "A holder is found by badge code (as scanned) or by exact name.",
    )
    parser = add_command(group, common, "add", cmd_holder_add, "add a holder")
    parser.add_argument("name", metavar="NAME", help="full name")
    parser.add_argument("badge", metavar="BADGE", help="badge code, unique")
    parser = add_command(group, common, "rename", cmd_holder_rename, "change a holder's name")
    parser.add_argument("holder", metavar="BADGE_OR_NAME")
    parser.add_argument("new_name", metavar="NEW_NAME")
    parser = add_command(
        group,
        common,
        "deactivate",
        _set_active(False),
        "stop a holder receiving new custody",
        "What they already hold stays recorded against them until it is stocked in.",
    )
    parser.add_argument("holder", metavar="BADGE_OR_NAME")
    parser = add_command(
        group, common, "reactivate", _set_active(True), "let a deactivated holder receive custody"
    )
    parser.add_argument("holder", metavar="BADGE_OR_NAME")
    add_command(group, common, "list", cmd_holder_list, "list all holders by name")


# -- cases --------------------------------------------------------------------------------------------


def cmd_case_add(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.engine().create_cases([NewCase(args.code, args.name, args.rows, args.cols, label=args.code)])
    size = args.rows * args.cols
    _say(
        f"batch {result.batch_id}: created case {args.code} ({args.name.strip()}), "
        f"{args.rows} × {args.cols} = {_count(size, 'slot')}"
    )
    return 0


def cmd_case_list(args: argparse.Namespace, ctx: Context) -> int:
    engine = ctx.engine()
    cases = engine.cases()
    if not cases:
        _say("No cases yet.")
        return 0
    width = max(len(c.case_code) for c in cases)
    for case in cases:
        used = sum(1 for slot in engine.case_slots(case.id) if not slot.empty)
        _say(
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


# -- show, verify, backup ---------------------------------------------------------------------------


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    found = ctx.engine().lookup(args.scan)
    match = found.match
    if not match.found:
        raise Refused([f"{visible(args.scan) or repr(args.scan)}: {match.message}"])
    _say(found.title)
    if match.via == "dashless":
        _say(f"  (scanned {visible(match.scan)}; matched {match.canonical} without dashes)")
    width = max((len(key) for key, _ in found.facts), default=0) + 1
    for key, value in found.facts:
        if key.strip() == "•":  # one of the assets a holder holds
            _say(f"    • {_flat(value)}")
        else:
            _say(f"  {key + ':':<{width}} {_flat(value)}")
    if match.kind in ("asset", "holder", "case"):
        _say()
        _say("History (oldest first; times are UTC):")
        if not found.events:
            _say("  (no events)")
        for event in found.events:
            parts = [event.created_at, f"{event.event_type:<11}"]
            if event.asset_tag and match.kind != "asset":
                parts.append(event.asset_tag)
            if event.holder:
                parts.append(f"holder {event.holder}")
            if event.slot:
                parts.append(f"slot {event.slot}")
            if event.note:
                parts.append(f"note: {_flat(event.note)}")
            parts.append(f"by {event.operator}")
            parts.append(f"batch {event.batch_id}")
            _say("  " + "  ".join(parts))
    return 0


def cmd_verify(args: argparse.Namespace, ctx: Context) -> int:
    report = verify(ctx.store())
    if report.ok:
        # Fixed wording (always "events", "assets") so scripts can parse it.
        _say(f"OK: {report.events} events, head hash {report.head_hash}, {report.assets} assets")
        return 0
    for problem in report.problems:
        _warn(problem)
    _warn(f"verify: {_count(len(report.problems), 'problem')} found")
    return 1


def _backup_head(path: Path) -> LogHead:
    """The event-log head of the finished backup, read without changing the file."""
    with Store.open_read_only(path) as backup:
        return log_head(backup.conn)


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    dest = Path(args.dest).expanduser()
    if dest.is_dir():
        raise UsageError(f"{dest} is a folder; give a new file name for the backup.")
    if dest.exists() and dest.resolve() == ctx.db_path.resolve():
        raise UsageError(f"{dest} is the database itself; give another file for the backup.")
    if dest.exists() or dest.is_symlink():
        raise UsageError(f"{dest} already exists; choose a new file name for the backup.")
    if not dest.parent.is_dir():
        raise UsageError(f"No folder {dest.parent} for the backup.")
    ctx.store().backup(dest)
    head = _backup_head(dest)
    _say(f"Backup written to {dest.resolve()}")
    _say(f"events: {head.count}")
    _say(f"head_hash: {head.head_hash}")
    return 0


def register_inspection_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = add_command(
        commands,
        common,
        "show",
        cmd_show,
        "say what a scan is, where it is or who holds it, and its history",
        "Works for asset tags, holder badges and case codes, matched as a scanner\n"
        "would (exact, then without dashes). An unknown scan exits 1 with a hint.",
    )
    parser.add_argument("scan", metavar="SCAN")
    add_command(
        commands,
        common,
        "verify",
        cmd_verify,
        "audit the database: integrity, invariants, event-log replay and hash chain",
        "Prints 'OK: N events, head hash H, M assets', or every problem on its own line\n"
        "on stderr and exits 1. Compare the head with the one recorded at the last backup\n"
        "to detect truncated history.",
    )
    parser = add_command(
        commands,
        common,
        "backup",
        cmd_backup,
        "copy the database with SQLite's online backup (safe while it is in use)",
        "DEST must be a new file: an existing file (perhaps an older backup or another\n"
        "database) is never overwritten. Prints the event-log head of the copy (event\n"
        "count and head hash): record it somewhere outside the database.",
    )
    parser.add_argument("dest", metavar="DEST", help="backup file to write")


# -- reports ----------------------------------------------------------------------------------------

# Spelled out here so that building the parser does not import the report code (and fpdf);
# tests/core/test_cli_report.py checks the list against core.reports.EVENT_TYPES.
REPORT_EVENT_TYPES = (
    "RECEIVE, SLOT_ASSIGN, SLOT_MOVE, STOCK_OUT, STOCK_IN, HOLDER_ADD, HOLDER_RENAME, "
    "HOLDER_DEACTIVATE, HOLDER_REACTIVATE, CASE_CREATE"
)
# A text cell wider than this is cut with "…" in the printed table (never in CSV).
TABLE_CELL_MAX = 48

if TYPE_CHECKING:
    from .core.reports import Report


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if not 0 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"days must be 0..{MAX_DAYS} (got {value})")
    return value


def _cell(value: object) -> str:
    """One table cell for people: bools as words, control characters visible, long text cut."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "OVERDUE" if value else ""
    text = _flat(str(value))
    return text if len(text) <= TABLE_CELL_MAX else text[: TABLE_CELL_MAX - 1] + "…"


def _print_table(
    header: Sequence[str], rows: Callable[[], Iterator[Sequence[object]]], columns: Sequence[int]
) -> int:
    """An aligned table of ``columns`` of the rows; returns the row count.

    Two passes over ``rows()`` (widths, then printing) keep memory flat for any number of rows;
    the caller holds one read transaction, so both passes see the same data.
    """
    labels = [header[i].removesuffix("_local").replace("_", " ") for i in columns]
    widths = [len(label) for label in labels]
    numeric = [True] * len(columns)
    count = 0
    for row in rows():
        count += 1
        for n, i in enumerate(columns):
            value = row[i]
            widths[n] = max(widths[n], len(_cell(value)))
            if not isinstance(value, int | float) or isinstance(value, bool):
                numeric[n] = False
    if count == 0:
        return 0

    def line(cells: Sequence[str], right: Sequence[bool]) -> str:
        return "  ".join(
            cell.rjust(w) if r else cell.ljust(w)
            for cell, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    _say(line(labels, numeric))
    _say("  ".join("-" * w for w in widths))
    for row in rows():
        _say(line([_cell(row[i]) for i in columns], numeric))
    return count


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
    return datetime.now().astimezone().tzname() or "local time"


def _csv_dest(text: str) -> str:
    from .core.csvout import is_stream, resolve_dest

    dest_text = resolve_dest(text)
    if is_stream(dest_text):
        return dest_text
    dest = Path(dest_text)
    if dest.is_dir():
        raise UsageError(f"{dest} is a folder; give a file name for the CSV.")
    if not dest.parent.is_dir():
        raise UsageError(f"No folder {dest.parent} for {dest.name}.")
    return str(dest)


def _report_output(
    args: argparse.Namespace,
    ctx: Context,
    build: Callable[[sqlite3.Connection], Report],
    empty: str,
    *,
    table: Callable[[Report], int] | None = None,
) -> int:
    """Run one report inside a read snapshot: ``--csv`` export with the log head, or a table."""
    from .core.csvout import is_stream, sidecar_path, write_csv

    with ctx.store().read() as conn:
        report = build(conn)
        if args.csv is not None:
            dest = _csv_dest(args.csv)
            rows = write_csv(dest, report.header, report.rows(), log_head=log_head(conn))
            if is_stream(dest):  # stdout, a FIFO or a device: no sidecar, head went to stderr
                if rows == 0:
                    _warn(empty)
                return 0
            _say(f"Wrote {_count(rows, 'row')} to {dest}" + (f" ({empty})" if rows == 0 else ""))
            _say(f"Event-log head recorded in {sidecar_path(dest)}")
            return 0
        _say(report.title)
        _say()
        if table is not None:
            count = table(report)
        else:
            count = _print_table(report.header, report.rows, _people_columns(report.header))
        if count == 0:
            _say(empty)
        else:
            _say()
            _say(f"{_count(count, 'row')}; times are local ({_local_zone()}); --csv adds UTC.")
    return 0


def cmd_report_custody(args: argparse.Namespace, ctx: Context) -> int:
    from .core import reports

    days = args.days if args.days is not None else ctx.settings().overdue_days
    if args.holder:
        empty = f"{args.holder} holds nothing" + (" overdue." if args.overdue else ".")
    elif args.overdue:
        empty = f"Nothing is overdue (held more than {_count(days, 'day')})."
    else:
        empty = "Nobody holds anything: every asset is in storage."
    return _report_output(
        args,
        ctx,
        lambda conn: reports.custody_report(
            conn,
            holder=args.holder,
            overdue_only=args.overdue,
            overdue_days=days,
            settings=ctx.settings(),
        ),
        empty,
    )


def cmd_report_holder(args: argparse.Namespace, ctx: Context) -> int:
    from .core import reports

    days = args.days if args.days is not None else ctx.settings().overdue_days
    return _report_output(
        args,
        ctx,
        lambda conn: reports.holder_report(
            conn, args.holder, overdue_days=days, settings=ctx.settings()
        ),
        f"{args.holder} holds nothing.",
    )


def cmd_report_history(args: argparse.Namespace, ctx: Context) -> int:
    from .core import reports

    settings = ctx.settings()
    return _report_output(
        args,
        ctx,
        lambda conn: reports.history_report(conn, args.scan, settings=settings),
        "No events.",
    )


def cmd_report_occupancy(args: argparse.Namespace, ctx: Context) -> int:
    from .core import reports

    def table(report: Report) -> int:
        # Per case first (used / free), then every slot and what is in it.
        with ctx.store().read() as conn:
            summary = reports.occupancy_summary(conn, case=args.case, settings=ctx.settings())
        _print_table(
            ["case_code", "case_name", "slots", "used", "free"], lambda: iter(summary), range(5)
        )
        if not summary:
            return 0
        _say()
        return _print_table(report.header, report.rows, [0, 5, 6, 7, 8])

    return _report_output(
        args,
        ctx,
        lambda conn: reports.occupancy_report(conn, case=args.case, settings=ctx.settings()),
        "No cases yet.",
        table=table,
    )


def cmd_report_events(args: argparse.Namespace, ctx: Context) -> int:
    from .core import reports

    return _report_output(
        args,
        ctx,
        lambda conn: reports.events_report(
            conn,
            since=args.since,
            until=args.until,
            event_type=args.type,
            holder=args.holder,
            operator=args.operator_filter,
            batch=args.batch,
            settings=ctx.settings(),
        ),
        "No events match.",
    )


def cmd_report_receipt(args: argparse.Namespace, ctx: Context) -> int:
    from .core.receipt import receipt_title, write_receipt_pdf
    from .core.reports import batch_receipt

    dest = Path(args.pdf).expanduser()
    if dest.is_dir():
        raise UsageError(f"{dest} is a folder; give a file name for the PDF.")
    if not dest.parent.is_dir():
        raise UsageError(f"No folder {dest.parent} for {dest.name}.")
    with ctx.store().read() as conn:
        receipt = batch_receipt(conn, args.batch_id)
    write_receipt_pdf(receipt, dest)
    _say(
        f"{receipt_title(receipt.kind)} for batch {receipt.batch_id}: "
        f"{_count(len(receipt.lines), 'asset')}, {receipt.holder_name} ({receipt.holder_badge}), "
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
        "custody, holder, history, occupancy and event reports; receipts as PDF",
        "Without --csv a report prints an aligned table with local times. With --csv FILE it\n"
        "writes a CSV for Excel (UTF-8 with BOM, CRLF; text that starts like a formula gets a\n"
        "leading apostrophe) and records the event-log head (event count and head hash) in\n"
        "FILE.loghead.txt beside it; with --csv - the CSV goes to stdout and the head to stderr.",
    )

    def csv_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--csv",
            type=_given,
            metavar="FILE",
            help="write CSV to FILE (- for stdout) instead of printing a table; the event-log "
            "head goes to FILE.loghead.txt (stderr for -)",
        )

    def days_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--days",
            type=_days,
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
        "--holder", metavar="BADGE", type=_given, help="only this holder (badge or exact name)"
    )
    parser.add_argument("--overdue", action="store_true", help="only overdue assets")
    days_option(parser)
    csv_option(parser)

    parser = add_command(
        group, common, "holder", cmd_report_holder, "everything one holder has now"
    )
    parser.add_argument("holder", metavar="BADGE", type=_given, help="badge code or exact name")
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
    parser.add_argument("--case", metavar="CODE", type=_given, help="only this case")
    csv_option(parser)

    # Not the shared parent: here --operator filters events instead of naming who records them
    # (a report records nothing), so it must not also be set by the global --operator.
    db_only = argparse.ArgumentParser(add_help=False)
    db_only.add_argument(
        "--db",
        type=_given,
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
    parser.add_argument("--since", metavar="DATE", type=_given, help="from this day or time on")
    parser.add_argument(
        "--until", metavar="DATE", type=_given, help="up to this day (inclusive) or time"
    )
    parser.add_argument("--type", metavar="TYPE", type=_given, help="only this event type")
    parser.add_argument("--holder", metavar="BADGE", type=_given, help="only events of this holder")
    parser.add_argument(
        "--operator",
        dest="operator_filter",
        type=_given,
        metavar="NAME",
        help="only events recorded by this operator (exact name)",
    )
    parser.add_argument("--batch", metavar="ID", type=_given, help="only this batch")
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
        "--pdf", required=True, metavar="FILE", type=_given, help="PDF file to write"
    )


# -- the parser --------------------------------------------------------------------------------------

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
    register_inspection_commands,
    register_report_commands,
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
    _global_options(parser, after_command=False)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, after_command=True)
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


def _tolerant_streams() -> None:
    """Never crash on a character the terminal cannot show (→, ×, names in any script)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    args = build_parser().parse_args(argv)
    ctx = Context(args)
    try:
        code = args.func(args, ctx)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except Refused as exc:
        for reason in exc.reasons:
            _warn(reason)
        return 1
    except UserError as exc:
        _warn(str(exc))
        return exc.exit_code
    except sqlite3.Error as exc:
        user = translate_error(exc, ctx.db_path)
        if user is None:
            raise
        _warn(str(user))
        return user.exit_code
    except BrokenPipeError:
        # Output piped into e.g. `head`, which stopped reading: the work itself is done.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        # A path the user gave cannot be created or written (permissions, read-only media).
        where = f": {exc.filename}" if exc.filename else ""
        _warn(f"{exc.strerror or exc}{where}")
        return 2
    except KeyboardInterrupt:
        _warn("Interrupted.")
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
