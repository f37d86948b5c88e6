"""Core fixtures: a fresh database per test, and an engine over a small seeded stockroom.

The seeded stockroom (``engine``), built with the engine's own calls so its event log is real:

- holders Dana Reyes (B-1001), Lee Park (B-1002) and the deactivated Old Timer (B-0999);
- case CART-A (2 × 5) and case SHELF-B (1 × 3);
- AT-SMOKE-0001…0004 in CART-A/1…4, AT-SMOKE-0005 registered but not slotted, ZX9000 in SHELF-B/1;
- AT-SMOKE-0006 left CART-A/5 for Dana, AT-SMOKE-0007 left CART-A/6 for Lee (both in custody).

The module-level helpers (``dump``, ``where``, ``slot_id``, ``events``) are imported by the test
modules of this package: ``from .conftest import dump``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assettrack_gui.core import queries, rules
from assettrack_gui.core.backend import open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from tests.tamper import Shell, open_shell

TABLES = ("holders", "cases", "assets", "slots", "events")


def dump(conn: sqlite3.Connection) -> str:
    """The whole database content as SQL text: equal dumps mean nothing changed (on PostgreSQL,
    every row of every table, by id)."""
    if isinstance(conn, sqlite3.Connection):
        return "\n".join(conn.iterdump())
    return "\n".join(
        f"{table}: {row!r}"
        for table in TABLES
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")
    )


def where(conn: sqlite3.Connection, tag: str) -> tuple[str, str | None, str | None]:
    """(location_type, holder badge or None, "CASE/position" or None) of one asset."""
    row = conn.execute(
        "SELECT a.location_type, h.badge_code, c.case_code || '/' || s.position FROM assets a "
        "LEFT JOIN holders h ON h.id = a.current_holder_id "
        "LEFT JOIN slots s ON s.asset_id = a.id LEFT JOIN cases c ON c.id = s.case_id "
        "WHERE a.asset_tag = ?",
        (tag,),
    ).fetchone()
    assert row is not None, f"no asset {tag}"
    return row


def slot_id(conn: sqlite3.Connection, case_code: str, position: int) -> int:
    row = conn.execute(
        "SELECT s.id FROM slots s JOIN cases c ON c.id = s.case_id "
        "WHERE c.case_code = ? AND s.position = ?",
        (case_code, position),
    ).fetchone()
    assert row is not None, f"no slot {case_code}/{position}"
    return int(row[0])


def asset_id(conn: sqlite3.Connection, tag: str) -> int:
    row = conn.execute("SELECT id FROM assets WHERE asset_tag = ?", (tag,)).fetchone()
    assert row is not None, f"no asset {tag}"
    return int(row[0])


def holder_id(conn: sqlite3.Connection, badge: str) -> int:
    row = conn.execute("SELECT id FROM holders WHERE badge_code = ?", (badge,)).fetchone()
    assert row is not None, f"no holder {badge}"
    return int(row[0])


def events(conn: sqlite3.Connection, batch_id: str) -> list[sqlite3.Row]:
    """The events of one batch as rows addressable by column name, in log order."""
    if not isinstance(conn, sqlite3.Connection):
        cur = conn.execute("SELECT * FROM events WHERE batch_id = ? ORDER BY id", (batch_id,))
        names = [d[0] for d in cur.description]
        return [NamedRow(names, row) for row in cur.fetchall()]  # type: ignore[misc]
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(
            "SELECT * FROM events WHERE batch_id = ? ORDER BY id", (batch_id,)
        ).fetchall()
    finally:
        conn.row_factory = None


class NamedRow(tuple):  # type: ignore[type-arg]
    """A row addressable by position and by column name, as ``sqlite3.Row``."""

    def __new__(cls, names: list[str], values: tuple) -> NamedRow:  # type: ignore[type-arg]
        row = super().__new__(cls, values)
        row._names = names  # type: ignore[attr-defined]
        return row

    def __getitem__(self, key):  # type: ignore[no-untyped-def, override]
        if isinstance(key, str):
            return super().__getitem__(self._names.index(key))  # type: ignore[attr-defined]
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)  # type: ignore[attr-defined]


@contextmanager
def before_near_duplicate_rule() -> Iterator[None]:
    """Register as AssetTrack did before near-duplicate codes were refused (issue 10), to build
    the databases older versions left behind: ``B-10-01`` beside ``B-1001`` and the like."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(queries, "codes_alike", lambda conn, code: [])
        mp.setattr(rules, "alike_key", lambda code: code)
        yield


def seed(engine: Engine) -> None:
    """Fill an empty database with the stockroom described in this module's docstring."""
    engine.add_holders(
        [NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002"), NewHolder("Old Timer", "B-0999")]
    )
    engine.set_holder_active("B-0999", False)
    engine.create_cases(
        [NewCase("CART-A", "Laptop cart A", 2, 5), NewCase("SHELF-B", "Scanner shelf B", 1, 3)]
    )
    engine.commit_register(
        [NewAsset(f"AT-SMOKE-000{n}", f"SN{n}", "ThinkPad", "CART-A", n) for n in range(1, 5)]
        + [
            NewAsset("AT-SMOKE-0005", "SN5", "Dell spare"),
            NewAsset("ZX9000", "ZX-SN", "Zebra scanner", "SHELF-B", 1),
            NewAsset("AT-SMOKE-0006", "SN6", "ThinkPad", "CART-A", 5),
            NewAsset("AT-SMOKE-0007", "SN7", "ThinkPad", "CART-A", 6),
        ]
    )
    engine.commit_stock_out(["AT-SMOKE-0006"], "B-1001")
    engine.commit_stock_out(["AT-SMOKE-0007"], "B-1002")


@pytest.fixture
def empty_engine(store: Store) -> Engine:
    """An engine over an empty database, with default scanner settings (no settings file)."""
    return Engine(store, operator="tester", settings=Settings())


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine over the seeded stockroom."""
    seed(empty_engine)
    return empty_engine


@pytest.fixture
def shell(engine: Engine, db_path: Path) -> Iterator[Shell]:
    """A tamperer's hand at the seeded database (``tests/tamper.py``): a sqlite3 shell on the
    file, or psql as the superuser on the server database."""
    conn = open_shell(db_path)
    yield conn
    conn.close()


@pytest.fixture
def other_engine(engine: Engine, db_path: Path) -> Iterator[Engine]:
    """A second engine on its own connection to the seeded database (another station)."""
    s = open_store(db_path, create=False)
    yield Engine(s, operator="station-2", settings=Settings())
    s.close()
