"""What the Reports page asks of the database, as plain Python: requests, snapshots, formatting.

The Qt layer (``assettrack_gui.qt.reports_tab`` and its workers) never opens a snapshot or holds
an SQLite connection: every read it needs goes through a function here that takes either the
calling thread's open :class:`Store` or a database path. Given a path, the function opens its own
``Store`` for the duration of the call and closes it again, because an SQLite connection belongs
to the thread that opened it (the report workers pass a path; the GUI thread passes its store).

Public API::

    ReportRequest(kind, holder="", overdue_days=14, overdue_only=False, scan="", case="",
                  since="", until="", event_type="", operator="", batch="",
                  retired_only=False)
    build_report(conn, request, settings=None) -> Report
    report_rows(report, request) -> Iterator[Row]
    open_report(source, request, settings=None) -> ContextManager[tuple[Report, LogHead]]
    export_report(source, request, dest, settings=None, *, progress=None, cancelled=None,
                  wrap_rows=None) -> int
    receipt_for_batch(source, batch_id) -> Receipt
    audit_sheet_for(source, batch="", case="", settings=None) -> AuditSheet
    last_audit_by_case(source) -> dict[str, str]
    pickers(source) -> tuple[list[HolderInfo], list[CaseInfo]]
    current_log_head(source) -> LogHead
    hidden_columns(header) -> set[int]; visible_columns(header) -> list[int]
    column_title(name) -> str; display_value(value) -> str; row_text(row, columns, flag) -> str
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import queries, reports
from .csvout import write_csv
from .eventlog import LogHead, log_head
from .model import CaseInfo, HolderInfo
from .receipt import Receipt
from .reports import Report, Row
from .settings import Settings
from .store import Store

if TYPE_CHECKING:
    from .audit_report import AuditSheet

__all__ = [
    "REPORT_KINDS",
    "ReportRequest",
    "audit_sheet_for",
    "last_audit_by_case",
    "StoreOrPath",
    "build_report",
    "column_title",
    "current_log_head",
    "display_value",
    "export_report",
    "hidden_columns",
    "occupancy_summary",
    "open_report",
    "pickers",
    "receipt_for_batch",
    "report_rows",
    "row_text",
    "visible_columns",
]

REPORT_KINDS = ("custody", "holder", "history", "occupancy", "events", "audits", "assets")
# audit: "audit" (every finding of one recorded audit: ``batch`` or the latest of ``case``) is
# built here too, for the CLI, CSV exports and the Reports page's findings panel; the page's
# report list offers "audits" (REPORT_KINDS) and shows the findings of the selected one.

StoreOrPath = Store | Path | str

_TITLES = {
    "asset_tag": "Asset tag",
    "badge_code": "Badge",
    "since_local": "Since",
    "days_held": "Days held",
    "created_at_local": "Time",
    "event_id": "Event",
    "event_type": "Type",
    "batch_id": "Batch",
    "case_code": "Case",
    "case_name": "Case name",
    "position": "Slot",
    "last_audit": "Last audit",  # audit
}


# -- what to run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRequest:
    """One report and its parameters, as chosen in the tab (empty string = not given)."""

    kind: str
    holder: str = ""
    overdue_days: int = 14
    overdue_only: bool = False  # keep only rows whose flag (overdue) is set
    scan: str = ""
    case: str = ""
    since: str = ""
    until: str = ""
    event_type: str = ""
    operator: str = ""
    batch: str = ""
    retired_only: bool = False  # "assets": only the retired ones

    def missing(self) -> str | None:
        """What must be filled in before this report can run, as a hint; None if complete."""
        if self.kind == "holder" and not self.holder.strip():
            return "Pick a holder or scan a badge, then press Refresh."
        if self.kind == "history" and not self.scan.strip():
            return "Scan or type an asset tag, then press Enter."
        if self.kind == "audit" and not (self.batch.strip() or self.case.strip()):
            return "Choose an audit (its batch) or a case (its latest audit)."
        return None


def build_report(
    conn: sqlite3.Connection, request: ReportRequest, settings: Settings | None = None
) -> Report:
    """The core report for ``request`` (raises ``UserError`` for unknown holders, bad dates …)."""
    holder = request.holder.strip() or None
    if request.kind == "custody":
        return reports.custody_report(
            conn,
            holder=holder,
            overdue_only=request.overdue_only,
            overdue_days=request.overdue_days,
            settings=settings,
        )
    if request.kind == "holder":
        return reports.holder_report(
            conn, request.holder, overdue_days=request.overdue_days, settings=settings
        )
    if request.kind == "history":
        return reports.history_report(conn, request.scan, settings=settings)
    if request.kind == "occupancy":
        return reports.occupancy_report(conn, case=request.case.strip() or None, settings=settings)
    if request.kind == "events":
        return reports.events_report(
            conn,
            since=request.since.strip() or None,
            until=request.until.strip() or None,
            event_type=request.event_type or None,
            holder=holder,
            operator=request.operator.strip() or None,
            batch=request.batch.strip() or None,
            settings=settings,
        )
    if request.kind in ("audits", "audit"):  # audit: core/audit_report.py
        from . import audit_report

        if request.kind == "audits":
            return audit_report.audits_report(
                conn, case=request.case.strip() or None, settings=settings
            )
        return audit_report.audit_findings_report(
            conn,
            batch=request.batch.strip() or None,
            case=request.case.strip() or None,
            settings=settings,
        )
    if request.kind == "assets":  # where everything is, retired ones included
        return reports.assets_report(conn, retired_only=request.retired_only)
    raise ValueError(f"unknown report {request.kind!r}")


def report_rows(report: Report, request: ReportRequest) -> Iterator[Row]:
    """The report's rows, only the flagged (overdue) ones if the request asks for that."""
    flag = report.flag_column
    if request.overdue_only and flag is not None:
        return (row for row in report.rows() if row[flag])
    return report.rows()


