"""The app on a PostgreSQL server: File → Connect to a server…, the status bar's server state,
a commit while the server is gone (said plainly, the batch kept) and after it came back, and
another station's commit re-checking the batch on screen.

The server is the session's throw-away cluster (tests/pgcluster.py); stopping it here is what a
server going down looks like to a counter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from assettrack_gui.core import paths, pg_store
from assettrack_gui.core.backend import ServerDatabase, open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.pending import load_pending
from assettrack_gui.core.settings import SettingsOwner, load_settings
from assettrack_gui.core.store import Store
from assettrack_gui.qt import server_dialog, server_status
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.server_dialog import ServerDialog
from tests.conftest import drop_pg_database, new_pg_database, pg_admin
from tests.pgcluster import Cluster

from .test_main_window import scan, seed, verdicts

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)


@pytest.fixture
def server_db(pg_cluster: Cluster) -> Iterator[ServerDatabase]:
    """The stockroom of test_main_window (Dana B-1001, Lee B-1002; AT-SMOKE-0001…0004 in
    CART-A/1…4) in a new database on the session's server."""
    db = new_pg_database(pg_cluster)
    with open_store(db) as store:
        seed(store)
    yield db
    drop_pg_database(pg_cluster, db)


@pytest.fixture
def open_window(qtbot, tmp_path: Path) -> Iterator[Callable[[Path | ServerDatabase], MainWindow]]:
    stores: list[Store] = []

    def make(db: Path | ServerDatabase) -> MainWindow:
        store = open_store(db)
        stores.append(store)
        settings = QSettings(str(tmp_path / "qsettings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, operator="clerk", settings=settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        return window

    yield make
    for store in stores:
        store.close()


def location(db: ServerDatabase, tag: str) -> tuple[str, str | None]:
    with psycopg.connect(db.uri) as conn:
        row = conn.execute(
            "SELECT a.location_type, h.badge_code FROM assets a "
            "LEFT JOIN holders h ON h.id = a.current_holder_id WHERE a.asset_tag = %s",
            (tag,),
        ).fetchone()
    assert row is not None
    return row


def answer_boxes(qtbot, count: int, kind: type = QWidget) -> list[tuple[str, str, str]]:
    """Press Enter in each of the next ``count`` modal dialogs (of ``kind``) as they open;
    (title, text, informative text) of each."""
    seen: list[tuple[str, str, str]] = []
    last: list[object] = [None]

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, kind) or box is last[0] or not box.isVisible():
            QTimer.singleShot(10, press)
            return
        last[0] = box
        texts = (box.text(), box.informativeText()) if isinstance(box, QMessageBox) else ("", "")
        seen.append((box.windowTitle(), *texts))
        qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)
        if len(seen) < count:
            QTimer.singleShot(10, press)

    QTimer.singleShot(0, press)
    return seen


def commit(qtbot, window: MainWindow, boxes: int) -> list[tuple[str, str, str]]:
    seen = answer_boxes(qtbot, boxes)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(seen) == boxes, timeout=10000)
    qtbot.waitUntil(lambda: not window.controller.committing, timeout=10000)
    return seen


# -- the status bar, a server going away and coming back ------------------------------------------


def test_the_status_bar_names_the_server_and_its_state(
    open_window, server_db: ServerDatabase
) -> None:
    window = open_window(server_db)
    assert window.db_label.text() == f"Server: {server_db.name} — connected"
    assert server_db.uri in window.db_label.toolTip()
    assert window.windowTitle() == f"AssetTrack — {server_db.name}"


def test_a_commit_while_the_server_is_down_keeps_the_batch_and_one_after_it_is_back_succeeds(
    qtbot, open_window, server_db: ServerDatabase, pg_cluster: Cluster, monkeypatch
) -> None:
    monkeypatch.setattr(server_status, "RETRY_MS", 300)
    window = open_window(server_db)
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    scan(qtbot, window, "AT-SMOKE-0002")
    assert verdicts(window) == ["OK", "OK"]
    pg_cluster.stop("fast")
    try:
        qtbot.waitUntil(
            lambda: window.db_label.text()
            == f"Server: {server_db.name} — not reachable — reconnecting…",
            timeout=5000,
        )
        assert "connects again by itself" in window.statusBar().currentMessage()
        seen = commit(qtbot, window, boxes=2)  # "Commit …?", then what went wrong
        title, text, informative = seen[1]
        assert title == "The server is not reachable"
        assert "cannot be reached" in text and "Nothing was changed" in text
        assert "your batch is kept" in text and "Traceback" not in text
        assert "status bar says the server is connected" in informative
        assert verdicts(window) == ["OK", "OK"]  # the batch is kept on screen…
        saved = load_pending(server_db)
        assert saved is not None and len(saved.stock_out) == 2  # …and in its pending file
        assert "Not committed" in window.banner.label.text()
        assert "not reachable" in window.db_label.text()  # still down, still trying
    finally:
        pg_cluster.start()
    qtbot.waitUntil(
        lambda: window.db_label.text() == f"Server: {server_db.name} — connected", timeout=10000
    )
    assert "again" in window.statusBar().currentMessage()
    seen = commit(qtbot, window, boxes=1)
    assert seen[0][1] == "Stock out 2 assets to Dana Reyes (B-1001)?"
    assert window.preview_model.rowCount() == 0
    assert location(server_db, "AT-SMOKE-0001") == ("IN_CUSTODY", "B-1001")
    assert location(server_db, "AT-SMOKE-0002") == ("IN_CUSTODY", "B-1001")
    assert load_pending(server_db) is None


