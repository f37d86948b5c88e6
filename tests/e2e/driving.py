"""How the end-to-end tests drive the app and read its database: shared by every e2e module."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def query(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def custody(db: Path) -> dict[str, tuple[str, str | None, str | None]]:
    rows = query(
        db,
        "SELECT a.asset_tag, a.location_type, h.badge_code, c.case_code || '/' || s.position "
        "FROM assets a LEFT JOIN holders h ON h.id = a.current_holder_id "
        "LEFT JOIN slots s ON s.asset_id = a.id LEFT JOIN cases c ON c.id = s.case_id",
    )
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def scan_like_a_scanner(xdo: Callable[..., str], text: str) -> None:
    """A keyboard-wedge burst: 8 ms per character, then Enter, from one xdotool process (a
    second process for the Enter can start later than a scanner's Enter arrives)."""
    xdo("type", "--delay", "8", text + "\r")


def await_window(
    xdo: Callable[..., str],
    wait_for: Callable[..., Any],
    name: str,
    what: str = "",
    timeout: float = 15.0,
) -> str:
    """Wait for a visible window whose title contains ``name`` and then, up to 5 s, for the
    keyboard to be on it; return its id.

    The app hands the keyboard to each dialog it opens; a person sees the dialog first and then
    types. Typing the moment X maps the window would race the app's own focus change. If the
    keyboard never arrives the test goes on anyway (keys for a window a dialog blocks are
    re-addressed to the dialog by the app), and whatever it checks next fails if they were lost.
    """
    found = wait_for(
        lambda: xdo("search", "--onlyvisible", "--name", name, check=False).split(),
        timeout=timeout,
        what=what or f"the window {name!r}",
    )
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        if xdo("getwindowfocus", check=False).strip() in found:
            break
        time.sleep(0.05)
    return str(found[0])


def commit_with_enter(xdo: Callable[..., str], wait_for: Callable[..., Any]) -> None:
    """Ctrl+Return, then Return on the confirmation (its own window; Commit is the default)."""
    xdo("key", "ctrl+Return")
    await_window(xdo, wait_for, "Commit batch", "the confirmation dialog")
    xdo("key", "Return")
