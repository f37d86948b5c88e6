"""Schema v3: retirement as a third location type, resizable cases, the new event types.

The database enforces these itself (CHECK and triggers), whatever the Python above it does.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assettrack_gui.core import store as store_module
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.eventlog import log_head
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify
from tests.core.conftest import seed


def test_a_v2_database_upgrades_to_v3_keeping_every_row(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2])
    with Store(db_path) as old:
        seed(Engine(old, operator="seed", settings=Settings()))
        assert old.user_version() == 2
        head = log_head(old.conn)
        assets = old.conn.execute("SELECT * FROM assets ORDER BY id").fetchall()
        events = old.conn.execute("SELECT * FROM events ORDER BY id").fetchall()
        slots = old.conn.execute("SELECT * FROM slots ORDER BY id").fetchall()
    monkeypatch.undo()
    with Store(db_path, create=False) as s:
        conn = s.conn
        assert s.user_version() == 3
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert [r[:6] for r in conn.execute("SELECT * FROM assets ORDER BY id")] == assets
        assert conn.execute("SELECT * FROM events ORDER BY id").fetchall() == events
        assert conn.execute("SELECT * FROM slots ORDER BY id").fetchall() == slots
        assert log_head(conn) == head
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert verify(s).ok, verify(s).problems
        # the v1/v2 guards survived the rebuild
        with pytest.raises(sqlite3.IntegrityError, match="assets cannot be deleted"):
            conn.execute("DELETE FROM assets WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM events WHERE id = 1")
        held = conn.execute(
            "SELECT id FROM assets WHERE location_type = 'IN_CUSTODY' LIMIT 1"
        ).fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match="in custody cannot be put in a slot"):
            conn.execute(
                "UPDATE slots SET asset_id = ? WHERE id = (SELECT min(id) FROM slots"
                " WHERE asset_id IS NULL)",
                (held,),
            )


def _ids(conn: sqlite3.Connection) -> tuple[int, int, int]:
    slotted = conn.execute("SELECT asset_id FROM slots WHERE asset_id IS NOT NULL").fetchone()[0]
    unslotted = conn.execute(
        "SELECT id FROM assets WHERE location_type = 'STORAGE'"
        " AND id NOT IN (SELECT asset_id FROM slots WHERE asset_id IS NOT NULL)"
    ).fetchone()[0]
    free = conn.execute("SELECT min(id) FROM slots WHERE asset_id IS NULL").fetchone()[0]
    return slotted, unslotted, free


def test_retired_is_a_location_with_its_own_invariants(engine: Engine) -> None:
    conn = engine.store.conn
    slotted, unslotted, free = _ids(conn)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # a kind is required
        conn.execute("UPDATE assets SET location_type = 'RETIRED' WHERE id = ?", (unslotted,))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # and only for RETIRED
        conn.execute("UPDATE assets SET retirement = 'LOST' WHERE id = ?", (unslotted,))
    with pytest.raises(sqlite3.IntegrityError, match="vacate the slot before an asset is retired"):
        conn.execute(
            "UPDATE assets SET location_type = 'RETIRED', retirement = 'BROKEN' WHERE id = ?",
            (slotted,),
        )
    conn.execute(
        "UPDATE assets SET location_type = 'RETIRED', retirement = 'LOST' WHERE id = ?",
        (unslotted,),
    )
    with pytest.raises(sqlite3.IntegrityError, match="retired asset cannot be put in a slot"):
        conn.execute("UPDATE slots SET asset_id = ? WHERE id = ?", (unslotted, free))
    holder = conn.execute("SELECT id FROM holders WHERE active = 1").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="reinstated before custody"):
        conn.execute(
            "UPDATE assets SET location_type = 'IN_CUSTODY', retirement = NULL,"
            " current_holder_id = ? WHERE id = ?",
            (holder, unslotted),
        )
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute("UPDATE assets SET retirement = 'STOLEN' WHERE id = ?", (unslotted,))


def test_a_case_resizes_only_while_no_occupied_slot_falls_outside(engine: Engine) -> None:
    conn = engine.store.conn
    case_id, last = conn.execute(
        "SELECT c.id, max(s.position) FROM cases c JOIN slots s ON s.case_id = c.id"
        " WHERE s.asset_id IS NOT NULL AND c.case_code = 'CART-A'"
    ).fetchone()
    with pytest.raises(sqlite3.IntegrityError, match="cannot shrink past an occupied slot"):
        conn.execute("UPDATE cases SET rows = 1, cols = ? WHERE id = ?", (last - 1, case_id))
    conn.execute("UPDATE cases SET rows = 1, cols = ? WHERE id = ?", (last, case_id))
    outside = conn.execute(
        "SELECT id FROM slots WHERE case_id = ? AND position > ? ORDER BY position",
        (case_id, last),
    ).fetchall()
    assert outside  # kept until deleted
    asset = conn.execute(
        "SELECT id FROM assets WHERE location_type = 'STORAGE'"
        " AND id NOT IN (SELECT asset_id FROM slots WHERE asset_id IS NOT NULL)"
    ).fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="slot position outside its case"):
        conn.execute("UPDATE slots SET asset_id = ? WHERE id = ?", (asset, outside[0][0]))
    named = {r[0] for r in conn.execute("SELECT slot_id FROM events WHERE slot_id IS NOT NULL")}
    unused = [sid for (sid,) in outside if sid not in named]
    historic = [sid for (sid,) in outside if sid in named]
    assert unused and historic  # the seed stocked out of slots 5 and 6
    conn.execute("DELETE FROM slots WHERE id = ?", (unused[0],))  # never used: may go
    with pytest.raises(sqlite3.IntegrityError, match="slots cannot be deleted"):
        conn.execute("DELETE FROM slots WHERE id = ?", (historic[0],))  # history names it
    inside = conn.execute(  # an empty, never used slot inside its case
        "SELECT s.id FROM slots s JOIN cases c ON c.id = s.case_id WHERE s.asset_id IS NULL"
        " AND s.position <= c.rows * c.cols AND s.id NOT IN"
        " (SELECT slot_id FROM events WHERE slot_id IS NOT NULL) LIMIT 1"
    ).fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="slots cannot be deleted"):
        conn.execute("DELETE FROM slots WHERE id = ?", (inside,))


def test_new_event_types_are_accepted_and_others_are_not(engine: Engine) -> None:
    conn = engine.store.conn
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute(
            "INSERT INTO events (batch_id, event_type, operator, created_at, prev_hash, hash)"
            " VALUES ('b', 'RETIRE', 'o', 't', 'p', 'h1')"  # RETIRE names its asset
        )
    conn.execute(
        "INSERT INTO events (batch_id, event_type, operator, created_at, prev_hash, hash)"
        " VALUES ('b', 'AUDIT', 'o', 't', 'p', 'h2')"
    )
