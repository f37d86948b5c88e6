"""Custody reports as streams of rows, shared by the GUI's Reports tab and ``assettrack-admin report``.

Every report is a ``Report``: a header and a function that yields rows one at a time from an SQLite
cursor, so a 1,000,000-event export never holds more than one row in memory. Times are stored in
UTC; each report carries the UTC value (for CSV and auditors) and a local-time display column.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from . import matching
from .custody import find_case, find_holder
from .errors import UsageError, UserError
from .receipt import Receipt, ReceiptLine

EVENT_TYPES = (
    "RECEIVE",
    "SLOT_ASSIGN",
    "SLOT_MOVE",
    "STOCK_OUT",
    "STOCK_IN",
    "HOLDER_ADD",
    "HOLDER_RENAME",
    "HOLDER_DEACTIVATE",
    "HOLDER_REACTIVATE",
    "CASE_CREATE",
)

Row = tuple[Any, ...]


@dataclass
class Report:
    """A named table: ``header`` plus ``rows()`` which streams tuples of the same width."""

    name: str
    title: str
    header: list[str]
    rows: Callable[[], Iterator[Row]]
    # Column indexes worth highlighting / filtering in the GUI.
    flag_column: int | None = None  # e.g. "overdue" (bool)
    notes: list[str] = field(default_factory=list)


def parse_utc(stamp: str) -> datetime:
    """Parse the stored '2026-11-24T18:30:12.123Z' form."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def local_display(stamp: str | None) -> str:
    """UTC ISO-8601 as local time for people: '2026-11-24 19:30'."""
    if not stamp:
        return ""
    return parse_utc(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def parse_date_bound(text: str, *, end: bool) -> str:
    """A --since/--until value as a UTC ISO string bound.

    Accepts YYYY-MM-DD (a local calendar day; --until includes that whole day) or a full ISO-8601
    date-time (local if it has no offset).
    """
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if end:
                day += timedelta(days=1)
            moment = datetime.combine(day, time()).astimezone()
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.astimezone()
    except ValueError:
        raise UsageError(
            f"cannot read the date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _holder_id(conn: sqlite3.Connection, ref: str) -> tuple[int, str]:
    holder = find_holder(conn, ref)
    if holder is None:
        raise UserError(f"{ref}: no holder with that badge or name")
    return holder.id, holder.label


# -- custody / holder --------------------------------------------------------------------------

_CUSTODY_SQL = """
SELECT a.asset_tag, a.serial, a.description, h.name, h.badge_code,
       (SELECT e.created_at FROM events e
         WHERE e.asset_id = a.id AND e.event_type = 'STOCK_OUT'
         ORDER BY e.id DESC LIMIT 1) AS since
  FROM assets a JOIN holders h ON h.id = a.current_holder_id
 WHERE a.location_type = 'IN_CUSTODY' {where}
 ORDER BY h.name, h.badge_code, a.asset_tag
"""

CUSTODY_HEADER = [
    "asset_tag",
    "serial",
    "description",
    "holder",
    "badge_code",
    "since_utc",
    "since_local",
    "days_held",
    "overdue",
]


def custody_report(
    conn: sqlite3.Connection,
    *,
    holder: str | None = None,
    overdue_only: bool = False,
    overdue_days: int = 14,
    now: datetime | None = None,
) -> Report:
    """Who holds what. ``overdue`` = held longer than ``overdue_days`` whole days."""
    where = ""
    params: tuple[int, ...] = ()
    title = "Custody: who holds what"
    if holder:
        hid, label = _holder_id(conn, holder)
        where, params = "AND a.current_holder_id = ?", (hid,)
        title = f"Custody: {label}"
    if overdue_only:
        title += f" — overdue (held more than {overdue_days} days)"

    def rows() -> Iterator[Row]:
        current = now or datetime.now(UTC)
        for tag, serial, desc, name, badge, since in conn.execute(
            _CUSTODY_SQL.format(where=where), params
        ):
            days = (current - parse_utc(since)).days if since else 0
            overdue = days > overdue_days
            if overdue_only and not overdue:
                continue
            yield (tag, serial, desc, name, badge, since or "", local_display(since), days, overdue)

    return Report("custody", title, CUSTODY_HEADER, rows, flag_column=8)


def holder_report(
    conn: sqlite3.Connection, holder: str, *, overdue_days: int = 14, now: datetime | None = None
) -> Report:
    """Everything one holder has now."""
    report = custody_report(conn, holder=holder, overdue_days=overdue_days, now=now)
    report.name = "holder"
    return report


# -- history -------------------------------------------------------------------------------------

EVENTS_HEADER = [
    "event_id",
    "created_at_utc",
    "created_at_local",
    "event_type",
    "asset_tag",
    "holder",
    "badge_code",
    "slot",
    "operator",
    "batch_id",
    "note",
]

_EVENTS_SQL = """
SELECT e.id, e.created_at, e.event_type, a.asset_tag, h.name, h.badge_code,
       CASE WHEN s.id IS NULL THEN NULL ELSE c.case_code || '/' || s.position END,
       e.operator, e.batch_id, e.note
  FROM events e
  LEFT JOIN assets a ON a.id = e.asset_id
  LEFT JOIN holders h ON h.id = e.holder_id
  LEFT JOIN slots s ON s.id = e.slot_id
  LEFT JOIN cases c ON c.id = s.case_id
 {where}
 ORDER BY e.id
"""


def _event_rows(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> Iterator[Row]:
    for eid, created, etype, tag, name, badge, slot, operator, batch, note in conn.execute(
        _EVENTS_SQL.format(where=where), params
    ):
        yield (
            eid,
            created,
            local_display(created),
            etype,
            tag or "",
            name or "",
            badge or "",
            slot or "",
            operator,
            batch,
            note,
        )


def history_report(conn: sqlite3.Connection, scan: str) -> Report:
    """Every event of one asset, oldest first."""
    m = matching.classify(conn, scan)
    if m.kind != matching.ASSET:
        raise UserError(f"{matching.visible(scan)}: {m.message or 'not an asset'}")
    return Report(
        "history",
        f"History of {m.canonical}",
        EVENTS_HEADER,
        lambda: _event_rows(conn, "WHERE e.asset_id = ?", (m.id,)),
    )


def events_report(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    event_type: str | None = None,
    holder: str | None = None,
    operator: str | None = None,
    batch: str | None = None,
) -> Report:
    """All events in a date range, filterable by type, holder, operator and batch."""
    clauses: list[str] = []
    params: list[Any] = []
    parts: list[str] = []
    if since:
        clauses.append("e.created_at >= ?")
        params.append(parse_date_bound(since, end=False))
        parts.append(f"since {since}")
    if until:
        clauses.append("e.created_at < ?")
        params.append(parse_date_bound(until, end=True))
        parts.append(f"until {until}")
    if event_type:
        kind = event_type.strip().upper().replace("-", "_")
        if kind not in EVENT_TYPES:
            raise UsageError(f"unknown event type {event_type!r}; one of: {', '.join(EVENT_TYPES)}")
        clauses.append("e.event_type = ?")
        params.append(kind)
        parts.append(kind)
    if holder:
        hid, label = _holder_id(conn, holder)
        clauses.append("e.holder_id = ?")
        params.append(hid)
        parts.append(label)
    if operator:
        clauses.append("e.operator = ?")
        params.append(operator)
        parts.append(f"operator {operator}")
    if batch:
        clauses.append("e.batch_id = ?")
        params.append(batch.strip())
        parts.append(f"batch {batch.strip()}")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    title = "Events" + (f" ({', '.join(parts)})" if parts else "")
    frozen = tuple(params)
    return Report("events", title, EVENTS_HEADER, lambda: _event_rows(conn, where, frozen))


# -- occupancy -------------------------------------------------------------------------------------

OCCUPANCY_HEADER = [
    "case_code",
    "case_name",
    "slots",
    "used",
    "free",
    "position",
    "asset_tag",
    "serial",
    "description",
]


def occupancy_report(conn: sqlite3.Connection, *, case: str | None = None) -> Report:
    """Per case: slots used / free, and each slot's asset (one row per slot)."""
    where = ""
    params: tuple[int, ...] = ()
    title = "Occupancy of all cases"
    if case:
        info = find_case(conn, case)
        if info is None:
            raise UserError(f"{case}: no such case")
        where, params = "WHERE c.id = ?", (info.id,)
        title = f"Occupancy of {info.case_code}"

    def rows() -> Iterator[Row]:
        sql = f"""
        SELECT c.case_code, c.name, c.rows * c.cols,
               (SELECT count(asset_id) FROM slots WHERE case_id = c.id),
               s.position, a.asset_tag, a.serial, a.description
          FROM cases c JOIN slots s ON s.case_id = c.id
          LEFT JOIN assets a ON a.id = s.asset_id
          {where}
         ORDER BY c.case_code, s.position
        """
        for code, name, size, used, pos, tag, serial, desc in conn.execute(sql, params):
            yield (code, name, size, used, size - used, pos, tag or "", serial or "", desc or "")

    return Report("occupancy", title, OCCUPANCY_HEADER, rows)


def occupancy_summary(conn: sqlite3.Connection) -> list[tuple[str, str, int, int, int]]:
    """(case_code, name, slots, used, free) per case."""
    return [
        (code, name, size, used, size - used)
        for code, name, size, used in conn.execute(
            "SELECT c.case_code, c.name, c.rows * c.cols, count(s.asset_id) FROM cases c "
            "LEFT JOIN slots s ON s.case_id = c.id GROUP BY c.id ORDER BY c.case_code"
        )
    ]


# -- receipts ---------------------------------------------------------------------------------------


def batch_receipt(conn: sqlite3.Connection, batch_id: str) -> Receipt:
    """The hand-over (STOCK_OUT) or return (STOCK_IN) receipt of one batch."""
    batch_id = batch_id.strip()
    rows = conn.execute(
        """
        SELECT e.event_type, e.created_at, e.operator, h.name, h.badge_code,
               a.asset_tag, a.serial, a.description, c.case_code || '/' || s.position
          FROM events e
          JOIN assets a ON a.id = e.asset_id
          LEFT JOIN holders h ON h.id = e.holder_id
          LEFT JOIN slots s ON s.id = e.slot_id
          LEFT JOIN cases c ON c.id = s.case_id
         WHERE e.batch_id = ? ORDER BY e.id
        """,
        (batch_id,),
    ).fetchall()
    if not rows:
        raise UserError(f"{batch_id}: no batch with that id")
    kinds = {r[0] for r in rows}
    if not kinds <= {"STOCK_OUT", "STOCK_IN"} or len(kinds) != 1:
        raise UserError(
            f"{batch_id}: receipts exist for stock-out and stock-in batches; this batch is "
            f"{', '.join(sorted(kinds))}"
        )
    kind, created, operator, name, badge = rows[0][:5]
    return Receipt(
        kind=kind,
        batch_id=batch_id,
        created_at_utc=created,
        created_at_local=local_display(created),
        operator=operator,
        holder_name=name or "",
        holder_badge=badge or "",
        lines=[ReceiptLine(r[5], r[6], r[7], r[8] or "") for r in rows],
    )
