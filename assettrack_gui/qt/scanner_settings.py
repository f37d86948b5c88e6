"""The Scanner settings dialog, with a "Test your scanner" area.

Everything here is saved to the one settings file the CLI shares (``core.settings``). The test
area is how a clerk finds the right values without reading a manual: scan into it and it shows
exactly which keys arrived (Enter as ⏎, Tab as ⇥, a GS1 separator as <GS>), how many
milliseconds each character took, whether the burst counts as a scan with the values currently
in the form (and if not, why not), and what the scan becomes after prefix/suffix/AIM stripping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.matching import normalize_scan
from assettrack_gui.core.settings import RANGES, Settings, SettingsOwner
from assettrack_gui.core.text import visible
from assettrack_gui.core.wedge import (
    MODIFIER_KEYS,
    TERMINATOR_NAMES,
    BurstCode,
    WedgeConfig,
    diagnose,
)
from assettrack_gui.qt.serial_reader import PortInfo, list_ports
from assettrack_gui.qt.wedge_filter import WedgeFilter, key_name

__all__ = ["Arrival", "ScanTestPad", "ScannerSettingsDialog", "show_keys"]

WEDGE_TERMINATORS = list(TERMINATOR_NAMES.items())
SERIAL_FRAMINGS = [
    ("CR", "CR (carriage return)"),
    ("LF", "LF (line feed)"),
    ("CRLF", "CR LF"),
    ("auto", "Automatic (any of CR, LF, CR LF)"),
]
BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]
# A pause this long starts a new read in the test area.
NEW_READ_AFTER_MS = 600

_KEY_SYMBOLS = {
    "enter": "⏎",
    "lf": "␊",
    "tab": "⇥",
    "backtab": "⇤",
    "backspace": "⌫",
    "escape": "⎋",
    " ": "␣",
}


@dataclass(frozen=True)
class Arrival:
    """One key press as it arrived: detector key name and window-system time in ms."""

    key: str
    ms: int


def show_keys(keys: list[str]) -> str:
    """Keys made visible: ``["A", "\\x1d", "enter"]`` -> ``"A<GS>⏎"``."""
    out = []
    for key in keys:
        if key in _KEY_SYMBOLS:
            out.append(_KEY_SYMBOLS[key])
        elif len(key) == 1:
            out.append(visible(key))
        else:
            out.append(f"‹{key}›")
    return "".join(out)


class ScanTestPad(QFrame):
    """Click it, then scan: records what arrives and says what the settings would make of it.

    With a :class:`WedgeFilter` it records the raw arrivals the filter saw (also the keys the
    filter swallowed); without one it records the key presses it receives itself.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanTestPad")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(48)
        # Never squeezed by the results below it (they push the dialog taller instead).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Scanner test area")
        self.listening_to_filter = False
        self.arrivals: list[Arrival] = []
        self.serial_scans: list[str] = []
        self._hint = QLabel("Click here, then scan a barcode.", self)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self._hint)

    def clear(self) -> None:
        self.arrivals.clear()
        self.serial_scans.clear()
        self.changed.emit()

    def record(self, key: str, ms: int) -> None:
        """A key press arrived (from the filter or from this widget's own events)."""
        if key in MODIFIER_KEYS or not self.hasFocus():
            return
        new_read = not self.arrivals or not 0 <= ms - self.arrivals[-1].ms <= NEW_READ_AFTER_MS
        if new_read and key in ("tab", "backtab"):
            return  # a person moving on to the next field
        if new_read:
            self.arrivals.clear()
        self.serial_scans.clear()
        self.arrivals.append(Arrival(key, ms))
        self.changed.emit()

    def record_serial(self, text: str) -> None:
        self.arrivals.clear()
        self.serial_scans.append(text)
        del self.serial_scans[:-5]
        self.changed.emit()

    def event(self, event: QEvent) -> bool:
        """A Tab that ends a read is recorded, not used to leave the area; a person's Tab is."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and self.arrivals
            and 0 <= event.timestamp() - self.arrivals[-1].ms <= NEW_READ_AFTER_MS
        ):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            event.ignore()  # Esc still closes the dialog
            return
        if not self.listening_to_filter and not event.isAutoRepeat():
            self.record(key_name(event), int(event.timestamp()))
        event.accept()  # a scanner's Enter must not press OK

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        self._hint.setText("Listening: scan a barcode now.")
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        self._hint.setText("Click here, then scan a barcode.")
        super().focusOutEvent(event)


class ScannerSettingsDialog(QDialog):
    """Edit and save the scanner settings; ``settingsSaved(Settings)`` after OK."""

    settingsSaved = Signal(object)

    def __init__(
        self,
        settings: Settings | SettingsOwner,
        wedge: WedgeFilter | None = None,
        ports: Callable[[], list[PortInfo]] = list_ports,
        settings_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scanner settings")
        # OK saves through the one settings owner (a plain Settings gets one on settings_path).
        self._owner = (
            settings
            if isinstance(settings, SettingsOwner)
            else SettingsOwner(settings, path=settings_path)
        )
        settings = self._owner.current
        self._original = settings
        self._wedge = wedge
        self._ports = ports
        self.saved: Settings | None = None
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_to_contents)

        # Keyboard wedge
        self.max_interval = QSpinBox()
        self.max_interval.setRange(*RANGES["wedge_max_interval_ms"])
        self.max_interval.setSuffix(" ms")
        self.max_interval.setValue(settings.wedge_max_interval_ms)
        self.max_interval.setToolTip(
            "Keys arriving at most this far apart are a scanner. Scanners type a key every "
            "5-20 ms, people rarely under 35 ms several times in a row."
        )
        self.min_length = QSpinBox()
        self.min_length.setRange(*RANGES["wedge_min_length"])
        self.min_length.setValue(settings.wedge_min_length)
        self.terminator = _choice(WEDGE_TERMINATORS, settings.wedge_terminator)
        wedge_box = QGroupBox("Keyboard scanner (types like a keyboard)")
        wedge_form = QFormLayout(wedge_box)
        wedge_form.addRow("Slowest key gap still counted as a scan:", self.max_interval)
        wedge_form.addRow("Minimum scan length:", self.min_length)
        wedge_form.addRow("Scan ends with:", self.terminator)

        # What a scan becomes
        self.prefix = QLineEdit(settings.prefix)
        self.suffix = QLineEdit(settings.suffix)
        self.strip_aim = QCheckBox("Remove AIM symbology identifiers (]C1, ]Q1, ]d2 …)")
        self.strip_aim.setChecked(settings.strip_aim)
        self.sound = QCheckBox("Play a sound for each scan (accepted / refused)")
        self.sound.setChecked(settings.sound_enabled)
        text_box = QGroupBox("Every scanner")
        text_form = QFormLayout(text_box)
        text_form.addRow("Prefix to remove:", self.prefix)
        text_form.addRow("Suffix to remove:", self.suffix)
        text_form.addRow(self.strip_aim)
        text_form.addRow(self.sound)

        # Serial
        self.port = QComboBox()
        self.port.setAccessibleName("Serial port")
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh_ports)
        port_row = QHBoxLayout()
        port_row.addWidget(self.port, 1)
        port_row.addWidget(refresh)
        self.baudrate = QComboBox()
        self.baudrate.setEditable(True)
        for rate in BAUD_RATES:
            self.baudrate.addItem(str(rate))
        self.baudrate.setCurrentText(str(settings.serial_baudrate))
        self.framing = _choice(SERIAL_FRAMINGS, settings.serial_terminator)
        serial_box = QGroupBox("Serial scanner (USB virtual COM port or RS-232)")
        serial_form = QFormLayout(serial_box)
        serial_form.addRow("Port:", port_row)
        serial_form.addRow("Baud rate:", self.baudrate)
        serial_form.addRow("Scan ends with:", self.framing)
        self.refresh_ports()

        # Test area
        self.pad = ScanTestPad()
        self.arrived = QLabel()
        self.timing = QLabel()
        self.verdict = QLabel()
        self.normalised = QLabel()
        for label in (self.arrived, self.timing, self.verdict, self.normalised):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        test_box = QGroupBox("Test your scanner")
        test_form = QFormLayout(test_box)
        test_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        test_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        test_form.addRow(self.pad)
        test_form.addRow("Arrived:", self.arrived)
        test_form.addRow("Speed:", self.timing)
        test_form.addRow("With these settings:", self.verdict)
        test_form.addRow("Scan used:", self.normalised)
        self.pad.changed.connect(self.update_test_area)
        for spin in (self.max_interval, self.min_length):
            spin.valueChanged.connect(self.update_test_area)
        for combo in (self.terminator, self.framing):
            combo.currentIndexChanged.connect(self.update_test_area)
        for line in (self.prefix, self.suffix):
            line.textChanged.connect(self.update_test_area)
        self.strip_aim.toggled.connect(self.update_test_area)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for box in (wedge_box, text_box, serial_box, test_box):
            layout.addWidget(box)
        layout.addStretch(0)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

        if wedge is not None:
            self.pad.listening_to_filter = True
            self._previous_capture = wedge.capture_widget
            wedge.capture_widget = self.pad
            wedge.keyArrived.connect(self.pad.record)
            self.finished.connect(self._detach)
        self.update_test_area()

    # --- the form ---------------------------------------------------------------------------------

    def refresh_ports(self) -> None:
        """List the serial ports present now; keep the saved one even when it is unplugged."""
        chosen = self.port.currentData() if self.port.count() else None
        current = chosen.device if isinstance(chosen, PortInfo) else self._original.serial_port
        self.port.clear()
        self.port.addItem("None (no serial scanner)", None)
        found = False
        for info in self._ports():
            label = f"{info.device} — {info.description}"
            if info.vid_pid:
                label += f" ({info.vid_pid})"
            self.port.addItem(label, info)
            found = found or info.device == current
        if current and not found:
            saved = PortInfo(current, "not connected now", self._original.serial_vid_pid)
            self.port.addItem(f"{current} — not connected now", saved)
        for index in range(self.port.count()):
            data = self.port.itemData(index)
            if isinstance(data, PortInfo) and data.device == current:
                self.port.setCurrentIndex(index)

    def settings(self) -> Settings:
        """The settings as the form shows them (not saved)."""
        port = self.port.currentData()
        try:
            baudrate = int(self.baudrate.currentText())
        except ValueError:
            baudrate = self._original.serial_baudrate
        return self._original._replace(
            wedge_max_interval_ms=self.max_interval.value(),
            wedge_min_length=self.min_length.value(),
            wedge_terminator=self.terminator.currentData(),
            prefix=self.prefix.text(),
            suffix=self.suffix.text(),
            strip_aim=self.strip_aim.isChecked(),
            sound_enabled=self.sound.isChecked(),
            serial_port=port.device if isinstance(port, PortInfo) else "",
            serial_vid_pid=port.vid_pid if isinstance(port, PortInfo) else "",
            serial_baudrate=baudrate,
            serial_terminator=self.framing.currentData(),
        )

    def accept(self) -> None:
        try:
            baudrate = int(self.baudrate.currentText())
        except ValueError:
            baudrate = 0
        low, high = RANGES["serial_baudrate"]
        if not low <= baudrate <= high:
            QMessageBox.warning(
                self, "Scanner settings", f"The baud rate must be a number from {low} to {high}."
            )
            self.baudrate.setFocus()
            return
        try:
            new = self._owner.update(self.settings())
        except OSError as exc:
            QMessageBox.critical(
                self, "Scanner settings", f"The settings could not be saved: {exc.strerror or exc}"
            )
            return
        self.saved = new
        self.settingsSaved.emit(new)
        super().accept()

    def record_serial_scan(self, text: str) -> None:
        """A serial scan arrived while the dialog is open: it is shown, not used."""
        self.pad.record_serial(text)

    # --- the test area ---------------------------------------------------------------------------

    def update_test_area(self) -> None:
        self._show_test_results()
        # Once the labels' new heights have reached the layouts (they are posted events).
        self._fit_timer.start()

    def _fit_to_contents(self) -> None:
        """Grow (never shrink) so that wrapped results are shown whole.

        Word-wrapped labels need more height the narrower they are, which a top-level window's
        minimum size does not follow; and without a window manager nobody resizes the dialog.
        """
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        needed = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        needed = max(needed, layout.totalMinimumSize().height())
        if needed > self.height():
            self.resize(width, needed)

    def _show_test_results(self) -> None:
        settings = self.settings()
        if self.pad.serial_scans:
            text = self.pad.serial_scans[-1]
            self.arrived.setText(f"{visible(text, 200)}  (serial, one framed scan)")
            self.timing.setText("—")
            self.verdict.setText("Serial scans are always scans.")
            self.normalised.setText(visible(normalize_scan(text, settings), 200) or "(empty)")
            return
        arrivals = self.pad.arrivals
        if not arrivals:
            for label in (self.arrived, self.timing, self.verdict, self.normalised):
                label.setText("—")
            return
        self.arrived.setText(show_keys([a.key for a in arrivals]))
        gaps = [b.ms - a.ms for a, b in zip(arrivals, arrivals[1:], strict=False)]
        if gaps:
            mean = sum(gaps) / len(gaps)
            self.timing.setText(
                f"{mean:.1f} ms per character on average, slowest gap {max(gaps)} ms "
                f"({len(arrivals)} keys)"
            )
        else:
            self.timing.setText(f"1 key (threshold {settings.wedge_max_interval_ms} ms)")
        scan, reason = self._judge(arrivals, settings, gaps)
        text = scan if scan is not None else "".join(a.key for a in arrivals if len(a.key) == 1)
        if scan is not None:
            self.verdict.setText("✔ Recognised as a scan.")
        else:
            self.verdict.setText(f"✘ Not a scan: {reason}")
        used = normalize_scan(text, settings)
        self.normalised.setText(visible(used, 200) if used else "(empty)")

    def _judge(
        self, arrivals: list[Arrival], settings: Settings, gaps: list[int]
    ) -> tuple[str | None, str]:
        """The wedge detector's own verdict on what arrived (``core.wedge.diagnose``)."""
        config = WedgeConfig(
            max_interval_ms=settings.wedge_max_interval_ms,
            min_length=settings.wedge_min_length,
            terminator=settings.wedge_terminator,
        )
        found = diagnose(config, [(a.key, a.ms) for a in arrivals])
        return found.scan, "" if found.code == BurstCode.SCAN else found.message

    def _detach(self) -> None:
        assert self._wedge is not None
        self._wedge.keyArrived.disconnect(self.pad.record)
        if self._wedge.capture_widget is self.pad:
            self._wedge.capture_widget = self._previous_capture


def _choice(options: list[tuple[str, str]], current: str) -> QComboBox:
    combo = QComboBox()
    for value, label in options:
        combo.addItem(label, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo
