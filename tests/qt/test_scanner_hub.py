"""install_scanners(): wedge and serial scans reach the window's one scan entry point, states
reach its status bar, scanHandled plays the feedback, and the settings dialog applies live."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QMessageBox, QTableView

from assettrack_gui.core.settings import Settings, load_settings
from assettrack_gui.qt.feedback import Feedback
from assettrack_gui.qt.scanner_hub import ScannerHub, install_scanners
from assettrack_gui.qt.scanner_settings import ScannerSettingsDialog
from tests import serial_cables

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)\(\)"
)


class StandIn(QMainWindow):
    """The parts of MainWindow the hub uses."""

    scanHandled = Signal(bool, str)

    def __init__(self) -> None:
        super().__init__()
        self.scans: list[tuple[str, str]] = []
        self.states: list[tuple[str, str]] = []
        self.scan_entry = QLineEdit()
        self.table = QTableView()
        self.setCentralWidget(self.table)
        self.scanner_settings_action = QAction("Scanner settings…", self)

    def on_scan(self, text: str, source: str = "manual") -> None:
        self.scans.append((text, source))
        self.scanHandled.emit(not text.startswith("X"), text)

    def set_scanner_state(self, state: str, message: str = "") -> None:
        self.states.append((state, message))


@pytest.fixture
def window(qtbot) -> StandIn:
    window = StandIn()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.table.setFocus()
    return window


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, str]]:
    with serial_cables.pty_pair() as pair:
        yield pair


@pytest.fixture
def make_hub(qapp, tmp_path: Path, monkeypatch) -> Iterator:
    hubs: list[ScannerHub] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: None))

    def make(window: StandIn, settings: Settings | None = None, serial: str | None = None):
        hub = ScannerHub(
            qapp,
            window,
            settings or Settings(),
            serial,
            settings_path=tmp_path / "settings.json",
            feedback=Feedback(backend="beep"),
        )
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        hub.stop()


def burst(window, text: str, start: int = 10_000, delay: int = 8) -> None:
    handle = (QApplication.activeModalWidget() or window).windowHandle()
    for i, char in enumerate(text):
        key = Qt.Key.Key_Return if char == "\r" else Qt.Key(ord(char.upper()))
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(start + i * delay)
            QApplication.sendEvent(handle, event)


def test_wedge_scan_reaches_on_scan_and_plays_feedback(qtbot, window, make_hub) -> None:
    hub = make_hub(window)
    burst(window, "AT-0001\r")
    burst(window, "XX-0002\r", start=20_000)
    assert window.scans == [("AT-0001", "wedge"), ("XX-0002", "wedge")]
    assert hub.feedback.played == [True, False]
    assert window.states == [("wedge", "")]


def test_serial_and_wedge_scans_share_the_entry_point(qtbot, window, make_hub, pty_pair) -> None:
    master, port = pty_pair
    hub = make_hub(window, serial=port)
    qtbot.waitUntil(lambda: ("connected", f"Serial scanner connected on {port}.") in window.states)
    os.write(master, b"B-1001\r")
    qtbot.waitUntil(lambda: window.scans == [("B-1001", "serial")])
    burst(window, "AT-0001\r")
    os.write(master, b"AT-0002\r")
    qtbot.waitUntil(lambda: len(window.scans) == 3)
    assert window.scans[1:] == [("AT-0001", "wedge"), ("AT-0002", "serial")]
    hub.stop()
    assert window.states[-1][0] == "stopped"


def test_serial_scan_waits_for_a_modal_dialog(qtbot, window, make_hub, pty_pair) -> None:
    master, port = pty_pair
    make_hub(window, serial=port)
    qtbot.waitUntil(lambda: any(s == "connected" for s, _ in window.states))
    box = QMessageBox(QMessageBox.Icon.Question, "Commit", "Stock out?", parent=window)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    box.setWindowModality(Qt.WindowModality.ApplicationModal)
    box.show()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is box)
    os.write(master, b"AT-0003\r")
    qtbot.waitUntil(lambda: "waits until the dialog" in window.statusBar().currentMessage())
    qtbot.wait(100)
    assert window.scans == []
    box.close()
    qtbot.waitUntil(lambda: window.scans == [("AT-0003", "serial")])


def test_settings_dialog_applies_changes_live(qtbot, window, make_hub, tmp_path) -> None:
    hub = make_hub(window)
    seen: list[ScannerSettingsDialog] = []

    def in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ScannerSettingsDialog)
        seen.append(dialog)
        dialog.max_interval.setValue(60)
        dialog.sound.setChecked(False)
        dialog.accept()

    QTimer.singleShot(100, in_dialog)
    window.scanner_settings_action.trigger()
    assert seen
    assert hub.wedge.config.max_interval_ms == 60
    assert hub.feedback.enabled is False
    assert load_settings(tmp_path / "settings.json").wedge_max_interval_ms == 60
    burst(window, "AT-0001\r", delay=50)  # now fast enough
    assert window.scans == [("AT-0001", "wedge")]
    assert hub.feedback.played == []  # sounds off


def test_choosing_a_port_in_settings_starts_the_reader(qtbot, window, make_hub, pty_pair) -> None:
    master, port = pty_pair
    hub = make_hub(window)
    assert hub.reader is None
    hub.apply_settings(Settings(serial_port=port, serial_terminator="LF"))
    qtbot.waitUntil(lambda: any(s == "connected" for s, _ in window.states))
    os.write(master, b"AT-0004\n")
    qtbot.waitUntil(lambda: window.scans == [("AT-0004", "serial")])
    hub.apply_settings(Settings())
    assert hub.reader is None
    assert window.states[-1] == ("wedge", "")


def test_install_scanners_uses_the_override(qtbot, qapp, window, pty_pair, monkeypatch) -> None:
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: None))
    master, port = pty_pair
    hub = install_scanners(qapp, window, Settings(serial_port="/dev/nonexistent"), port)
    try:
        assert hub.serial_port == port
        qtbot.waitUntil(lambda: any(s == "connected" for s, _ in window.states))
    finally:
        hub.stop()
    assert not hub.reader


def test_serial_scans_go_to_the_open_settings_test_area(qtbot, window, make_hub, pty_pair) -> None:
    master, port = pty_pair
    make_hub(window, serial=port)
    qtbot.waitUntil(lambda: any(s == "connected" for s, _ in window.states))
    shown: list[str] = []

    def in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ScannerSettingsDialog)
        os.write(master, b"]C1AT-0005\r")
        qtbot.waitUntil(lambda: dialog.pad.serial_scans == ["]C1AT-0005"])
        shown.append(dialog.normalised.text())
        dialog.reject()

    QTimer.singleShot(100, in_dialog)
    window.scanner_settings_action.trigger()
    assert shown == ["AT-0005"]
    qtbot.wait(150)
    assert window.scans == []  # a test scan is not a batch scan
