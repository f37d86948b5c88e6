"""Audit of a database: file integrity, invariants, event-log replay and the hash chain.

``verify(store)`` returns every problem found, each naming the asset, slot, holder or event it
concerns. An empty list means the current tables are exactly what the event log says they must
be, and the log has not been edited.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from . import anchor, rules
from . import store as store_module
from .anchor import contains
from .errors import CorruptDatabase
from .eventlog import GENESIS, event_hash
from .model import EventType, LocationType, Retirement
from .store import Store, latest_version, translate_error
from .text import control_character, visible


@dataclass
class VerifyReport:
    """``problems`` make the database fail the audit; ``warnings`` do not (``ok`` stays true):
    things an older version allowed that a person should clean up, e.g. near-duplicate codes or
    codes that read like slot labels."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    events: int = 0
    head_hash: str = GENESIS
    assets: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


Stage = Callable[[Any, "VerifyReport"], None]


def verify(store: Store, expect: tuple[int, str] | None = None) -> VerifyReport:
    """Run every check; a damaged page stops only the checks that read it, and is reported.

    ``expect`` is a head kept elsewhere (``COUNT``, ``HASH`` from an export, a receipt or a
    backup): the log must hold that event with that hash. A database whose log lost the head
    this computer recorded after its last commit (``core.anchor``) is reported as rolled back.
    """
    report = VerifyReport()
    damaged = False
    on_server = getattr(store, "backend", "sqlite") == "postgresql"
    if on_server:  # the server guards its pages; its schema check is its own (core.pg_store)
        from .pg_store import check_foreign_keys, check_schema

        structure: tuple[tuple[str, Stage], ...] = (
            ("schema check", check_schema),
            ("foreign key check", check_foreign_keys),
        )
    else:
        structure = (("file check", _check_file), ("schema check", _check_schema))
    stages = (
        *structure,
        ("invariant check", _check_invariants),
        ("hash chain check", _check_chain),
        ("event log replay", _replay),
        ("asset count", _count_assets),
        ("near-duplicate codes", _near_duplicates),
        ("codes like slot labels", _slot_label_codes),
    )
    with store.read() as conn:
        for name, stage in stages:
            try:
                stage(conn, report)
            except sqlite3.DatabaseError as exc:
                if not isinstance(translate_error(exc), CorruptDatabase):
                    raise  # busy, I/O or a bug: not a finding about this file
                report.problems.append(
                    f"{name} could not finish: {exc} — the file is damaged; restore it from a backup"
                )
                damaged = True
        if damaged:
            report.problems += [
                f"damaged: {what} cannot be read — the file is damaged; restore it from a backup"
                for what in damaged_objects(conn)
            ]
        else:
            if expect is not None and not contains(conn, *expect):
                report.problems.append(
                    f"expected head: the log does not hold event {expect[0]} with hash {expect[1]}"
                )
            rollback = anchor.check(conn, store.path) if store.anchored else None
            if rollback is not None:
                report.problems.append(f"rolled back: {rollback.message}")
    return report


def damaged_objects(conn: sqlite3.Connection) -> list[str]:
    """Every table and index that cannot be read to the end ("table events", "index …")."""
    found: list[str] = []
    try:
        objects = conn.execute(
            "SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index') "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name"
        ).fetchall()
    except sqlite3.DatabaseError:
        return ["the schema (sqlite_schema)"]
    for kind, name, table in objects:
        quoted, on = name.replace('"', '""'), table.replace('"', '""')
        sql = (
            f'SELECT count(*) FROM "{quoted}" NOT INDEXED'
            if kind == "table"
            else f'SELECT count(*) FROM "{on}" INDEXED BY "{quoted}"'
        )
        try:
            conn.execute(sql).fetchone()
        except sqlite3.DatabaseError as exc:
            if isinstance(translate_error(exc), CorruptDatabase):
                found.append(f"{kind} {name}")
    return found


