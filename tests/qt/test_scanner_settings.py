"""The Scanner settings dialog: saving to the shared settings file, and the test area."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFormLayout, QLabel, QWidget

from assettrack_gui.core.settings import Settings, load_settings
from assettrack_gui.qt.scanner_settings import ScannerSettingsDialog, show_keys
from assettrack_gui.qt.serial_reader import PortInfo
from assettrack_gui.qt.wedge_filter import WedgeFilter

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)\(\)"
)

PORTS = [
    PortInfo("/dev/ttyACM0", "Honeywell 1900 scanner", "0C2E:0B61", "A1"),
    PortInfo("/dev/ttyS0", "ttyS0", ""),
]
_SPECIAL = {"\r": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab, "\x1d": Qt.Key.Key_BracketRight}


def key_event(char: str, ms: int, kind: QEvent.Type = QEvent.Type.KeyPress) -> QKeyEvent:
    key = _SPECIAL.get(char) or Qt.Key(ord(char.upper()))
    mods = Qt.KeyboardModifier.ControlModifier if char == "\x1d" else Qt.KeyboardModifier.NoModifier
    event = QKeyEvent(kind, key, mods, char)
    event.setTimestamp(ms)
    return event


def scan_into(target: QWidget, text: str, delay: int, start: int = 5_000) -> None:
    """Key presses and releases with timestamps ``delay`` ms apart, sent to ``target``."""
    for i, char in enumerate(text):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, key_event(char, start + i * delay, kind))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "settings.json"


@pytest.fixture
def dialog(qtbot, path: Path) -> ScannerSettingsDialog:
    dialog = ScannerSettingsDialog(
        Settings(serial_port="/dev/ttyACM0"), ports=lambda: PORTS, settings_path=path
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def save(dialog: ScannerSettingsDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_saves_every_field_to_the_shared_settings_file(
    qtbot, dialog: ScannerSettingsDialog, path: Path
) -> None:
    dialog.max_interval.setValue(50)
    dialog.min_length.setValue(6)
    dialog.terminator.setCurrentIndex(dialog.terminator.findData("crlf"))
    dialog.prefix.setText("*")
    dialog.suffix.setText("#")
    dialog.strip_aim.setChecked(False)
    dialog.sound.setChecked(False)
    dialog.baudrate.setCurrentText("115200")
    dialog.framing.setCurrentIndex(dialog.framing.findData("auto"))
    with qtbot.waitSignal(dialog.settingsSaved) as saved:
        save(dialog)
    expected = Settings(
        strip_aim=False,
        prefix="*",
        suffix="#",
        wedge_max_interval_ms=50,
        wedge_min_length=6,
        wedge_terminator="crlf",
        serial_port="/dev/ttyACM0",
        serial_vid_pid="0C2E:0B61",
        serial_baudrate=115200,
        serial_terminator="auto",
        sound_enabled=False,
    )
    assert saved.args == [expected]
    assert load_settings(path) == expected
    assert not dialog.isVisible()


def test_ports_show_description_and_vid_pid_and_none(dialog: ScannerSettingsDialog) -> None:
    labels = [dialog.port.itemText(i) for i in range(dialog.port.count())]
    assert labels == [
        "None (no serial scanner)",
        "/dev/ttyACM0 — Honeywell 1900 scanner (0C2E:0B61)",
        "/dev/ttyS0 — ttyS0",
    ]
    assert dialog.port.currentIndex() == 1  # the saved port
    dialog.port.setCurrentIndex(0)
    assert dialog.settings().serial_port == ""
    assert dialog.settings().serial_vid_pid == ""


def test_an_unplugged_saved_port_is_kept(qtbot, path: Path) -> None:
    settings = Settings(serial_port="/dev/ttyACM7", serial_vid_pid="05E0:1200")
    dialog = ScannerSettingsDialog(settings, ports=lambda: PORTS, settings_path=path)
    qtbot.addWidget(dialog)
    assert dialog.port.currentText() == "/dev/ttyACM7 — not connected now"
    assert dialog.settings().serial_port == "/dev/ttyACM7"
    assert dialog.settings().serial_vid_pid == "05E0:1200"


def test_cancel_saves_nothing(qtbot, dialog: ScannerSettingsDialog, path: Path) -> None:
    dialog.min_length.setValue(9)
    dialog.reject()
    assert not path.exists()
    assert dialog.saved is None


def test_bad_baud_rate_is_refused_with_a_message(
    qtbot, dialog: ScannerSettingsDialog, path: Path, monkeypatch
) -> None:
    from assettrack_gui.qt import scanner_settings

    shown: list[str] = []
    monkeypatch.setattr(
        scanner_settings.QMessageBox, "warning", lambda *args: shown.append(args[2])
    )
    dialog.baudrate.setCurrentText("fast")
    save(dialog)
    assert shown and "baud rate" in shown[0]
    assert dialog.isVisible()
    assert not path.exists()


def test_test_area_shows_what_arrived_and_the_speed(qtbot, dialog: ScannerSettingsDialog) -> None:
    dialog.pad.setFocus()
    qtbot.waitUntil(dialog.pad.hasFocus)
    scan_into(dialog.pad, "]C101\x1d17\r", delay=8)
    assert dialog.arrived.text() == "]C101<GS>17⏎"
    assert dialog.timing.text().startswith("8.0 ms per character")
    assert "slowest gap 8 ms" in dialog.timing.text()
    assert dialog.verdict.text() == "✔ Recognised as a scan."
    assert dialog.normalised.text() == "01<GS>17"  # ]C1 stripped
    dialog.strip_aim.setChecked(False)
    assert dialog.normalised.text() == "]C101<GS>17"
    assert dialog.isVisible()  # the scanner's Enter did not press Save


def test_test_area_explains_a_slow_scanner_and_follows_the_form(
    qtbot, dialog: ScannerSettingsDialog
) -> None:
    dialog.pad.setFocus()
    qtbot.waitUntil(dialog.pad.hasFocus)
    scan_into(dialog.pad, "AT-0001\t", delay=45)
    assert dialog.arrived.text() == "AT-0001⇥"
    assert dialog.timing.text().startswith("45.0 ms per character")
    assert "did not end with Enter" in dialog.verdict.text()
    dialog.terminator.setCurrentIndex(dialog.terminator.findData("tab"))
    assert "slowest gap (45 ms) is over 35 ms" in dialog.verdict.text()
    assert "about 55 ms" in dialog.verdict.text()
    dialog.max_interval.setValue(55)
    assert dialog.verdict.text() == "✔ Recognised as a scan."
    assert dialog.normalised.text() == "AT-0001"


def test_test_area_with_the_app_filter_keeps_scans_out_of_the_workflow(
    qtbot, qapp, path: Path
) -> None:
    wedge = WedgeFilter()
    wedge.install(qapp)
    delivered: list[str] = []
    wedge.scanned.connect(delivered.append)
    try:
        dialog = ScannerSettingsDialog(Settings(), wedge=wedge, ports=list, settings_path=path)
        qtbot.addWidget(dialog)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitActive(dialog)
        dialog.pad.setFocus()
        qtbot.waitUntil(dialog.pad.hasFocus)
        scan_into(dialog.windowHandle(), "AT-0001\r", delay=8)
        assert dialog.arrived.text() == "AT-0001⏎"
        assert dialog.verdict.text() == "✔ Recognised as a scan."
        assert dialog.isVisible()
        dialog.reject()
        qtbot.wait(100)
        assert delivered == []  # captured by the test area, not held for the batch
        assert wedge.capture_widget is None
    finally:
        wedge.uninstall(qapp)


def test_a_serial_scan_is_shown(dialog: ScannerSettingsDialog) -> None:
    dialog.record_serial_scan("]Q1B-1001")
    assert "B-1001" in dialog.normalised.text()
    assert dialog.arrived.text().startswith("]Q1B-1001")


def test_show_keys() -> None:
    assert show_keys(["A", " ", "\x1d", "enter", "lf", "tab", "backspace"]) == "A␣<GS>⏎␊⇥⌫"


def test_a_persons_tab_leaves_the_test_area(qtbot, dialog: ScannerSettingsDialog) -> None:
    dialog.pad.setFocus()
    qtbot.waitUntil(dialog.pad.hasFocus)
    scan_into(dialog.pad, "\t", delay=8, start=90_000)
    assert not dialog.pad.hasFocus()
    assert dialog.pad.arrivals == []


def test_test_area_results_are_laid_out_readably(qtbot, dialog: ScannerSettingsDialog) -> None:
    """Wrapped results push the rows below them down and the dialog grows; nothing overlaps."""
    height_before = dialog.height()
    dialog.pad.setFocus()
    qtbot.waitUntil(dialog.pad.hasFocus)
    scan_into(dialog.pad, "]C1AT-SMOKE-0001-LONGER-BARCODE-TEXT-12345\r", delay=55)
    qtbot.wait(50)  # let the layout settle
    assert "Raise the threshold" in dialog.verdict.text()
    rows = [dialog.pad, dialog.arrived, dialog.timing, dialog.verdict, dialog.normalised]
    for upper, lower in zip(rows, rows[1:], strict=False):
        assert upper.geometry().bottom() < lower.geometry().top(), (upper, lower)
    for label in rows[1:]:
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert dialog.pad.height() >= dialog.pad.minimumHeight()
    box = dialog.pad.parentWidget()
    assert dialog.normalised.geometry().bottom() < box.contentsRect().bottom()
    assert dialog.height() > height_before  # it grew to fit


def test_the_wedge_timing_says_it_is_the_slowest_key_gap(dialog: ScannerSettingsDialog) -> None:
    """The threshold is the longest gap between keys that still counts: "fastest typing" read
    backwards to clerks and supervisors."""
    box = dialog.max_interval.parentWidget()
    form = box.layout()
    assert isinstance(form, QFormLayout)
    label = form.labelForField(dialog.max_interval)
    assert isinstance(label, QLabel)
    assert label.text() == "Slowest key gap still counted as a scan:"
