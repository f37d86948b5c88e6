"""Virtual serial cables for the scanner tests: a pty pair, and a socat pair that can be unplugged.

Shared by tests/qt (the reader and the scanner hub) and tests/e2e (the real app).
"""

from __future__ import annotations

import contextlib
import os
import pty
import shutil
import subprocess
import time
import tty
from collections.abc import Iterator
from pathlib import Path

SOCAT = shutil.which("socat")


@contextlib.contextmanager
def pty_pair() -> Iterator[tuple[int, str]]:
    """(master fd the test writes scans to, raw slave path the reader opens)."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    name = os.ttyname(slave)
    os.close(slave)
    try:
        yield master, name
    finally:
        with contextlib.suppress(OSError):
            os.close(master)


class Socat:
    """A virtual cable: the scanner writes to ``scanner``, the reader opens ``host``.

    ``unplug()`` ends socat (both ptys vanish, as when a USB scanner is pulled); ``plug()`` makes
    them again under the same paths.
    """

    def __init__(self, scanner: Path, host: Path) -> None:
        self.scanner, self.host = scanner, host
        self.proc: subprocess.Popen[bytes] | None = None
        self.fd: int | None = None

    def plug(self) -> None:
        assert SOCAT is not None
        self.proc = subprocess.Popen(
            [SOCAT, f"pty,raw,echo=0,link={self.scanner}", f"pty,raw,echo=0,link={self.host}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while not (self.scanner.exists() and self.host.exists()):
            assert time.monotonic() < deadline, "socat did not create its ptys"
            time.sleep(0.02)
        self.fd = os.open(self.scanner, os.O_RDWR | os.O_NOCTTY)

    def send(self, data: bytes) -> None:
        assert self.fd is not None
        os.write(self.fd, data)

    def unplug(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=5)
            self.proc = None