def test_a_dropped_connection_is_made_again_by_itself(
    qtbot, open_window, server_db: ServerDatabase, pg_cluster: Cluster
) -> None:
    window = open_window(server_db)
    store = window.store
    assert isinstance(store, pg_store.PgStore)
    first = pg_store.server_pid(store)
    pg_admin(pg_cluster, f"SELECT pg_terminate_backend({first})")
    qtbot.waitUntil(lambda: pg_store.server_pid(store) != first and store.connected, timeout=10000)
    assert window.db_label.text() == f"Server: {server_db.name} — connected"
    scan(qtbot, window, "B-1001")
    assert scan(qtbot, window, "AT-SMOKE-0003")[0]


def test_another_stations_commit_re_checks_the_batch(
    qtbot, open_window, server_db: ServerDatabase
) -> None:
    window = open_window(server_db)
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    assert verdicts(window) == ["OK"]
    with open_store(server_db, create=False) as other:
        Engine(other, "station-2").commit_stock_out(["AT-SMOKE-0001"], "B-1002")
        Engine(other, "station-2").add_holder("Sam Quinn", "B-1003")
    qtbot.waitUntil(lambda: verdicts(window)[0].startswith("Refused"), timeout=5000)
    assert "Lee Park" in verdicts(window)[0]
    assert window.custodian_picker.count() == 3  # the new holder is in the picker too


# -- File → Connect to a server… ------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot, tmp_path: Path) -> ServerDialog:
    box = ServerDialog(tmp_path / "local.db")
    qtbot.addWidget(box)
    box.show()  # Enter presses the default button (Connect) of a dialog on screen
    qtbot.waitExposed(box)
    return box


def test_the_fields_build_the_address_and_the_address_fills_the_fields(qtbot, dialog) -> None:
    qtbot.keyClicks(dialog.host, "dbhost")
    qtbot.keyClicks(dialog.port, "5433")
    qtbot.keyClicks(dialog.dbname, "stockroom")
    qtbot.keyClicks(dialog.user, "clerk")
    assert dialog.address.text() == "postgresql://clerk@dbhost:5433/stockroom"
    dialog.address.clear()
    qtbot.keyClicks(dialog.address, "postgresql://ana@/stock?host=/run/postgresql")
    assert (dialog.host.text(), dialog.port.text(), dialog.dbname.text(), dialog.user.text()) == (
        "/run/postgresql", "", "stock", "ana"
    )  # fmt: skip
    qtbot.keyClicks(dialog.port, "x")
    assert "port must be a number" in dialog.problem.text()


def test_there_is_no_password_field_and_a_password_is_refused(qtbot, dialog) -> None:
    help_text = dialog.findChild(type(dialog.problem), "serverPasswordHelp").text()
    assert "~/.pgpass" in help_text and "PGPASSWORD" in help_text
    assert not [
        e for e in dialog.findChildren(type(dialog.address)) if e.echoMode() != e.EchoMode.Normal
    ]
    qtbot.keyClicks(dialog.address, "postgresql://clerk:secret@dbhost/stockroom")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    assert "contains a password" in dialog.problem.text()
    assert dialog.isVisible() and dialog.chosen is None


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("mysql://clerk@dbhost/stockroom", "looks like a mysql:// address"),
        ("stock.db", "is not a server address"),
        ("", "Give the server's address"),
    ],
)
def test_an_address_that_cannot_be_used_is_said_in_the_dialog(
    qtbot, dialog, address: str, words: str
) -> None:
    qtbot.keyClicks(dialog.address, address)
    dialog.try_connect()
    assert words in dialog.problem.text()
    assert dialog.chosen is None


def test_connect_tries_the_server_and_names_a_missing_database(
    qtbot, dialog, server_db: ServerDatabase, pg_cluster: Cluster
) -> None:
    missing = server_db.uri.replace(f"/{server_db.name}?", "/no_such_db?")
    qtbot.keyClicks(dialog.address, missing)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "no such database" in dialog.problem.text(), timeout=10000)
    assert dialog.chosen is None and dialog.connect_button.isEnabled()
    dialog.address.clear()
    qtbot.keyClicks(dialog.address, server_db.uri)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    assert dialog.chosen == server_db


