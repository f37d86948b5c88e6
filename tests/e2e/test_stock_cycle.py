"""A whole stock-out / stock-in cycle in the real app, typed by xdotool like a wedge scanner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assettrack_gui.core.rules import default_operator

from .driving import await_window, commit_with_enter, custody, query, scan_like_a_scanner

pytestmark = pytest.mark.e2e

TAGS = ("AT-SMOKE-0001", "AT-SMOKE-0002", "AT-SMOKE-0003")


def test_stock_out_and_back_in_by_keyboard(
    seeded_db: Path,
    start_app: Any,
    xdo: Callable[..., str],
    admin: Callable[..., Any],
    wait_for: Callable[..., Any],
) -> None:
    db = seeded_db
    start_app(db)

    def scan(text: str) -> None:
        scan_like_a_scanner(xdo, text)

    def commit_and_confirm() -> None:
        commit_with_enter(xdo, wait_for)

    # Stock-Out: badge, then three assets, one scanned without its dashes
    xdo("key", "ctrl+1")
    scan("B-1001")
    scan("AT-SMOKE-0001")
    scan("ATSMOKE0002")
    scan("AT-SMOKE-0003")
    commit_and_confirm()
    wait_for(
        lambda: all(custody(db)[t] == ("IN_CUSTODY", "B-1001", None) for t in TAGS),
        what="the stock-out to reach the database",
    )

    # Stock-In: scan them back; each goes back to the slot it left
    xdo("key", "ctrl+2")
    for tag in TAGS:
        scan(tag)
    commit_and_confirm()
    wait_for(
        lambda: (
            [custody(db)[t] for t in TAGS] == [("STORAGE", None, f"CART-A/{i}") for i in (1, 2, 3)]
        ),
        what="the stock-in to reach the database",
    )

    verify = admin(db, "verify")
    assert verify.stdout.startswith("OK: ")
    assert custody(db)["AT-SMOKE-0004"] == ("STORAGE", None, "CART-A/4")
    out = query(db, "SELECT batch_id, operator FROM events WHERE event_type = 'STOCK_OUT'")
    back = query(db, "SELECT batch_id, operator FROM events WHERE event_type = 'STOCK_IN'")
    assert len(out) == 3 and len({b for b, _ in out}) == 1
    assert len(back) == 3 and len({b for b, _ in back}) == 1
    assert {op for _, op in out + back} == {default_operator()}
    assert query(
        db,
        "SELECT count(*) FROM events e JOIN holders h ON h.id = e.holder_id "
        "WHERE e.event_type IN ('STOCK_OUT', 'STOCK_IN') AND h.badge_code = 'B-1001'",
    ) == [(6,)]
    assert "Traceback" not in start_app.output()


def test_batch_survives_a_crash_and_is_offered_back(
    seeded_db: Path,
    start_app: Any,
    xdo: Callable[..., str],
    wait_for: Callable[..., Any],
) -> None:
    import os
    import signal

    from assettrack_gui.core.pending import load_pending

    db = seeded_db
    start_app(db)
    xdo("key", "ctrl+1")
    for text in ("B-1002", "AT-SMOKE-0003", "AT-SMOKE-0004"):
        scan_like_a_scanner(xdo, text)
    wait_for(
        lambda: (b := load_pending(db)) is not None and len(b.stock_out) == 2,
        what="the pending batch file",
    )
    os.kill(start_app.process.pid, signal.SIGKILL)  # no chance to save anything on the way out
    start_app.process.wait(10)

    wid = start_app(db)
    await_window(xdo, wait_for, "Restore batch", "the restore question")
    xdo("key", "Return")  # Restore
    # Once the question is gone the keyboard is back in the main window (no window manager).
    wait_for(
        lambda: xdo("getwindowfocus").strip() == wid,
        what="the keyboard focus back on the main window",
    )
    commit_with_enter(xdo, wait_for)
    wait_for(
        lambda: custody(db)["AT-SMOKE-0004"] == ("IN_CUSTODY", "B-1002", None),
        what="the restored batch to be committed",
    )
    assert custody(db)["AT-SMOKE-0003"] == ("IN_CUSTODY", "B-1002", None)
    wait_for(lambda: load_pending(db) is None, what="the pending file to go")


def test_keyboard_comes_back_after_a_reports_dialog(
    seeded_db: Path,
    start_app: Any,
    xdo: Callable[..., str],
    wait_for: Callable[..., Any],
) -> None:
    """A file dialog closed with Esc (no window manager) leaves the keyboard on the window."""
    db = seeded_db
    window = str(start_app(db))
    xdo("key", "ctrl+5")
    xdo("key", "ctrl+f")
    xdo("type", "--delay", "150", "CART")  # a person typing into the filter box
    xdo("key", "ctrl+e")  # export, even from a text field
    await_window(xdo, wait_for, "Export", "the export file dialog")
    xdo("key", "Escape")
    wait_for(
        lambda: not xdo("search", "--onlyvisible", "--name", "Export", check=False),
        what="the file dialog to close",
    )
    # Nothing clicks or focuses anything: the app itself gives its window the keyboard back.
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
