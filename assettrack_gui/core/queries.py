"""Every SQL statement the engine, the scan session and lookups run, as named functions.

The engine decides; this module only reads and writes rows. Functions take an open connection
(inside ``Store.read()`` or ``Store.write()``) and return model objects, never raw tuples.
The SQL is plain and portable (no SQLite-only syntax here): the SQLite-only parts — pragmas,
``BEGIN IMMEDIATE``, ``data_version`` — live in ``store.py``. The event log's own statements live
in ``eventlog.py``, report queries in ``reports.py`` and the consistency checks in ``verify.py``.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from .dialect import stream
from .model import AssetInfo, CaseInfo, EventRow, EventType, HolderInfo, LocationType, SlotInfo

Conn = sqlite3.Connection

# -- what a scan is (matching.classify) -----------------------------------------------------------

EXACT_SQL = """
SELECT 'asset', id, asset_tag FROM assets WHERE asset_tag = :s
UNION ALL SELECT 'holder', id, badge_code FROM holders WHERE badge_code = :s
UNION ALL SELECT 'case', id, case_code FROM cases WHERE case_code = :s
"""
DASHLESS_SQL = """
SELECT 'asset', id, asset_tag FROM assets WHERE replace(asset_tag, '-', '') = :k
UNION ALL SELECT 'holder', id, badge_code FROM holders WHERE replace(badge_code, '-', '') = :k
UNION ALL SELECT 'case', id, case_code FROM cases WHERE replace(case_code, '-', '') = :k
"""
NOCASE_SQL = """
SELECT 'asset', id, asset_tag FROM assets
 WHERE replace(asset_tag, '-', '') = :k COLLATE NOCASE
UNION ALL SELECT 'holder', id, badge_code FROM holders
 WHERE replace(badge_code, '-', '') = :k COLLATE NOCASE
UNION ALL SELECT 'case', id, case_code FROM cases
 WHERE replace(case_code, '-', '') = :k COLLATE NOCASE
LIMIT 5
"""


def codes_exact(conn: Conn, scan: str) -> list[tuple[str, int, str]]:
    """(kind, id, code) of every asset tag, badge or case code equal to ``scan``."""
    return conn.execute(EXACT_SQL, {"s": scan}).fetchall()


MANY_CHUNK = 300  # codes or ids per statement of the *_many lookups (SQLite's bound-value limit)


def codes_exact_many(conn: Conn, scans: Sequence[str]) -> dict[str, list[tuple[str, int, str]]]:
    """``codes_exact`` of many scans at once (a whole batch): scan -> its rows, [] for none."""
    found: dict[str, list[tuple[str, int, str]]] = {scan: [] for scan in scans}
    distinct = list(found)
    for start in range(0, len(distinct), MANY_CHUNK):
        chunk = distinct[start : start + MANY_CHUNK]
        marks = ", ".join("?" * len(chunk))
        sql = (
            f"SELECT 'asset', id, asset_tag FROM assets WHERE asset_tag IN ({marks}) "
            f"UNION ALL SELECT 'holder', id, badge_code FROM holders WHERE badge_code IN ({marks}) "
            f"UNION ALL SELECT 'case', id, case_code FROM cases WHERE case_code IN ({marks})"
        )
        for kind, row_id, value in conn.execute(sql, (*chunk, *chunk, *chunk)):
            if value in found:
                found[value].append((kind, row_id, value))
    return found


def codes_dashless(conn: Conn, key: str) -> list[tuple[str, int, str]]:
    """The same, comparing with every dash removed on both sides."""
    return conn.execute(DASHLESS_SQL, {"k": key}).fetchall()


def codes_other_case(conn: Conn, key: str) -> list[tuple[str, int, str]]:
    """Codes equal to ``key`` (dashless) in another letter case: only ever a hint."""
    return conn.execute(NOCASE_SQL, {"k": key}).fetchall()


def codes_alike(conn: Conn, code: str) -> list[tuple[str, int, str]]:
    """(kind, id, code) of every asset tag, badge or case code equal to ``code`` once dashes are
    removed and letter case is ignored: a new code like that is a near-duplicate. Uses the
    ``*_nodash_nocase`` indexes (the same statement as the Caps Lock hint)."""
    return conn.execute(NOCASE_SQL, {"k": code.replace("-", "")}).fetchall()


def code_users(conn: Conn, code: str) -> list[tuple[str, str]]:
    """(kind, name) of whatever already uses ``code``: 'holder' (name), 'asset', 'case'."""
    return conn.execute(
        "SELECT 'holder', name FROM holders WHERE badge_code = :c "
        "UNION ALL SELECT 'asset', asset_tag FROM assets WHERE asset_tag = :c "
        "UNION ALL SELECT 'case', case_code FROM cases WHERE case_code = :c",
        {"c": code},
    ).fetchall()


# -- assets -----------------------------------------------------------------------------------

_ASSET_SQL = """
SELECT a.id, a.asset_tag, a.serial, a.description, a.location_type, a.current_holder_id,
       s.id, s.position, c.case_code, h.name, h.badge_code
  FROM assets a
  LEFT JOIN slots s ON s.asset_id = a.id
  LEFT JOIN cases c ON c.id = s.case_id
  LEFT JOIN holders h ON h.id = a.current_holder_id
 WHERE a.id = ?
