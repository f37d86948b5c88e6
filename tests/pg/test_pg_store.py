"""The PostgreSQL store: schema creation, the database's own guards, the hash chain, verify's
schema check, change notification and the refusals a clerk must understand."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from assettrack_gui import cli
from assettrack_gui.core import eventlog, pg_store, queries
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import DatabaseBusy, NewerSchema, ReadOnlyDatabase
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify
from tests.conftest import drop_pg_database, pg_admin
from tests.core.conftest import seed
from tests.pgcluster import Cluster


@pytest.fixture
def engine(pg_db: ServerDatabase) -> Iterator[Engine]:
    store = open_store(pg_db)
    e = Engine(store, operator="tester", settings=Settings())
    seed(e)
    yield e
    store.close()


def test_init_creates_the_schema_on_an_empty_database_once(
    pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    name = pg_cluster.new_name("init")
    pg_admin(pg_cluster, f"CREATE DATABASE {name}")
    db = ServerDatabase(pg_cluster.url(name))
    try:
        assert cli.main(["--db", db.uri, "holder", "list"]) == 2
        assert "run assettrack-admin init" in capsys.readouterr().err
        assert cli.main(["--db", db.uri, "init"]) == 0
        assert "Created the AssetTrack schema" in capsys.readouterr().out
        assert cli.main(["--db", db.uri, "init"]) == 0
        assert "is up to date (schema 3)" in capsys.readouterr().out
        assert cli.main(["--db", db.uri, "verify"]) == 0
        assert capsys.readouterr().out.startswith("OK: 0 events")
    finally:
        drop_pg_database(pg_cluster, db)


def test_init_refuses_another_programs_tables(
    pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    name = pg_cluster.new_name("foreign")
    pg_admin(pg_cluster, f"CREATE DATABASE {name}")
    db = ServerDatabase(pg_cluster.url(name))
    try:
        with psycopg.connect(db.uri, autocommit=True) as conn:
            conn.execute("CREATE TABLE invoices (id int)")
        assert cli.main(["--db", db.uri, "init"]) == 2
        assert "not AssetTrack's" in capsys.readouterr().err
    finally:
        drop_pg_database(pg_cluster, db)


def test_a_newer_schema_is_refused(pg_db: ServerDatabase, psql: psycopg.Connection) -> None:
    psql.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(NewerSchema, match="newer version of AssetTrack"):
        open_store(pg_db)


@pytest.mark.parametrize(
    "sql, words",
    [
        ("UPDATE events SET operator = 'x' WHERE id = 1", "append-only"),
        ("DELETE FROM events WHERE id = 16", "append-only"),
        ("TRUNCATE events", "append-only"),
        ("DELETE FROM assets WHERE asset_tag = 'AT-SMOKE-0005'", "assets cannot be deleted"),
        ("DELETE FROM holders WHERE badge_code = 'B-0999'", "holders cannot be deleted"),
        ("DELETE FROM cases WHERE case_code = 'SHELF-B'", "cases cannot be deleted"),
        ("DELETE FROM slots WHERE position = 2", "slots cannot be deleted"),
        (
            "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = 1 "
            "WHERE asset_tag = 'AT-SMOKE-0001'",
            "vacate the slot",
        ),
        (
            "UPDATE slots SET asset_id = (SELECT id FROM assets WHERE asset_tag = 'AT-SMOKE-0006')"
            " WHERE asset_id IS NULL AND position = 10",
            "in custody cannot be put in a slot",
        ),
        (
            "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = "
            "(SELECT id FROM holders WHERE badge_code = 'B-0999') WHERE asset_tag = 'AT-SMOKE-0005'",
            "inactive holder",
        ),
        ("UPDATE cases SET rows = 1, cols = 1 WHERE case_code = 'CART-A'", "cannot shrink past"),
        ("UPDATE slots SET position = 9 WHERE position = 1", "cannot change case or position"),
        ("UPDATE assets SET location_type = 'MARS'", "check constraint"),
    ],
)
def test_the_database_guards_the_invariants(
    engine: Engine, psql: psycopg.Connection, sql: str, words: str
) -> None:
    with pytest.raises(psycopg.Error, match=words):
        psql.execute(sql)
    assert verify(engine.store).ok


def test_the_hash_chain_is_identical_on_both_backends(engine: Engine, tmp_path) -> None:
    """The same events written on SQLite and on PostgreSQL get the same hashes: the values come
    back with the same types (ints, None, text), so the canonical rows are the same."""

    def write(store: Store) -> list[tuple]:
        with store.write() as conn:
            holder = queries.insert_holder(conn, "Ana Ñúñez", "B-7")
            batch = eventlog.EventBatch(conn, "op€", "20260101-000000-abcdef")
            batch.created_at = "2026-01-01T00:00:00.123Z"
            batch.add(
                "HOLDER_ADD", holder_id=holder, details={"name": "Ana Ñúñez", "badge_code": "B-7"}
            )
            batch.add("HOLDER_RENAME", holder_id=holder, note="é", details={"name": "Ana Ñúñez"})
            batch.flush()
        with store.read() as conn:
            rows = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
        store.close()
        return rows

    on_sqlite = write(open_store(tmp_path / "same.db"))
    # a fresh database on the same server
    server = engine.store.path
    assert isinstance(server, ServerDatabase)
    fresh_name = server.name + "_h"
    pg_admin_url = server.uri.replace(f"/{server.name}?", "/postgres?")
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {fresh_name} TEMPLATE assettrack_template".encode())
    try:
        fresh = ServerDatabase(server.uri.replace(f"/{server.name}?", f"/{fresh_name}?"))
        on_postgres = write(open_store(fresh))
        assert on_postgres == on_sqlite
        assert [type(v) for v in on_postgres[1]] == [type(v) for v in on_sqlite[1]]
        with open_store(fresh) as store:
            assert verify(store).ok
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {fresh_name} WITH (FORCE)".encode())


def test_verify_names_a_disabled_trigger_and_an_edited_event(
    engine: Engine, psql: psycopg.Connection
) -> None:
    assert verify(engine.store).ok
    psql.execute("ALTER TABLE events DISABLE TRIGGER events_no_update")
    psql.execute("UPDATE events SET operator = 'someone else' WHERE id = 3")
    problems = verify(engine.store).problems
    assert "schema: trigger events_no_update on events is disabled" in problems
    assert "event 3: hash does not match its content (the event was edited)" in problems


def test_verify_names_a_rewritten_guard_and_an_added_trigger(
    engine: Engine, psql: psycopg.Connection
) -> None:
    psql.execute(
        "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$"
    )
    psql.execute(
        "CREATE TRIGGER sneaky BEFORE INSERT ON events FOR EACH ROW "
        "EXECUTE FUNCTION events_append_only()"
    )
    problems = verify(engine.store).problems
    assert "schema: function events_append_only differs from AssetTrack's definition" in problems
    assert "schema: unexpected trigger sneaky on events" in problems


def test_verify_names_an_asset_moved_by_hand(engine: Engine, psql: psycopg.Connection) -> None:
    psql.execute("UPDATE assets SET description = 'gold' WHERE asset_tag = 'AT-SMOKE-0001'")
    problems = verify(engine.store).problems
    assert any(p.startswith("asset AT-SMOKE-0001") and "'gold'" in p for p in problems)


def test_another_stations_commit_moves_data_version_and_our_own_does_not(
    engine: Engine,
) -> None:
    store = engine.store
    before = store.data_version()
    engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    assert store.data_version() == before
    other = open_store(store.path, create=False)  # type: ignore[arg-type]
    try:
        Engine(other, operator="station-2", settings=Settings()).commit_stock_out(
            ["AT-SMOKE-0002"], "B-1002"
        )
    finally:
        other.close()
    import time

    deadline = time.monotonic() + 5
    while store.data_version() == before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert store.data_version() != before


def test_a_held_write_lock_is_a_plain_busy_refusal(
    engine: Engine, psql: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_store, "LOCK_TIMEOUT_MS", 300)
    store = open_store(engine.store.path, create=False)  # type: ignore[arg-type]
    try:
        psql.execute("BEGIN")
        psql.execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
        with pytest.raises(DatabaseBusy, match="another station is writing"):
            Engine(store, operator="x", settings=Settings()).commit_stock_out(
                ["AT-SMOKE-0001"], "B-1001"
            )
        psql.execute("ROLLBACK")
        result = Engine(store, operator="x", settings=Settings()).commit_stock_out(
            ["AT-SMOKE-0001"], "B-1001"
        )
        assert result.count == 1
    finally:
        store.close()


def test_a_user_who_may_only_read_is_refused_in_words(
    engine: Engine, psql: psycopg.Connection
) -> None:
    server = engine.store.path
    assert isinstance(server, ServerDatabase)
    role = f"reader_{server.name}"
    psql.execute(f"CREATE ROLE {role} LOGIN".encode())
    psql.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}".encode())
    try:
        reader = open_store(ServerDatabase(server.uri.replace("postgres@", f"{role}@")))
        try:
            with pytest.raises(ReadOnlyDatabase, match="refused the change"):
                Engine(reader, operator="x", settings=Settings()).commit_stock_out(
                    ["AT-SMOKE-0001"], "B-1001"
                )
            assert reader.data_version() >= 0  # reading still works
        finally:
            reader.close()
    finally:
        psql.execute(f"DROP OWNED BY {role}".encode())
        psql.execute(f"DROP ROLE {role}".encode())


def test_backup_of_a_server_database_is_a_pg_dump(
    engine: Engine, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import subprocess

    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not on PATH")
    dest = tmp_path / "stockroom.dump"
    server = engine.store.path
    assert cli.main(["--db", str(server), "backup", str(dest)]) == 0
    assert "pg_dump custom format" in capsys.readouterr().out
    listing = subprocess.run(["pg_restore", "--list", str(dest)], capture_output=True, text=True)
    assert listing.returncode == 0 and "TABLE DATA public events" in listing.stdout
    assert dest.stat().st_mode & 0o077 == 0  # readable by its user only
    assert cli.main(["--db", str(server), "backup", str(dest)]) == 2  # no silent overwrite
