"""The daily automatic backup: made off the GUI thread after the first screen, once a day, kept
beside its log head; a damaged database found on the way stops the window's writes."""

from __future__ import annotations

from pathlib import Path

from assettrack_gui.core.backups import SIDECAR_SUFFIX, automatic_backups
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewHolder
from assettrack_gui.core.store import Store
from assettrack_gui.qt.backup_job import DailyBackup
from tests.damage import overwrite_root_page


def test_one_backup_a_day_with_its_head_beside_it(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "stock.db"
    with Store(db) as store:
        Engine(store, "seed").add_holders([NewHolder("Dana Reyes", "B-1001")])
    job = DailyBackup(db, keep=14)
    with qtbot.waitSignal(job.finished, timeout=20_000) as first:
        job.start()
    made = Path(first.args[0])
    assert made.exists() and made.stat().st_mode & 0o077 == 0
    assert automatic_backups(db) == [made]
    head = made.with_name(made.name + SIDECAR_SUFFIX).read_text("utf-8")
    assert "events: 1\nhead_hash: " in head
    again = DailyBackup(db, keep=14)
    with qtbot.waitSignal(again.finished, timeout=20_000) as second:
        again.start()
    assert second.args == [""]  # today's backup exists: none more
    assert automatic_backups(db) == [made]


def test_a_damaged_database_is_reported_as_damaged(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "stock.db"
    with Store(db) as store:
        Engine(store, "seed").add_holders([NewHolder("Dana Reyes", "B-1001")])
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    overwrite_root_page(db, "events")
    job = DailyBackup(db, keep=14)
    with qtbot.waitSignal(job.failed, timeout=20_000) as failed:
        job.start()
    message, damaged = failed.args
    assert damaged and "damaged" in message and "assettrack-admin restore" in message
    assert automatic_backups(db) == []
