"""First run in the real app: an empty database, the demo stockroom opened from the welcome
panel by keyboard, one asset stocked out there by scanner-speed typing — and the real database
still empty."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assettrack_gui.core.first_run import stockroom_is_empty
from assettrack_gui.core.store import Store

from .driving import commit_with_enter, custody, query, scan_like_a_scanner

pytestmark = pytest.mark.e2e


def test_empty_database_opens_the_demo_and_stocks_out_one_asset(
    tmp_path: Path,
    start_app: Any,
    app_env: dict[str, str],
    xdo: Callable[..., str],
    admin: Callable[..., subprocess.CompletedProcess[str]],
    wait_for: Callable[..., Any],
    request: pytest.FixtureRequest,
) -> None:
    real = tmp_path / "real.db"
    demo = Path(app_env["XDG_DATA_HOME"]) / "AssetTrack" / "demo.db"
    start_app(real)  # a new, empty database: the welcome panel shows
    first = start_app.process
    assert not demo.exists()

    xdo("key", "alt+k")  # "Open a demo stoc&kroom"
    found = wait_for(
        lambda: xdo("search", "--onlyvisible", "--name", "DEMO stockroom", check=False).split(),
        timeout=30,
        what="the DEMO window",
    )
    demo_window = found[0]
    pid = int(xdo("getwindowpid", demo_window).strip())
    request.addfinalizer(lambda: _stop(pid))  # started detached: not the launcher's child
    assert pid != first.pid
    first.wait(15)  # the window on the real database closed itself
    title = xdo("getwindowname", demo_window).strip()
    assert title == "AssetTrack — DEMO stockroom (not your real data)"

    # an asset that sits in a slot of the demo, and a person to give it to
    tag = query(
        demo,
        "SELECT a.asset_tag FROM assets a JOIN slots s ON s.asset_id = a.id "
        "JOIN cases c ON c.id = s.case_id ORDER BY c.case_code, s.position LIMIT 1",
    )[0][0]
    assert custody(demo)[tag][0] == "STORAGE"
    # Ready: the log line is written once the scanners are listening (__main__'s
    # after_first_screen). The X server may give the new window the id the closed one had, so
    # "the focus is on that id" proves nothing: the keyboard is handed to it explicitly (no
    # window manager here does that).
    log = Path(app_env["XDG_STATE_HOME"]) / "AssetTrack" / "log" / "assettrack.log"
    wait_for(
        lambda: log.exists() and f"[{pid} assettrack_gui] assettrack started" in log.read_text(),
        timeout=30,
        what="the DEMO window's scanners",
    )
    xdo("windowfocus", "--sync", demo_window)

    xdo("key", "ctrl+1")
    scan_like_a_scanner(xdo, "B-1001")  # the custodian, by badge
    scan_like_a_scanner(xdo, tag)
    commit_with_enter(xdo, wait_for)
    wait_for(
        lambda: custody(demo)[tag] == ("IN_CUSTODY", "B-1001", None),
        what="the stock-out to reach the demo database",
    )
    shown = admin(demo, "show", tag).stdout
    assert "Dana Reyes (B-1001)" in shown
    assert admin(demo, "verify").stdout.startswith("OK: ")

    # the real database: created empty by the first window, and never written since
    with Store.open_read_only(real) as store:
        assert stockroom_is_empty(store)
    assert query(real, "SELECT count(*) FROM events") == [(0,)]
    output = (tmp_path / "app-0.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in output


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
