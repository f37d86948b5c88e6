"""Damage a database file the way a bad disk or a stray write does: plain file writes, no SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def overwrite_root_page(path: Path, name: str, fill: bytes = b"\xff") -> None:
    """Overwrite the whole root page of table or index ``name`` (the file must be checkpointed:
    no ``-wal`` holding newer pages)."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = fill * page_size
    path.write_bytes(bytes(data))
