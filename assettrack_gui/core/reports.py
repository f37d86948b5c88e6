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

from . import matching, rules
from .dialect import stream
from .engine import find_case, find_holder
from .errors import UsageError, UserError
from .eventlog import log_head
from .model import CUSTODY_EVENTS, CaseInfo, EventType
from .queries import (
    HolderNames,
    case_by_id,
    event_note,
    holder_by_id,
    iter_assets,
    voided_batches,
    voided_by,
    voided_note,
)
from .receipt import Receipt, ReceiptLine
from .settings import Settings
from .text import shown_ref, visible

EVENT_TYPES = tuple(t.value for t in EventType)  # the one list: core.model.EventType

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
    """UTC ISO-8601 as local time for people: '2026-11-24 19:30'; the one formatter of the
    Reports and Lookup pages and the CLI.

    It never raises: a stored value it cannot read (a hand-edited or damaged row) is shown as it
    is, invisible characters made visible, so one bad row cannot break a page or a report. A
    value without a UTC offset is read as UTC, as every stored time is.
    """
    if not stamp:
        return ""
    if not isinstance(stamp, str):
        return visible(str(stamp))
    try:
        moment = parse_utc(stamp)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError):
        return visible(stamp)


_EARLIEST = "0001-01-01T00:00:00.000Z"
_LATEST = "9999-12-31T23:59:59.999Z"


def parse_date_bound(text: str, *, end: bool) -> str:
    """A --since/--until value as a UTC ISO string bound.

    Accepts YYYY-MM-DD (a local calendar day; with ``end`` the bound is the next local midnight,
    so --until includes that whole day) or a full ISO-8601 date-time (local if it has no offset;
    used as given, so --until 2026-11-24T18:00 stops just before 18:00).
    """
    text = text.strip()
    try:
        try:
            day = date.fromisoformat(text)
            moment = None
        except ValueError:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"cannot read the date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    try:
        if moment is None:
            moment = datetime.combine(day + timedelta(days=1) if end else day, time())
        if moment.tzinfo is None:
            moment = moment.astimezone()
        utc = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        # 0001-01-01 or 9999-12-31 shifted by the local offset leaves datetime's range: the
        # caller meant "from the very beginning" / "to the very end", so clamp to that.
        return _EARLIEST if (moment or day).year < 5000 else _LATEST
    # isoformat pads the year to 4 digits (strftime's %Y does not below 1000 on glibc).
    return utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _aware(moment: datetime | None) -> datetime:
    """``now`` for day counts: the current time, or the caller's (a naive value is local time)."""
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo is not None else moment.astimezone()


def _readable_utc(stamp: object) -> datetime | None:
    """A stored UTC time, or None when the row holds something else (shown as it is instead)."""
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        moment = parse_utc(stamp)
    except (ValueError, OverflowError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def is_overdue(since_utc: str, now: datetime, overdue_days: int) -> bool:
    """Held *longer* than ``overdue_days`` days: exactly N days is not overdue, N days + 1 s is."""
    return _aware(now) - parse_utc(since_utc) > timedelta(days=overdue_days)


def _scanned(conn: sqlite3.Connection, ref: str, settings: Settings | None) -> matching.Match:
    """A report argument matched like a scan, with the shared scanner settings (AIM id, prefix)
    the engine uses, so ``report holder ']C1B-1001'`` finds what ``stock-out`` would. Callers
    pass the settings owner's current settings; None means the defaults (nothing is re-read
    from disk here)."""
    return matching.classify(conn, matching.normalize_scan(ref, settings))


def _holder_id(
    conn: sqlite3.Connection, ref: str, settings: Settings | None = None
) -> tuple[int, str]:
    m = _scanned(conn, ref, settings)
    holder = (
        holder_by_id(conn, m.id)
        if m.kind == matching.HOLDER and m.id is not None
        else find_holder(conn, ref)
    )
    if holder is None:
        raise UserError(f"{shown_ref(ref)}: no holder with that badge or name")
    return holder.id, holder.label


def _case(conn: sqlite3.Connection, ref: str, settings: Settings | None = None) -> CaseInfo:
    m = _scanned(conn, ref, settings)
    info = (
        case_by_id(conn, m.id)
        if m.kind == matching.CASE and m.id is not None
        else find_case(conn, ref)
    )
    if info is None:
        raise UserError(f"{shown_ref(ref)}: no such case")
    return info


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
    settings: Settings | None = None,
) -> Report:
    """Who holds what, ordered by holder then tag.

    ``days_held`` counts whole days since the asset's last stock-out; ``overdue`` is true when it
    has been held longer than ``overdue_days`` days (see :func:`is_overdue`). ``now`` fixes the
    moment days are counted from (tests, reprints); by default it is the time ``rows()`` runs.
    """
    where = ""
    params: tuple[int, ...] = ()
    title = "Custody: who holds what"
    if holder:
        hid, label = _holder_id(conn, holder, settings)
        where, params = "AND a.current_holder_id = ?", (hid,)
        title = f"Custody: {label}"
    if overdue_only:
        title += f" — overdue (held more than {overdue_days} days)"

    def rows() -> Iterator[Row]:
        current = _aware(now)
        for tag, serial, desc, name, badge, since in stream(
            conn, _CUSTODY_SQL.format(where=where), params
        ):
            when = _readable_utc(since)
            days = max(0, (current - when).days) if when is not None else 0
            overdue = when is not None and current - when > timedelta(days=overdue_days)
            if overdue_only and not overdue:
                continue
            yield (tag, serial, desc, name, badge, since or "", local_display(since), days, overdue)

    return Report("custody", title, CUSTODY_HEADER, rows, flag_column=8)


