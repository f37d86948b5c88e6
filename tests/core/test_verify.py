"""Tampering: what an auditor's ``verify`` must catch, each problem named by event, asset or slot.

The tamperer here is someone with the database file and a stock sqlite3 shell, or with the
PostgreSQL server's superuser at psql (``tests/tamper.py``): first they meet the append-only
triggers, then they drop (SQLite) or disable (PostgreSQL) them and edit, delete or bypass the
log. The module runs on both backends; a tamper only SQLite allows (its file, its pragmas, its
trigger syntax) is ``sqlite_only``, and its PostgreSQL counterpart is in
``tests/pg/test_pg_verify.py``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.eventlog import GENESIS, event_hash, log_head
from assettrack_gui.core.store import Store, latest_version
from assettrack_gui.core.verify import log_contains, verify
from tests.tamper import CHECK_FAILED, REFUSED, Shell, drop_log_triggers, on_postgres

from .conftest import asset_id, dump, holder_id, slot_id

pytestmark = pytest.mark.both_backends

EVENT_COLUMNS = (
    "id, batch_id, event_type, asset_id, holder_id, slot_id, operator, created_at, note, details"
)


def event_of(shell: Shell, event_type: str, asset: int | None = None) -> int:
    sql = "SELECT id FROM events WHERE event_type = ?" + (" AND asset_id = ?" if asset else "")
    row = shell.execute(sql, (event_type, asset) if asset else (event_type,)).fetchone()
    assert row is not None
    return int(row[0])


def rehash_chain(shell: Shell) -> None:
    """What a forger who knows the algorithm does after editing: recompute every hash."""
    prev = GENESIS
    for row in shell.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id").fetchall():
        digest = event_hash(prev, tuple(row))
        shell.execute(
            "UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0])
        )
        prev = digest


def problems(engine: Engine) -> list[str]:
    report = verify(engine.store)
    assert not report.ok
    return report.problems


def test_a_clean_database_verifies(engine: Engine) -> None:
    report = verify(engine.store)
    assert report.ok and report.problems == []
    head = log_head(engine.store.conn)
    assert (report.events, report.head_hash) == (head.count, head.head_hash)
    assert report.events == engine.store.conn.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    assert report.assets == 8


def test_an_empty_database_verifies(empty_engine: Engine) -> None:
    report = verify(empty_engine.store)
    assert report.ok and (report.events, report.head_hash, report.assets) == (0, GENESIS, 0)


# -- the triggers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE events SET operator = 'mallory' WHERE id = 3", "UPDATE refused"),
        ("UPDATE events SET note = 'fixed' ", "UPDATE refused"),
        ("DELETE FROM events WHERE id = 3", "DELETE refused"),
        ("DELETE FROM events", "DELETE refused"),
        ("DELETE FROM assets WHERE asset_tag = 'ZX9000'", "assets cannot be deleted"),
        ("DELETE FROM holders WHERE badge_code = 'B-0999'", "deactivate them"),
        ("DELETE FROM slots", "slots cannot be deleted"),
        ("DELETE FROM cases", "cases cannot be deleted"),
        ("UPDATE cases SET rows = 1, cols = 1", "a case cannot shrink past an occupied slot"),
        ("UPDATE slots SET position = 99 WHERE id = 1", "a slot cannot change case or position"),
    ],
)
def test_the_log_and_what_it_refers_to_cannot_be_edited_or_deleted(
    engine: Engine, shell: Shell, sql: str, message: str
) -> None:
    before = dump(shell)
    with pytest.raises(REFUSED, match=message):
        shell.execute(sql)
    assert dump(shell) == before
    assert verify(engine.store).ok


def test_the_engine_connection_cannot_edit_the_log_either(engine: Engine) -> None:
    with pytest.raises(REFUSED, match="append-only"), engine.store.write() as conn:
        conn.execute("UPDATE events SET holder_id = NULL")
    assert verify(engine.store).ok


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "UPDATE slots SET asset_id = (SELECT id FROM assets WHERE asset_tag = 'AT-SMOKE-0006') "
            "WHERE id = (SELECT id FROM slots WHERE asset_id IS NULL LIMIT 1)",
            "an asset in custody cannot be put in a slot",
        ),
        (
            "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = 1 "
            "WHERE asset_tag = 'AT-SMOKE-0001'",
            "vacate the slot before an asset goes into custody",
        ),
        (
            "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = "
            "(SELECT id FROM holders WHERE badge_code = 'B-0999') WHERE asset_tag = 'AT-SMOKE-0005'",
            "an inactive holder cannot receive custody",
        ),
        (
            "UPDATE assets SET location_type = 'IN_CUSTODY' WHERE asset_tag = 'AT-SMOKE-0005'",
            CHECK_FAILED,
        ),
    ],
)
def test_the_database_itself_refuses_impossible_custody(
    shell: Shell, sql: str, message: str
) -> None:
    before = dump(shell)
    with pytest.raises(REFUSED, match=message):
        shell.execute(sql)
    assert dump(shell) == before


@pytest.mark.sqlite_only  # PostgreSQL: tests/pg/test_pg_verify.py
def test_dropped_protection_is_reported_even_before_anything_is_edited(
    engine: Engine, shell: sqlite3.Connection
) -> None:
    dropped = drop_log_triggers(shell)
    shell.execute("DROP TRIGGER assets_custody_active_holder")
    shell.execute("DROP INDEX slots_one_per_asset")
    assert problems(engine) == [
        "schema: index slots_one_per_asset is missing",
        "schema: trigger assets_custody_active_holder is missing",
        *dropped,
    ]


@pytest.mark.sqlite_only  # PostgreSQL: tests/pg/test_pg_verify.py
def test_a_trigger_that_rewrites_rows_behind_the_engine_is_reported(
    engine: Engine, shell: sqlite3.Connection
) -> None:
    shell.execute(
        "CREATE TRIGGER sneaky AFTER INSERT ON events BEGIN "
        "UPDATE holders SET active = 1 WHERE badge_code = 'B-0999'; END"
    )
    shell.execute("DROP TRIGGER events_no_update")
    shell.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END"
    )  # same name, does nothing
    assert problems(engine) == [
        "schema: trigger events_no_update differs from AssetTrack's definition",
        "schema: unexpected trigger sneaky",
    ]


def test_statistics_and_extra_indexes_are_not_findings(
    engine: Engine, shell: Shell
) -> None:
    shell.execute("CREATE INDEX my_report_index ON assets (description)")
    shell.execute("ANALYZE")
    assert verify(engine.store).ok


@pytest.mark.sqlite_only  # PostgreSQL: tests/pg/test_pg_verify.py
def test_a_database_not_at_the_latest_schema_is_reported(
    engine: Engine, shell: sqlite3.Connection
) -> None:
    shell.execute("PRAGMA user_version = 0")
    assert problems(engine) == [f"schema: version 0, expected {latest_version()}"]


# -- with the triggers dropped: edits to the log ---------------------------------------------------


def test_an_edited_event_is_named(engine: Engine, shell: Shell) -> None:
    dropped = drop_log_triggers(shell)
    shell.execute("UPDATE events SET operator = 'mallory' WHERE id = 3")
    (batch,) = shell.execute("SELECT batch_id FROM events WHERE id = 3").fetchone()
    assert problems(engine) == [
        *dropped,
        f"batch {batch}: its events disagree on time or operator",  # 3 holders, one batch
        "event 3: hash does not match its content (the event was edited)",
    ]


def test_an_edited_custody_event_is_named_and_disagrees_with_the_tables(
    engine: Engine, shell: Shell
) -> None:
    conn = engine.store.conn
    drop_log_triggers(shell)
    out = event_of(shell, "STOCK_OUT", asset_id(conn, "AT-SMOKE-0006"))
    shell.execute("UPDATE events SET holder_id = ? WHERE id = ?", (holder_id(conn, "B-1002"), out))
    found = problems(engine)
    assert f"event {out}: hash does not match its content (the event was edited)" in found
    assert any(
        p.startswith(f"asset AT-SMOKE-0006 (id {asset_id(conn, 'AT-SMOKE-0006')})") for p in found
    )


def test_a_re_hashed_forgery_still_disagrees_with_the_tables(
    engine: Engine, shell: Shell
) -> None:
    conn = engine.store.conn
    dropped = drop_log_triggers(shell)
    out = event_of(shell, "STOCK_OUT", asset_id(conn, "AT-SMOKE-0006"))
    shell.execute("UPDATE events SET holder_id = ? WHERE id = ?", (holder_id(conn, "B-1002"), out))
    rehash_chain(shell)
    found = problems(engine)
    assert not [p for p in found if "hash" in p]  # the chain itself is consistent again...
    aid, lee = asset_id(conn, "AT-SMOKE-0006"), holder_id(conn, "B-1002")
    dana = holder_id(conn, "B-1001")
    rolled_back = found.pop()  # ...this computer's anchor no longer matches the rebuilt chain...
    assert rolled_back.startswith("rolled back: The database has gone back in time: its log no ")
    assert found == [  # ...and the replay does not give the tables
        *dropped,
        f"asset AT-SMOKE-0006 (id {aid}): table says ('AT-SMOKE-0006', 'SN6', 'ThinkPad', "
        f"'IN_CUSTODY', {dana}), event log says ('AT-SMOKE-0006', 'SN6', 'ThinkPad', "
        f"'IN_CUSTODY', {lee})",
    ]


def test_a_deleted_middle_event_is_named(engine: Engine, shell: Shell) -> None:
    drop_log_triggers(shell)
    gone = event_of(shell, "HOLDER_DEACTIVATE")
    total = shell.execute("SELECT count(*) FROM events").fetchone()[0]
    assert 1 < gone < total
    shell.execute("DELETE FROM events WHERE id = ?", (gone,))
    found = problems(engine)
    nxt = gone + 1
    assert f"event {nxt}: ids jump from {gone - 1} (events {gone}–{gone} are missing)" in found
    assert f"event {nxt}: prev_hash does not match the hash of the event before it" in found
    old_timer = holder_id(engine.store.conn, "B-0999")
    assert (
        f"holder id {old_timer}: table says ['Old Timer', 'B-0999', 0], event log says ['Old Timer', 'B-0999', 1]"
        in found
    )


def test_a_deleted_receive_leaves_an_asset_the_log_does_not_know(
    engine: Engine, shell: Shell
) -> None:
    drop_log_triggers(shell)
    zx = asset_id(engine.store.conn, "ZX9000")
    gone = event_of(shell, "RECEIVE", zx)
    shell.execute("DELETE FROM events WHERE id = ?", (gone,))
    found = problems(engine)
    assert f"asset ZX9000 (id {zx}): not in the event log" in found
    assert any(p.startswith(f"event {gone + 1}: ids jump") for p in found)


def test_truncating_the_newest_events_changes_the_recorded_head(
    engine: Engine, shell: Shell
) -> None:
    """Truncation is caught by comparing heads: verify reports the count and head it saw."""
    recorded = log_head(engine.store.conn)
    drop_log_triggers(shell)
    last = shell.execute("SELECT max(id) FROM events").fetchone()[0]
    shell.execute("DELETE FROM events WHERE id = ?", (last,))
    report = verify(engine.store)
    assert (report.events, report.head_hash) != (recorded.count, recorded.head_hash)
    assert report.events == recorded.count - 1
    # The newest event was AT-SMOKE-0007's stock-out: the tables no longer match the log.
    assert any(p.startswith("asset AT-SMOKE-0007") for p in report.problems)


# -- with the log intact: the tables changed behind its back ------------------------------------------


def test_an_asset_moved_by_raw_sql_is_named(engine: Engine, shell: Shell) -> None:
    conn = engine.store.conn
    zx, old, new = (
        asset_id(conn, "ZX9000"),
        slot_id(conn, "SHELF-B", 1),
        slot_id(conn, "SHELF-B", 3),
    )
    shell.execute("BEGIN")
    shell.execute("UPDATE slots SET asset_id = NULL WHERE id = ?", (old,))
    shell.execute("UPDATE slots SET asset_id = ? WHERE id = ?", (zx, new))
    shell.execute("COMMIT")
    assert problems(engine) == [
        f"slot {old}: holds nothing (asset id None), event log says asset id {zx}",
        f"slot {new}: holds ZX9000 (asset id {zx}), event log says asset id None",
    ]


def test_an_asset_stocked_out_without_an_event_is_named(
    engine: Engine, shell: Shell
) -> None:
    conn = engine.store.conn
    aid = asset_id(conn, "AT-SMOKE-0001")
    shell.execute("BEGIN")
    shell.execute("UPDATE slots SET asset_id = NULL WHERE asset_id = ?", (aid,))
    shell.execute(
        "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = ? WHERE id = ?",
        (holder_id(conn, "B-1002"), aid),
    )
    shell.execute("COMMIT")
    found = problems(engine)
    assert any(p.startswith(f"asset AT-SMOKE-0001 (id {aid}): table says") for p in found)
    assert any(p.startswith(f"slot {slot_id(conn, 'CART-A', 1)}: holds nothing") for p in found)


def test_an_asset_inserted_without_an_event_is_named(
    engine: Engine, shell: Shell
) -> None:
    shell.execute("INSERT INTO assets (asset_tag) VALUES ('AT-GHOST')")
    ghost = asset_id(engine.store.conn, "AT-GHOST")
    assert problems(engine) == [f"asset AT-GHOST (id {ghost}): not in the event log"]


def test_a_holder_renamed_or_reactivated_by_raw_sql_is_named(
    engine: Engine, shell: Shell
) -> None:
    shell.execute("UPDATE holders SET name = 'Dana R.' WHERE badge_code = 'B-1001'")
    shell.execute("UPDATE holders SET active = 1 WHERE badge_code = 'B-0999'")
    dana, old = holder_id(engine.store.conn, "B-1001"), holder_id(engine.store.conn, "B-0999")
    assert problems(engine) == [
        f"holder id {dana}: table says ['Dana R.', 'B-1001', 1], event log says ['Dana Reyes', 'B-1001', 1]",
        f"holder id {old}: table says ['Old Timer', 'B-0999', 1], event log says ['Old Timer', 'B-0999', 0]",
    ]


def test_custody_and_slot_at_once_is_named_when_the_guards_are_gone(
    engine: Engine, shell: Shell
) -> None:
    if on_postgres(shell):
        shell.guards_off()
    else:
        shell.execute("DROP TRIGGER slots_no_custody_asset_update")
    aid = asset_id(engine.store.conn, "AT-SMOKE-0006")
    shell.execute(
        "UPDATE slots SET asset_id = ? WHERE id = ?", (aid, slot_id(engine.store.conn, "CART-A", 5))
    )
    found = problems(engine)
    assert f"asset AT-SMOKE-0006 (id {aid}): in custody but also in slot CART-A/5" in found


def test_a_holder_that_does_not_exist_is_named(engine: Engine, shell: Shell) -> None:
    if on_postgres(shell):
        shell.guards_off()  # foreign keys are triggers there
    else:
        shell.execute("PRAGMA foreign_keys = OFF")
    aid = asset_id(engine.store.conn, "AT-SMOKE-0006")
    shell.execute("UPDATE assets SET current_holder_id = 99 WHERE id = ?", (aid,))
    found = problems(engine)
    assert f"foreign key: assets row {aid} points to a missing holders row" in found
    assert f"asset AT-SMOKE-0006 (id {aid}): held by holder id 99, which does not exist" in found


# -- the hash chain as documented, recomputed the way an auditor would -----------------------------


def test_the_chain_is_what_the_docs_say_an_auditor_can_recompute(shell: Shell) -> None:
    prev = "0" * 64
    rows = shell.execute(f"SELECT {EVENT_COLUMNS}, prev_hash, hash FROM events ORDER BY id")
    for row in rows:
        content = json.dumps(list(row[:10]), ensure_ascii=False, separators=(",", ":"))
        assert row[10] == prev
        assert row[11] == hashlib.sha256((prev + content).encode("utf-8")).hexdigest()
        prev = row[11]
    assert prev == log_head(shell).head_hash != GENESIS


# -- a damaged file: verify reports instead of crashing ----------------------------------------------


def damaged_copy(engine: Engine, tmp_path: Path, name: str, damage: bytes, at_end: bool) -> Path:
    """A backup of the seeded database with part of the root page of table/index ``name``
    overwritten: the whole page, or 100 bytes near its end (the cells of a small b-tree)."""
    copy = tmp_path / f"damaged-{name}.db"
    engine.store.backup(copy)
    conn = sqlite3.connect(copy)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (name,)).fetchone()
    conn.close()
    data = bytearray(copy.read_bytes())
    start = (root - 1) * page_size
    if at_end:
        start += page_size - 200
    data[start : start + len(damage)] = damage
    copy.write_bytes(bytes(data))
    return copy


@pytest.mark.sqlite_only  # PostgreSQL: tests/pg/test_pg_verify.py
def test_a_damaged_index_is_reported_by_integrity_check(engine: Engine, tmp_path: Path) -> None:
    copy = damaged_copy(engine, tmp_path, "events_created", b"\x00" * 100, at_end=True)
    with Store(copy, create=False) as store:
        report = verify(store)
    assert not report.ok
    assert any(p.startswith("integrity_check:") and "events_created" in p for p in report.problems)
    assert report.events == log_head(engine.store.conn).count  # the log itself was still readable


@pytest.mark.sqlite_only  # PostgreSQL: tests/pg/test_pg_verify.py
def test_a_damaged_table_page_is_reported_not_raised(engine: Engine, tmp_path: Path) -> None:
    copy = damaged_copy(engine, tmp_path, "assets", b"\xff" * 4096, at_end=False)
    with Store(copy, create=False) as store:
        report = verify(store)
    assert not report.ok
    assert "file check could not finish: database disk image is malformed" in report.problems[0]
    assert all("the file is damaged; restore it from a backup" in p for p in report.problems)


# -- a rebuilt chain: what still gives a forger away ------------------------------------------------


def append_forged(shell: Shell, **fields: object) -> int:
    """Append one event with a correct hash, as someone who knows the algorithm would."""
    last = shell.execute(f"SELECT {EVENT_COLUMNS}, hash FROM events ORDER BY id DESC LIMIT 1")
    row = list(last.fetchone())
    prev = row.pop()
    names = [c.strip() for c in EVENT_COLUMNS.split(",")]
    content = dict(zip(names, row, strict=True))
    content.update(id=row[0] + 1, note="", details="{}", **fields)
    values = tuple(content[n] for n in names)
    digest = event_hash(prev, values)
    shell.execute(
        f"INSERT INTO events ({EVENT_COLUMNS}, prev_hash, hash) VALUES ({', '.join('?' * 12)})",
        (*values, prev, digest),
    )
    return int(values[0])


def test_a_back_dated_event_with_a_correct_hash_is_named(
    engine: Engine, shell: Shell
) -> None:
    forged = append_forged(
        shell,
        batch_id="20200101-090000-abcdef",
        event_type="HOLDER_RENAME",
        asset_id=None,
        slot_id=None,
        holder_id=holder_id(engine.store.conn, "B-1001"),
        operator="bob",
        created_at="2020-01-01T09:00:00.000Z",
    )
    found = problems(engine)
    assert not [p for p in found if "hash" in p]
    assert any(
        p.startswith(f"event {forged}: created_at 2020-01-01T09:00:00.000Z is earlier than")
        and "back-dated" in p
        for p in found
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"created_at": "yesterday"}, "created_at 'yesterday' is not a UTC time"),
        ({"operator": "bob\n2026-01-01 fake line"}, "operator 'bob<LF>2026-01-01 fake line' contains U+000A"),
        ({"batch_id": "20300101-000000-abcdef"}, "batch id 20300101-000000-abcdef does not agree with its time"),
        ({"batch_id": "whenever"}, "batch id 'whenever' is not of the form YYYYMMDD-HHMMSS-xxxxxx"),
    ],
)
def test_a_forged_time_operator_or_batch_is_named(
    engine: Engine, shell: Shell, fields: dict[str, object], expected: str
) -> None:
    conn = engine.store.conn
    base: dict[str, object] = {
        "event_type": "HOLDER_DEACTIVATE",
        "asset_id": None,
        "slot_id": None,
        "holder_id": holder_id(conn, "B-0999"),
        "batch_id": None,
        "created_at": None,
    }
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    base["created_at"] = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    base["batch_id"] = now.strftime("%Y%m%d-%H%M%S-") + "abcdef"
    base.update(fields)
    forged = append_forged(shell, **base)
    assert any(p.startswith(f"event {forged}: {expected}") for p in problems(engine)), problems(
        engine
    )


def test_a_batch_id_reused_later_in_the_log_is_named(
    engine: Engine, shell: Shell
) -> None:
    conn = engine.store.conn
    (first_batch, created) = conn.execute(
        "SELECT batch_id, created_at FROM events ORDER BY id LIMIT 1"
    ).fetchone()
    (last_created,) = conn.execute("SELECT max(created_at) FROM events").fetchone()
    forged = append_forged(
        shell,
        batch_id=first_batch,
        created_at=last_created,
        event_type="HOLDER_DEACTIVATE",
        asset_id=None,
        slot_id=None,
        holder_id=holder_id(conn, "B-0999"),
    )
    assert created <= last_created
    assert any(
        p.startswith(f"event {forged}: batch '{first_batch}' already ended at event")
        for p in problems(engine)
    )


def test_log_contains_a_head_kept_elsewhere(engine: Engine) -> None:
    conn = engine.store.conn
    early = log_head(conn)
    engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    assert log_contains(conn, early.count, early.head_hash)
    assert log_contains(conn, 0, GENESIS)
    assert not log_contains(conn, early.count, "f" * 64)
    assert not log_contains(conn, early.count + 100, early.head_hash)
