"""Hardening: commits that vanish with the ``-wal`` file are noticed (the anchor), a damaged file
is written to no more, and verify names what is damaged.

Uses the seeded stockroom of ``conftest.py``.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assettrack_gui.core import anchor
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import CorruptDatabase, RolledBack, StoreError
from assettrack_gui.core.eventlog import log_head
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify
from tests.damage import overwrite_root_page

from .conftest import where

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM events").fetchone()
print("ready", flush=True)
time.sleep(120)
"""


def commit_two_stock_outs_then_lose_the_wal(db_path: Path, engine: Engine, how: str) -> int:
    """With another process's connection open (so the WAL is not checkpointed into the file),
    commit two stock-outs, then delete, truncate or garble the ``-wal`` file and kill that
    process (SIGKILL: it never checkpoints). Returns the events count this computer saw."""
    engine.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the seed is in the file
    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "ready"
        engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
        engine.commit_stock_out(["AT-SMOKE-0002"], "B-1002")
        seen = log_head(engine.store.conn).count
        engine.store.close()
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        if how == "deleted":
            wal.unlink()
        elif how == "truncated":
            with open(wal, "r+b") as fh:
                fh.truncate(0)
        else:
            data = bytearray(wal.read_bytes())
            data[40:] = b"\x5a" * (len(data) - 40)  # no frame checks out: SQLite ignores them
            wal.write_bytes(bytes(data))
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait(10)
        assert other.stdout is not None
        other.stdout.close()
    return seen


@pytest.mark.parametrize("how", ["deleted", "truncated", "garbled"])
def test_a_lost_wal_is_a_rollback_writes_are_refused_reads_work(
    engine: Engine, db_path: Path, how: str
) -> None:
    seen = commit_two_stock_outs_then_lose_the_wal(db_path, engine, how)
    with Store(db_path, create=False) as store:
        now = log_head(store.conn).count
        assert now < seen  # the two batches are gone from the file…
        assert where(store.conn, "AT-SMOKE-0001")[0] == "STORAGE"
        rollback = store.rollback()
        assert rollback is not None and rollback.missing == seen - now  # …and it is noticed
        later = Engine(store, "clerk", settings=Settings())
        with pytest.raises(RolledBack) as refused:
            later.commit_stock_out(["AT-SMOKE-0003"], "B-1001")
        words = str(refused.value)
        assert f"{seen - now} event(s) are missing: this computer saw the log reach event {seen}" in words
        assert "assettrack-admin restore BACKUP" in words and "accept-rollback" in words
        assert later.preview_stock_out(["AT-SMOKE-0003"], "B-1001").ok  # reading still works
        report = verify(store)
        assert not report.ok
        assert report.problems[-1].startswith("rolled back: The database has gone back in time")


def test_the_anchor_follows_every_commit_and_a_fresh_database_has_none(
    engine: Engine, db_path: Path
) -> None:
    engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    recorded = anchor.read_anchor(db_path)
    head = log_head(engine.store.conn)
    assert recorded is not None and (recorded.count, recorded.head_hash) == (
        head.count,
        head.head_hash,
    )
    assert anchor.anchor_path(db_path).stat().st_mode & 0o077 == 0  # readable by its user only
    assert anchor.read_anchor(db_path.with_name("other.db")) is None


def test_accepting_the_current_head_lets_work_go_on(engine: Engine, db_path: Path) -> None:
    commit_two_stock_outs_then_lose_the_wal(db_path, engine, "deleted")
    with Store(db_path, create=False) as store:
        assert store.rollback() is not None
        store.accept_head()
        assert store.rollback() is None
        Engine(store, "clerk", settings=Settings()).commit_stock_out(["AT-SMOKE-0003"], "B-1001")
    with Store(db_path, create=False) as again:
        assert again.rollback() is None and verify(again).ok


@pytest.fixture
def damaged_events(engine: Engine, tmp_path: Path) -> Path:
    copy = tmp_path / "damaged.db"
    engine.store.backup(copy)
    overwrite_root_page(copy, "events")
    return copy


def test_verify_names_the_damaged_table(damaged_events: Path) -> None:
    with Store(damaged_events, create=False) as store:
        report = verify(store)
    assert any(p.startswith("damaged: table events cannot be read") for p in report.problems)
    assert not any("table assets" in p for p in report.problems)