# Every tag, badge and case code by its key without dashes and letter case (ASCII, as NOCASE):
# two codes with one key were allowed before near-duplicates were refused at registration.
_NEAR_DUPLICATES_SQL = """
SELECT kind, code, key FROM (
    SELECT 'asset tag' AS kind, asset_tag AS code, upper(replace(asset_tag, '-', '')) AS key
      FROM assets
    UNION ALL SELECT 'badge', badge_code, upper(replace(badge_code, '-', '')) FROM holders
    UNION ALL SELECT 'case code', case_code, upper(replace(case_code, '-', '')) FROM cases
) AS codes WHERE key IN (
    SELECT key FROM (
        SELECT upper(replace(asset_tag, '-', '')) AS key FROM assets
        UNION ALL SELECT upper(replace(badge_code, '-', '')) FROM holders
        UNION ALL SELECT upper(replace(case_code, '-', '')) FROM cases
    ) AS keys GROUP BY key HAVING count(*) > 1
) ORDER BY key, code
"""


def _near_duplicates(conn: sqlite3.Connection, report: VerifyReport) -> None:
    groups: dict[str, list[str]] = {}
    for kind, code, key in conn.execute(_NEAR_DUPLICATES_SQL):
        groups.setdefault(key, []).append(f"{kind} {visible(code)}")
    for codes in groups.values():
        report.warnings.append(
            f"near-duplicate codes: {' and '.join(codes)} differ only in dashes or letter case "
            "(a scanner that drops dashes, or Caps Lock, may pick the wrong one)"
        )


# Every tag, badge and case code with a "/" (slot labels are CASE/POS): the candidates that
# ``rules.slot_label_warning`` judges, since registration refuses them (``rules.slot_label_like``).
_SLASHED_CODES_SQL = """
SELECT 'asset tag', asset_tag FROM assets WHERE asset_tag LIKE '%/%'
UNION ALL SELECT 'badge', badge_code FROM holders WHERE badge_code LIKE '%/%'
UNION ALL SELECT 'case code', case_code FROM cases WHERE case_code LIKE '%/%'
"""


def _slot_label_codes(conn: sqlite3.Connection, report: VerifyReport) -> None:
    """A warning per existing code that reads like a slot label (older versions allowed it)."""
    for kind, code in sorted(conn.execute(_SLASHED_CODES_SQL)):
        if (warning := rules.slot_label_warning(kind, code)) is not None:
            report.warnings.append(warning)


def _count_assets(conn: sqlite3.Connection, report: VerifyReport) -> None:
    report.assets = conn.execute("SELECT count(*) FROM assets").fetchone()[0]


def _schema_objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {
        (kind, name): " ".join(sql.split())
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL"
        )
    }


