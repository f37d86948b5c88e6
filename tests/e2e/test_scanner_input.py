"""Scanners end to end: the real ``assettrack`` under Xvfb, keys typed by xdotool, a serial pty.

``xdotool type --delay 8`` types like a keyboard-wedge scanner (a key every few ms, then the
scanner's Enter, typed as ``\\r``); ``--delay 150`` like a person. A pty pair passed with
``--serial`` plays a serial scanner. What landed in the batch is read from the pending-batch file
the app rewrites after every scan; what was committed, from the database. Fixtures (Xvfb,
``start_app``, ``xdo``, ``admin``, ``wait_for``) come from ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assettrack_gui.core.pending import PendingBatch, load_pending
from tests import serial_cables

pytestmark = pytest.mark.e2e

TAGS = [f"AT-{n:04d}" for n in range(1, 8)]
SETTLE_S = 0.25  # after each xdotool command, before the next one
SOCAT = serial_cables.SOCAT


@pytest.fixture
def db(tmp_path: Path, admin: Callable[..., Any]) -> Path:
    """Dana Reyes (B-1001), Lee Park (B-1002); CART-A holding AT-0001…AT-0007 in slots 1…7."""
    path = tmp_path / "scanners.db"
    admin(path, "init")
    rows = "".join(f"{tag},SN{i},ThinkPad T14,CART-A,{i}\n" for i, tag in enumerate(TAGS, 1))
    files = {
        "holders": "name,badge_code\nDana Reyes,B-1001\nLee Park,B-1002\n",
        "cases": "case_code,name,rows,cols\nCART-A,Laptop cart A,2,5\n",
        "assets": "asset_tag,serial,description,case_code,position\n" + rows,
    }
    for kind, text in files.items():
        csv = tmp_path / f"{kind}.csv"
        csv.write_text(text, encoding="utf-8")
        admin(path, "import", kind, str(csv))
    return path


@pytest.fixture
def serial_pty() -> Iterator[tuple[int, str]]:
    """(master fd the test writes scans to, slave path given to ``--serial``)."""
    with serial_cables.pty_pair() as pair:
        yield pair


def holders(db: Path) -> dict[str, str | None]:
    """asset tag -> badge of its holder (None while in storage)."""
    with contextlib.closing(sqlite3.connect(db)) as con:
        rows = con.execute(
            "SELECT a.asset_tag, h.badge_code FROM assets a "
            "LEFT JOIN holders h ON h.id = a.current_holder_id ORDER BY a.asset_tag"
        ).fetchall()
    return dict(rows)


def test_scans_land_in_one_batch_wherever_the_focus_is(
    start_app, xdo, admin, wait_for, db: Path, serial_pty: tuple[int, str]
) -> None:
    master, port = serial_pty
    start_app(db, "--serial", port)

    def key(*keys: str) -> None:
        xdo("key", *keys)
        time.sleep(SETTLE_S)

    def scanner(code: str) -> None:
        xdo("type", "--delay", "8", code + "\r")
        time.sleep(SETTLE_S)

    def person(text: str) -> None:
        xdo("type", "--delay", "150", text)
        time.sleep(SETTLE_S)

    def batch() -> PendingBatch:
        return load_pending(db) or PendingBatch()

    def wait_batch(tags: list[str]) -> None:
        wait_for(lambda: batch().stock_out == tags, what=f"batch {tags}, have {batch()}")

    # A serial scanner's badge chooses the custodian (the batch file shows it with the first
    # asset: a batch without scans is not kept).
    os.write(master, b"B-1001\r")
    time.sleep(0.5)

    # Focus on the custodian dropdown (searchable, so a text field): the scan is an asset, and
    # no stray text is left in the dropdown's search: the custodian is still chosen.
    key("ctrl+k")
    scanner("AT-0001")
    wait_batch(["AT-0001"])
    assert batch().custodian == "B-1001"

    # Focus on the preview table.
    key("Tab")
    scanner("AT-0002")
    wait_batch(TAGS[:2])

    # Focus on the Commit button (scan field -> tab bar -> Commit, backwards). The scanner's
    # Enter does not press it: had it opened the confirmation, the serial scan just after would
    # be held until that dialog closed.
    key("ctrl+l", "shift+Tab", "shift+Tab")
    scanner("AT-0003")
    wait_batch(TAGS[:3])
    os.write(master, b"AT-0004\r")
    wait_batch(TAGS[:4])

    # A person typing into the scan field: slow keys stay text, all of them, in order; only the
    # person's own Enter makes it a scan.
    key("ctrl+l")
    person("AT-0005")
    time.sleep(0.5)
    assert batch().stock_out == TAGS[:4]
    key("Return")
    wait_batch(TAGS[:5])

    # The confirmation is open: a scanner burst neither confirms it nor joins the batch being
    # confirmed; the person's Enter confirms.
    key("ctrl+Return")
    time.sleep(0.5)
    scanner("AT-0006")
    os.write(master, b"AT-0007\r")
    time.sleep(0.8)
    assert set(holders(db).values()) == {None}, "the scanner's Enter confirmed the dialog"
    key("Return")
    wait_for(
        lambda: [t for t, b in holders(db).items() if b == "B-1001"] == TAGS[:5],
        what="the first commit",
    )
    # The held scans arrive after the dialog closed, in order, in a new batch.
    wait_batch(["AT-0006", "AT-0007"])

    # The next custodian's badge from the keyboard scanner, then commit the rest.
    scanner("B-1002")
    wait_for(lambda: batch().custodian == "B-1002", what="custodian B-1002")
    key("ctrl+Return")
    time.sleep(0.5)
    key("Return")
    wait_for(lambda: holders(db)["AT-0007"] == "B-1002", what="the second commit")
    assert holders(db) == {tag: "B-1001" for tag in TAGS[:5]} | {
        "AT-0006": "B-1002",
        "AT-0007": "B-1002",
    }

    # Quitting with the serial reader running is clean and quick.
    process = start_app.process
    started = time.monotonic()
    key("ctrl+q")
    try:
        assert process.wait(10) == 0, start_app.output()
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    assert time.monotonic() - started < 3, "quitting waited for the serial reader"
    assert "Traceback" not in start_app.output()

    admin(db, "verify")
    with contextlib.closing(sqlite3.connect(db)) as con:
        stock_outs = con.execute(
            "SELECT COUNT(*) FROM events WHERE event_type = 'STOCK_OUT' "
            "GROUP BY batch_id ORDER BY MIN(id)"
        ).fetchall()
    assert stock_outs == [(5,), (2,)]


@pytest.mark.skipif(SOCAT is None, reason="socat is not installed (apt install socat)")
def test_serial_scanner_unplugged_and_plugged_back_while_the_app_runs(
    start_app, xdo, wait_for, db: Path, tmp_path: Path
) -> None:
    cable = serial_cables.Socat(tmp_path / "scanner-end", tmp_path / "ttyACM-scanner")
    cable.plug()
    try:
        start_app(db, "--serial", str(cable.host))

        def batch() -> list[str]:
            return (load_pending(db) or PendingBatch()).stock_out

        cable.send(b"B-1001\r")
        cable.send(b"AT-0001\r")
        wait_for(lambda: batch() == ["AT-0001"], what="the first serial scan")

        cable.unplug()
        time.sleep(1.0)
        # Unplugged: no crash, and the keyboard scanner still works meanwhile.
        xdo("type", "--delay", "8", "AT-0002\r")
        wait_for(lambda: batch() == ["AT-0001", "AT-0002"], what="a wedge scan while unplugged")

        cable.plug()
        # The reader retries with backoff (up to 5 s apart); a scan made before it reopened the
        # port is gone, as with a real scanner, so scan again until it arrives.
        deadline = time.monotonic() + 20
        while "AT-0003" not in batch():
            assert time.monotonic() < deadline, "the replugged scanner never delivered a scan"
            cable.send(b"AT-0003\r")
            with contextlib.suppress(AssertionError):
                wait_for(lambda: "AT-0003" in batch(), timeout=1.5, what="AT-0003")
        assert batch() == ["AT-0001", "AT-0002", "AT-0003"]
        assert start_app.process.poll() is None
    finally:
        cable.unplug()


def test_burst_while_the_restore_question_is_open_and_the_main_window_has_the_keyboard(
    db: Path,
    start_app: Any,
    xdo: Callable[..., str],
    wait_for: Callable[..., Any],
) -> None:
    """With no window manager, focusing the main window over the start-up question must not
    leave a dead keyboard: the question takes the keyboard back, the burst waits for it, and a
    person's Enter answers it."""
    from assettrack_gui.core.pending import save_pending

    save_pending(db, PendingBatch(stock_out=["AT-0001"], custodian="B-1001"))
    wid = start_app(db)
    question = wait_for(
        lambda: xdo("search", "--onlyvisible", "--name", "Restore batch", check=False).split(),
        what="the restore question",
    )[0]
    xdo("windowfocus", "--sync", wid)  # X focus on the main window, the question still open
    time.sleep(SETTLE_S)
    xdo("type", "--delay", "8", "AT-0002\r")
    time.sleep(SETTLE_S)
    assert xdo("getwindowfocus").strip() == question  # the question has the keyboard again
    assert (load_pending(db) or PendingBatch()).stock_out == ["AT-0001"]  # nothing slipped in
    xdo("key", "Return")  # a person answers: Restore
    wait_for(
        lambda: not xdo("search", "--onlyvisible", "--name", "Restore batch", check=False),
        what="the restore question to close",
    )
    wait_for(
        lambda: (load_pending(db) or PendingBatch()).stock_out == ["AT-0001", "AT-0002"],
        what="the held scan to join the restored batch",
    )
    assert (load_pending(db) or PendingBatch()).custodian == "B-1001"
    assert "Traceback" not in start_app.output()
