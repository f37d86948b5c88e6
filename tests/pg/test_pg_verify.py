"""Tampering on a PostgreSQL server: what ``verify`` must catch when the hand at the database is
the server's superuser.

The portable tamper tests (edited, deleted, re-hashed and forged events; rows changed behind the
log) run on both backends in ``tests/core/test_verify.py``. Here are the server's own ways round
the guards, the counterparts of that module's SQLite-only tests: disabling triggers, dropping an
index or a foreign key, a stale schema version, and a session with
``session_replication_role = replica``, which turns every trigger and foreign-key check off
without leaving a trace in the schema — there, only the data gives the tamperer away.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.eventlog import GENESIS, event_hash
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.verify import verify
from tests.core.conftest import asset_id, holder_id, seed, slot_id
from tests.tamper import PgShell

EVENT_COLUMNS = (
    "id, batch_id, event_type, asset_id, holder_id, slot_id, operator, created_at, note, details"
)


@pytest.fixture
def engine(pg_db: ServerDatabase) -> Iterator[Engine]:
    store = open_store(pg_db)
    e = Engine(store, operator="tester", settings=Settings())
    seed(e)
    yield e
    store.close()


@pytest.fixture
def shell(engine: Engine, pg_db: ServerDatabase) -> Iterator[PgShell]:
    hand = PgShell(pg_db)
    yield hand
    hand.close()


def problems(engine: Engine) -> list[str]:
    report = verify(engine.store)
    assert not report.ok
    return report.problems


def test_disabled_and_dropped_protection_is_reported_before_anything_is_edited(
    engine: Engine, shell: PgShell
) -> None:
    shell.execute("ALTER TABLE events DISABLE TRIGGER events_no_update")
    shell.execute("ALTER TABLE events DISABLE TRIGGER events_no_delete")
    shell.execute("ALTER TABLE assets DISABLE TRIGGER assets_custody_active_holder")
    shell.execute("DROP INDEX slots_one_per_asset")
    assert problems(engine) == [
        "schema: index slots_one_per_asset is missing",
        "schema: trigger assets_custody_active_holder on assets is disabled",
        "schema: trigger events_no_delete on events is disabled",
        "schema: trigger events_no_update on events is disabled",
    ]


def test_a_trigger_recreated_to_guard_nothing_is_reported(engine: Engine, shell: PgShell) -> None:
    shell.execute("DROP TRIGGER events_no_update ON events")
    shell.execute(
        "CREATE TRIGGER events_no_update BEFORE INSERT ON events "
        "FOR EACH ROW EXECUTE FUNCTION events_append_only()"
    )  # same name, fires on INSERT (never) instead of UPDATE
    assert problems(engine) == [
        "schema: trigger events_no_update on events differs from AssetTrack's definition"
    ]


def test_a_dropped_foreign_key_is_reported(engine: Engine, shell: PgShell) -> None:
    (name,) = shell.execute(
        "SELECT conname FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid = 'assets'::regclass"
    ).fetchone()
    shell.execute(f"ALTER TABLE assets DROP CONSTRAINT {name}")
    assert problems(engine) == [
        "schema: foreign key assets.current_holder_id → holders is missing or not validated"
    ]


def test_a_database_not_at_the_latest_schema_is_reported(engine: Engine, shell: PgShell) -> None:
    shell.execute("UPDATE schema_version SET version = 2")
    assert problems(engine) == ["schema: version 2, expected 3"]


def test_extra_indexes_and_statistics_are_not_findings(engine: Engine, shell: PgShell) -> None:
    shell.execute("CREATE INDEX my_report_index ON assets (description)")
    shell.execute("ANALYZE")
    assert verify(engine.store).ok


# -- replication role "replica": every guard off, nothing in the schema shows it ------------------


def test_an_event_edited_in_a_replica_session_is_named(engine: Engine, shell: PgShell) -> None:
    shell.guards_off()
    shell.execute("UPDATE events SET operator = 'mallory' WHERE id = 3")
    (batch,) = shell.execute("SELECT batch_id FROM events WHERE id = 3").fetchone()
    assert problems(engine) == [
        f"batch {batch}: its events disagree on time or operator",
        "event 3: hash does not match its content (the event was edited)",
    ]


def test_a_re_hashed_forgery_in_a_replica_session_is_caught_by_the_replay_and_the_anchor(
    engine: Engine, shell: PgShell
) -> None:
    conn = engine.store.conn
    aid, lee = asset_id(conn, "AT-SMOKE-0006"), holder_id(conn, "B-1002")
    dana = holder_id(conn, "B-1001")
    shell.guards_off()
    (out,) = shell.execute(
        "SELECT id FROM events WHERE event_type = 'STOCK_OUT' AND asset_id = ?", (aid,)
    ).fetchone()
    shell.execute("UPDATE events SET holder_id = ? WHERE id = ?", (lee, out))
    prev = GENESIS
    for row in shell.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id").fetchall():
        digest = event_hash(prev, tuple(row))
        shell.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0]))
        prev = digest
    found = problems(engine)
    assert found[0] == (
        f"asset AT-SMOKE-0006 (id {aid}): table says ('AT-SMOKE-0006', 'SN6', 'ThinkPad', "
        f"'IN_CUSTODY', {dana}), event log says ('AT-SMOKE-0006', 'SN6', 'ThinkPad', "
        f"'IN_CUSTODY', {lee})"
    )
    assert found[1].startswith("rolled back: The database has gone back in time")
    assert len(found) == 2  # no schema finding: the session's role left no trace


def test_a_log_truncated_in_a_replica_session_is_named(engine: Engine, shell: PgShell) -> None:
    total = shell.execute("SELECT count(*) FROM events").fetchone()[0]
    shell.guards_off()
    shell.execute("TRUNCATE events")
    report = verify(engine.store)
    assert report.events == 0 and total > 0
    assert f"asset ZX9000 (id {asset_id(engine.store.conn, 'ZX9000')}): not in the event log" in (
        report.problems
    )
    assert report.problems[-1].startswith("rolled back: The database has gone back in time")


def test_rows_pointing_nowhere_are_named(engine: Engine, shell: PgShell) -> None:
    conn = engine.store.conn
    aid = asset_id(conn, "AT-SMOKE-0006")
    free = slot_id(conn, "SHELF-B", 3)
    shell.guards_off()
    shell.execute("UPDATE assets SET current_holder_id = 99 WHERE id = ?", (aid,))
    shell.execute("UPDATE slots SET asset_id = 999 WHERE id = ?", (free,))
    found = problems(engine)
    assert f"foreign key: assets row {aid} points to a missing holders row" in found
    assert f"foreign key: slots row {free} points to a missing assets row" in found
    assert f"asset AT-SMOKE-0006 (id {aid}): held by holder id 99, which does not exist" in found


def test_custody_and_slot_at_once_is_named(engine: Engine, shell: PgShell) -> None:
    conn = engine.store.conn
    aid = asset_id(conn, "AT-SMOKE-0006")
    shell.guards_off()
    shell.execute(
        "UPDATE slots SET asset_id = ? WHERE id = ?", (aid, slot_id(conn, "CART-A", 5))
    )
    assert f"asset AT-SMOKE-0006 (id {aid}): in custody but also in slot CART-A/5" in (
        problems(engine)
    )