"""


class AssetState(NamedTuple):
    """Where one asset is now."""

    id: int
    tag: str
    serial: str
    description: str
    location_type: str
    holder_id: int | None
    slot_id: int | None
    slot_label: str
    holder_label: str
    retirement: str | None = None  # LOST / BROKEN / DISPOSED when retired
    retired_at: str = ""  # the time of its latest RETIRE event, when retired

    @property
    def in_custody(self) -> bool:
        return self.location_type == LocationType.IN_CUSTODY

    @property
    def retired(self) -> bool:
        return self.location_type == LocationType.RETIRED

    @property
    def where(self) -> str:
        return location_text(
            self.location_type, self.retirement, self.slot_label, self.holder_label
        )


def location_text(
    location_type: str, retirement: str | None, slot_label: str | None, holder_label: str | None
) -> str:
    """Where an asset is, in the words every screen and report uses: its holder, its slot,
    ``storage (no slot)`` or ``RETIRED (LOST)``."""
    if location_type == LocationType.IN_CUSTODY:
        return holder_label or ""
    if location_type == LocationType.RETIRED:
        return f"RETIRED ({retirement or '?'})"
    return slot_label or "storage (no slot)"


def asset_state(conn: Conn, asset_id: int) -> AssetState:
    return _asset_state_of(conn, conn.execute(_ASSET_SQL, (asset_id,)).fetchone())


def asset_states(conn: Conn, asset_ids: Sequence[int]) -> dict[int, AssetState]:
    """``asset_state`` of many assets in one statement per ``MANY_CHUNK`` (a whole batch)."""
    found: dict[int, AssetState] = {}
    distinct = list(dict.fromkeys(asset_ids))
    for start in range(0, len(distinct), MANY_CHUNK):
        chunk = distinct[start : start + MANY_CHUNK]
        sql = _ASSET_SQL.replace("WHERE a.id = ?", f"WHERE a.id IN ({', '.join('?' * len(chunk))})")
        for r in conn.execute(sql, chunk).fetchall():
            if r[0] not in found:
                found[r[0]] = _asset_state_of(conn, r)
    return found


def _asset_state_of(conn: Conn, r: Sequence[Any]) -> AssetState:
    asset_id = r[0]
    slot_label = f"{r[8]}/{r[7]}" if r[6] is not None else ""
    holder_label = f"{r[9]} ({r[10]})" if r[5] is not None else ""
    kind, since = None, ""
    if r[4] == LocationType.RETIRED:  # (a second query only then: schema v3 columns)
        kind, since = conn.execute(_RETIRED_SQL, (asset_id,)).fetchone()
    return AssetState(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], slot_label, holder_label, kind, since or ""
    )


_RETIRED_SQL = """
SELECT retirement,
       (SELECT e.created_at FROM events e WHERE e.asset_id = assets.id AND e.event_type = 'RETIRE'
         ORDER BY e.id DESC LIMIT 1)
  FROM assets WHERE id = ?
