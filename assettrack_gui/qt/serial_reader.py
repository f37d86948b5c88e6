"""Read scans from a serial (USB CDC-ACM / virtual COM / RS-232) scanner off the GUI thread.

:class:`SerialReader` is a QObject that lives in the GUI thread and owns a worker thread doing
the blocking pyserial reads. The worker's signals reach the reader through queued connections and
the reader re-emits them, so ``scanReceived`` and ``stateChanged`` are always emitted in the GUI
thread, whatever the slot (a lambda too) and never after :meth:`SerialReader.stop` returned.

Framing: bytes are split on the configured terminator (``"CR"``, ``"LF"``, ``"CRLF"``, or
``"auto"`` = any of them). Bytes without their terminator are a partial frame and are never
delivered (they are dropped when the port drops or is stopped); a frame split over several
writes is reassembled. Frames are decoded as UTF-8 with ``errors="replace"``; whitespace,
control/format characters and U+FFFD (undecodable bytes) are stripped from both ends, so line
noise such as NUL or ESC around a frame disappears, while a GS (0x1D, GS1 FNC1) inside a frame is
kept. Frames left empty are dropped. A partial frame growing past :data:`MAX_FRAME_BYTES` is
dropped. When the data clearly ends in another line ending than the configured one (a scanner
sending LF while CR is set), ``stateChanged("connected", <hint>)`` says so once.

Unplugging: a ``SerialException``/``OSError`` while reading, or the device node vanishing while
idle, emits ``disconnected``, then ``reconnecting``, and the worker retries with exponential
backoff (0.2 s doubling to 5 s): first the same port path, then any port from ``comports()`` with
the same VID:PID (the one given, or the one the port had when it was first opened), preferring
the same serial number. On success it emits ``connected`` and scans flow again.

States: ``"connected"``, ``"disconnected"``, ``"reconnecting"``, ``"stopped"``; the message is a
sentence for the status bar. ``start()`` also hooks ``QCoreApplication.aboutToQuit`` to ``stop()``.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass

import serial
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from serial.tools.list_ports import comports

from assettrack_gui.core.settings import SERIAL_TERMINATORS
from assettrack_gui.core.text import strip_edges

__all__ = [
    "MAX_FRAME_BYTES",
    "TERMINATORS",
    "FrameSplitter",
    "PortInfo",
    "SerialReader",
    "clean_frame",
    "list_ports",
    "parse_vid_pid",
]

TERMINATORS = SERIAL_TERMINATORS  # defined once, with the setting that chooses one
MAX_FRAME_BYTES = 4096
READ_TIMEOUT_S = 0.1
BACKOFF_INITIAL_S = 0.2
BACKOFF_MAX_S = 5.0
# A connection that dies sooner than this does not reset the backoff, so a flapping port does not
# make the worker spin.
STABLE_AFTER_S = 2.0
# While idle, how often to check that the device node still exists (unplug on some platforms
# only shows up this way).
PRESENCE_CHECK_S = 1.0

_SEPARATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}
# Reader threads that outlived stop()'s timeout, kept referenced until they finish.
_STRAGGLERS: set[QThread] = set()


@dataclass(frozen=True)
class PortInfo:
    """One serial port as the settings dialog lists it; ``vid_pid`` is ``"0C2E:0B61"`` or ``""``."""

    device: str
    description: str
    vid_pid: str
    serial_number: str = ""


def list_ports() -> list[PortInfo]:
    """Serial ports present now, sorted by device name."""
    ports = []
    for p in comports():
        vid_pid = f"{p.vid:04X}:{p.pid:04X}" if p.vid is not None and p.pid is not None else ""
        description = p.description if p.description and p.description != "n/a" else p.device
        ports.append(PortInfo(p.device, description, vid_pid, p.serial_number or ""))
    return sorted(ports, key=lambda p: p.device)


def parse_vid_pid(text: str) -> tuple[int, int]:
    """``"0c2e:0B61"`` -> ``(0x0C2E, 0x0B61)``; ValueError for anything else."""
    vid, sep, pid = text.strip().partition(":")
    if not sep:
        raise ValueError(f"VID:PID must look like 0C2E:0B61, not {text!r}")
    try:
        return int(vid, 16), int(pid, 16)
    except ValueError:
        raise ValueError(f"VID:PID must look like 0C2E:0B61, not {text!r}") from None


def clean_frame(raw: bytes | bytearray) -> str:
    """Decode one frame and strip noise from both ends with the one edge rule every scan
    follows (``core.strip_edges``; see the module docstring)."""
    return strip_edges(raw.decode("utf-8", errors="replace"))


class FrameSplitter:
    """Reassemble frames from the byte chunks a serial port hands out."""

    def __init__(self, terminator: str = "CR") -> None:
        terminator = _normalise_terminator(terminator)
        self.terminator = terminator
        self._buffer = bytearray()
        self._warned = False

    def reset(self) -> None:
        """Drop the partial frame (the port dropped; its end will never come)."""
        self._buffer.clear()

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)

    def feed(self, data: bytes) -> list[str]:
        """Add bytes; return the cleaned, non-empty frames they completed."""
        self._buffer += data
        if self.terminator == "auto":
            chunks = self._buffer.replace(b"\n", b"\r").split(b"\r")
        else:
            chunks = self._buffer.split(_SEPARATORS[self.terminator])
        self._buffer = bytearray(chunks.pop())
        if len(self._buffer) > MAX_FRAME_BYTES:
            self._buffer.clear()
        return [frame for frame in map(clean_frame, chunks) if frame]

    def wrong_terminator_hint(self) -> str | None:
        """Once, a hint when the partial frame holds a line ending the setting does not split on."""
        if self._warned or self.terminator == "auto":
            return None
        pending = bytes(self._buffer)
        if self.terminator == "CRLF":
            pending = pending.removesuffix(b"\r")  # its LF may be in the next chunk
        seen = [name for name, byte in (("CR", b"\r"), ("LF", b"\n")) if byte in pending]
        if not seen:
            return None
        self._warned = True
        return (
            f"The scanner's data ends with {'+'.join(seen)}, but the terminator is set to "
            f"{self.terminator}: no scan will arrive until the terminator setting matches."
        )


def _normalise_terminator(terminator: str) -> str:
    for known in TERMINATORS:
        if terminator.strip().lower() == known.lower():
            return known
    raise ValueError(f"terminator must be one of {', '.join(TERMINATORS)}, not {terminator!r}")


class _Disconnected(Exception):
    """The port went away while idle (no exception from pyserial)."""


class _ReaderThread(QThread):
    """The blocking side: open, read, frame, reopen with backoff. Talks only through signals."""

    # Each carries the run's number so the reader ignores what a stopped run still had queued.
    frame = Signal(int, str)
    state = Signal(int, str, str)

    def __init__(
        self,
        run_id: int,
        port: str,
        baudrate: int,
        terminator: str,
        vid_pid: tuple[int, int] | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.run_id = run_id
        self.original_port = port
        self.current_port = port
        self._baudrate = baudrate
        self._splitter = FrameSplitter(terminator)
        self._vid_pid = vid_pid
        self._serial_number: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._serial: serial.SerialBase | None = None

    def request_stop(self) -> None:
        """Callable from any thread: end the loop and interrupt a blocked read."""
        self._stop.set()
        with self._lock:
            if self._serial is not None:
                # If cancelling fails the read still times out within READ_TIMEOUT_S.
                with contextlib.suppress(
                    AttributeError, NotImplementedError, OSError, serial.SerialException
                ):
                    self._serial.cancel_read()

    def run(self) -> None:
        backoff = BACKOFF_INITIAL_S
        lost_message: str | None = None
        while not self._stop.is_set():
            port, error = self._open()
            if port is None:
                if lost_message is None:
                    lost_message = f"Cannot open the scanner port {self.original_port}: {error}"
                    self.state.emit(self.run_id, "disconnected", lost_message)
                    self.state.emit(self.run_id, "reconnecting", self._waiting_message())
                self._stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
                continue
            lost_message = None
            opened_at = time.monotonic()
            self.state.emit(
                self.run_id,
                "connected",
                f"Serial scanner connected on {self.current_port}.",
            )
            try:
                self._pump(port)
            except (serial.SerialException, OSError, _Disconnected) as exc:
                if not self._stop.is_set():
                    lost_message = f"Serial scanner on {self.current_port} disconnected ({exc})."
                    self.state.emit(self.run_id, "disconnected", lost_message)
                    self.state.emit(self.run_id, "reconnecting", self._waiting_message())
            finally:
                self._close()
                self._splitter.reset()
            if time.monotonic() - opened_at >= STABLE_AFTER_S:
                backoff = BACKOFF_INITIAL_S
            if not self._stop.is_set():
                self._stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)

    def _waiting_message(self) -> str:
        also = ""
        if self._vid_pid is not None:
            also = " or any {:04X}:{:04X} device".format(*self._vid_pid)
        return f"Waiting for the scanner on {self.original_port}{also}; retrying automatically."

    def _candidates(self) -> list[str]:
        """The original path first, then ports with the same VID:PID (same serial number first)."""
        found = [self.original_port]
        if self._vid_pid is None:
            return found
        try:
            ports = comports()
        except OSError:
            return found
        same = [p for p in ports if (p.vid, p.pid) == self._vid_pid]
        same.sort(key=lambda p: p.serial_number != self._serial_number)
        found += [p.device for p in same if p.device != self.original_port]
        return found

    def _open(self) -> tuple[serial.SerialBase | None, str]:
        error = "not found"
        for path in self._candidates():
            if self._stop.is_set():
                return None, "stopped"
            try:
                port = serial.serial_for_url(path, baudrate=self._baudrate, timeout=READ_TIMEOUT_S)
            except (serial.SerialException, OSError, ValueError) as exc:
                error = str(exc)
                continue
            with self._lock:
                self._serial = port
            self.current_port = path
            self._remember_identity(path)
            return port, ""
        return None, error

    def _remember_identity(self, path: str) -> None:
        """Learn VID:PID and serial number of the port we opened, to find it again after unplug."""
        if self._vid_pid is not None and self._serial_number is not None:
            return
        try:
            ports = comports()
        except OSError:
            return
        real = os.path.realpath(path) if path.startswith("/") else path
        for p in ports:
            if p.device in (path, real) and p.vid is not None and p.pid is not None:
                if self._vid_pid is None:
                    self._vid_pid = (p.vid, p.pid)
                if (p.vid, p.pid) == self._vid_pid:
                    self._serial_number = p.serial_number
                return

    def _present(self, path: str) -> bool:
        if path.startswith("/"):
            return os.path.exists(path)
        if os.name == "nt":
            try:
                return any(p.device == path for p in comports())
            except OSError:
                return True
        return True  # a pyserial URL such as loop:// or socket://

    def _pump(self, port: serial.SerialBase) -> None:
        last_check = time.monotonic()
        while not self._stop.is_set():
            data = port.read(max(1, port.in_waiting))
            if self._stop.is_set():
                return
            if data:
                for frame in self._splitter.feed(data):
                    self.frame.emit(self.run_id, frame)
                hint = self._splitter.wrong_terminator_hint()
                if hint:
                    self.state.emit(self.run_id, "connected", hint)
                last_check = time.monotonic()
            elif time.monotonic() - last_check >= PRESENCE_CHECK_S:
                last_check = time.monotonic()
                if not self._present(self.current_port):
                    raise _Disconnected("the port is gone")

    def _close(self) -> None:
        with self._lock:
            port, self._serial = self._serial, None
            if port is not None:
                with contextlib.suppress(serial.SerialException, OSError):  # already gone
                    port.close()


class SerialReader(QObject):
    """A serial scanner: ``start()`` it, connect to its signals, ``stop()`` it before quitting.

    ``port`` is a device path (``/dev/ttyACM0``, ``COM3``) or a pyserial URL (``loop://``).
    ``vid_pid`` (``"0C2E:0B61"``) lets the reader find the scanner again under another name after
    it is replugged; without it the reader learns it from the port when it first opens.
    """

    scanReceived = Signal(str)
    stateChanged = Signal(str, str)

    def __init__(
        self,
        port: str,
        baudrate: int = 9600,
        terminator: str = "CR",
        vid_pid: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if not port:
            raise ValueError("no serial port given")
        self._port = port
        self._baudrate = int(baudrate)
        self._terminator = _normalise_terminator(terminator)
        self._vid_pid = parse_vid_pid(vid_pid) if vid_pid else None
        self._thread: _ReaderThread | None = None
        self._run_id = 0
        self._state = "stopped"

    @property
    def state(self) -> str:
        """The last state emitted: connected, disconnected, reconnecting or stopped."""
        return self._state

    @property
    def current_port(self) -> str:
        """The port path in use (it changes when the scanner came back under another name)."""
        return self._thread.current_port if self._thread is not None else self._port

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self) -> None:
        """Open the port and start delivering scans; a no-op if already running."""
        if self._thread is not None:
            return
        self._run_id += 1
        thread = _ReaderThread(
            self._run_id, self._port, self._baudrate, self._terminator, self._vid_pid
        )
        thread.frame.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        thread.state.connect(self._on_state, Qt.ConnectionType.QueuedConnection)
        self._thread = thread
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        thread.start()

    @Slot()
    def stop(self, timeout: float = 1.0) -> bool:
        """Stop reading and close the port; True when the thread ended within ``timeout`` s.

        Returns promptly even while a read is blocked (``cancel_read`` plus a short read
        timeout). After it returns no more scans or states are emitted except ``stopped``.
        """
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.disconnect(self.stop)
        thread.request_stop()
        finished = thread.wait(int(timeout * 1000))
        if not finished:
            # Destroying a running QThread aborts the process: keep it until it really ends.
            _STRAGGLERS.add(thread)
            thread.finished.connect(lambda: _STRAGGLERS.discard(thread))
        self._set_state("stopped", "Serial scanner stopped.")
        return finished

    def _current(self, run_id: int) -> bool:
        return self._thread is not None and self._thread.run_id == run_id

    @Slot(int, str)
    def _on_frame(self, run_id: int, text: str) -> None:
        if self._current(run_id):
            self.scanReceived.emit(text)

    @Slot(int, str, str)
    def _on_state(self, run_id: int, state: str, message: str) -> None:
        if self._current(run_id):
            self._set_state(state, message)

    def _set_state(self, state: str, message: str) -> None:
        self._state = state
        self.stateChanged.emit(state, message)