def _check_schema(conn: sqlite3.Connection, report: VerifyReport) -> None:
    """The tables, indexes and triggers must be AssetTrack's own: a dropped append-only trigger
    leaves the log unprotected, and an added trigger could rewrite rows behind the engine."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != latest_version():
        report.problems.append(f"schema: version {version}, expected {latest_version()}")
        return
    reference = sqlite3.connect(":memory:", isolation_level=None)
    try:
        reference.execute("BEGIN")  # as in Store.migrate
        for migration in store_module.MIGRATIONS:
            migration(reference)
        expected = _schema_objects(reference)
    finally:
        reference.close()
    actual = _schema_objects(conn)
    for kind, name in sorted(expected.keys() - actual.keys()):
        report.problems.append(f"schema: {kind} {name} is missing")
    for kind, name in sorted(expected.keys() & actual.keys()):
        if expected[kind, name] != actual[kind, name]:
            report.problems.append(f"schema: {kind} {name} differs from AssetTrack's definition")
    for kind, name in sorted(actual.keys() - expected.keys()):
        if kind in ("trigger", "table", "view") and not name.startswith("sqlite_"):
            report.problems.append(f"schema: unexpected {kind} {name}")


def _check_file(conn: sqlite3.Connection, report: VerifyReport) -> None:
    for (msg,) in conn.execute("PRAGMA integrity_check"):
        if msg != "ok":
            report.problems.append(f"integrity_check: {msg}")
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        report.problems.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")


_INVARIANTS = [
    (
        "SELECT id, asset_tag FROM assets "
        "WHERE location_type NOT IN ('STORAGE', 'IN_CUSTODY', 'RETIRED')",
        "asset {1} (id {0}): location_type is not STORAGE, IN_CUSTODY or RETIRED",
    ),
    (
        "SELECT id, asset_tag, retirement FROM assets "
        "WHERE (location_type = 'RETIRED') != (retirement IS NOT NULL) "
        "OR retirement NOT IN ('LOST', 'BROKEN', 'DISPOSED')",
        "asset {1} (id {0}): RETIRED does not agree with its kind of retirement ({2})",
    ),
    (
        "SELECT a.id, a.asset_tag, c.case_code, s.position FROM assets a "
        "JOIN slots s ON s.asset_id = a.id JOIN cases c ON c.id = s.case_id "
        "WHERE a.location_type = 'RETIRED'",
        "asset {1} (id {0}): retired but still in slot {2}/{3}",
    ),
    (
        "SELECT id, asset_tag, current_holder_id FROM assets "
        "WHERE location_type = 'RETIRED' AND current_holder_id IS NOT NULL",
        "asset {1} (id {0}): retired but held by holder id {2}",
    ),
    (
        "SELECT id, asset_tag FROM assets "
        "WHERE (location_type = 'IN_CUSTODY') != (current_holder_id IS NOT NULL)",
        "asset {1} (id {0}): IN_CUSTODY does not agree with current_holder_id",
    ),
    (
        "SELECT a.id, a.asset_tag, c.case_code, s.position FROM assets a "
        "JOIN slots s ON s.asset_id = a.id JOIN cases c ON c.id = s.case_id "
        "WHERE a.location_type = 'IN_CUSTODY'",
        "asset {1} (id {0}): in custody but also in slot {2}/{3}",
    ),
    (
        "SELECT a.id, a.asset_tag, count(*) FROM assets a JOIN slots s ON s.asset_id = a.id "
        "GROUP BY a.id HAVING count(*) > 1",
        "asset {1} (id {0}): in {2} slots at once",
    ),
    (
        "SELECT a.id, a.asset_tag, a.current_holder_id FROM assets a "
        "LEFT JOIN holders h ON h.id = a.current_holder_id "
        "WHERE a.current_holder_id IS NOT NULL AND h.id IS NULL",
        "asset {1} (id {0}): held by holder id {2}, which does not exist",
    ),
    (
        "SELECT s.id, c.case_code, s.position FROM slots s "
        "JOIN cases c ON c.id = s.case_id WHERE s.position < 1",
        "slot {0} ({1}/{2}): position below 1",
    ),
    (  # a case made smaller keeps the slots history names past its size, empty
        "SELECT s.id, c.case_code, s.position, c.rows * c.cols FROM slots s "
        "JOIN cases c ON c.id = s.case_id "
        "WHERE s.position > c.rows * c.cols AND s.asset_id IS NOT NULL",
        "slot {0} ({1}/{2}): holds an asset but is outside its case's 1..{3}",
    ),
    (
        "SELECT c.id, c.case_code, count(s.id), c.rows * c.cols FROM cases c "
        "LEFT JOIN slots s ON s.case_id = c.id AND s.position <= c.rows * c.cols "
        "GROUP BY c.id HAVING count(s.id) != c.rows * c.cols",
        "case {1} (id {0}): has {2} slots within its size, expected {3}",
    ),
    (
        "SELECT id, event_type FROM events WHERE asset_id IS NULL AND event_type IN "
        "('RECEIVE', 'SLOT_ASSIGN', 'SLOT_MOVE', 'STOCK_OUT', 'STOCK_IN', 'SLOT_UNASSIGN', "
        "'ASSET_EDIT', 'RETIRE', 'REINSTATE')",
        "event {0}: {1} without an asset",
    ),
    (
        "SELECT batch_id, count(DISTINCT created_at), count(DISTINCT operator) FROM events "
        "GROUP BY batch_id HAVING count(DISTINCT created_at) > 1 OR count(DISTINCT operator) > 1",
        "batch {0}: its events disagree on time or operator",
    ),
]


def _check_invariants(conn: sqlite3.Connection, report: VerifyReport) -> None:
    for sql, message in _INVARIANTS:
        for row in conn.execute(sql):
            report.problems.append(message.format(*row))


_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
_BATCH_STAMP = "%Y%m%d-%H%M%S"
_BATCH_ID = re.compile(r"^(\d{8}-\d{6})-[0-9a-f]{6}$")
# A batch id is made a moment before its events' time is read (``EventBatch``): allow that.
_BATCH_CLOCK_SLACK = timedelta(seconds=60)


def parse_stamp(text: object) -> datetime | None:
    """An event's ``created_at`` as an aware UTC time, or None unless it is exactly the form the
    log writes (``2026-11-24T18:30:12.123Z``)."""
    if not isinstance(text, str) or len(text) != 24:
        return None
    try:
        return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _names_in(event_type: str, details: str) -> list[tuple[str, object]]:
    """The people's and things' names an event records, for the control-character check."""
    try:
        data = json.loads(details)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    keys = {
        EventType.HOLDER_ADD: ("name", "badge_code"),
        EventType.HOLDER_RENAME: ("name", "old_name"),
        EventType.CASE_CREATE: ("name", "case_code"),
        EventType.RECEIVE: ("asset_tag",),
        EventType.ASSET_EDIT: ("serial", "description"),
        EventType.HOLDER_REBADGE: ("badge_code",),
        EventType.CASE_RENAME: ("name",),
    }.get(event_type, ())  # type: ignore[call-overload]
    found: list[tuple[str, object]] = []
    for key in keys:
        value = data.get(key)
        # the newer events record a change as [old, new]: the new value is what is stored
        found.append((key, value[-1] if isinstance(value, list) and value else value))
    return [(key, value) for key, value in found if key in data]


def _check_chain(conn: sqlite3.Connection, report: VerifyReport) -> None:
    """The hash chain, and what a forger who rebuilds it still gets wrong: times that do not
    parse or go backwards, batches split or disagreeing with their id, control characters."""
    prev = GENESIS
    expected_id = 1
    count = 0
    last_time: datetime | None = None
    last_stamp = ""
    current_batch: str | None = None
    closed_batches: dict[str, int] = {}  # batch id -> its last event
    for row in conn.execute(
        "SELECT id, batch_id, event_type, asset_id, holder_id, slot_id, operator, created_at, "
        "note, details, prev_hash, hash FROM events ORDER BY id"
    ):
        count += 1
        content, stored_prev, stored_hash = row[:10], row[10], row[11]
        event_id, batch_id, event_type, operator, created_at = (
            row[0],
            row[1],
            row[2],
            row[6],
            row[7],
        )
        problems = report.problems
        if event_id != expected_id:
            problems.append(
                f"event {event_id}: ids jump from {expected_id - 1} (events {expected_id}–"
                f"{event_id - 1} are missing)"
            )
        expected_id = event_id + 1
        if stored_prev != prev:
            problems.append(
                f"event {event_id}: prev_hash does not match the hash of the event before it"
            )
        if event_hash(stored_prev, content) != stored_hash:
            problems.append(
                f"event {event_id}: hash does not match its content (the event was edited)"
            )
        prev = stored_hash

        when = parse_stamp(created_at)
        if when is None:
            problems.append(
                f"event {event_id}: created_at {_shown(created_at)} is not a UTC time "
                "(YYYY-MM-DDTHH:MM:SS.mmmZ)"
            )
        elif last_time is not None and when < last_time:
            problems.append(
                f"event {event_id}: created_at {created_at} is earlier than the event before it "
                f"({last_stamp}): back-dated"
            )
        if when is not None:
            last_time, last_stamp = when, created_at

        # (one time and operator per batch is an invariant check, see _INVARIANTS)
        if current_batch is None or batch_id != current_batch:
            if current_batch is not None:
                closed_batches[current_batch] = event_id - 1
            if batch_id in closed_batches:
                problems.append(
                    f"event {event_id}: batch {_shown(batch_id)} already ended at event "
                    f"{closed_batches[batch_id]} (a batch's events are written together)"
                )
            _check_batch_id(event_id, batch_id, when, problems)
            current_batch = batch_id

        if not isinstance(operator, str) or (bad := control_character(operator)) is not None:
            what = "is not text" if not isinstance(operator, str) else f"contains {bad}"
            problems.append(f"event {event_id}: operator {_shown(operator)} {what}")
        for key, value in _names_in(event_type, row[9]):
            if isinstance(value, str) and (bad := control_character(value)) is not None:
                problems.append(f"event {event_id}: {key} {_shown(value)} contains {bad}")
        note = row[8]
        if isinstance(note, str) and (bad := control_character(note)) is not None:
            problems.append(f"event {event_id}: note {_shown(note)} contains {bad}")
    report.events = count
    report.head_hash = prev


def _check_batch_id(
    event_id: int, batch_id: object, when: datetime | None, problems: list[str]
) -> None:
    found = _BATCH_ID.match(batch_id) if isinstance(batch_id, str) else None
    if found is None:
        problems.append(
            f"event {event_id}: batch id {_shown(batch_id)} is not of the form "
            "YYYYMMDD-HHMMSS-xxxxxx"
        )
        return
    try:
        made = datetime.strptime(found[1], _BATCH_STAMP).replace(tzinfo=UTC)
    except ValueError:
        problems.append(f"event {event_id}: batch id {batch_id} does not name a real time")
        return
    if when is not None and not (
        made <= when.replace(microsecond=0) + timedelta(seconds=1)
        and when - made <= _BATCH_CLOCK_SLACK
    ):
        problems.append(
            f"event {event_id}: batch id {batch_id} does not agree with its time "
            f"{when.strftime(_STAMP)[:-4]}Z"
        )


def _shown(value: object) -> str:
    return repr(value) if not isinstance(value, str) else repr(visible(value))


log_contains = contains  # a head kept elsewhere (export, receipt, backup) is part of this log


@dataclass
class _A:
    tag: str
    serial: str
    description: str
    location: str = "STORAGE"
    holder: int | None = None
    slot: int | None = None
    retirement: str | None = None


_SLOT_EVENTS = (
    EventType.SLOT_ASSIGN,
    EventType.SLOT_MOVE,
    EventType.STOCK_OUT,
    EventType.STOCK_IN,
    EventType.SLOT_UNASSIGN,
)
# Events that change no table the replay rebuilds: a stocktake's findings, an accepted rollback.
_NO_OPS = (EventType.AUDIT, EventType.ROLLBACK_ACCEPTED)
_KINDS = frozenset(k.value for k in Retirement)


@dataclass
class _World:
    """What the log has built so far, and where each slot sits (slots never move)."""

    holders: dict[int, list[object]] = field(default_factory=dict)  # id -> [name, badge, active]
    cases: dict[int, tuple[str, str, int, int]] = field(default_factory=dict)
    assets: dict[int, _A] = field(default_factory=dict)
    slot_of: dict[int, int] = field(default_factory=dict)  # slot_id -> asset_id
    slot_place: dict[int, tuple[int, int]] = field(default_factory=dict)  # slot -> (case, pos)

    def case_by_code(self, code: object) -> int | None:
        return next((cid for cid, c in self.cases.items() if c[0] == code), None)

    def outside(self, sid: int | None) -> bool:
        """Whether a slot lies past its case's size as the log has it at this point."""
        place = self.slot_place.get(sid) if sid is not None else None
        case = self.cases.get(place[0]) if place is not None else None
        if place is None or case is None:
            return False
        rows, cols = case[2], case[3]
        return isinstance(rows, int) and isinstance(cols, int) and place[1] > rows * cols