"""


def asset_id_by_tag(conn: Conn, tag: str) -> int | None:
    r = conn.execute("SELECT id FROM assets WHERE asset_tag = ?", (tag,)).fetchone()
    return r[0] if r else None


def serial_owners(conn: Conn) -> dict[str, list[str]]:
    """serial -> the asset tags that carry it (non-empty serials only): read once per import,
    not once per row (serial has no index)."""
    owners: dict[str, list[str]] = {}
    for serial, tag in conn.execute(
        "SELECT serial, asset_tag FROM assets WHERE serial <> '' ORDER BY asset_tag"
    ):
        owners.setdefault(serial, []).append(tag)
    return owners


def asset_tag_exists(conn: Conn, tag: str) -> bool:
    return conn.execute("SELECT 1 FROM assets WHERE asset_tag = ?", (tag,)).fetchone() is not None


def assets_held_by(conn: Conn, holder_id: int) -> list[tuple[str, str]]:
    """(asset_tag, description) of everything a holder has, by tag."""
    return conn.execute(
        "SELECT asset_tag, description FROM assets WHERE current_holder_id = ? ORDER BY asset_tag",
        (holder_id,),
    ).fetchall()


def last_stock_out_slot(conn: Conn, asset_id: int) -> int | None:
    """The slot an asset left at its latest stock-out (its home slot), or None."""
    row = conn.execute(
        "SELECT slot_id FROM events WHERE asset_id = ? AND event_type = ? "
        "ORDER BY id DESC LIMIT 1",
        (asset_id, EventType.STOCK_OUT.value),
    ).fetchone()
    return row[0] if row else None


def home_slot_label(conn: Conn, state: AssetState) -> str:
    """The slot an asset belongs in ("" for none): the one it is in; out with a holder, the one
    it left at its latest stock-out (Stock-In brings it back there); retired, the one it left
    at its retirement (retired from a holder's custody: that custody's home slot)."""
    if state.slot_id is not None:
        return state.slot_label
    slot_id: int | None = None
    if state.in_custody:
        slot_id = last_stock_out_slot(conn, state.id)
    elif state.retired:
        row = conn.execute(
            "SELECT slot_id, holder_id FROM events WHERE asset_id = ? AND event_type = ? "
            "ORDER BY id DESC LIMIT 1",
            (state.id, EventType.RETIRE.value),
        ).fetchone()
        if row is not None:
            slot_id = row[0]
            if slot_id is None and row[1] is not None:
                slot_id = last_stock_out_slot(conn, state.id)
    return slot_label(conn, slot_id) if slot_id is not None else ""


class Home(NamedTuple):
    """An asset in custody whose home (the slot it left at its latest stock-out) is ``slot_id``."""

    slot_id: int
    asset_tag: str
    holder_name: str


_HOMES_SQL = """
SELECT e.slot_id, a.asset_tag, h.name
  FROM assets a
  JOIN holders h ON h.id = a.current_holder_id
  JOIN events e ON e.id = (SELECT max(x.id) FROM events x
                            WHERE x.asset_id = a.id AND x.event_type = 'STOCK_OUT')
  JOIN slots s ON s.id = e.slot_id
 WHERE a.current_holder_id IS NOT NULL AND s.case_id = ?
 ORDER BY a.asset_tag