def test_an_empty_server_database_gets_assettrack_s_schema(
    qtbot, dialog, pg_cluster: Cluster
) -> None:
    name = pg_cluster.new_name("empty")
    pg_admin(pg_cluster, f"CREATE DATABASE {name}")
    empty = ServerDatabase(pg_cluster.url(name))
    try:
        qtbot.keyClicks(dialog.address, empty.uri)
        with qtbot.waitSignal(dialog.accepted, timeout=10000):
            dialog.try_connect()
        with psycopg.connect(empty.uri) as conn:
            assert conn.execute("SELECT version FROM schema_version").fetchone() == (3,)
    finally:
        drop_pg_database(pg_cluster, empty)


def test_use_a_local_database_file(qtbot, dialog, tmp_path: Path, monkeypatch) -> None:
    not_ours = tmp_path / "notes.db"
    not_ours.write_bytes(b"just some notes, not a database" * 100)
    answers = iter([str(not_ours), str(tmp_path / "new.db")])
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (next(answers), ""))
    )
    dialog.file_button.click()
    assert "notes.db" in dialog.problem.text() and dialog.chosen is None
    dialog.file_button.click()
    assert dialog.chosen == tmp_path / "new.db" and (tmp_path / "new.db").exists()


def test_the_choice_is_remembered_without_password_and_opened(
    qtbot, open_window, server_db: ServerDatabase, tmp_path: Path, monkeypatch
) -> None:
    local = tmp_path / "local.db"
    with Store(local) as store:
        seed(store)
    window = open_window(local)
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    restarted: list[object] = []
    monkeypatch.setattr(window, "restart", lambda db=None: restarted.append(db))

    def fill_and_connect() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, ServerDialog):
            QTimer.singleShot(10, fill_and_connect)
            return
        box.address.setText(server_db.uri)
        box.try_connect()
        answer_boxes(qtbot, 1, QMessageBox)  # "Open … now?" → Open it

    QTimer.singleShot(0, fill_and_connect)
    window.server_action.trigger()
    qtbot.waitUntil(lambda: bool(restarted), timeout=10000)
    assert restarted == [server_db]
    assert load_settings().database == server_db.uri
    saved = json.loads(paths.settings_path().read_text(encoding="utf-8"))
    assert saved["database"] == server_db.uri and ":" not in server_db.uri.split("@")[0][13:]
    assert load_pending(local) is not None  # the batch stays with the file it was scanned for

    # and back to the local file: the setting is cleared for the default file
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(paths.data_dir() / paths.DB_FILENAME), "")),
    )
    restarted.clear()

    def use_file() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, ServerDialog):
            QTimer.singleShot(10, use_file)
            return
        answer_boxes(qtbot, 1, QMessageBox)
        box.file_button.click()

    QTimer.singleShot(0, use_file)
    window.server_action.trigger()
    qtbot.waitUntil(lambda: bool(restarted), timeout=10000)
    assert restarted == [paths.data_dir() / paths.DB_FILENAME]
    assert load_settings().database == ""


def test_a_server_down_at_start_offers_the_local_file(
    qtbot, pg_cluster: Cluster, monkeypatch
) -> None:
    monkeypatch.setattr(pg_store, "CONNECT_TIMEOUT_S", 2)
    gone = ServerDatabase(pg_cluster.url("no_such_db"))
    seen: list[tuple[str, str, str]] = []

    def choose_local() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, choose_local)
            return
        seen.append((box.windowTitle(), box.text(), box.informativeText()))
        local = next(b for b in box.buttons() if "local" in b.text())
        local.click()

    QTimer.singleShot(0, choose_local)
    store = server_dialog.server_down_at_start(gone, RuntimeError("no such database"))
    assert store is not None
    try:
        assert store.path == paths.data_dir() / paths.DB_FILENAME
        assert seen[0][1] == "no such database"
        assert "this computer's own database file" in seen[0][2]
    finally:
        store.close()


def test_the_app_starts_on_the_remembered_server(
    server_db: ServerDatabase, monkeypatch
) -> None:
    """``assettrack`` without --db opens what File → Connect to a server… remembered."""
    import assettrack_gui.__main__ as app_main

    owner = SettingsOwner()
    owner.update(owner.current._replace(database=server_db.uri))
    opened: list[object] = []

    def fake_open_window(store, args, lazy_reports=False, real_db=None, config=None):  # type: ignore[no-untyped-def]
        opened.append((store.path, config.current.database))
        store.close()
        raise SystemExit(0)

    monkeypatch.setattr(app_main, "install_excepthook", lambda app: None)
    monkeypatch.setattr(app_main, "open_window", fake_open_window)
    with pytest.raises(SystemExit):
        app_main.main([])
    assert opened == [(server_db, server_db.uri)]


def test_restore_from_backup_on_a_server_points_to_the_administrator_s_command(
    qtbot, open_window, server_db: ServerDatabase
) -> None:
    window = open_window(server_db)
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    seen = answer_boxes(qtbot, 1, QMessageBox)
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert f"assettrack-admin --db {server_db.uri} restore DUMP" in seen[0][1]
    assert verdicts(window) == ["OK"]