def _pair(details: dict[str, Any], key: str) -> tuple[Any, Any] | None:
    """A change recorded as ``key: [old, new]``."""
    value = details.get(key)
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None


def _replay(conn: sqlite3.Connection, report: VerifyReport) -> None:
    """Rebuild holders, cases, assets and slot contents from the log and compare."""
    problems = report.problems
    world = _World()
    world.slot_place = {
        r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, case_id, position FROM slots")
    }
    holders, cases, assets, slot_of = world.holders, world.cases, world.assets, world.slot_of
    batches: set[str] = set()  # batches seen so far
    voided: dict[str, str] = {}  # voided batch -> the void
    for row in conn.execute(
        "SELECT id, event_type, asset_id, holder_id, slot_id, details, batch_id FROM events "
        "ORDER BY id"
    ):
        eid, etype, aid, hid, sid, details_text, batch_id = row
        try:
            parsed = json.loads(details_text)
        except ValueError:
            problems.append(f"event {eid}: details are not valid JSON")
            continue
        if not isinstance(parsed, dict):
            problems.append(f"event {eid}: details are not a JSON object")
            continue
        details: Any = parsed

        def bad(msg: str, eid: int = eid, etype: str = etype) -> None:
            problems.append(f"event {eid} ({etype}): {msg}")

        target = details.get("voids")
        if target is not None:
            if target not in batches or target == batch_id:
                bad(f"voids batch {target!r}, which is not an earlier batch")
            elif voided.setdefault(target, batch_id) != batch_id:
                bad(f"voids batch {target}, already voided by batch {voided[target]}")
        batches.add(batch_id)

        if etype in _NO_OPS:
            continue
        if etype == EventType.HOLDER_ADD:
            holders[hid] = [details.get("name"), details.get("badge_code"), 1]
        elif etype in (
            EventType.HOLDER_RENAME,
            EventType.HOLDER_DEACTIVATE,
            EventType.HOLDER_REACTIVATE,
            EventType.HOLDER_REBADGE,
        ):
            if hid not in holders:
                bad(f"holder {hid} was never added")
                continue
            _replay_holder(holders[hid], etype, details, bad)
        elif etype == EventType.CASE_CREATE:
            cases[details.get("case_id")] = (
                details.get("case_code"),
                details.get("name"),
                details.get("rows"),
                details.get("cols"),
            )
        elif etype in (EventType.CASE_RENAME, EventType.CASE_RESIZE):
            _replay_case(world, etype, details, bad)
        elif etype == EventType.RECEIVE:
            if aid in assets:
                bad(f"asset id {aid} received twice")
                continue
            assets[aid] = _A(
                details.get("asset_tag"),
                details.get("serial"),
                details.get("description"),
            )
            if sid is not None:
                if sid in slot_of:
                    bad(f"slot {sid} already holds asset id {slot_of[sid]}")
                if world.outside(sid):
                    bad(f"slot {sid} is outside its case")
                slot_of[sid] = aid
                assets[aid].slot = sid
        elif etype in (EventType.ASSET_EDIT, EventType.RETIRE, EventType.REINSTATE):
            a = assets.get(aid)
            if a is None:
                bad(f"asset id {aid} was never received")
                continue
            if etype == EventType.ASSET_EDIT:
                _replay_edit(a, details, bad)
            elif etype == EventType.RETIRE:
                _replay_retire(world, a, hid, sid, details, bad)
            else:
                _replay_reinstate(a, details, bad)
        elif etype in _SLOT_EVENTS:
            a = assets.get(aid)
            if a is None:
                bad(f"asset id {aid} was never received")
                continue
            _replay_slot_event(world, a, aid, etype, hid, sid, details, bad)

    _compare(conn, problems, holders, cases, assets, slot_of)


