"""The append-only, hash-chained event log.

``hash = sha256(prev_hash + canonical_json(row))`` where the canonical row is the JSON array
``[id, batch_id, event_type, asset_id, holder_id, slot_id, operator, created_at, note, details]``
(UTF-8, no spaces). The first event's ``prev_hash`` is 64 zeros. Editing any stored field breaks
the chain at that event; truncation of the newest events is detected by comparing the head
(event count + head hash) with one recorded elsewhere (backups, report sidecars).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

INSERT_SQL = """
INSERT INTO events (id, batch_id, event_type, asset_id, holder_id, slot_id, operator,
                    created_at, note, details, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


# What an Engine may be given instead of the wall clock (``Engine(clock=…)``): the demo
# stockroom (core/demo.py) is built through the engine as if over several days.
Clock = Callable[[], datetime]


def stamp(moment: datetime) -> str:
    """``moment`` (aware) as the log writes times: UTC ISO-8601 with milliseconds and a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def utc_now() -> str:
    """UTC ISO-8601 with milliseconds and a Z, e.g. 2026-11-24T18:30:12.123Z."""
    return stamp(datetime.now(UTC))


def canonical(row: tuple[Any, ...]) -> str:
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))


def event_hash(prev_hash: str, row: tuple[Any, ...]) -> str:
    import hashlib  # loaded when the log is written or checked, not for every read

    return hashlib.sha256((prev_hash + canonical(row)).encode("utf-8")).hexdigest()


def details_json(details: dict[str, Any] | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class LogHead:
    count: int
    head_hash: str

    def __str__(self) -> str:
        return f"events: {self.count}\nhead_hash: {self.head_hash}"


def log_head(conn: sqlite3.Connection) -> LogHead:
    count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    row = conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return LogHead(count, row[0] if row else GENESIS)


def new_batch_id(conn: sqlite3.Connection, moment: datetime | None = None) -> str:
    """Readable and unique: 20261124-183012-a1b2c3 (UTC time, now unless given, + random)."""
    when = (moment or datetime.now(UTC)).astimezone(UTC)
    while True:
        batch = when.strftime("%Y%m%d-%H%M%S-") + os.urandom(3).hex()
        if conn.execute("SELECT 1 FROM events WHERE batch_id = ? LIMIT 1", (batch,)).fetchone():
            continue
        return batch


class EventBatch:
    """Collects the events of one commit; ``flush`` appends them to the chain.

    Must be used inside ``Store.write()`` so that reading the head and appending happen under
    the same write lock. With a ``clock`` the batch's id and time are the clock's, not now.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        operator: str,
        batch_id: str | None = None,
        clock: Clock | None = None,
    ):
        self.conn = conn
        self.operator = operator
        if clock is None:
            self.batch_id = batch_id or new_batch_id(conn)
            self.created_at = utc_now()
        else:
            moment = clock()
            self.batch_id = batch_id or new_batch_id(conn, moment)
            self.created_at = stamp(moment)
        self._pending: list[tuple[Any, ...]] = []

    def add(
        self,
        event_type: str,
        *,
        asset_id: int | None = None,
        holder_id: int | None = None,
        slot_id: int | None = None,
        note: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        self._pending.append(
            (event_type, asset_id, holder_id, slot_id, note, details_json(details))
        )

    def flush(self) -> int:
        head = self.conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
        next_id, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        rows = []
        for event_type, asset_id, holder_id, slot_id, note, details in self._pending:
            content = (
                next_id,
                self.batch_id,
                event_type,
                asset_id,
                holder_id,
                slot_id,
                self.operator,
                self.created_at,
                note,
                details,
            )
            digest = event_hash(prev, content)
            rows.append((*content, prev, digest))
            prev = digest
            next_id += 1
        self.conn.executemany(INSERT_SQL, rows)
        count = len(rows)
        self._pending.clear()
        return count
