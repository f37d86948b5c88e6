"""The window shows its first screen before the Reports page is built; the page is there when
asked for (Ctrl+5) or once the window is up. What else waits for the first paint (scanners,
pickers' lists, the keyboard-home filter, the log file) is pinned here too."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from assettrack_gui.__main__ import build_pages, build_parser, open_window
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewHolder
from assettrack_gui.core.store import Store
from assettrack_gui.qt.lazy_page import LazyPage
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.reports_tab import ReportsTab

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)


def test_lazy_page_builds_once_when_first_shown(qtbot) -> None:
    built: list[QWidget] = []

    def factory() -> QWidget:
        field = QLineEdit()
        built.append(field)
        return field

    page = LazyPage(factory)
    qtbot.addWidget(page)
    assert page.content is None and built == []
    page.show()
    qtbot.waitExposed(page)
    assert page.content is built[0] and page.content.isVisible()
    page.hide()
    page.show()
    assert page.ensure_built() is built[0] and len(built) == 1


@pytest.fixture
def lazy_window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    store = Store(tmp_path / "stock.db")
    Engine(store, "seed").add_holders([NewHolder("Dana Reyes", "B-1001")])
    window = open_window(store, build_parser().parse_args(["--operator", "clerk"]), True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    if window.scanner_hub is not None:
        window.scanner_hub.stop()
    store.close()


def reports_page(window: MainWindow) -> LazyPage:
    tabs = window.tabs
    page = tabs.widget(next(i for i in range(tabs.count()) if tabs.tabText(i) == "&Reports"))
    assert isinstance(page, LazyPage)
    return page


def test_ctrl_5_builds_the_reports_page_and_gives_it_the_keyboard(
    qtbot, lazy_window: MainWindow
) -> None:
    page = reports_page(lazy_window)
    assert page.content is None  # not needed for the first screen
    qtbot.keyClick(lazy_window.scan_entry, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.content, ReportsTab)
    focus = QApplication.focusWidget()
    assert focus is not None and page.content.isAncestorOf(focus)


def test_pages_are_built_once_the_window_is_up(lazy_window: MainWindow) -> None:
    build_pages(lazy_window)
    assert isinstance(reports_page(lazy_window).content, ReportsTab)
    assert lazy_window.tabs.currentIndex() == 0  # building does not switch pages


def test_the_app_says_when_its_window_is_shown(private_dirs: Path, tmp_path: Path) -> None:
    """What benchmarks/bench_startup.py runs: first screen, then the Reports page, then quit."""
    env = dict(os.environ, ASSETTRACK_EXIT_WHEN_SHOWN="1", QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "assettrack_gui", "--db", str(tmp_path / "new.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split()
    assert [line.split("=")[0] for line in lines] == ["shown_ms", "ready_ms"]
    shown, ready = (float(line.split("=")[1]) for line in lines)
    assert 0 < shown <= ready
    if sys.platform.startswith("linux"):  # XDG_STATE_HOME is the test's own
        log = private_dirs / "xdg_state_home" / "AssetTrack" / "log" / "assettrack.log"
        assert "assettrack started" in log.read_text("utf-8")


def test_scanners_and_pickers_come_right_after_the_first_screen(
    qtbot, lazy_window: MainWindow
) -> None:
    """The first screen is up before the scanners start and the pickers fill; then both are there
    and the Reports page is built, all without a key from the clerk."""
    from assettrack_gui.__main__ import after_first_screen

    assert lazy_window.scanner_hub is None
    assert lazy_window.custodian_picker.holder_ids() == []
    assert not lazy_window.keyboard_home.installed  # an app-wide Python event filter
    after_first_screen(lazy_window)
    assert lazy_window.scanner_hub is not None
    assert lazy_window.keyboard_home.installed
    assert len(lazy_window.custodian_picker.holder_ids()) == 1
    assert reports_page(lazy_window).content is not None


def test_garbage_collection_waits_for_the_first_screen(
    lazy_window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    """``main`` turns the cyclic garbage collector off while start-up makes its long-lived
    objects; the first screen (or ``main`` returning, e.g. on a bad database) turns it on."""
    import gc

    from PySide6.QtWidgets import QMessageBox

    from assettrack_gui import __main__ as app_main

    gc.disable()
    try:
        app_main.first_screen_shown(lazy_window)
        assert gc.isenabled()
    finally:
        gc.enable()
    (tmp_path / "bad.db").write_bytes(b"not a database" * 300)
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *args: None))
    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("off"))
    assert app_main.main(["--db", str(tmp_path / "bad.db")]) == 1
    assert calls == ["off"] and gc.isenabled()


def test_the_left_over_batch_is_asked_about_over_the_painted_window(
    lazy_window: MainWindow, monkeypatch
) -> None:
    """Reading the pending file (and loading hashlib) waits for the first paint too."""
    from assettrack_gui.__main__ import first_screen_shown

    asked: list[bool] = []
    monkeypatch.setattr(
        lazy_window, "offer_pending_batch_when_active", lambda *args: asked.append(True)
    )
    assert not lazy_window.controller.pending_offer_due
    first_screen_shown(lazy_window)
    assert asked == [True]