"""


def homes_in_case(conn: Conn, case_id: int) -> dict[int, list[Home]]:
    """slot id -> the assets in custody that left that slot of a case (their home), by tag."""
    homes: dict[int, list[Home]] = {}
    for r in conn.execute(_HOMES_SQL, (case_id,)):
        homes.setdefault(r[0], []).append(Home(*r))
    return homes


def insert_asset(conn: Conn, tag: str, serial: str, description: str) -> int:
    cur = conn.execute(
        "INSERT INTO assets (asset_tag, serial, description) VALUES (?, ?, ?)",
        (tag, serial, description),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def set_in_custody(conn: Conn, pairs: Iterable[tuple[int, int]]) -> None:
    """(holder_id, asset_id): the asset is now held by that holder."""
    conn.executemany(
        "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = ? WHERE id = ?",
        list(pairs),
    )


def set_in_storage(conn: Conn, asset_ids: Iterable[int]) -> None:
    conn.executemany(
        "UPDATE assets SET location_type = 'STORAGE', current_holder_id = NULL WHERE id = ?",
        [(a,) for a in asset_ids],
    )


# -- slots ------------------------------------------------------------------------------------


def slot_label(conn: Conn, slot_id: int) -> str:
    r = conn.execute(
        "SELECT c.case_code, s.position FROM slots s JOIN cases c ON c.id = s.case_id "
        "WHERE s.id = ?",
        (slot_id,),
    ).fetchone()
    return f"{r[0]}/{r[1]}" if r else f"slot #{slot_id}"


def slot_occupant(conn: Conn, slot_id: int) -> str | None:
    """The tag of the asset in a slot, or None if it is empty."""
    r = conn.execute(
        "SELECT a.asset_tag FROM slots s JOIN assets a ON a.id = s.asset_id WHERE s.id = ?",
        (slot_id,),
    ).fetchone()
    return r[0] if r else None


def slot_at(conn: Conn, case_id: int, position: int) -> tuple[int, str | None]:
    """(slot id, tag of its asset or None) of one position of a case (the position exists)."""
    slot_id, occupant = conn.execute(
        "SELECT s.id, a.asset_tag FROM slots s LEFT JOIN assets a ON a.id = s.asset_id "
        "WHERE s.case_id = ? AND s.position = ?",
        (case_id, position),
    ).fetchone()
    return slot_id, occupant


# A case that was made smaller keeps the slots past its new size that history names (schema
# v3): they hold nothing and are no place to put anything, so every search for a slot to use
# reads only positions within rows × cols.
_INSIDE_CASE = "position <= (SELECT rows * cols FROM cases WHERE id = slots.case_id)"


def free_slots(conn: Conn, case_id: int) -> list[tuple[int, int]]:
    """(slot id, position) of every empty slot within a case, lowest position first."""
    return conn.execute(
        "SELECT id, position FROM slots WHERE case_id = ? AND asset_id IS NULL "
        f"AND {_INSIDE_CASE} ORDER BY position",
        (case_id,),
    ).fetchall()


def case_slots(conn: Conn, case_id: int) -> list[SlotInfo]:
    """Every slot within a case (positions 1 … rows × cols) with the asset in it, by position."""
    return [
        SlotInfo(r[0], r[1], r[2], r[3] or "")
        for r in conn.execute(
            "SELECT slots.id, slots.position, a.asset_tag, a.description FROM slots "
            "LEFT JOIN assets a ON a.id = slots.asset_id "
            f"WHERE slots.case_id = ? AND {_INSIDE_CASE} ORDER BY slots.position",
            (case_id,),
        )
    ]


def used_slot_count(conn: Conn, case_id: int) -> int:
    return int(
        conn.execute("SELECT count(asset_id) FROM slots WHERE case_id = ?", (case_id,)).fetchone()[
            0
        ]
    )


def vacate_slots(conn: Conn, slot_ids: Iterable[int | None]) -> None:
    conn.executemany("UPDATE slots SET asset_id = NULL WHERE id = ?", [(s,) for s in slot_ids])


def fill_slots(conn: Conn, pairs: Iterable[tuple[int | None, int | None]]) -> None:
    """(asset_id, slot_id): put each asset in its slot."""
    conn.executemany("UPDATE slots SET asset_id = ? WHERE id = ?", list(pairs))


# -- voids ------------------------------------------------------------------------------------


class BatchEvent(NamedTuple):
    """One event of a batch, as a void reads it."""

    id: int
    event_type: str
    asset_id: int | None
    holder_id: int | None
    slot_id: int | None
    details: dict[str, Any]


def batch_events(conn: Conn, batch_id: str) -> list[BatchEvent]:
    """The events of one batch in log order (``events_batch`` index)."""
    out = []
    for r in conn.execute(
        "SELECT id, event_type, asset_id, holder_id, slot_id, details FROM events "
        "WHERE batch_id = ? ORDER BY id",
        (batch_id,),
    ):
        try:
            details = json.loads(r[5])
        except ValueError:
            details = {}
        out.append(
            BatchEvent(r[0], r[1], r[2], r[3], r[4], details if isinstance(details, dict) else {})
        )
    return out


def later_asset_event(conn: Conn, asset_id: int, after_id: int) -> tuple[str, str] | None:
    """(batch id, event type) of the first event of an asset after event ``after_id``."""
    row = conn.execute(
        "SELECT batch_id, event_type FROM events WHERE asset_id = ? AND id > ? ORDER BY id LIMIT 1",
        (asset_id, after_id),
    ).fetchone()
    return (row[0], row[1]) if row else None


# A void's events, and only they, carry a note ("voids batch X") and details.voids; the partial
# index ``events_noted`` (schema v2) holds just those rows, so these never read the whole log.
VOIDED_BY_SQL = (
    "SELECT batch_id FROM events WHERE note <> '' AND json_extract(details, '$.voids') = ? "
    "LIMIT 1"
)
VOIDS_SQL = (
    "SELECT DISTINCT json_extract(details, '$.voids'), batch_id FROM events "
    "WHERE note <> '' AND json_extract(details, '$.voids') IS NOT NULL"
)


def voided_by(conn: Conn, batch_id: str) -> str | None:
    """The batch that voided ``batch_id``, or None."""
    row = conn.execute(VOIDED_BY_SQL, (batch_id,)).fetchone()
    return row[0] if row else None


def voided_batches(conn: Conn) -> dict[str, str]:
    """Every voided batch -> the batch that voided it (for history rows and receipts)."""
    return {voided: by for voided, by in conn.execute(VOIDS_SQL)}


def void_note(batch_id: str) -> str:
    """The note every compensating event of a void carries, and history shows."""
    return f"voids batch {batch_id}"


def voided_note(by: str) -> str:
    """What history shows beside an event of a batch that was voided later."""
    return f"voided by batch {by}"


# -- holders ----------------------------------------------------------------------------------

_HOLDER_COLUMNS = "id, name, badge_code, active"


def _holder(r: Sequence[Any]) -> HolderInfo:
    return HolderInfo(r[0], r[1], r[2], bool(r[3]))


def holder_by_id(conn: Conn, holder_id: int) -> HolderInfo | None:
    r = conn.execute(f"SELECT {_HOLDER_COLUMNS} FROM holders WHERE id = ?", (holder_id,)).fetchone()
    return _holder(r) if r else None


def holder_by_badge(conn: Conn, badge_code: str) -> HolderInfo | None:
    r = conn.execute(
        f"SELECT {_HOLDER_COLUMNS} FROM holders WHERE badge_code = ?", (badge_code,)
    ).fetchone()
    return _holder(r) if r else None


def holders_named(conn: Conn, name: str) -> list[HolderInfo]:
    rows = conn.execute(f"SELECT {_HOLDER_COLUMNS} FROM holders WHERE name = ?", (name,))
    return [_holder(r) for r in rows]


def holders(conn: Conn, *, active_only: bool = False) -> list[HolderInfo]:
    where = "WHERE active = 1 " if active_only else ""
    return [
        _holder(r)
        for r in conn.execute(
            f"SELECT {_HOLDER_COLUMNS} FROM holders {where}ORDER BY name, badge_code"
        )
    ]


def insert_holder(conn: Conn, name: str, badge_code: str) -> int:
    cur = conn.execute(
        "INSERT INTO holders (name, badge_code, active) VALUES (?, ?, 1)", (name, badge_code)
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def rename_holder(conn: Conn, holder_id: int, name: str) -> None:
    conn.execute("UPDATE holders SET name = ? WHERE id = ?", (name, holder_id))


def set_holder_active(conn: Conn, holder_id: int, active: bool) -> None:
    conn.execute("UPDATE holders SET active = ? WHERE id = ?", (int(active), holder_id))


def rebadge_holder(conn: Conn, holder_id: int, badge_code: str) -> None:
    conn.execute("UPDATE holders SET badge_code = ? WHERE id = ?", (badge_code, holder_id))


# -- cases ------------------------------------------------------------------------------------

_CASE_COLUMNS = "id, case_code, name, rows, cols"


def case_by_id(conn: Conn, case_id: int) -> CaseInfo | None:
    r = conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE id = ?", (case_id,)).fetchone()
    return CaseInfo(*r) if r else None


def case_by_code(conn: Conn, code: str) -> CaseInfo | None:
    r = conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE case_code = ?", (code,)).fetchone()
    return CaseInfo(*r) if r else None


def cases_dashless(conn: Conn, key: str) -> list[CaseInfo]:
    rows = conn.execute(
        f"SELECT {_CASE_COLUMNS} FROM cases WHERE replace(case_code, '-', '') = ?", (key,)
    )
    return [CaseInfo(*r) for r in rows]


def cases(conn: Conn) -> list[CaseInfo]:
    return [
        CaseInfo(*r)
        for r in conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases ORDER BY case_code")
    ]


def insert_case(conn: Conn, code: str, name: str, rows: int, cols: int) -> int:
    cur = conn.execute(
        "INSERT INTO cases (case_code, name, rows, cols) VALUES (?, ?, ?, ?)",
        (code, name, rows, cols),
    )
    case_id = cur.lastrowid
    assert case_id is not None
    conn.executemany(
        "INSERT INTO slots (case_id, position) VALUES (?, ?)",
        [(case_id, p) for p in range(1, rows * cols + 1)],
    )
    return case_id


def rename_case(conn: Conn, case_id: int, name: str) -> None:
    conn.execute("UPDATE cases SET name = ? WHERE id = ?", (name, case_id))


def occupied_beyond(conn: Conn, case_id: int, size: int) -> list[tuple[int, str]]:
    """(position, tag) of every occupied slot of a case past position ``size``."""
    return conn.execute(
        "SELECT s.position, a.asset_tag FROM slots s JOIN assets a ON a.id = s.asset_id "
        "WHERE s.case_id = ? AND s.position > ? ORDER BY s.position",
        (case_id, size),
    ).fetchall()


def resize_case(conn: Conn, case_id: int, rows: int, cols: int) -> None:
    """The case becomes rows × cols: the positions it lacks get new slots (or the ones kept from
    an earlier shrink are in use again), and the empty slots past the new size that no event
    names are deleted; those history names stay, holding nothing (schema v3 triggers)."""
    conn.execute("UPDATE cases SET rows = ?, cols = ? WHERE id = ?", (rows, cols, case_id))
    size = rows * cols
    have = {p for (p,) in conn.execute("SELECT position FROM slots WHERE case_id = ?", (case_id,))}
    conn.executemany(
        "INSERT INTO slots (case_id, position) VALUES (?, ?)",
        [(case_id, p) for p in range(1, size + 1) if p not in have],
    )
    conn.execute(
        "DELETE FROM slots WHERE case_id = ? AND position > ? AND asset_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM events e WHERE e.slot_id = slots.id)",
        (case_id, size),
    )


# -- history ----------------------------------------------------------------------------------

_NAME_EVENTS_SQL = """
SELECT id, details FROM events
 WHERE holder_id = ? AND event_type IN ('HOLDER_ADD', 'HOLDER_RENAME') ORDER BY id