def holder_report(
    conn: sqlite3.Connection,
    holder: str,
    *,
    overdue_days: int = 14,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Report:
    """Everything one holder has now."""
    report = custody_report(
        conn, holder=holder, overdue_days=overdue_days, now=now, settings=settings
    )
    report.name = "holder"
    report.title = report.title.replace("Custody: ", "Held by ", 1)
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
       CASE WHEN e.event_type IN ('CASE_CREATE', 'AUDIT')  -- audit: its case
            THEN json_extract(e.details, '$.case_code')
            WHEN s.id IS NULL THEN NULL ELSE c.case_code || '/' || s.position END,
       e.operator, e.batch_id, e.note, e.holder_id, e.details
  FROM events e
  LEFT JOIN assets a ON a.id = e.asset_id
  LEFT JOIN holders h ON h.id = e.holder_id
  LEFT JOIN slots s ON s.id = e.slot_id
  LEFT JOIN cases c ON c.id = s.case_id
 {where}
 ORDER BY e.id
"""


def _event_rows(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> Iterator[Row]:
    """Event rows with the holder's name as it was at each event (see ``HolderNames``)."""
    names = HolderNames(conn)
    voided = voided_batches(conn)
    for (
        eid, created, etype, tag, name, badge, slot, operator, batch, note, hid, details
    ) in stream(conn, _EVENTS_SQL.format(where=where), params):
        note = event_note(etype, note, details)
        yield (
            eid,
            created,
            local_display(created),
            etype,
            tag or "",
            (name if hid is None else names.shown(hid, eid, etype, name)) or "",
            badge or "",
            slot or "",
            operator,
            batch,
            note or (voided_note(voided[batch]) if batch in voided else ""),
        )


def history_report(
    conn: sqlite3.Connection, scan: str, *, settings: Settings | None = None
) -> Report:
    """Every event of one asset, oldest first.

    ``scan`` is normalised and matched as a scanner's input would be (exact, then without dashes).
    """
    m = matching.classify(conn, matching.normalize_scan(scan, settings))
    if m.kind != matching.ASSET:
        shown = visible(scan) or repr(scan)  # "'': empty scan", as `show ''` says
        raise UserError(f"{shown}: {_not_an_asset(conn, m)}")
    return Report(
        "history",
        f"History of {m.canonical}",
        EVENTS_HEADER,
        lambda: _event_rows(conn, "WHERE e.asset_id = ?", (m.id,)),
    )


def _not_an_asset(conn: sqlite3.Connection, m: matching.Match) -> str:
    holder = holder_by_id(conn, m.id) if m.kind == matching.HOLDER and m.id is not None else None
    return rules.not_an_asset(m, holder).message or "not an asset"


def events_report(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    event_type: str | None = None,
    holder: str | None = None,
    operator: str | None = None,
    batch: str | None = None,
    settings: Settings | None = None,
) -> Report:
    """All events in a date range, filterable by type, holder, operator and batch, oldest first.

    ``since``/``until`` are read by :func:`parse_date_bound` (a bad date is a ``UsageError``); an
    unknown holder or batch is a ``UserError``, an unknown event type a ``UsageError``.
    """
    clauses: list[str] = []
    params: list[Any] = []
    parts: list[str] = []
    low = parse_date_bound(since, end=False) if since else None
    high = parse_date_bound(until, end=True) if until else None
    if low is not None and high is not None and low >= high:
        raise UsageError(f"--since {since} is not before --until {until}")
    if low is not None:
        clauses.append("e.created_at >= ?")
        params.append(low)
        parts.append(f"since {since}")
    if high is not None:
        clauses.append("e.created_at < ?")
        params.append(high)
        parts.append(f"until {until}")
    if event_type:
        kind = event_type.strip().upper().replace("-", "_")
        if kind not in EVENT_TYPES:
            raise UsageError(f"unknown event type {event_type!r}; one of: {', '.join(EVENT_TYPES)}")
        clauses.append("e.event_type = ?")
        params.append(kind)
        parts.append(kind)
    if holder:
        hid, label = _holder_id(conn, holder, settings)
        clauses.append("e.holder_id = ?")
        params.append(hid)
        parts.append(label)
    if operator:
        clauses.append("e.operator = ?")
        params.append(operator)
        parts.append(f"operator {operator}")
    if batch and batch.strip():
        batch = batch.strip()
        if (
            conn.execute("SELECT 1 FROM events WHERE batch_id = ? LIMIT 1", (batch,)).fetchone()
            is None
        ):
            raise UserError(f"{batch}: no batch with that id")
        clauses.append("e.batch_id = ?")
        params.append(batch)
        parts.append(f"batch {batch}")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    title = "Events" + (f" ({', '.join(parts)})" if parts else "")
    frozen = tuple(params)
    return Report("events", title, EVENTS_HEADER, lambda: _event_rows(conn, where, frozen))


# -- where everything is ------------------------------------------------------------------------

ASSETS_HEADER = ["asset_tag", "serial", "description", "status", "location"]


def assets_report(conn: sqlite3.Connection, *, retired_only: bool = False) -> Report:
    """Every asset and where it is, by tag: its slot, its holder, ``storage (no slot)``, or
    ``RETIRED (LOST)`` etc. Retired assets are listed (never dropped, never counted as in
    storage); ``retired_only`` keeps just them."""

    def rows() -> Iterator[Row]:
        for a in iter_assets(conn, retired_only=retired_only):
            yield (a.asset_tag, a.serial, a.description, a.location_type, a.where)

    title = "Retired assets" if retired_only else "Assets: where everything is"
    return Report("assets", title, ASSETS_HEADER, rows)


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
    "last_audit",  # audit: the local time of the case's latest AUDIT event, "" if never audited
]