def _replay_holder(
    holder: list[object], etype: str, details: dict[str, Any], bad: Callable[[str], None]
) -> None:
    if etype == EventType.HOLDER_RENAME:
        holder[0] = details.get("name")
    elif etype == EventType.HOLDER_REBADGE:
        change = _pair(details, "badge_code")
        if change is None:
            bad("details do not record the old and new badge_code")
            return
        if holder[1] != change[0]:
            bad(f"the holder's badge was {holder[1]!r}, not {change[0]!r}")
        holder[1] = change[1]
    else:
        holder[2] = 1 if etype == EventType.HOLDER_REACTIVATE else 0


def _replay_case(
    world: _World, etype: str, details: dict[str, Any], bad: Callable[[str], None]
) -> None:
    """CASE_RENAME ``{"case", "name": [old, new]}``; CASE_RESIZE ``{"case", "rows": [old, new],
    "cols": [old, new]}``, allowed only while no slot holding an asset falls outside."""
    cid = world.case_by_code(details.get("case"))
    if cid is None:
        bad(f"case {details.get('case')!r} was never created")
        return
    code, name, rows, cols = world.cases[cid]
    if etype == EventType.CASE_RENAME:
        change = _pair(details, "name")
        if change is None:
            bad("details do not record the old and new name")
            return
        if name != change[0]:
            bad(f"case {code} was named {name!r}, not {change[0]!r}")
        world.cases[cid] = (code, change[1], rows, cols)
        return
    new_rows, new_cols = _pair(details, "rows"), _pair(details, "cols")
    if new_rows is None or new_cols is None:
        bad("details do not record the old and new rows and cols")
        return
    if (rows, cols) != (new_rows[0], new_cols[0]):
        bad(f"case {code} was {rows} × {cols}, not {new_rows[0]} × {new_cols[0]}")
    world.cases[cid] = (code, name, new_rows[1], new_cols[1])
    for sid, held in sorted(world.slot_of.items()):
        if world.slot_place.get(sid, (None, 0))[0] == cid and world.outside(sid):
            bad(f"case {code} shrank past slot {sid}, which held asset id {held}")


