"""First run: the welcome panel on an empty database, its three ways in, and the demo stockroom.

Opening the demo (or leaving it) starts a new AssetTrack on the other database and closes this
window (``MainWindow.reopen``); here the start is caught and the window that process would open
is made in this process from the very arguments it would get (``__main__.database_paths``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QPushButton

from assettrack_gui import __main__ as app_main
from assettrack_gui.core import paths
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.first_run import TEMPLATE_KINDS, stockroom_is_empty, template_source
from assettrack_gui.core.model import Mode
from assettrack_gui.core.store import Store
from assettrack_gui.qt import main_window as main_window_module
from assettrack_gui.qt.first_run import ByHandDialog, WelcomePanel
from assettrack_gui.qt.main_window import DEMO_TITLE, MainWindow

from .test_main_window import answer_dialog, db, make_window, scan  # noqa: F401 - fixtures

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "assettrack.db"
    Store(path).close()
    return path


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The argument lists of the AssetTrack processes a window would start."""
    calls: list[list[str]] = []

    def start(args: list[str]) -> bool:
        calls.append(list(args))
        return True

    monkeypatch.setattr(main_window_module, "start_assettrack", start)
    return calls


@pytest.fixture
def open_as_started(qtbot, tmp_path: Path) -> Iterator[Callable[[list[str]], MainWindow]]:
    """The window ``python -m assettrack_gui ARGS`` would open (as ``__main__.main`` does)."""
    stores: list[Store] = []

    def open_(argv: list[str]) -> MainWindow:
        assert argv[:2] == ["-m", "assettrack_gui"]
        args = app_main.build_parser().parse_args(argv[2:])
        db_path, real_db = app_main.database_paths(args)
        store = Store(db_path)
        stores.append(store)
        settings = QSettings(str(tmp_path / "qsettings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, operator=args.operator, settings=settings, real_db=real_db)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield open_
    for store in stores:
        store.close()


def panel_of(window: MainWindow) -> WelcomePanel:
    panel = window.page.welcome
    assert isinstance(panel, WelcomePanel)
    return panel


def custodians(window: MainWindow) -> list[str]:
    picker = window.custodian_picker
    return [picker.itemText(i) for i in range(picker.count()) if picker.itemText(i)]


def when_dialog_opens(act: Callable[[QDialog], None]) -> list[BaseException]:
    """Run ``act`` on the next modal dialog once it is on screen. What ``act`` raises is
    kept in the returned list (check it), and the dialog is closed so the test goes on."""
    failures: list[BaseException] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if (
            not isinstance(dialog, QDialog)
            or not dialog.isVisible()
            or QApplication.activeWindow() is not dialog  # it has the keyboard
        ):
            QTimer.singleShot(10, look)
            return
        try:
            act(dialog)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
            dialog.reject()

    QTimer.singleShot(0, look)
    return failures


# -- the panel ------------------------------------------------------------------------------------


def test_an_empty_database_shows_the_welcome_panel_with_three_ways_in(
    qtbot, empty_db: Path, make_window  # noqa: F811
) -> None:
    window: MainWindow = make_window(empty_db)
    panel = panel_of(window)
    assert panel.isVisible() and not window.page.splitter.isVisible()
    # nothing to choose or commit yet: the custodian and the batch buttons wait
    assert not window.page.context_stack.isVisible() and not window.commit_button.isVisible()
    window.set_mode(Mode.STOCK_IN)
    assert not window.page.context_stack.isVisible() and panel.isVisible()
    window.set_mode(Mode.STOCK_OUT)
    panel.import_button.setFocus()
    texts = [b.text() for b in panel.choices()]
    assert texts == [
        "&Import from CSV/Excel files…",
        "Save temp&late files…",
        "Add a case and people by ha&nd…",
        "Open a demo stoc&kroom",
    ]
    # Keyboard: the panel has the keyboard; Tab goes from one way in to the next
    assert QApplication.focusWidget() is panel.import_button
    for expected in panel.choices()[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected
    assert all(b.autoDefault() for b in panel.choices())  # Enter presses the focused one
    assert window.windowTitle() == "AssetTrack — assettrack.db"
    assert str(empty_db) in panel.findChild(type(window.db_label), "welcomeDatabase").text()


def test_a_database_with_anything_in_it_shows_no_panel(
    qtbot, db: Path, make_window  # noqa: F811
) -> None:
    window: MainWindow = make_window(db)
    assert window.first_run is None and window.page.welcome is None
    assert window.page.splitter.isVisible()
    assert window.scan_entry.hasFocus()


def test_the_panel_goes_when_another_station_fills_the_database(
    qtbot, empty_db: Path, make_window  # noqa: F811
) -> None:
    window: MainWindow = make_window(empty_db)
    assert window.first_run is not None
    with Store(empty_db) as other:
        Engine(other, "admin").add_holder("Dana Reyes", "B-1001")
    qtbot.waitUntil(lambda: window.page.welcome is None, timeout=3000)
    assert window.page.splitter.isVisible()
    assert custodians(window) == ["Dana Reyes (B-1001)"]
    assert window.scan_entry.hasFocus()
    assert not window.first_run.showing  # and it never comes back


# -- templates ------------------------------------------------------------------------------------


def test_templates_are_saved_where_asked_and_import_with_the_admin_cli(
    qtbot, empty_db: Path, make_window, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window: MainWindow = make_window(empty_db)
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Save temp&late files…
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == [f"Saved holders.csv, cases.csv, assets.csv in {folder}."]
    for kind in TEMPLATE_KINDS:
        assert (folder / f"{kind}.csv").read_bytes() == template_source(kind).read_bytes()

    # every file imports cleanly with assettrack-admin, in the order the message gives
    target = tmp_path / "imported.db"
    commands = [["init"]] + [
        ["import", kind, str(folder / f"{kind}.csv")] for kind in TEMPLATE_KINDS
    ]
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "assettrack_gui.cli", "--db", str(target), *command],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "warning" not in done.stderr
        if command[0] == "import":
            assert "as UTF-8 with BOM, separator ','" in done.stdout
    with Store(target) as store:
        engine = Engine(store)
        assert len(engine.all_holders()) == 4 and len(engine.cases()) == 3
        locker = engine.case("LOCKER-C")
        assert locker is not None and engine.case_slots(locker.id)[0].asset_tag == "AT-0005"


def test_templates_never_replace_files_silently(
    qtbot, empty_db: Path, make_window, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "cases.csv").write_text("my own cases\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window: MainWindow = make_window(empty_db)
    panel = panel_of(window)
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Escape, seen)  # "Replace it?" — no
    panel.templates_button.click()
    assert seen == [f"{folder} already has cases.csv. Replace it?"]
    assert sorted(p.name for p in folder.iterdir()) == ["cases.csv"]
    assert (folder / "cases.csv").read_text(encoding="utf-8") == "my own cases\n"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.templates_button, timeout=2000)

    seen.clear()
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)  # Replace
    QTimer.singleShot(200, lambda: answer_dialog(qtbot, Qt.Key.Key_Return, seen))  # Saved …
    panel.templates_button.click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    assert (folder / "cases.csv").read_bytes() == template_source("cases").read_bytes()


# -- by hand --------------------------------------------------------------------------------------


def test_adding_a_case_and_a_person_by_hand_hides_the_panel(
    qtbot, empty_db: Path, make_window  # noqa: F811
) -> None:
    window: MainWindow = make_window(empty_db)
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ByHandDialog)
        assert QApplication.focusWidget() is dialog.case_code
        qtbot.keyClicks(dialog.case_code, "CART-A")
        qtbot.keyClick(dialog.case_code, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), "Laptop cart A")
        dialog.case_rows.setValue(2)
        dialog.case_cols.setValue(5)
        qtbot.keyClick(dialog.case_cols, Qt.Key.Key_Return)  # Enter in the case: create it
        seen["case"] = dialog.feedback.text()
        assert QApplication.focusWidget() is dialog.person_name
        qtbot.keyClicks(dialog.person_name, "Dana Reyes")
        qtbot.keyClick(dialog.person_name, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.person_badge, "B-1001")
        qtbot.keyClick(dialog.person_badge, Qt.Key.Key_Return)  # Enter in the person: add
        qtbot.keyClicks(dialog.person_name, "Lee Park")
        qtbot.keyClick(dialog.person_name, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.person_badge, "B1001")  # too close to B-1001: refused
        qtbot.keyClick(dialog.person_badge, Qt.Key.Key_Return)
        seen["refused"] = dialog.feedback.text()
        assert dialog.person_name.text() == "Lee Park"  # nothing typed is lost
        dialog.person_badge.clear()
        qtbot.keyClicks(dialog.person_badge, "B-1002")
        qtbot.keyClick(dialog.person_badge, Qt.Key.Key_Return)
        seen["list"] = ", ".join(
            dialog.people_list.item(i).text() for i in range(dialog.people_list.count())
        )
        assert window.page.welcome is not None  # the panel waits for the dialog to close
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    failures = when_dialog_opens(fill)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # by ha&nd…
    qtbot.waitUntil(lambda: "list" in seen or bool(failures), timeout=5000)  # a mnemonic clicks late
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    if failures:
        raise failures[0]
    assert seen["case"].startswith("✓  Case CART-A created: 2 × 5 = 10 slots")
    assert seen["refused"].startswith("✗  Not added: ") and "B-1001" in seen["refused"]
    assert seen["list"] == "Dana Reyes (B-1001), Lee Park (B-1002)"
    assert window.page.welcome is None and window.page.splitter.isVisible()
    assert window.page.context_stack.isVisible() and window.commit_button.isVisible()
    assert window.first_run is not None and not window.first_run.showing
    assert custodians(window) == ["Dana Reyes (B-1001)", "Lee Park (B-1002)"]
    qtbot.waitUntil(window.scan_entry.hasFocus, timeout=2000)
    assert scan(qtbot, window, "B-1002") == (True, "Custodian: Lee Park (B-1002)")
    with Store(empty_db) as store:
        assert not stockroom_is_empty(store)
        assert Engine(store).case("CART-A") is not None


