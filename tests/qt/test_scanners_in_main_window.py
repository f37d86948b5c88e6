"""Scanners wired into the real MainWindow: bursts land as scans wherever the focus is.

Offscreen, with key events carrying timestamps sent to the window's QWindow (as the window
system does); the end-to-end test does the same under Xvfb with xdotool.
"""

from __future__ import annotations

import contextlib
import os
import pty
import sqlite3
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import Mode, NewAsset, NewCase, NewHolder
from assettrack_gui.core.pending import PendingBatch
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.qt.feedback import Feedback
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.scanner_hub import ScannerHub
from assettrack_gui.qt.serial_reader import SerialReader

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

TAGS = [f"AT-{n:04d}" for n in range(1, 5)]


class Keys:
    """Key presses with window-system timestamps, to whichever window has the keyboard."""

    def __init__(self) -> None:
        self.now = 1_000_000

    def type(self, text: str, delay: int) -> None:
        for char in text:
            self.now += delay
            target = QApplication.activeModalWidget() or QApplication.activeWindow()
            handle = target.windowHandle()
            key = Qt.Key.Key_Return if char == "\r" else Qt.Key(ord(char.upper()))
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
                event.setTimestamp(self.now)
                QApplication.sendEvent(handle, event)
        self.now += 1000

    def scanner(self, code: str) -> None:
        self.type(code + "\r", delay=8)


@pytest.fixture
def window(qtbot, qapp, tmp_path: Path, monkeypatch) -> Iterator[MainWindow]:
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: None))
    path = tmp_path / "stock.db"
    with Store(path) as store:
        engine = Engine(store, "seed")
        engine.add_holders([NewHolder("Dana Reyes", "B-1001")])
        engine.create_cases([NewCase("CART-A", "Laptop cart A", 1, 5)])
        engine.commit_register(
            [NewAsset(tag, f"SN{i}", "ThinkPad", "CART-A", i) for i, tag in enumerate(TAGS, 1)]
        )
    store = Store(path)
    qsettings = QSettings(str(tmp_path / "q.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, operator="clerk", settings=qsettings)
    qtbot.addWidget(window)
    hub = ScannerHub(
        qapp, window, Settings(), None, tmp_path / "settings.json", Feedback(backend="beep")
    )
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    hub.stop()
    store.close()


def batch(window: MainWindow) -> PendingBatch:
    return window.session.to_pending()


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_scans_from_the_table_the_custodian_picker_and_the_commit_button(
    qtbot, window: MainWindow
) -> None:
    keys = Keys()
    focus(qtbot, window.table)
    keys.scanner("B-1001")
    assert batch(window).custodian == "B-1001"

    focus(qtbot, window.custodian_picker)
    shown = window.custodian_picker.currentText()
    keys.scanner("AT-0001")
    assert batch(window).stock_out == ["AT-0001"]
    assert window.custodian_picker.currentText() == shown  # no stray text in its search

    focus(qtbot, window.commit_button)
    keys.scanner("AT-0002")
    assert batch(window).stock_out == ["AT-0001", "AT-0002"]
    assert QApplication.activeModalWidget() is None  # the scanner's Enter did not press Commit


def test_burst_during_the_confirmation_waits_and_a_persons_enter_commits(
    qtbot, window: MainWindow
) -> None:
    keys = Keys()
    for code in ("B-1001", "AT-0001", "AT-0002"):
        keys.scanner(code)
    assert batch(window).stock_out == ["AT-0001", "AT-0002"]
    seen: list[str] = []

    def in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, in_dialog)
            return
        keys.scanner("AT-0003")
        seen.append(window.statusBar().currentMessage())
        assert dialog.isVisible(), "the scanner's Enter answered the confirmation"
        keys.type("\r", delay=500)  # the person confirms

    QTimer.singleShot(0, in_dialog)
    window.commit_action.trigger()
    with contextlib.closing(sqlite3.connect(window.store.path)) as con:
        held = con.execute(
            "SELECT a.asset_tag FROM assets a JOIN holders h ON h.id = a.current_holder_id "
            "WHERE h.badge_code = 'B-1001' ORDER BY a.asset_tag"
        ).fetchall()
    assert held == [("AT-0001",), ("AT-0002",)]
    assert "AT-0003 waits until the dialog is closed" in seen[0]
    qtbot.waitUntil(lambda: batch(window).stock_out == ["AT-0003"])
    assert batch(window).custodian == ""  # a new batch: the held scan was not committed


def test_burst_on_the_case_map_in_stock_in(qtbot, window: MainWindow) -> None:
    keys = Keys()
    window.set_mode(Mode.STOCK_IN)
    qtbot.waitUntil(window.case_map.isVisible)
    keys.scanner("CART-A")
    focus(qtbot, window.case_map.view)
    keys.scanner("AT-0004")
    assert batch(window).stock_in == ["AT-0004"]


def test_unplugged_serial_scanner_shows_disconnected_while_it_retries(
    qtbot, window: MainWindow
) -> None:
    """The reader says "disconnected" then "reconnecting" at once: the label must still warn."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    name = os.ttyname(slave)
    os.close(slave)
    reader = SerialReader(name, parent=window)
    reader.stateChanged.connect(window.set_scanner_state)
    reader.start()
    try:
        qtbot.waitUntil(lambda: window.scanner_state == "connected", timeout=5000)
        assert window.scanner_label.text() == "Scanner: serial connected"
        os.close(master)
        qtbot.waitUntil(lambda: window.scanner_state == "reconnecting", timeout=5000)
        assert "DISCONNECTED" in window.scanner_label.text()
        assert "reconnecting" in window.scanner_label.text()
        assert name in window.scanner_label.toolTip()  # why it was lost is kept
    finally:
        assert reader.stop()


def test_badge_scan_closes_the_custodian_search_list(qtbot, window: MainWindow) -> None:
    """Ctrl+K, a person types part of a name, then scans a badge: the list must not stay open."""
    keys = Keys()
    picker = window.custodian_picker
    window.focus_custodian()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (picker, picker.lineEdit()))
    keys.type("da", delay=150)
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    keys.scanner("B-1001")
    assert batch(window).custodian == "B-1001"
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=1000)
    assert window.custodian_label.text() == "Dana Reyes (B-1001)"
    assert picker.currentText() == "Dana Reyes (B-1001)"  # not the half-typed "da"