def _replay_edit(a: _A, details: dict[str, Any], bad: Callable[[str], None]) -> None:
    """ASSET_EDIT ``{"serial": [old, new]}`` and/or ``{"description": [old, new]}``."""
    changed = False
    for key in ("serial", "description"):
        change = _pair(details, key)
        if change is None:
            if key in details:
                bad(f"{key} is not recorded as [old, new]")
            continue
        changed = True
        if getattr(a, key) != change[0]:
            bad(f"asset {a.tag}'s {key} was {getattr(a, key)!r}, not {change[0]!r}")
        setattr(a, key, change[1])
    if not changed:
        bad(f"asset {a.tag}: the edit changes nothing")


def _replay_retire(
    world: _World,
    a: _A,
    hid: int | None,
    sid: int | None,
    details: dict[str, Any],
    bad: Callable[[str], None],
) -> None:
    """RETIRE from storage (the slot it left, or none) or from a holder's custody."""
    kind = details.get("kind")
    if kind not in _KINDS:
        bad(f"asset {a.tag}: kind {kind!r} is not one of {', '.join(sorted(_KINDS))}")
    if a.location == LocationType.RETIRED.value:
        bad(f"asset {a.tag} was already retired")
    elif a.location == LocationType.IN_CUSTODY.value:
        if a.holder != hid:
            bad(f"asset {a.tag} retired from holder {hid} but held by {a.holder}")
        if sid is not None:
            bad(f"asset {a.tag} was in custody, not in slot {sid}")
    else:
        if hid is not None:
            bad(f"asset {a.tag} retired from holder {hid} but was in storage")
        if a.slot != sid:
            bad(f"asset {a.tag} left slot {sid} but was in slot {a.slot}")
    if a.slot is not None:
        world.slot_of.pop(a.slot, None)
    a.location, a.holder, a.slot = LocationType.RETIRED.value, None, None
    a.retirement = kind if isinstance(kind, str) else None


