"""A reader on the far end of a FIFO, for tests that stream a CSV into one (core and CLI)."""

from __future__ import annotations

import threading
from pathlib import Path


def drain(fifo: Path, got: list[bytes], limit: int | None = None) -> threading.Thread:
    """Start reading ``fifo`` in a thread (all of it, or ``limit`` bytes and then close); what was
    read is appended to ``got``. Join the thread after the writer is done."""

    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read(limit) if limit else fh.read())

    thread = threading.Thread(target=read)
    thread.start()
    return thread