def test_after_one_corrupt_error_nothing_more_is_written(damaged_events: Path) -> None:
    store = Store(damaged_events, create=False)
    try:
        engine = Engine(store, "clerk", settings=Settings())
        with pytest.raises(CorruptDatabase) as first:
            engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
        assert "assettrack-admin restore" in str(first.value)
        assert store.damaged is not None
        # A holder rename would not read the damaged page; it is refused all the same.
        with pytest.raises(CorruptDatabase):
            engine.rename_holder("B-1001", "Dana R.")
        assert store.conn.execute(
            "SELECT name FROM holders WHERE badge_code = 'B-1001'"
        ).fetchone() == ("Dana Reyes",)
    finally:
        store.close()


def test_a_backup_copy_is_damaged_too_when_its_source_is(damaged_events: Path, tmp_path: Path) -> None:
    shutil.copy(damaged_events, tmp_path / "keep.db")
    with Store(damaged_events, create=False, migrate=False) as store, pytest.raises(CorruptDatabase):
        store.backup(tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")) == []


def test_a_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    """Custody data names people: the database, its -wal and -shm, and a new data folder are
    readable by their user only (exports follow the umask instead)."""
    db = tmp_path / "new-data-dir" / "assettrack.db"
    with Store(db) as store:
        Engine(store, "t", settings=Settings()).add_holder("Dana Reyes", "B-1001")
        files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        assert all(f.exists() for f in files)
        assert [f.stat().st_mode & 0o777 for f in files] == [0o600, 0o600, 0o600]
    assert db.parent.stat().st_mode & 0o777 == 0o700


def test_an_unknown_schema_version_is_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "odd.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = -1")
    conn.close()
    with pytest.raises(StoreError, match=r"unknown schema version \(-1\)"):
        Store(db, create=False)


def test_typed_values_are_echoed_shortened_and_visible(engine: Engine) -> None:
    long_ref = "B-" + "9" * 5000 + "\n"
    out = engine.preview_stock_out(["AT-SMOKE-0001"], long_ref)
    words = out.problems[0].message
    assert len(words) < 120 and "…" in words and "\n" not in words
    back = engine.preview_stock_in(["AT-SMOKE-0006"], "NO\x07CASE")
    assert back.problems[0].message == "no case 'NO<U+0007>CASE'"


def test_serials_and_descriptions_follow_the_name_rules(engine: Engine) -> None:
    from assettrack_gui.core.enums import Code
    from assettrack_gui.core.model import NewAsset
    from assettrack_gui.core.rules import TEXT_LIMITS

    out = engine.preview_register(
        [
            NewAsset("AT-N1", "SN\n1", "ok"),
            NewAsset("AT-N2", "SN2", "two\rlines"),
            NewAsset("AT-N3", "S" * (TEXT_LIMITS["serial"] + 1), "ok"),
            NewAsset("AT-N4", "SN4", "d" * (TEXT_LIMITS["description"] + 1)),
            NewAsset("AT-N5", "SN5", "fine, with a comma"),
        ]
    )
    assert [line.code for line in out.lines] == [Code.INVALID_NAME] * 4 + [None]
    assert out.lines[0].reason == "serial SN<LF>1 contains a control character (U+000A)"
    assert out.lines[2].reason.endswith("is longer than 100 characters")


def test_a_full_backup_disk_is_named_and_leaves_no_partial_file(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite says "database or disk is full" while writing the *copy*: the message names the
    destination's disk (not the database's), and the half-written copy is gone."""
    from assettrack_gui.core.errors import DiskFull

    class DestinationFillsUp:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self._conn = conn

        def __getattr__(self, name: str) -> object:
            return getattr(self._conn, name)

        def backup(self, target: sqlite3.Connection, **kwargs: object) -> None:
            target.execute("CREATE TABLE half_written (x)")  # something reached the disk
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(engine.store, "conn", DestinationFillsUp(engine.store.conn))
    dest_dir = tmp_path / "usb"
    dest_dir.mkdir()
    with pytest.raises(DiskFull) as exc:
        engine.store.backup(dest_dir / "copy.db")
    assert f"The disk holding {dest_dir} is full: no backup was made" in str(exc.value)
    assert list(dest_dir.iterdir()) == []