"""


class HolderNames:
    """Each holder's name as it was at a given event, from their HOLDER_ADD / HOLDER_RENAME events.

    History must show the name an event happened under, not today's. One small query per holder
    met (through the ``events_holder`` index), cached for the life of one report or lookup, so a
    streamed 1,000,000-event export pays once per holder, not once per row.
    """

    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self._cache: dict[int, tuple[list[int], list[str]]] = {}

    def _names(self, holder_id: int) -> tuple[list[int], list[str]]:
        found = self._cache.get(holder_id)
        if found is None:
            ids: list[int] = []
            names: list[str] = []
            for event_id, details in self._conn.execute(_NAME_EVENTS_SQL, (holder_id,)):
                try:
                    name = json.loads(details).get("name")
                except (ValueError, AttributeError):
                    continue
                if isinstance(name, str):
                    ids.append(event_id)
                    names.append(name)
            found = self._cache[holder_id] = (ids, names)
        return found

    def at(self, holder_id: int | None, event_id: int, current: str | None) -> str | None:
        """The name after event ``event_id``; ``current`` when the log does not say."""
        if holder_id is None:
            return current
        ids, names = self._cache.get(holder_id) or self._names(holder_id)
        if len(ids) == 1 and event_id >= ids[0]:
            return names[0]  # never renamed: the common case, no search
        i = bisect_right(ids, event_id) - 1
        return names[i] if i >= 0 else current

    def shown(
        self, holder_id: int | None, event_id: int, event_type: str, current: str | None
    ) -> str | None:
        """How an event's holder is shown: the name at that event; "old → new" for a rename."""
        name = self.at(holder_id, event_id, current)
        if event_type == EventType.HOLDER_RENAME and holder_id is not None:
            old = self.at(holder_id, event_id - 1, None)
            if old is not None and old != name:
                return f"{old} → {name}"
        return name