# audit: the latest stocktake of each case. AUDIT events have no asset, so the events_asset index
# finds them among the asset-less events instead of reading the whole log.
_LAST_AUDITS_SQL = """
SELECT CAST(json_extract(details, '$.case_id') AS INTEGER), max(created_at) FROM events
 WHERE asset_id IS NULL AND event_type = 'AUDIT' GROUP BY 1
"""


def last_audits(conn: sqlite3.Connection) -> dict[int, str]:
    """case id -> the UTC time of its latest audit (cases never audited are absent)."""
    return {
        case_id: stamp
        for case_id, stamp in conn.execute(_LAST_AUDITS_SQL)
        if isinstance(case_id, int) and isinstance(stamp, str)
    }


def occupancy_report(
    conn: sqlite3.Connection, *, case: str | None = None, settings: Settings | None = None
) -> Report:
    """Per case: slots used / free, each slot's asset (one row per slot within the case's size:
    the slots a case made smaller keeps past it are history, not places) and when the case was
    last audited (``last_audit``, local time; empty if never)."""
    where = ""
    params: tuple[int, ...] = ()
    title = "Occupancy of all cases"
    if case:
        info = _case(conn, case, settings)
        where, params = "WHERE c.id = ?", (info.id,)
        title = f"Occupancy of {info.case_code}"

    def rows() -> Iterator[Row]:
        audited = {case_id: local_display(stamp) for case_id, stamp in last_audits(conn).items()}
        sql = f"""
        SELECT c.case_code, c.name, c.rows * c.cols, u.used,
               s.position, a.asset_tag, a.serial, a.description, c.id
          FROM cases c
          JOIN (SELECT case_id, count(asset_id) AS used FROM slots GROUP BY case_id) u
            ON u.case_id = c.id
          JOIN slots s ON s.case_id = c.id AND s.position <= c.rows * c.cols
          LEFT JOIN assets a ON a.id = s.asset_id
          {where}
         ORDER BY c.case_code, s.position
        """
        for code, name, size, used, pos, tag, serial, desc, case_id in stream(conn, sql, params):
            yield (
                code, name, size, used, size - used, pos, tag or "", serial or "", desc or "",
                audited.get(case_id, ""),
            )  # fmt: skip

    return Report("occupancy", title, OCCUPANCY_HEADER, rows)