# -- snapshots -----------------------------------------------------------------------------------


@contextmanager
def _store(source: StoreOrPath) -> Iterator[Store]:
    """The caller's own store, or one opened (and closed again) in the calling thread."""
    if not isinstance(source, Path | str) and hasattr(source, "read"):
        yield source
        return
    from .backend import open_store

    store = open_store(source, create=False, migrate=False)  # type: ignore[arg-type]
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _snapshot(source: StoreOrPath) -> Iterator[sqlite3.Connection]:
    with _store(source) as store, store.read() as conn:
        yield conn


@contextmanager
def open_report(
    source: StoreOrPath, request: ReportRequest, settings: Settings | None = None
) -> Iterator[tuple[Report, LogHead]]:
    """``with open_report(path, request, settings) as (report, head):`` stream ``report.rows()``.

    The rows come from one read snapshot, held until the ``with`` block ends, and ``head`` is the
    event-log head of that same snapshot, so what is shown and what the head vouches for agree.
    """
    with _snapshot(source) as conn:
        report = build_report(conn, request, settings)
        yield report, log_head(conn)


def export_report(
    source: StoreOrPath,
    request: ReportRequest,
    dest: Path,
    settings: Settings | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    wrap_rows: Callable[[Iterator[Row]], Iterable[Row]] | None = None,
) -> int:
    """Write the report to ``dest`` as CSV (plus the log-head sidecar); the number of rows.

    Honours ``request.overdue_only``. Raises ``csvout.ExportCancelled`` when ``cancelled()``
    turns true (no file is left behind). ``wrap_rows`` lets a caller see the row stream (tests
    hold an export at a known row with it).
    """
    with open_report(source, request, settings) as (report, head):
        rows: Iterable[Row] = report_rows(report, request)
        if wrap_rows is not None:
            rows = wrap_rows(iter(rows))
        return write_csv(
            dest, report.header, rows, log_head=head, progress=progress, cancelled=cancelled
        )


def receipt_for_batch(source: StoreOrPath, batch_id: str) -> Receipt:
    """The hand-over or return receipt of one batch, read in its own snapshot."""
    with _snapshot(source) as conn:
        return reports.batch_receipt(conn, batch_id)


def occupancy_summary(
    source: StoreOrPath, case: str | None = None, settings: Settings | None = None
) -> list[Row]:
    """Per case: code, name, slots, used, free (one case, or all)."""
    with _snapshot(source) as conn:
        return list(reports.occupancy_summary(conn, case=case, settings=settings))


# -- audits (core/audit_report.py) -----------------------------------------------------------------


def audit_sheet_for(
    source: StoreOrPath,
    batch: str = "",
    case: str = "",
    settings: Settings | None = None,
) -> AuditSheet:
    """One recorded audit (by batch, or the latest of a case), read in its own snapshot: for the
    findings panel and the PDF for signing (``audit_report.write_audit_pdf``)."""
    from . import audit_report

    with _snapshot(source) as conn:
        return audit_report.audit_sheet(
            conn, batch=batch or None, case=case or None, settings=settings
        )


def last_audit_by_case(source: StoreOrPath) -> dict[str, str]:
    """case code -> the local time of its latest audit (cases never audited are absent)."""
    with _snapshot(source) as conn:
        codes = {c.id: c.case_code for c in queries.cases(conn)}
        return {
            codes[case_id]: reports.local_display(stamp)
            for case_id, stamp in reports.last_audits(conn).items()
            if case_id in codes
        }


def pickers(source: StoreOrPath) -> tuple[list[HolderInfo], list[CaseInfo]]:
    """Every holder (active or not) and every case, for the Reports page's pickers."""
    with _snapshot(source) as conn:
        return queries.holders(conn), queries.cases(conn)


def current_log_head(source: StoreOrPath) -> LogHead:
    """The event-log head now: a report loaded at another head is out of date."""
    with _snapshot(source) as conn:
        return log_head(conn)


# -- formatting (shared by the table, its filter and any other viewer) ---------------------------


def hidden_columns(header: Sequence[str]) -> set[int]:
    """UTC columns that have a local-time sibling: kept for export, hidden in the table."""
    names = set(header)
    return {
        i
        for i, name in enumerate(header)
        if name.endswith("_utc") and name[: -len("_utc")] + "_local" in names
    }


def visible_columns(header: Sequence[str]) -> list[int]:
    hidden = hidden_columns(header)
    return [i for i in range(len(header)) if i not in hidden]


def column_title(name: str) -> str:
    return _TITLES.get(name) or name.replace("_", " ").capitalize()


def display_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def row_text(row: Row, columns: Sequence[int], flag: int | None) -> str:
    """The lower-case text the filter box searches: every visible cell, as displayed."""
    parts = []
    for i in columns:
        value = row[i]
        if i == flag:
            parts.append("overdue" if value else "")
        else:
            parts.append(display_value(value))
    return "\x1f".join(parts).casefold()