def test_closing_the_by_hand_dialog_without_adding_keeps_the_panel(
    qtbot, empty_db: Path, make_window  # noqa: F811
) -> None:
    window: MainWindow = make_window(empty_db)
    panel = panel_of(window)
    failures = when_dialog_opens(lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    panel.hand_button.click()
    assert failures == []
    assert window.page.welcome is panel and panel.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.hand_button, timeout=2000)


# -- import ---------------------------------------------------------------------------------------


def test_import_opens_the_import_dialog(
    qtbot, empty_db: Path, make_window, monkeypatch  # noqa: F811
) -> None:
    """The panel's import is File → Import… (qt/import_dialog.py); what it imports ends the
    welcome at once."""
    from assettrack_gui.qt import import_dialog

    calls: list[tuple[MainWindow, str | None]] = []

    def open_import_dialog(window: MainWindow, kind: str | None = None) -> None:
        calls.append((window, kind))
        with Store(window.store.path) as store:  # what an import would do
            Engine(store, "import").add_holder("Dana Reyes", "B-1001")

    monkeypatch.setattr(import_dialog, "open_import_dialog", open_import_dialog)
    window: MainWindow = make_window(empty_db)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(calls), timeout=3000)  # a mnemonic clicks a moment later
    assert calls == [(window, None)]
    assert window.page.welcome is None  # the import filled the database: the panel is gone
    qtbot.waitUntil(window.scan_entry.hasFocus, timeout=2000)


