"""A rolled-back or damaged database in the app: a banner that stays (with Restore from
backup…), the scans on screen kept, and File → Restore from backup… putting a backup back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from assettrack_gui.core import backups
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.store import Store
from assettrack_gui.qt import scan_controller
from assettrack_gui.qt.main_window import MainWindow

from .test_main_window import db, make_window, scan, where  # noqa: F401 - fixtures

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def lose_newest_events(db_path: Path, n: int) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_delete")
    (count,) = conn.execute("SELECT count(*) FROM events").fetchone()
    conn.execute("DELETE FROM events WHERE id > ?", (count - n,))
    conn.close()


def test_a_rolled_back_database_gets_a_banner_that_stays_and_the_batch_is_kept(
    qtbot, db: Path, make_window  # noqa: F811
) -> None:
    with Store(db) as store:
        Engine(store, "other").commit_stock_out(["AT-SMOKE-0004"], "B-1002")  # anchored here
    lose_newest_events(db, 1)
    window: MainWindow = make_window(db)
    assert window.controller.check_database_state()
    banner = window.banner
    assert banner.isVisible() and banner.kind == "rolled back"
    assert "gone back in time" in banner.label.text()
    assert banner.restore_button.isVisible() and not banner.close_button.isVisible()
    scan(qtbot, window, "B-1001")
    assert scan(qtbot, window, "AT-SMOKE-0001")[0]  # scanning still works; the batch is kept
    window.set_mode("STOCK_IN")
    assert banner.isVisible()  # it concerns every mode
    assert window.session.to_pending().stock_out == ["AT-SMOKE-0001"]


def test_restore_from_backup_puts_the_backup_back_and_opens_it_afresh(
    qtbot, db: Path, make_window, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:
    good = tmp_path / "good.db"
    with Store(db) as store:
        store.backup(good)
        Engine(store, "other").commit_stock_out(["AT-SMOKE-0004"], "B-1002")
    lose_newest_events(db, 1)
    window: MainWindow = make_window(db)
    window.controller.check_database_state()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(good), "")))
    monkeypatch.setattr(scan_controller, "message", lambda *a, **k: None)
    monkeypatch.setattr("assettrack_gui.qt.dialogs.confirm", lambda *a, **k: True)
    restarted: list[bool] = []
    window.controller.restartWanted.disconnect()
    window.controller.restartWanted.connect(lambda: restarted.append(True))
    qtbot.mouseClick(window.banner.restore_button, Qt.MouseButton.LeftButton)
    assert restarted == [True]
    aside = [p for p in db.parent.iterdir() if p.name.startswith("stock.db.before-restore-")]
    assert len(aside) == 1
    with Store(db, create=False) as store:  # what the restarted app will open
        assert store.rollback() is None
        from assettrack_gui.core.verify import verify

        assert verify(store).ok
    assert where(db, "AT-SMOKE-0004")[0] == "STORAGE"  # as in the backup
    assert backups.automatic_backups(db) == []  # a restore is not an automatic backup
