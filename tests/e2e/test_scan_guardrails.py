"""Issue 10 end to end: put-away keeps moving forward along a case, and a second badge mid-batch
asks before the batch changes hands (a scanner burst never answers the question).

The real ``assettrack`` under Xvfb, scans typed by xdotool like a keyboard-wedge scanner (8 ms a
key, then Enter). What is in the batch is read from the pending-batch file the app rewrites after
every scan; what was committed, from the database.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assettrack_gui.core.pending import load_pending

from .driving import await_window

pytestmark = pytest.mark.e2e

SETTLE_S = 0.25
TAKEN = [p for p in range(1, 21) if p not in (17, 19, 20)]
NEW = ["AT-NEW-0001", "AT-NEW-0002", "AT-NEW-0003"]


@pytest.fixture
def db(tmp_path: Path, admin: Callable[..., Any]) -> Path:
    """Dana Reyes (B-1001), Lee Park (B-1002); RACK-20 (2 × 10) with slots 17, 19 and 20 empty;
    three unslotted assets."""
    path = tmp_path / "guardrails.db"
    admin(path, "init")
    slotted = "".join(f"AT-RACK-{p:04d},SR{p},ThinkPad,RACK-20,{p}\n" for p in TAKEN)
    unslotted = "".join(f"{tag},SN{i},Spare,,\n" for i, tag in enumerate(NEW, 1))
    files = {
        "holders": "name,badge_code\nDana Reyes,B-1001\nLee Park,B-1002\n",
        "cases": "case_code,name,rows,cols\nRACK-20,Twenty-slot rack,2,10\n",
        "assets": "asset_tag,serial,description,case_code,position\n" + slotted + unslotted,
    }
    for kind, text in files.items():
        csv = tmp_path / f"{kind}.csv"
        csv.write_text(text, encoding="utf-8")
        admin(path, "import", kind, str(csv))
    return path


def slot_of(db: Path, tag: str) -> str | None:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        row = con.execute(
            "SELECT c.case_code || '/' || s.position FROM assets a "
            "JOIN slots s ON s.asset_id = a.id JOIN cases c ON c.id = s.case_id "
            "WHERE a.asset_tag = ?",
            (tag,),
        ).fetchone()
    return row[0] if row else None


@pytest.fixture
def scanner(xdo: Callable[..., str]) -> Callable[[str], None]:
    def scan(code: str) -> None:
        xdo("type", "--delay", "8", code + "\r")
        time.sleep(SETTLE_S)

    return scan


def test_put_away_goes_forward_then_wraps_to_the_lowest_empty_slot(
    db: Path, start_app: Any, xdo: Callable[..., str], wait_for: Callable[..., Any], scanner: Any
) -> None:
    start_app(db)
    xdo("key", "ctrl+3")
    time.sleep(SETTLE_S)
    scanner("RACK-20")
    scanner("RACK-20/19")  # the clerk starts at slot 19
    for tag in NEW:
        scanner(tag)
    batch = wait_for(
        lambda: (b := load_pending(db)) is not None and len(b.placements) == 3 and b,
        what="three placements in the batch",
    )
    assert [(scan, case, pos) for scan, case, pos in batch.placements] == [
        ("AT-NEW-0001", "RACK-20", 19),
        ("AT-NEW-0002", "RACK-20", 20),
        ("AT-NEW-0003", "RACK-20", 17),  # past the end: back to the lowest empty slot
    ]
    xdo("key", "ctrl+Return")
    await_window(xdo, wait_for, "Commit batch", "the confirmation dialog")
    xdo("key", "Return")
    wait_for(lambda: slot_of(db, "AT-NEW-0003") == "RACK-20/17", what="the put-away commit")
    assert [slot_of(db, t) for t in NEW] == ["RACK-20/19", "RACK-20/20", "RACK-20/17"]
    assert "Traceback" not in start_app.output()


@pytest.fixture
def badge_question(
    db: Path, start_app: Any, xdo: Callable[..., str], wait_for: Callable[..., Any], scanner: Any
) -> Callable[[], None]:
    """Dana's batch of two, then Lee's badge: the question is on screen, and a scanner burst
    typed into it has not answered it."""

    def open_question() -> None:
        start_app(db)
        xdo("key", "ctrl+1")
        time.sleep(SETTLE_S)
        scanner("B-1001")
        scanner("AT-RACK-0001")
        scanner("AT-RACK-0002")
        wait_for(
            lambda: (b := load_pending(db)) is not None and len(b.stock_out) == 2,
            what="Dana's two scans",
        )
        scanner("B-1002")
        wait_for(
            lambda: xdo("search", "--onlyvisible", "--name", "Another custodian", check=False),
            what="the question about the second badge",
        )
        scanner("AT-RACK-0003")  # a burst with its Enter: held, never an answer
        time.sleep(0.5)
        assert xdo("search", "--onlyvisible", "--name", "Another custodian", check=False)
        batch = load_pending(db)
        assert batch is not None and batch.custodian == "B-1001" and len(batch.stock_out) == 2

    return open_question


def test_second_badge_return_hands_the_batch_over(
    db: Path, badge_question: Callable[[], None], xdo: Callable[..., str], wait_for: Any
) -> None:
    badge_question()
    xdo("key", "Return")
    batch = wait_for(
        lambda: (b := load_pending(db)) is not None and len(b.stock_out) == 3 and b,
        what="the held scan to join the batch",
    )
    assert batch.custodian == "B-1002"
    assert batch.stock_out == ["AT-RACK-0001", "AT-RACK-0002", "AT-RACK-0003"]


def test_second_badge_escape_keeps_the_first_custodian(
    db: Path, badge_question: Callable[[], None], xdo: Callable[..., str], wait_for: Any
) -> None:
    badge_question()
    xdo("key", "Escape")
    batch = wait_for(
        lambda: (b := load_pending(db)) is not None and len(b.stock_out) == 3 and b,
        what="the held scan to join the batch",
    )
    assert batch.custodian == "B-1001"
    assert not xdo("search", "--onlyvisible", "--name", "Another custodian", check=False)