def occupancy_summary(
    conn: sqlite3.Connection, *, case: str | None = None, settings: Settings | None = None
) -> list[tuple[str, str, int, int, int]]:
    """(case_code, name, slots, used, free) per case, or for one case (``UserError`` if unknown)."""
    where = ""
    params: tuple[int, ...] = ()
    if case:
        info = _case(conn, case, settings)
        where, params = "WHERE c.id = ?", (info.id,)
    return [
        (code, name, size, used, size - used)
        for code, name, size, used in conn.execute(
            "SELECT c.case_code, c.name, c.rows * c.cols, count(s.asset_id) FROM cases c "
            f"LEFT JOIN slots s ON s.case_id = c.id {where} GROUP BY c.id ORDER BY c.case_code",
            params,
        )
    ]


# -- receipts ---------------------------------------------------------------------------------------


def batch_receipt(conn: sqlite3.Connection, batch_id: str) -> Receipt:
    """The hand-over (STOCK_OUT) or return (STOCK_IN) receipt of one batch.

    Carries the event-log head at the time of printing, which the PDF prints under the total.
    """
    batch_id = batch_id.strip()
    kinds = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT event_type FROM events WHERE batch_id = ?", (batch_id,)
        )
    }
    if not kinds:
        raise UserError(f"{batch_id}: no batch with that id")
    if not kinds <= set(CUSTODY_EVENTS) or len(kinds) != 1:  # a void of a move: no receipt
        raise UserError(
            f"{batch_id}: receipts exist for stock-out and stock-in batches; this batch is "
            f"{', '.join(sorted(kinds))}"
        )
    rows = conn.execute(
        """
        SELECT e.event_type, e.created_at, e.operator, h.name, h.badge_code,
               a.asset_tag, a.serial, a.description, c.case_code || '/' || s.position,
               e.id, e.holder_id, json_extract(e.details, '$.voids')
          FROM events e
          JOIN assets a ON a.id = e.asset_id
          LEFT JOIN holders h ON h.id = e.holder_id
          LEFT JOIN slots s ON s.id = e.slot_id
          LEFT JOIN cases c ON c.id = s.case_id
         WHERE e.batch_id = ? ORDER BY e.id
        """,
        (batch_id,),
    ).fetchall()
    kind, created, operator, name, badge = rows[0][:5]
    name = HolderNames(conn).at(rows[0][10], rows[0][9], name)  # the name at hand-over time
    return Receipt(
        kind=kind,
        batch_id=batch_id,
        created_at_utc=created,
        created_at_local=local_display(created),
        operator=operator,
        holder_name=name or "",
        holder_badge=badge or "",
        lines=[ReceiptLine(r[5], r[6], r[7], r[8] or "") for r in rows],
        log_head=log_head(conn),
        voided_by=voided_by(conn, batch_id) or "",
        voids=rows[0][11] or "",
    )
