"""Serial scanner reader against real pseudo-terminals (pty pairs, and socat for replugging)."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assettrack_gui.qt import serial_reader
from assettrack_gui.qt.serial_reader import (
    MAX_FRAME_BYTES,
    FrameSplitter,
    PortInfo,
    SerialReader,
    clean_frame,
    list_ports,
    parse_vid_pid,
)
from tests import serial_cables

SOCAT = serial_cables.SOCAT
needs_socat = pytest.mark.skipif(SOCAT is None, reason="socat is not installed (apt install socat)")


# --- framing, no port -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terminator", "data", "frames", "pending"),
    [
        ("CR", b"AT-1\rAT-2\r", ["AT-1", "AT-2"], b""),
        ("LF", b"AT-1\nAT-2", ["AT-1"], b"AT-2"),
        ("CRLF", b"AT-1\r\nAT-2\r", ["AT-1"], b"AT-2\r"),
        ("CRLF", b"AT\r1\r\n", ["AT\r1"], b""),
        ("auto", b"AT-1\rAT-2\nAT-3\r\nAT-4", ["AT-1", "AT-2", "AT-3"], b"AT-4"),
        ("CR", b"\r\r \r\x00\r", [], b""),
    ],
)
def test_frame_splitter(terminator: str, data: bytes, frames: list[str], pending: bytes) -> None:
    splitter = FrameSplitter(terminator)
    assert splitter.feed(data) == frames
    assert splitter.pending == pending


def test_frame_split_anywhere_is_reassembled() -> None:
    data = "AT-0001\r\nCAJA-Ñ\r\n".encode()
    for cut in range(len(data) + 1):
        splitter = FrameSplitter("CRLF")
        assert splitter.feed(data[:cut]) + splitter.feed(data[cut:]) == ["AT-0001", "CAJA-Ñ"]


def test_clean_frame_strips_noise_at_the_ends_only() -> None:
    assert clean_frame(b"\x00\x1b \xff\xfeAT-0001\t\x00") == "AT-0001"
    assert clean_frame(b"01095011015300031\x1d10ABC") == "01095011015300031\x1d10ABC"
    assert clean_frame(b"AT-\xff1") == "AT-\ufffd1"
    assert clean_frame(b"\xef\xbb\xbfAT-1") == "AT-1"  # a BOM is format noise


def test_oversized_partial_frame_is_dropped() -> None:
    splitter = FrameSplitter("CR")
    assert splitter.feed(b"x" * (MAX_FRAME_BYTES + 1)) == []
    assert splitter.pending == b""
    assert splitter.feed(b"AT-1\r") == ["AT-1"]


def test_wrong_terminator_hint_once() -> None:
    splitter = FrameSplitter("CR")
    splitter.feed(b"AT-1\nAT-2\n")
    hint = splitter.wrong_terminator_hint()
    assert hint is not None and "LF" in hint and "CR" in hint
    assert splitter.wrong_terminator_hint() is None
    crlf = FrameSplitter("CRLF")
    crlf.feed(b"AT-1\r")  # its LF may still come
    assert crlf.wrong_terminator_hint() is None


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        FrameSplitter("NUL")
    with pytest.raises(ValueError):
        SerialReader("/dev/null", terminator="ETX")
    with pytest.raises(ValueError):
        SerialReader("/dev/null", vid_pid="0c2e")
    with pytest.raises(ValueError):
        SerialReader("")
    assert parse_vid_pid("0c2e:0B61") == (0x0C2E, 0x0B61)


@dataclass
class FakePort:
    device: str
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    description: str = "n/a"


def test_list_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        serial_reader,
        "comports",
        lambda: [
            FakePort("/dev/ttyS0"),
            FakePort("/dev/ttyACM0", 0x0C2E, 0x0B61, "S123", "Honeywell 1900"),
        ],
    )
    assert list_ports() == [
        PortInfo("/dev/ttyACM0", "Honeywell 1900", "0C2E:0B61", "S123"),
        PortInfo("/dev/ttyS0", "/dev/ttyS0", "", ""),
    ]


# --- real ports -----------------------------------------------------------------------------


class Recorder:
    def __init__(self, reader: SerialReader) -> None:
        self.scans: list[str] = []
        self.states: list[tuple[str, str]] = []
        self.threads: set[int] = set()
        reader.scanReceived.connect(self._scan)
        reader.stateChanged.connect(lambda s, m: self.states.append((s, m)))

    def _scan(self, text: str) -> None:
        self.threads.add(threading.get_ident())
        self.scans.append(text)

    def names(self) -> list[str]:
        return [s for s, _ in self.states]

    def wait_for(self, qtbot, state: str, since: int = 0, timeout: int = 8000) -> str:  # type: ignore[no-untyped-def]
        """Wait for ``state`` among the states emitted after the first ``since``; its message.

        Plain waitUntil rather than qtbot.waitSignal: the latter's disconnect() drops a
        reference to True on PySide6 6.12.0 / Python 3.11 (see serial_reader._keep_bool).
        """
        qtbot.waitUntil(lambda: state in self.names()[since:], timeout=timeout)
        return next(m for s, m in self.states[since:] if s == state)


@pytest.fixture
def make_reader() -> Iterator[Callable[..., tuple[SerialReader, Recorder]]]:
    readers: list[SerialReader] = []

    def make(port: str, **kwargs: object) -> tuple[SerialReader, Recorder]:
        reader = SerialReader(port, **kwargs)  # type: ignore[arg-type]
        readers.append(reader)
        return reader, Recorder(reader)

    yield make
    for reader in readers:
        assert reader.stop()


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, str]]:
    with serial_cables.pty_pair() as pair:
        yield pair


def start_connected(qtbot, reader: SerialReader, rec: Recorder) -> None:  # type: ignore[no-untyped-def]
    since = len(rec.states)
    reader.start()
    rec.wait_for(qtbot, "connected", since)


def write_slowly(fd: int, *chunks: bytes, pause: float = 0.05) -> None:
    for chunk in chunks:
        os.write(fd, chunk)
        time.sleep(pause)


@pytest.mark.parametrize(
    ("terminator", "eol"),
    [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n"), ("auto", b"\r\n"), ("auto", b"\n")],
)
def test_each_terminator_delivers_scans_in_the_gui_thread(
    qtbot, pty_pair, make_reader, terminator: str, eol: bytes
) -> None:
    master, name = pty_pair
    reader, rec = make_reader(name, terminator=terminator)
    start_connected(qtbot, reader, rec)
    assert reader.state == "connected"
    os.write(master, b"AT-0001" + eol + b"AT-0002" + eol)
    qtbot.waitUntil(lambda: rec.scans == ["AT-0001", "AT-0002"], timeout=3000)
    assert rec.threads == {threading.get_ident()}


def test_split_writes_are_reassembled(qtbot, pty_pair, make_reader) -> None:
    master, name = pty_pair
    reader, rec = make_reader(name, terminator="CRLF")
    start_connected(qtbot, reader, rec)
    write_slowly(master, b"AT", b"-00", b"01\r", b"\nCAJA-\xc3", b"\x91", b"\r", b"\n")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0001", "CAJA-Ñ"], timeout=3000)


def test_garbage_around_frames_is_stripped(qtbot, pty_pair, make_reader) -> None:
    master, name = pty_pair
    reader, rec = make_reader(name, terminator="CR")
    start_connected(qtbot, reader, rec)
    os.write(master, b"\x00\x1bAT-0001\r\xff\xfe\r\x00\xffAT-0002\x1b\x00\rAT-\xff3\r")
    qtbot.waitUntil(lambda: len(rec.scans) == 3, timeout=3000)
    assert rec.scans == ["AT-0001", "AT-0002", "AT-\ufffd3"]


def test_frame_without_terminator_is_never_delivered(qtbot, pty_pair, make_reader) -> None:
    master, name = pty_pair
    reader, rec = make_reader(name, terminator="CR")
    start_connected(qtbot, reader, rec)
    os.write(master, b"AT-0001\rAT-0002")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0001"], timeout=3000)
    qtbot.wait(400)
    started = time.monotonic()
    assert reader.stop()
    assert time.monotonic() - started < 1.0
    qtbot.wait(100)
    assert rec.scans == ["AT-0001"]
    assert rec.states[-1][0] == "stopped"


def test_wrong_terminator_setting_is_reported(qtbot, pty_pair, make_reader) -> None:
    master, name = pty_pair
    reader, rec = make_reader(name, terminator="CR")
    start_connected(qtbot, reader, rec)
    os.write(master, b"AT-0001\n")
    qtbot.waitUntil(lambda: len(rec.states) == 2, timeout=3000)
    state, message = rec.states[1]
    assert state == "connected" and "LF" in message
    assert rec.scans == []


def test_stop_while_a_read_is_blocked_returns_at_once(qtbot, pty_pair, make_reader) -> None:
    _master, name = pty_pair
    reader, rec = make_reader(name)
    start_connected(qtbot, reader, rec)
    qtbot.wait(300)  # the worker is now inside a read with nothing to read
    started = time.monotonic()
    assert reader.stop()
    assert time.monotonic() - started < 1.0
    assert not reader.is_running()
    assert reader.state == "stopped"
    assert rec.names() == ["connected", "stopped"]
    assert reader.stop()  # twice is harmless


def test_restart_after_stop(qtbot, pty_pair, make_reader) -> None:
    master, name = pty_pair
    reader, rec = make_reader(name)
    start_connected(qtbot, reader, rec)
    assert reader.stop()
    start_connected(qtbot, reader, rec)
    os.write(master, b"AT-0001\r")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0001"], timeout=3000)
    assert rec.names() == ["connected", "stopped", "connected"]


def test_unplug_emits_disconnected(qtbot, pty_pair, make_reader) -> None:
    master, name = pty_pair
    reader, rec = make_reader(name)
    start_connected(qtbot, reader, rec)
    os.write(master, b"AT-0001\rAT-00")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0001"], timeout=3000)
    os.close(master)
    assert name in rec.wait_for(qtbot, "disconnected", timeout=3000)
    qtbot.waitUntil(lambda: reader.state == "reconnecting", timeout=3000)
    assert rec.scans == ["AT-0001"]  # the partial "AT-00" died with the port


# --- replugging with socat -------------------------------------------------------------------


Socat = serial_cables.Socat


@pytest.fixture
def cable(tmp_path: Path) -> Iterator[Callable[[str], Socat]]:
    cables: list[Socat] = []

    def make(host_name: str = "host") -> Socat:
        c = Socat(tmp_path / "scanner", tmp_path / host_name)
        cables.append(c)
        return c

    yield make
    for c in cables:
        c.unplug()


@needs_socat
def test_replug_on_the_same_path_reconnects_and_scans_resume(qtbot, cable, make_reader) -> None:
    c = cable("host")
    c.plug()
    reader, rec = make_reader(str(c.host))
    start_connected(qtbot, reader, rec)
    c.send(b"AT-0001\r")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0001"], timeout=3000)

    c.unplug()
    rec.wait_for(qtbot, "disconnected")
    c.plug()
    rec.wait_for(qtbot, "connected", since=1)
    c.send(b"AT-0002\r")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0001", "AT-0002"], timeout=3000)
    assert rec.names() == ["connected", "disconnected", "reconnecting", "connected"]


@needs_socat
def test_replug_under_another_name_is_found_by_vid_pid(
    qtbot, cable, make_reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cable("ttyACM0")
    first.plug()
    reader, rec = make_reader(str(first.host), vid_pid="0C2E:0B61")
    start_connected(qtbot, reader, rec)
    first.unplug()
    rec.wait_for(qtbot, "disconnected")

    second = cable("ttyACM1")
    monkeypatch.setattr(
        serial_reader,
        "comports",
        lambda: [
            FakePort("/dev/ttyUSB9", 0x1234, 0x5678),
            FakePort(str(second.host), 0x0C2E, 0x0B61, "S1"),
        ],
    )
    second.plug()
    assert str(second.host) in rec.wait_for(qtbot, "connected", since=1)
    assert reader.current_port == str(second.host)
    second.send(b"AT-0003\r")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0003"], timeout=3000)


@needs_socat
def test_a_port_missing_at_start_is_waited_for(qtbot, cable, make_reader) -> None:
    c = cable("host")
    reader, rec = make_reader(str(c.host))
    reader.start()
    assert str(c.host) in rec.wait_for(qtbot, "disconnected")
    c.plug()
    rec.wait_for(qtbot, "connected")
    c.send(b"AT-0004\r")
    qtbot.waitUntil(lambda: rec.scans == ["AT-0004"], timeout=3000)


def test_a_long_session_of_scans_keeps_the_interpreter_alive(qtbot, pty_pair, make_reader) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to True per emit; 1,000 scans would
    abort the process ("bool_dealloc") if the reader did not give them back."""
    master, name = pty_pair
    reader, rec = make_reader(name)
    start_connected(qtbot, reader, rec)
    before = sys.getrefcount(True)
    for i in range(10):
        os.write(master, b"".join(b"AT-%04d\r" % (i * 100 + n) for n in range(100)))
        qtbot.waitUntil(lambda i=i: len(rec.scans) == (i + 1) * 100, timeout=5000)
    assert rec.scans == [f"AT-{n:04d}" for n in range(1000)]
    assert sys.getrefcount(True) > before - 100