def test_an_import_dialog_closed_without_importing_keeps_the_panel(
    qtbot, empty_db: Path, make_window  # noqa: F811
) -> None:
    window: MainWindow = make_window(empty_db)
    panel = panel_of(window)
    failures = when_dialog_opens(lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    panel.import_button.click()
    assert failures == []
    assert window.page.welcome is panel
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.import_button, timeout=2000)


# -- the demo -------------------------------------------------------------------------------------


def test_open_the_demo_then_leave_it(
    qtbot, empty_db: Path, make_window, started, open_as_started  # noqa: F811
) -> None:
    window: MainWindow = make_window(empty_db, operator="trainee")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Open a demo stoc&kroom
    qtbot.waitUntil(lambda: bool(started), timeout=3000)  # a mnemonic clicks a moment later
    assert started == [
        ["-m", "assettrack_gui", "--db", str(empty_db), "--operator", "trainee", "--demo"]
    ]
    assert not window.isVisible()  # the new process takes over

    demo_window = open_as_started(started[-1])
    assert demo_window.windowTitle() == DEMO_TITLE
    assert "DEMO" in demo_window.windowTitle() and "not your real data" in DEMO_TITLE
    assert demo_window.store.path == paths.demo_db_path()
    assert demo_window.real_db == empty_db and demo_window.is_demo
    banner = demo_window.findChild(QPushButton, "leaveDemoButton")
    assert banner is not None and banner.isVisible()
    assert "DEMO" in demo_window.db_label.text()
    assert demo_window.page.welcome is None  # the demo has people, cases and devices
    assert len(demo_window.custodian_picker.holder_ids()) == 12
    file_menu = demo_window.menuBar().actions()[0].menu()
    assert demo_window.leave_demo_action in file_menu.actions()
    assert demo_window.demo_action not in file_menu.actions()

    # work in the demo: a stock-out there leaves the real database as it was
    demo_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is demo_window, timeout=2000)
    assert scan(qtbot, demo_window, "B-1001")[0]
    assert scan(qtbot, demo_window, "LT-0109")[0]
    answer_dialog(qtbot, Qt.Key.Key_Return)
    qtbot.keyClick(demo_window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with Store(paths.demo_db_path()) as demo_store:
        assert Engine(demo_store).held_by(Engine(demo_store).holder("B-1001").id) == ["LT-0109"]

    banner.click()  # Leave the demo
    assert started[-1] == ["-m", "assettrack_gui", "--db", str(empty_db), "--operator", "trainee"]
    back = open_as_started(started[-1])
    assert back.windowTitle() == "AssetTrack — assettrack.db" and not back.is_demo
    assert back.store.path == empty_db
    assert back.page.welcome is not None  # still empty: nothing of the demo came along
    with Store(empty_db) as real:
        assert stockroom_is_empty(real)


def test_enter_on_the_focused_way_in_picks_it(
    qtbot, empty_db: Path, make_window, started  # noqa: F811
) -> None:
    window: MainWindow = make_window(empty_db)
    panel = panel_of(window)
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.demo_button
    qtbot.keyClick(panel.demo_button, Qt.Key.Key_Return)
    assert len(started) == 1 and "--demo" in started[0]


def test_file_menu_opens_the_demo_from_a_real_stockroom_too(
    qtbot, db: Path, make_window, started  # noqa: F811
) -> None:
    window: MainWindow = make_window(db)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.demo_action in file_menu.actions()
    assert window.leave_demo_action not in file_menu.actions()
    window.demo_action.trigger()
    assert started and "--demo" in started[0] and started[0][2:4] == ["--db", str(db)]


def test_starting_the_demo_afresh_asks_and_replaces_only_the_demo(
    qtbot, db: Path, started, open_as_started  # noqa: F811
) -> None:
    before = db.read_bytes()
    demo_window = open_as_started(["-m", "assettrack_gui", "--db", str(db), "--demo"])
    answer_dialog(qtbot, Qt.Key.Key_Escape)
    demo_window.fresh_demo_action.trigger()
    assert started == []
    answer_dialog(qtbot, Qt.Key.Key_Return)
    demo_window.fresh_demo_action.trigger()
    assert started[-1][-1] == "--new-demo" and started[-1][2:4] == ["--db", str(db)]
    args = app_main.build_parser().parse_args(started[-1][2:])
    demo_window.store.close()  # the closed window lets go of the demo file
    assert app_main.database_paths(args) == (paths.demo_db_path(), db)
    assert db.read_bytes() == before


def test_a_restore_in_the_demo_reopens_the_demo(
    qtbot, db: Path, started, open_as_started  # noqa: F811
) -> None:
    demo_window = open_as_started(["-m", "assettrack_gui", "--db", str(db), "--demo"])
    demo_window.restart()
    assert started[-1][2:4] == ["--db", str(db)] and "--demo" in started[-1]


def test_the_command_line_demo_uses_its_own_file(tmp_path: Path) -> None:
    args = app_main.build_parser().parse_args(["--demo"])
    assert app_main.database_paths(args) == (paths.demo_db_path(), paths.default_db_path())
    assert paths.demo_db_path().exists() and not paths.default_db_path().exists()
    real = tmp_path / "real.db"
    args = app_main.build_parser().parse_args(["--db", str(real)])
    assert app_main.database_paths(args) == (real, None)
