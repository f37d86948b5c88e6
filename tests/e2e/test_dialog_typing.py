"""A path typed fast into the Reports page's export file dialog is a file name, not a scan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .driving import await_window, commit_with_enter, custody, scan_like_a_scanner

pytestmark = pytest.mark.e2e


def test_a_path_typed_at_20_ms_into_the_export_dialog_saves_there(
    seeded_db: Path,
    start_app: Any,
    xdo: Callable[..., str],
    wait_for: Callable[..., Any],
    tmp_path: Path,
) -> None:
    db = seeded_db
    window = str(start_app(db))
    dest = tmp_path / "typed_by_xdotool-export.csv"
    xdo("key", "ctrl+5")
    xdo("key", "ctrl+f")
    xdo("type", "--delay", "150", "CART")
    xdo("key", "ctrl+e")
    await_window(xdo, wait_for, "Export", "the export file dialog")
    xdo("key", "ctrl+a")  # the suggested name is replaced by what is typed
    # 20 ms a key is inside the scanner threshold (35 ms): without the dialog rule the path and
    # its Enter were swallowed as a scan held for after the dialog.
    xdo("type", "--delay", "20", str(dest))
    xdo("key", "--delay", "20", "Return")
    wait_for(lambda: dest.exists() and dest.stat().st_size > 0, what="the CSV at the typed path")
    await_window(xdo, wait_for, "Export finished", "the export's closing message")
    xdo("key", "Return")  # a person's OK
    wait_for(
        lambda: not xdo("search", "--onlyvisible", "--name", "Export", check=False),
        what="the file dialog to close",
    )
    # No scan was made of the path: the keyboard is back and a real scan still is one.
    wait_for(
        lambda: xdo("getwindowfocus").strip() == window, what="the keyboard back on the window"
    )
    xdo("key", "ctrl+1")
    for text in ("B-1001", "AT-SMOKE-0001"):
        scan_like_a_scanner(xdo, text)
    commit_with_enter(xdo, wait_for)
    wait_for(
        lambda: custody(db)["AT-SMOKE-0001"] == ("IN_CUSTODY", "B-1001", None),
        what="the stock-out to reach the database",
    )
    assert "Traceback" not in start_app.output()
