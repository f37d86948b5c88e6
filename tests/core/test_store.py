"""The store: connection pragmas, BEGIN IMMEDIATE, migrations and online backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assettrack_gui.core import store as store_module
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import DatabaseBusy, NewerSchema, StoreError, UserError
from assettrack_gui.core.eventlog import log_head
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import BUSY_TIMEOUT_MS, Store, latest_version
from assettrack_gui.core.verify import verify

from .conftest import dump, seed


def pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    return {
        name: conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in (
            "foreign_keys",
            "journal_mode",
            "synchronous",
            "busy_timeout",
            "trusted_schema",
        )
    }


EXPECTED = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "busy_timeout": BUSY_TIMEOUT_MS,
    "trusted_schema": 0,
}


def test_every_connection_gets_the_pragmas(db_path: Path) -> None:
    first = Store(db_path)  # creates the file
    second = Store(db_path, create=False)  # opens it while the first is open
    try:
        assert pragmas(first.conn) == EXPECTED
        assert pragmas(second.conn) == EXPECTED
    finally:
        first.close()
        second.close()
    third = Store(db_path, create=False)  # reopens it later
    try:
        assert pragmas(third.conn) == EXPECTED
        assert 3000 <= BUSY_TIMEOUT_MS <= 10000  # "a few seconds"
    finally:
        third.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), store.write() as conn:
        conn.execute("INSERT INTO slots (case_id, position) VALUES (42, 1)")


def test_python_never_opens_a_transaction_of_its_own(store: Store) -> None:
    assert store.conn.isolation_level is None
    store.conn.execute("SELECT count(*) FROM assets").fetchone()
    assert not store.conn.in_transaction


def test_write_takes_the_write_lock_before_anything_is_written(store: Store, db_path: Path) -> None:
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    try:
        with store.write() as conn:
            assert conn.in_transaction
            # Nothing written yet: a deferred BEGIN would hold no lock here. IMMEDIATE does.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("INSERT INTO holders (name, badge_code) VALUES ('x', 'y')")
            assert other.execute("SELECT count(*) FROM holders").fetchone() == (0,)  # reads go on
        other.execute("BEGIN IMMEDIATE")  # released after COMMIT
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_commits_on_success_and_rolls_back_on_any_error(store: Store) -> None:
    before = dump(store.conn)
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("INSERT INTO holders (name, badge_code) VALUES ('Ann', 'B-1')")
        raise RuntimeError("a bug half-way through")
    assert not store.conn.in_transaction
    assert dump(store.conn) == before
    with store.write() as conn:
        conn.execute("INSERT INTO holders (name, badge_code) VALUES ('Ann', 'B-1')")
    assert store.conn.execute("SELECT name FROM holders").fetchall() == [("Ann",)]


def test_a_constraint_failure_is_a_bug_not_a_user_error(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute("INSERT INTO assets (asset_tag, location_type) VALUES ('A', 'IN_CUSTODY')")
    assert store.conn.execute("SELECT count(*) FROM assets").fetchone() == (0,)


def test_busy_write_becomes_database_busy(store: Store, db_path: Path) -> None:
    locker = sqlite3.connect(db_path, isolation_level=None)
    store.conn.execute("PRAGMA busy_timeout = 50")
    try:
        locker.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy, match="Nothing was changed"), store.write():
            pass
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert not store.conn.in_transaction


def test_read_gives_one_snapshot_and_never_holds_the_write_lock(
    store: Store, db_path: Path
) -> None:
    other = Store(db_path, create=False)
    try:
        with store.read() as conn:
            assert conn.execute("SELECT count(*) FROM holders").fetchone() == (0,)
            with other.write() as w:  # a writer is not blocked by the reader
                w.execute("INSERT INTO holders (name, badge_code) VALUES ('Ann', 'B-1')")
            assert conn.execute("SELECT count(*) FROM holders").fetchone() == (0,)
        assert store.conn.execute("SELECT count(*) FROM holders").fetchone() == (1,)
    finally:
        other.close()


# -- migrations ----------------------------------------------------------------------------------


def test_a_fresh_database_gets_the_latest_schema_version(store: Store) -> None:
    assert store.user_version() == latest_version() == len(store_module.MIGRATIONS) >= 1
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert {"holders", "cases", "slots", "assets", "events"} <= tables


def test_reopening_an_up_to_date_database_changes_nothing(db_path: Path) -> None:
    with Store(db_path) as s:
        before = dump(s.conn)
    with Store(db_path, create=False) as s:
        assert dump(s.conn) == before


def test_a_database_from_a_newer_version_is_refused_and_left_alone(db_path: Path) -> None:
    with Store(db_path) as s:
        s.conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    before = db_path.read_bytes()
    with pytest.raises(NewerSchema) as info:
        Store(db_path, create=False)
    message = str(info.value)
    assert "written by a newer version of AssetTrack" in message
    assert f"schema {latest_version() + 1}" in message and "Upgrade AssetTrack" in message
    assert str(db_path) in message
    assert db_path.read_bytes() == before


def _v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE holders ADD COLUMN phone TEXT NOT NULL DEFAULT ''")


def test_an_older_database_is_migrated_once(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db_path) as s:
        engine = Engine(s, operator="seed", settings=Settings())
        seed(engine)
        head = log_head(s.conn)
    calls: list[str] = []  # the file each run of v2 changed ("" for verify's in-memory reference)

    def v2(conn: sqlite3.Connection) -> None:
        calls.append(conn.execute("PRAGMA database_list").fetchone()[2])
        assert conn.in_transaction  # inside the migration's BEGIN IMMEDIATE
        _v2(conn)

    before = latest_version()
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, v2])
    assert latest_version() == before + 1
    with Store(db_path, create=False) as s:
        assert s.user_version() == before + 1
        columns = [r[1] for r in s.conn.execute("PRAGMA table_info(holders)")]
        assert columns[-1] == "phone"
        assert s.conn.execute("SELECT count(*) FROM holders").fetchone() == (3,)
        assert log_head(s.conn) == head  # the log is untouched
        assert verify(s).ok
    with Store(db_path, create=False) as s:
        assert s.user_version() == before + 1
    assert calls.count(str(db_path)) == 1


def test_a_fresh_database_runs_every_migration_in_order(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    schema_v1 = store_module.MIGRATIONS[0]

    def v1(conn: sqlite3.Connection) -> None:
        order.append("v1")
        schema_v1(conn)

    def v2(conn: sqlite3.Connection) -> None:
        order.append("v2")
        _v2(conn)

    monkeypatch.setattr(store_module, "MIGRATIONS", [v1, v2])  # the real v2 stands aside here
    with Store(db_path) as s:
        assert s.user_version() == 2
        assert "phone" in [r[1] for r in s.conn.execute("PRAGMA table_info(holders)")]
    assert order == ["v1", "v2"]


def test_a_failing_migration_leaves_the_old_version_untouched(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(db_path) as s:
        seed(Engine(s, operator="seed", settings=Settings()))
        before = dump(s.conn)

    def broken(conn: sqlite3.Connection) -> None:
        _v2(conn)
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, broken])
    with pytest.raises(RuntimeError, match="migration bug"):
        Store(db_path, create=False)
    monkeypatch.undo()
    with Store(db_path, create=False) as s:
        assert s.user_version() == latest_version()
        assert dump(s.conn) == before


def test_migrate_false_opens_without_creating_the_schema(db_path: Path) -> None:
    with Store(db_path, migrate=False) as s:
        assert s.user_version() == 0
        assert s.conn.execute("SELECT count(*) FROM sqlite_schema").fetchone() == (0,)


def test_missing_file_or_folder_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="No database at .*assettrack-admin init"):
        Store(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()
    with pytest.raises(UserError, match="is a folder, not a database file"):
        Store(tmp_path)


# -- backup --------------------------------------------------------------------------------------


def test_backup_while_another_connection_holds_a_write_transaction(
    engine: Engine, db_path: Path, tmp_path: Path
) -> None:
    committed = dump(engine.store.conn)
    head = log_head(engine.store.conn)
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE holders SET name = 'Uncommitted' WHERE badge_code = 'B-1001'")
        dest = tmp_path / "backups" / "copy.db"
        dest.parent.mkdir()
        engine.store.backup(dest)
        assert writer.in_transaction  # the backup neither waited for nor broke the writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.db"]  # no temp file left
    plain = sqlite3.connect(dest)  # a self-contained file: no -wal needed
    assert plain.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    plain.close()
    with Store(dest, create=False) as copy:
        assert dump(copy.conn) == committed  # committed state only
        assert log_head(copy.conn) == head
        assert verify(copy).ok


def test_backup_replaces_an_old_backup_and_refuses_a_folder(engine: Engine, tmp_path: Path) -> None:
    dest = tmp_path / "b.db"
    dest.write_text("old backup")
    engine.store.backup(dest)
    with Store(dest, create=False) as copy:
        assert verify(copy).ok
    with pytest.raises(UserError, match="is a folder"):
        engine.store.backup(tmp_path)


@pytest.mark.parametrize("table", ["contacts", "holders"])
def test_another_programs_database_is_refused_and_left_alone(db_path: Path, table: str) -> None:
    other = sqlite3.connect(db_path)
    other.execute(f"CREATE TABLE {table} (name TEXT)")
    other.execute(f"INSERT INTO {table} VALUES ('Ann')")
    other.commit()
    other.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError) as info:
        Store(db_path, create=False)
    assert str(info.value) == (
        f"{db_path} is not an AssetTrack database: it already holds another program's tables. "
        "Nothing was changed; choose another file."
    )
    assert db_path.read_bytes() == before  # not even switched to WAL
    with Store(db_path, create=False, migrate=False) as s:  # the CLI looks before migrating
        assert s.is_foreign()
    assert db_path.read_bytes() == before


def test_backup_onto_the_database_itself_is_refused(engine: Engine, db_path: Path) -> None:
    before = dump(engine.store.conn)
    link = db_path.with_name("link.db")
    link.symlink_to(db_path)
    for dest in (db_path, link, db_path.parent / "." / db_path.name):
        with pytest.raises(UserError, match="is the database itself"):
            engine.store.backup(dest)
    assert dump(engine.store.conn) == before
    assert verify(engine.store).ok