_HISTORY_SQL = """
SELECT e.id, e.batch_id, e.event_type, e.created_at, e.operator, a.asset_tag,
       h.name,
       CASE WHEN e.event_type IN ('CASE_CREATE', 'AUDIT')  -- audit: its case
            THEN json_extract(e.details, '$.case_code')
            ELSE c.case_code || '/' || s.position END,
       e.note, e.holder_id, h.badge_code, e.details
  FROM events e
  LEFT JOIN assets a ON a.id = e.asset_id
  LEFT JOIN holders h ON h.id = e.holder_id
  LEFT JOIN slots s ON s.id = e.slot_id
  LEFT JOIN cases c ON c.id = s.case_id
"""


def _history(
    conn: Conn, where: str, arg: int | tuple[Any, ...], limit: int | None
) -> list[EventRow]:
    args = arg if isinstance(arg, tuple) else (arg,)
    if limit is None:
        sql = f"{_HISTORY_SQL} WHERE {where} ORDER BY e.id"
        rows = conn.execute(sql, args).fetchall()
    else:
        sql = f"{_HISTORY_SQL} WHERE {where} ORDER BY e.id DESC LIMIT ?"
        rows = conn.execute(sql, (*args, limit)).fetchall()[::-1]
    names = HolderNames(conn)
    voided = voided_batches(conn) if rows else {}
    out = []
    for *row, holder_id, badge, details in rows:
        event_id, event_type, name = row[0], row[2], row[6]
        row[8] = event_note(event_type, row[8], details)
        if not row[8] and row[1] in voided:
            row[8] = voided_note(voided[row[1]])
        shown = names.shown(holder_id, event_id, event_type, name)
        row[6] = f"{shown} ({badge})" if shown is not None else None
        out.append(EventRow(*row))
    return out


def case_history(conn: Conn, case_id: int, limit: int | None = None) -> list[EventRow]:
    """Events of one case, oldest first: its CASE_CREATE, its audits and every event at one of
    its slots."""
    return _history(
        conn,
        "(e.slot_id IN (SELECT id FROM slots WHERE case_id = ?) OR "
        "(e.event_type IN ('CASE_CREATE', 'AUDIT') "
        "AND CAST(json_extract(e.details, '$.case_id') AS INTEGER) = ?))",
        (case_id, case_id),
        limit,
    )


