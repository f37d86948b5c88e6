"""Wire the scanners to the main window: ``install_scanners(app, window, settings, serial_port)``.

* Keyboard wedge: a :class:`WedgeFilter` on the whole application; its scans, and the serial
  reader's, pass one :class:`ScanGate` (in arrival order, held while a modal dialog is open) and
  reach ``window.on_scan(text, "wedge" | "serial")``.
* Serial: a :class:`SerialReader` on ``serial_port`` (``assettrack --serial PORT``) or the saved
  port; its states go to ``window.set_scanner_state``.
* Feedback: ``window.scanHandled(accepted, message)`` plays the accepted/refused sound.
* ``window.scanner_settings_action`` opens the Scanner settings dialog; saved changes apply at
  once (new wedge thresholds, serial reader restarted, sounds on/off, prefix/suffix/AIM).
* On quit the serial reader is stopped and the filter removed.

The window is duck-typed (see :class:`ScannerWindow`) so the hub can be tested with a stand-in.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from assettrack_gui.core.settings import Settings, SettingsOwner
from assettrack_gui.core.text import visible
from assettrack_gui.core.wedge import WedgeConfig
from assettrack_gui.qt.dialogs import run_modal
from assettrack_gui.qt.feedback import Feedback
from assettrack_gui.qt.wedge_filter import WedgeFilter

if TYPE_CHECKING:  # the dialog and pyserial load when first needed, not at start
    from assettrack_gui.qt.scanner_settings import ScannerSettingsDialog
    from assettrack_gui.qt.serial_reader import SerialReader

__all__ = ["ScannerHub", "ScannerWindow", "install_scanners", "wedge_config"]

HELD_MESSAGE_MS = 6000


class ScannerWindow(Protocol):
    """What the hub needs from the main window."""

    scanHandled: SignalInstance  # noqa: N815 (Qt signal name)
    scanner_settings_action: QAction

    def on_scan(self, text: str, source: str = "manual") -> None: ...

    def set_scanner_state(self, state: str, message: str = "") -> None: ...


def wedge_config(settings: Settings) -> WedgeConfig:
    return WedgeConfig(
        max_interval_ms=settings.wedge_max_interval_ms,
        min_length=settings.wedge_min_length,
        terminator=settings.wedge_terminator,
    )


def _serial_key(settings: Settings) -> tuple[str, str, int, str]:
    return (
        settings.serial_port,
        settings.serial_vid_pid,
        settings.serial_baudrate,
        settings.serial_terminator,
    )


class ScannerHub(QObject):
    """Owns the wedge filter, the serial reader and the feedback; see the module docstring."""

    def __init__(
        self,
        app: QApplication,
        window: ScannerWindow,
        settings: Settings | SettingsOwner,
        serial_port: str | None = None,
        settings_path: Path | None = None,
        feedback: Feedback | None = None,
    ) -> None:
        super().__init__(window if isinstance(window, QObject) else None)
        self.app = app
        self.window = window
        # The one settings owner (the app passes the window's, shared with the engine and the
        # Reports page); a plain Settings gets an owner of its own saving to settings_path.
        self.owner = (
            settings
            if isinstance(settings, SettingsOwner)
            else SettingsOwner(settings, path=settings_path)
        )
        self.settings = self.owner.current
        self.owner.subscribe(self._settings_changed)
        self.serial_override = serial_port or None
        self.reader: SerialReader | None = None
        self.dialog: ScannerSettingsDialog | None = None

        self.wedge = WedgeFilter(wedge_config(self.settings), self)
        self.gate = self.wedge.gate
        self.gate.released.connect(self._deliver)
        self.gate.held.connect(self._on_held)
        self.wedge.install(app)

        self.feedback = feedback or Feedback(enabled=self.settings.sound_enabled, parent=self)
        self.feedback.enabled = self.settings.sound_enabled
        window.scanHandled.connect(self.feedback.on_scan)
        window.scanner_settings_action.triggered.connect(self.open_settings)
        app.aboutToQuit.connect(self.stop)
        self._start_serial()

    # --- serial ------------------------------------------------------------------------------

    @property
    def serial_port(self) -> str:
        """The port in use: the ``--serial`` override, else the saved one ("" = none)."""
        return self.serial_override or self.settings.serial_port

    def _start_serial(self) -> None:
        port = self.serial_port
        if not port:
            self.window.set_scanner_state("wedge", "")
            return
        # The saved VID:PID belongs to the saved port; an override learns its own when opened.
        vid_pid = self.settings.serial_vid_pid if port == self.settings.serial_port else ""
        from assettrack_gui.qt.serial_reader import SerialReader

        try:
            reader = SerialReader(
                port,
                self.settings.serial_baudrate,
                self.settings.serial_terminator,
                vid_pid or None,
                parent=self,
            )
        except ValueError as exc:
            self.window.set_scanner_state("disconnected", f"Serial scanner not started: {exc}")
            return
        reader.scanReceived.connect(self._on_serial_scan)
        reader.stateChanged.connect(self.window.set_scanner_state)
        self.reader = reader
        reader.start()

    def _stop_serial(self) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.stop()
            reader.scanReceived.disconnect(self._on_serial_scan)
            reader.stateChanged.disconnect(self.window.set_scanner_state)
            reader.deleteLater()

    def _on_serial_scan(self, text: str) -> None:
        if self.dialog is not None:  # the settings dialog's test area shows it instead
            self.dialog.record_serial_scan(text)
            return
        self.gate.submit(text, "serial")

    # --- scans -------------------------------------------------------------------------------

    def _deliver(self, text: str, source: str) -> None:
        self.window.on_scan(text, source)

    def _on_held(self, text: str, source: str) -> None:
        status = getattr(self.window, "statusBar", None)
        if callable(status):
            status().showMessage(
                f"Scan {visible(text)} waits until the dialog is closed.", HELD_MESSAGE_MS
            )

    # --- settings ----------------------------------------------------------------------------

    def open_settings(self) -> None:
        """Show the Scanner settings dialog (modal); saved values apply at once."""
        if self.dialog is not None:
            self.dialog.raise_()
            return
        parent = self.window if isinstance(self.window, QWidget) else None
        from assettrack_gui.qt.scanner_settings import ScannerSettingsDialog

        dialog = ScannerSettingsDialog(self.owner, wedge=self.wedge, parent=parent)
        self.dialog = dialog
        try:
            run_modal(dialog)  # exec(), and take the keyboard even without a window manager
        finally:
            self.dialog = None
            dialog.deleteLater()
        if isinstance(self.window, QWidget):
            self.window.raise_()
            self.window.activateWindow()
            entry = getattr(self.window, "scan_entry", None)
            if isinstance(entry, QWidget):
                entry.setFocus()

    def apply_settings(self, new: Settings) -> None:
        """Save ``new`` through the settings owner; every reader (this hub included) uses it at once."""
        self.owner.update(new)

    def _settings_changed(self, new: Settings) -> None:
        old, self.settings = self.settings, new
        if wedge_config(new) != wedge_config(old):
            self.wedge.set_config(wedge_config(new))
        self.feedback.enabled = new.sound_enabled
        if new.serial_port != old.serial_port:
            self.serial_override = None  # a port chosen now wins over --serial
        if _serial_key(new) != _serial_key(old) or self.reader is None and self.serial_port:
            self._stop_serial()
            self._start_serial()

    def stop(self) -> None:
        """Stop the serial reader and remove the filter (on quit; safe to call twice)."""
        self._stop_serial()
        self.owner.unsubscribe(self._settings_changed)
        self.wedge.uninstall(self.app)


def install_scanners(
    app: QApplication,
    window: ScannerWindow,
    settings: Settings | SettingsOwner,
    serial_port: str | None = None,
    settings_path: Path | None = None,
) -> ScannerHub:
    """Connect keyboard-wedge and serial scanners, feedback and the settings dialog to ``window``."""
    return ScannerHub(app, window, settings, serial_port, settings_path)