def _replay_reinstate(a: _A, details: dict[str, Any], bad: Callable[[str], None]) -> None:
    """REINSTATE: a retired asset back to storage, in no slot."""
    if a.location != LocationType.RETIRED.value:
        bad(f"asset {a.tag} was not retired")
    elif details.get("kind") != a.retirement:
        bad(f"asset {a.tag} was retired as {a.retirement}, not {details.get('kind')!r}")
    a.location, a.retirement = LocationType.STORAGE.value, None


def _replay_slot_event(
    world: _World,
    a: _A,
    aid: int,
    etype: str,
    hid: int | None,
    sid: int | None,
    details: dict[str, Any],
    bad: Callable[[str], None],
) -> None:
    holders, slot_of = world.holders, world.slot_of
    if etype == EventType.SLOT_UNASSIGN:
        if a.location != LocationType.STORAGE.value or a.slot != sid:
            bad(f"asset {a.tag} left slot {sid} but was in slot {a.slot}")
        if a.slot is not None:
            slot_of.pop(a.slot, None)
        a.slot = None
        return
    if etype == EventType.STOCK_OUT:
        if a.location != LocationType.STORAGE.value or a.slot is None:
            bad(f"asset {a.tag} was not slotted in storage")
        if a.slot != sid:
            bad(f"asset {a.tag} left slot {sid} but was in slot {a.slot}")
        if hid not in holders:
            bad(f"holder {hid} was never added")
        elif not holders[hid][2]:
            bad(f"holder {hid} was deactivated")
        if a.slot is not None:
            slot_of.pop(a.slot, None)
        a.slot, a.location, a.holder = None, LocationType.IN_CUSTODY.value, hid
        return
    if etype == EventType.STOCK_IN:
        if a.location != LocationType.IN_CUSTODY.value:
            bad(f"asset {a.tag} was not in custody")
        elif a.holder != hid:
            bad(f"asset {a.tag} returned by holder {hid} but held by {a.holder}")
        a.location, a.holder = LocationType.STORAGE.value, None
    elif etype == EventType.SLOT_ASSIGN:
        if a.location != LocationType.STORAGE.value or a.slot is not None:
            bad(f"asset {a.tag} was not unslotted storage")
    elif etype == EventType.SLOT_MOVE:
        if a.slot is None:
            bad(f"asset {a.tag} was not in a slot")
        if details.get("from_slot_id") != a.slot:
            bad(f"asset {a.tag} moved from slot {details.get('from_slot_id')}, was in {a.slot}")
        if a.slot is not None:
            slot_of.pop(a.slot, None)
    if sid in slot_of:
        bad(f"slot {sid} already holds asset id {slot_of[sid]}")
    if world.outside(sid):
        bad(f"slot {sid} is outside its case")
    slot_of[sid] = aid  # type: ignore[index]  # a forged event without its slot: compared below
    a.slot = sid


def _compare(
    conn: sqlite3.Connection,
    problems: list[str],
    holders: dict[int, list[object]],
    cases: dict[int, tuple[str, str, int, int]],
    assets: dict[int, _A],
    slot_of: dict[int, int],
) -> None:
    db_holders = {
        r[0]: list(r[1:]) for r in conn.execute("SELECT id, name, badge_code, active FROM holders")
    }
    for hid in sorted(db_holders.keys() | holders.keys()):
        if hid not in holders:
            problems.append(f"holder id {hid} ({db_holders[hid][1]}): not in the event log")
        elif hid not in db_holders:
            problems.append(f"holder id {hid}: in the event log but missing from holders")
        elif db_holders[hid] != holders[hid]:
            problems.append(
                f"holder id {hid}: table says {db_holders[hid]}, event log says {holders[hid]}"
            )
    db_cases = {
        r[0]: tuple(r[1:])
        for r in conn.execute("SELECT id, case_code, name, rows, cols FROM cases")
    }
    for cid in sorted(db_cases.keys() | cases.keys()):
        if cid not in cases:
            problems.append(f"case id {cid} ({db_cases[cid][0]}): not in the event log")
        elif cid not in db_cases:
            problems.append(f"case id {cid}: in the event log but missing from cases")
        elif db_cases[cid] != cases[cid]:
            problems.append(
                f"case id {cid}: table says {db_cases[cid]}, event log says {cases[cid]}"
            )
    db_slot_of = {
        r[0]: r[1]
        for r in conn.execute("SELECT id, asset_id FROM slots WHERE asset_id IS NOT NULL")
    }
    db_assets = {
        r[0]: r[1:6]
        for r in conn.execute(
            "SELECT id, asset_tag, serial, description, location_type, current_holder_id,"
            " retirement FROM assets"
        )
    }
    db_kinds = {r[0]: r[1] for r in conn.execute("SELECT id, retirement FROM assets")}
    for aid in sorted(db_assets.keys() | assets.keys()):
        if aid not in assets:
            problems.append(f"asset {db_assets[aid][0]} (id {aid}): not in the event log")
            continue
        if aid not in db_assets:
            problems.append(f"asset id {aid} ({assets[aid].tag}): in the event log but missing")
            continue
        a = assets[aid]
        expected = (a.tag, a.serial, a.description, a.location, a.holder)
        if tuple(db_assets[aid]) != expected:
            problems.append(
                f"asset {db_assets[aid][0]} (id {aid}): table says {tuple(db_assets[aid])}, "
                f"event log says {expected}"
            )
        elif db_kinds.get(aid) != a.retirement:
            problems.append(
                f"asset {a.tag} (id {aid}): table says retired as {db_kinds.get(aid)}, "
                f"event log says {a.retirement}"
            )
    for sid in sorted(db_slot_of.keys() | slot_of.keys()):
        if db_slot_of.get(sid) != slot_of.get(sid):
            tag = db_assets.get(db_slot_of.get(sid, -1), ("nothing",))[0]
            problems.append(
                f"slot {sid}: holds {tag if sid in db_slot_of else 'nothing'} "
                f"(asset id {db_slot_of.get(sid)}), event log says asset id {slot_of.get(sid)}"
            )