def asset_history(conn: Conn, asset_id: int, limit: int | None = None) -> list[EventRow]:
    """Events of one asset, oldest first (the newest ``limit`` if given)."""
    return _history(conn, "e.asset_id = ?", asset_id, limit)


def holder_history(conn: Conn, holder_id: int, limit: int | None = None) -> list[EventRow]:
    return _history(conn, "e.holder_id = ?", holder_id, limit)


# -- labels (core/labels.py) ------------------------------------------------------------------


def asset_label_text(conn: Conn, asset_id: int) -> tuple[str, str, str | None]:
    """(canonical tag, description, retirement) of one asset: what its label carries, and
    LOST / BROKEN / DISPOSED if it is retired (else None)."""
    r = conn.execute(
        "SELECT asset_tag, description, location_type, retirement FROM assets WHERE id = ?",
        (asset_id,),
    ).fetchone()
    return r[0], r[1] or "", (r[3] or "?") if r[2] == LocationType.RETIRED else None


def all_asset_label_texts(conn: Conn) -> list[tuple[str, str]]:
    """(tag, description) of every asset that is not retired, by tag: a sheet of "every
    asset" is for the shelves, and a retired asset is on none."""
    return [
        (r[0], r[1] or "")
        for r in conn.execute(
            "SELECT asset_tag, description FROM assets WHERE location_type <> 'RETIRED' "
            "ORDER BY asset_tag"
        )
    ]


# -- retirement, reinstatement, asset edits (core/ops/retire.py) --------------------------------


def set_retired(conn: Conn, pairs: Iterable[tuple[str, int]]) -> None:
    """(kind, asset_id): the asset is retired, out of custody. Its slot must be vacated first
    (trigger ``assets_retired_not_slotted``)."""
    conn.executemany(
        "UPDATE assets SET location_type = 'RETIRED', retirement = ?, current_holder_id = NULL "
        "WHERE id = ?",
        list(pairs),
    )


def set_reinstated(conn: Conn, asset_ids: Iterable[int]) -> None:
    """Retired assets back in storage, in no slot."""
    conn.executemany(
        "UPDATE assets SET location_type = 'STORAGE', retirement = NULL WHERE id = ?",
        [(a,) for a in asset_ids],
    )


def set_asset_text(conn: Conn, asset_id: int, serial: str, description: str) -> None:
    conn.execute(
        "UPDATE assets SET serial = ?, description = ? WHERE id = ?",
        (serial, description, asset_id),
    )


def serial_users(conn: Conn, serial: str, except_id: int) -> list[str]:
    """The tags of the other assets that carry ``serial`` (index ``assets_serial``), by tag."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT asset_tag FROM assets WHERE serial = ? AND id <> ? ORDER BY asset_tag",
            (serial, except_id),
        )
    ]


class RetirementRecord(NamedTuple):
    """The latest RETIRE event of an asset: why, when and by whom."""

    kind: str
    reason: str
    created_at: str
    operator: str
    batch_id: str


def last_retirement(conn: Conn, asset_id: int) -> RetirementRecord | None:
    row = conn.execute(
        "SELECT details, note, created_at, operator, batch_id FROM events "
        "WHERE asset_id = ? AND event_type = 'RETIRE' ORDER BY id DESC LIMIT 1",
        (asset_id,),
    ).fetchone()
    if row is None:
        return None
    kind = _details(row[0]).get("kind")
    return RetirementRecord(str(kind or "?"), row[1], row[2], row[3], row[4])


def slot_inside_case(conn: Conn, slot_id: int) -> bool:
    """Whether a slot's position is still within its case (a case may have shrunk past it)."""
    row = conn.execute(
        f"SELECT 1 FROM slots WHERE id = ? AND {_INSIDE_CASE}", (slot_id,)
    ).fetchone()
    return row is not None


_ALL_ASSETS_SQL = """
SELECT a.id, a.asset_tag, a.serial, a.description, a.location_type, a.retirement,
       a.current_holder_id, s.id, c.case_code || '/' || s.position,
       h.name || ' (' || h.badge_code || ')'
  FROM assets a
  LEFT JOIN slots s ON s.asset_id = a.id
  LEFT JOIN cases c ON c.id = s.case_id
  LEFT JOIN holders h ON h.id = a.current_holder_id
 {where}
 ORDER BY a.asset_tag
"""


def iter_assets(conn: Conn, *, retired_only: bool = False) -> Iterator[AssetInfo]:
    """Every asset (or every retired one) with where it is, by tag, one row at a time."""
    where = "WHERE a.location_type = 'RETIRED'" if retired_only else ""
    for r in stream(conn, _ALL_ASSETS_SQL.format(where=where)):
        where_text = location_text(r[4], r[5], r[8], r[9])
        yield AssetInfo(r[0], r[1], r[2], r[3], r[4], r[5], where_text, r[6], r[7])


def asset_info(conn: Conn, asset_id: int) -> AssetInfo:
    state = asset_state(conn, asset_id)
    return AssetInfo(
        state.id,
        state.tag,
        state.serial,
        state.description,
        state.location_type,
        state.retirement,
        state.where,
        state.holder_id,
        state.slot_id,
    )


def _details(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _change(details: dict[str, Any], key: str) -> tuple[Any, Any] | None:
    pair = details.get(key)
    if isinstance(pair, list) and len(pair) == 2:
        return pair[0], pair[1]
    return None


def event_note(event_type: str, note: str, details: str | None) -> str:
    """What history shows in an event's note column: the stored note, and for the events whose
    meaning is in ``details`` (edits, retirements, renames) that meaning in words."""
    data = _details(details) if event_type in _DESCRIBED else {}
    if event_type == EventType.RETIRE:
        return f"retired ({str(data.get('kind', '?')).lower()}): {note}"
    if event_type == EventType.REINSTATE:
        return f"reinstated (was {str(data.get('kind', '?')).lower()}): {note}"
    changes = []
    for key, word in (
        ("serial", "serial"),
        ("description", "description"),
        ("badge_code", "badge"),
        ("name", "name"),
    ):
        if (pair := _change(data, key)) is not None:
            changes.append(f"{word} {pair[0]!r} → {pair[1]!r}")
    rows, cols = _change(data, "rows"), _change(data, "cols")
    if rows is not None and cols is not None:
        changes.append(f"size {rows[0]} × {cols[0]} → {rows[1]} × {cols[1]}")
    if changes:
        return "; ".join([*([note] if note else []), *changes])
    return note


_DESCRIBED = frozenset(
    {
        EventType.RETIRE,
        EventType.REINSTATE,
        EventType.ASSET_EDIT,
        EventType.HOLDER_REBADGE,
        EventType.CASE_RENAME,
        EventType.CASE_RESIZE,
    }
)


# -- stocktakes (core/audit.py) ---------------------------------------------------------------
# An audit reads its case's contents once when it starts, then one asset by id per scan (the
# primary key and the ``slots_one_per_asset`` index): never the whole case again per scan.


class CaseContent(NamedTuple):
    """One slot of a case as an audit expects it: its position and the asset the database has
    in it (None when empty)."""

    position: int
    asset_id: int | None
    asset_tag: str | None
    description: str


def case_contents(conn: Conn, case_id: int) -> list[CaseContent]:
    """Every slot of a case with its asset's id, tag and description, by position."""
    return [
        CaseContent(r[0], r[1], r[2], r[3] or "")
        for r in conn.execute(
            "SELECT s.position, a.id, a.asset_tag, a.description FROM slots s "
            "LEFT JOIN assets a ON a.id = s.asset_id WHERE s.case_id = ? ORDER BY s.position",
            (case_id,),
        )
    ]


class AuditAsset(NamedTuple):
    """Where the database has one asset, as an audit compares it with the shelf."""

    id: int
    tag: str
    description: str
    location_type: str  # STORAGE, IN_CUSTODY or RETIRED
    retirement: str  # LOST / BROKEN / DISPOSED for a retired asset, else ""
    holder: str  # "Dana Reyes (B-1001)" for an asset in custody, else ""
    case_id: int | None  # the slot it is in (None: no slot)
    case_code: str
    position: int | None


_AUDIT_ASSET_SQL = """
SELECT a.id, a.asset_tag, a.description, a.location_type, a.retirement, h.name, h.badge_code,
       s.case_id, c.case_code, s.position
  FROM assets a
  LEFT JOIN holders h ON h.id = a.current_holder_id
  LEFT JOIN slots s ON s.asset_id = a.id
  LEFT JOIN cases c ON c.id = s.case_id
 WHERE a.id = ?
"""


def audit_asset(conn: Conn, asset_id: int) -> AuditAsset | None:
    r = conn.execute(_AUDIT_ASSET_SQL, (asset_id,)).fetchone()
    if r is None:
        return None
    holder = f"{r[5]} ({r[6]})" if r[5] is not None else ""
    return AuditAsset(r[0], r[1], r[2] or "", r[3], r[4] or "", holder, r[7], r[8] or "", r[9])
