"""Every custody transition and every hard stop, checked the way an auditor would.

A successful commit must change exactly the rows it names and log one event per line under one
batch id; a refused batch must leave the database byte-for-byte unchanged (``iterdump`` before and
after) and hand back every line's verdict. The seeded stockroom is described in ``conftest.py``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import (
    CorruptDatabase,
    DatabaseBusy,
    DiskFull,
    ReadOnlyDatabase,
    Refused,
    StoreError,
    UserError,
)
from assettrack_gui.core.model import (
    Code,
    CommitResult,
    NewAsset,
    NewCase,
    NewHolder,
    Placement,
    Preview,
)
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify

from .conftest import (
    asset_id,
    before_near_duplicate_rule,
    dump,
    events,
    holder_id,
    slot_id,
    where,
)

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

pytestmark = pytest.mark.both_backends


def assert_refused(engine: Engine, commit: Callable[[], CommitResult], *expected: str) -> Preview:
    """Commit must raise Refused, name every expected reason, and change nothing at all."""
    before = dump(engine.store.conn)
    with pytest.raises(Refused) as info:
        commit()
    assert dump(engine.store.conn) == before
    assert not engine.store.conn.in_transaction
    preview = info.value.result
    assert isinstance(preview, Preview) and not preview.ok
    assert info.value.reasons == preview.reasons()
    text = "\n".join(info.value.reasons)
    for reason in expected:
        assert reason in text, f"{reason!r} not in {text!r}"
    return preview


def assert_batch(engine: Engine, result: CommitResult, event_type: str) -> list[sqlite3.Row]:
    """The batch's events: one per line, all of the type, one batch id, time and operator."""
    rows = events(engine.store.conn, result.batch_id)
    assert len(rows) == result.count == len(result.preview.lines)
    assert {r["event_type"] for r in rows} == {event_type}
    assert {r["operator"] for r in rows} == {engine.operator}
    (created_at,) = {r["created_at"] for r in rows}
    assert ISO_UTC.match(created_at), created_at
    stamp = datetime.fromisoformat(created_at)
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
    assert re.match(r"^\d{8}-\d{6}-[0-9a-f]{6}$", result.batch_id)
    return rows


# -- Register -----------------------------------------------------------------------------------


def test_register_unslotted_and_straight_into_a_slot(engine: Engine) -> None:
    items = [
        NewAsset("AT-NEW-1", "S1", "Dock"),
        NewAsset("AT-NEW-2", "S2", "Headset", "SHELF-B", 2),
        NewAsset("AT-NEW-3", "", "", "SHELFB", "3"),  # dashless case code, text position
    ]
    preview = engine.preview_register(items)
    assert preview.ok and [line.to for line in preview.lines] == [
        "storage (no slot)",
        "SHELF-B/2",
        "SHELF-B/3",
    ]
    result = engine.commit_register(items)
    rows = assert_batch(engine, result, "RECEIVE")
    conn = engine.store.conn
    assert where(conn, "AT-NEW-1") == ("STORAGE", None, None)
    assert where(conn, "AT-NEW-2") == ("STORAGE", None, "SHELF-B/2")
    assert where(conn, "AT-NEW-3") == ("STORAGE", None, "SHELF-B/3")
    assert [(r["asset_id"], r["slot_id"], r["holder_id"]) for r in rows] == [
        (asset_id(conn, "AT-NEW-1"), None, None),
        (asset_id(conn, "AT-NEW-2"), slot_id(conn, "SHELF-B", 2), None),
        (asset_id(conn, "AT-NEW-3"), slot_id(conn, "SHELF-B", 3), None),
    ]
    assert rows[1]["details"] == '{"asset_tag":"AT-NEW-2","description":"Headset","serial":"S2"}'
    assert conn.execute(
        "SELECT serial, description FROM assets WHERE asset_tag = 'AT-NEW-1'"
    ).fetchone() == ("S1", "Dock")
    assert verify(engine.store).ok


@pytest.mark.parametrize(
    ("items", "reasons"),
    [
        ([NewAsset("AT-SMOKE-0001")], ["asset tag AT-SMOKE-0001 already exists"]),
        (
            [NewAsset("AT-X"), NewAsset("AT-X")],
            ["AT-X: asset tag AT-X appears twice (also scan 2)"],
        ),
        ([NewAsset("B-1001")], ["asset tag B-1001 is already used as a badge code"]),
        ([NewAsset("CART-A")], ["asset tag CART-A is already used as a case code"]),
        ([NewAsset("")], ["scan 2: asset tag is empty"]),
        ([NewAsset(" AT-X")], ["has leading/trailing spaces"]),
        ([NewAsset("AT-X\r")], ["AT-X<CR>"]),
        ([NewAsset("]C1AT-X")], ["scanner prefix"]),
        ([NewAsset("---")], ["has nothing but dashes"]),
        ([NewAsset("A" * 201)], ["longer than 200 characters"]),
        ([NewAsset("AT-X", case_code="CART-A")], ["give both case_code and position"]),
        ([NewAsset("AT-X", position=3)], ["give both case_code and position"]),
        (
            [NewAsset("AT-X", case_code="CART-A", position=1)],
            ["slot CART-A/1 is taken by AT-SMOKE-0001"],
        ),
        ([NewAsset("AT-X", case_code="CART-Z", position=1)], ["slot unknown: no case 'CART-Z'"]),
        ([NewAsset("AT-X", case_code="CART-A", position=11)], ["positions 1–10, not 11"]),
        ([NewAsset("AT-X", case_code="CART-A", position="x")], ["positions 1–10, not 'x'"]),
        (
            [
                NewAsset("AT-X", case_code="CART-A", position=9),
                NewAsset("AT-Y", "", "", "CART-A", 9),
            ],
            ["AT-Y: slot CART-A/9 is already used by scan 2"],
        ),
    ],
)
def test_register_hard_stops(engine: Engine, items: list[NewAsset], reasons: list[str]) -> None:
    assert_refused(engine, lambda: engine.commit_register([NewAsset("AT-GOOD"), *items]), *reasons)


# -- Put-away and Move -------------------------------------------------------------------------------


def test_put_away_fills_an_empty_slot_and_logs_slot_assign(engine: Engine) -> None:
    result = engine.commit_put_away([Placement("ATSMOKE0005", "CART-A", 10)])
    (row,) = assert_batch(engine, result, "SLOT_ASSIGN")
    conn = engine.store.conn
    assert where(conn, "AT-SMOKE-0005") == ("STORAGE", None, "CART-A/10")
    assert (row["asset_id"], row["slot_id"], row["holder_id"]) == (
        asset_id(conn, "AT-SMOKE-0005"),
        slot_id(conn, "CART-A", 10),
        None,
    )
    assert verify(engine.store).ok


def test_move_vacates_the_old_slot_and_logs_where_from(engine: Engine) -> None:
    conn = engine.store.conn
    old = slot_id(conn, "CART-A", 1)
    result = engine.commit_move(
        [Placement("AT-SMOKE-0001", "SHELF-B", 3), Placement("ZX-9000", "CART-A", 7)]
    )
    rows = assert_batch(engine, result, "SLOT_MOVE")
    assert where(conn, "AT-SMOKE-0001") == ("STORAGE", None, "SHELF-B/3")
    assert where(conn, "ZX9000") == ("STORAGE", None, "CART-A/7")
    assert conn.execute("SELECT asset_id FROM slots WHERE id = ?", (old,)).fetchone() == (None,)
    assert rows[0]["slot_id"] == slot_id(conn, "SHELF-B", 3)
    assert rows[0]["details"] == f'{{"from_slot_id":{old}}}'
    assert rows[1]["details"] == f'{{"from_slot_id":{slot_id(conn, "SHELF-B", 1)}}}'
    assert verify(engine.store).ok


@pytest.mark.parametrize(
    ("items", "reasons"),
    [
        ([Placement("AT-SMOKE-0005", "CART-A", 1)], ["slot CART-A/1 is taken by AT-SMOKE-0001"]),
        ([Placement("AT-SMOKE-0005", "CART-Q", 1)], ["slot unknown: no case 'CART-Q'"]),
        (
            [Placement("AT-SMOKE-0005", "CART-A", 0)],
            ["slot unknown: case CART-A has positions 1–10"],
        ),
        ([Placement("AT-SMOKE-0005", "", 1)], ["choose a case"]),
        ([Placement("AT-SMOKE-0002", "CART-A", 9)], ["already in slot CART-A/2 — use Move"]),
        ([Placement("AT-SMOKE-0006", "CART-A", 9)], ["in custody of Dana Reyes (B-1001)"]),
        ([Placement("AT-NOPE", "CART-A", 9)], ["AT-NOPE: no asset, badge or case AT-NOPE"]),
        ([Placement("B-1001", "CART-A", 9)], ["this is the badge of Dana Reyes"]),
        (
            [Placement("AT-SMOKE-0005", "CART-A", 9), Placement("ATSMOKE0005", "CART-A", 8)],
            ["ATSMOKE0005: scanned twice (same asset as scan 1)"],
        ),
    ],
)
def test_put_away_hard_stops(engine: Engine, items: list[Placement], reasons: list[str]) -> None:
    assert_refused(engine, lambda: engine.commit_put_away(items), *reasons)


def test_two_put_aways_into_one_slot_are_refused(engine: Engine) -> None:
    engine.commit_register([NewAsset("AT-LOOSE")])
    preview = assert_refused(
        engine,
        lambda: engine.commit_put_away(
            [Placement("AT-SMOKE-0005", "SHELF-B", 2), Placement("AT-LOOSE", "SHELF-B", 2)]
        ),
        "AT-LOOSE: slot SHELF-B/2 is already used by scan 1",
    )
    assert preview.lines[0].ok  # the first line alone was fine: the batch is refused as a whole


@pytest.mark.parametrize(
    ("items", "reasons"),
    [
        ([Placement("AT-SMOKE-0005", "CART-A", 9)], ["not in a slot — use Put-away"]),
        ([Placement("AT-SMOKE-0001", "CART-A", 2)], ["slot CART-A/2 is taken by AT-SMOKE-0002"]),
        ([Placement("AT-SMOKE-0001", "CART-A", 1)], ["AT-SMOKE-0001 is already in CART-A/1"]),
        ([Placement("AT-SMOKE-0007", "CART-A", 9)], ["in custody of Lee Park (B-1002)"]),
        (
            # A swap needs a free slot in between: the second line's target is still taken.
            [Placement("AT-SMOKE-0001", "CART-A", 9), Placement("AT-SMOKE-0002", "CART-A", 1)],
            ["slot CART-A/1 is taken by AT-SMOKE-0001"],
        ),
    ],
)
def test_move_hard_stops(engine: Engine, items: list[Placement], reasons: list[str]) -> None:
    assert_refused(engine, lambda: engine.commit_move(items), *reasons)


# -- Stock-Out -------------------------------------------------------------------------------------------


def test_stock_out_hands_assets_to_the_holder_and_vacates_their_slots(engine: Engine) -> None:
    conn = engine.store.conn
    slots = [slot_id(conn, "CART-A", 1), slot_id(conn, "SHELF-B", 1)]
    preview = engine.preview_stock_out(["AT-SMOKE-0001", "ZX-9000"], "Lee Park")
    assert preview.ok and [line.now for line in preview.lines] == ["CART-A/1", "SHELF-B/1"]
    assert [line.to for line in preview.lines] == ["Lee Park (B-1002)"] * 2
    result = engine.commit_stock_out(["AT-SMOKE-0001", "ZX-9000"], "Lee Park")
    rows = assert_batch(engine, result, "STOCK_OUT")
    lee = holder_id(conn, "B-1002")
    assert where(conn, "AT-SMOKE-0001") == ("IN_CUSTODY", "B-1002", None)
    assert where(conn, "ZX9000") == ("IN_CUSTODY", "B-1002", None)
    assert [(r["asset_id"], r["holder_id"], r["slot_id"]) for r in rows] == [
        (asset_id(conn, "AT-SMOKE-0001"), lee, slots[0]),
        (asset_id(conn, "ZX9000"), lee, slots[1]),
    ]
    assert conn.execute(
        f"SELECT count(*) FROM slots WHERE asset_id IS NULL AND id IN ({slots[0]}, {slots[1]})"
    ).fetchone() == (2,)
    assert verify(engine.store).ok


def test_stock_out_accepts_the_holder_by_badge_without_dashes_or_by_id(engine: Engine) -> None:
    a = engine.commit_stock_out(["AT-SMOKE-0001"], "B1001")
    b = engine.commit_stock_out(["AT-SMOKE-0002"], holder_id(engine.store.conn, "B-1001"))
    assert a.preview.holder == b.preview.holder
    assert where(engine.store.conn, "AT-SMOKE-0002") == ("IN_CUSTODY", "B-1001", None)


@pytest.mark.parametrize(
    ("scans", "holder", "reasons"),
    [
        (["AT-NOPE"], "B-1001", ["AT-NOPE: no asset, badge or case AT-NOPE"]),
        (
            ["AT-SMOKE-0006"],
            "B-1002",
            ["AT-SMOKE-0006: in custody of Dana Reyes (B-1001) — return it first"],
        ),
        (["AT-SMOKE-0006"], "B-1001", ["AT-SMOKE-0006: already held by Dana Reyes (B-1001)"]),
        (
            ["AT-SMOKE-0005"],
            "B-1001",
            ["AT-SMOKE-0005: not in a slot — put it away before stock-out"],
        ),
        (
            ["AT-SMOKE-0001", "ATSMOKE0001"],
            "B-1001",
            ["ATSMOKE0001: scanned twice (same asset as scan 2)"],
        ),
        (["AT-SMOKE-0001", "AT-SMOKE-0001"], "B-1001", ["AT-SMOKE-0001: scanned twice"]),
        (["AT-SMOKE-0001"], "B-7777", ["no holder with badge or name 'B-7777'"]),
        (["AT-SMOKE-0001"], 999, ["no holder with badge or name 999"]),
        (
            ["AT-SMOKE-0001"],
            "B-0999",
            ["Old Timer (B-0999) is deactivated and cannot receive custody"],
        ),
        (["AT-SMOKE-0001"], None, ["choose a custodian first"]),
        (["AT-SMOKE-0001"], "", ["choose a custodian first"]),
        ([], "B-1001", ["nothing to commit: the batch is empty"]),
        (["", "AT-SMOKE-0001"], "B-1001", ["scan 2: empty scan"]),
        (["CART-A"], "B-1001", ["this is case CART-A, not an asset"]),
    ],
)
def test_stock_out_hard_stops(
    engine: Engine, scans: list[str], holder: str | int | None, reasons: list[str]
) -> None:
    # A good line rides along: one bad line refuses the whole batch.
    good = ["AT-SMOKE-0003"] if scans else []
    preview = assert_refused(
        engine, lambda: engine.commit_stock_out([*good, *scans], holder), *reasons
    )
    assert len(preview.lines) == len(good) + len(scans)


def test_a_refused_stock_out_reports_every_line_not_just_the_first(engine: Engine) -> None:
    preview = assert_refused(
        engine,
        lambda: engine.commit_stock_out(
            ["AT-SMOKE-0001", "AT-NOPE", "AT-SMOKE-0005", "AT-SMOKE-0007", "AT-SMOKE-0002"],
            "B-1001",
        ),
    )
    assert [line.ok for line in preview.lines] == [True, False, False, False, True]
    assert len(preview.reasons()) == 3


def test_a_holder_with_two_names_is_refused_by_name_but_works_by_badge(engine: Engine) -> None:
    engine.add_holders([NewHolder("Lee Park", "B-2002")])
    assert_refused(
        engine,
        lambda: engine.commit_stock_out(["AT-SMOKE-0001"], "Lee Park"),
        "more than one holder is named 'Lee Park' (badges B-1002, B-2002); use the badge",
    )
    assert engine.commit_stock_out(["AT-SMOKE-0001"], "B-2002").count == 1


def test_scanned_badge_with_scanner_prefix_selects_the_holder(engine: Engine) -> None:
    engine.settings_owner.update(Settings(prefix="*"))
    result = engine.commit_stock_out(["*AT-SMOKE-0001\r"], "*B-1002\r")
    assert result.preview.holder is not None and result.preview.holder.badge_code == "B-1002"
    result = engine.commit_stock_out(["]C1AT-SMOKE-0002"], "]C1B1001")
    assert where(engine.store.conn, "AT-SMOKE-0002") == ("IN_CUSTODY", "B-1001", None)


def test_scanned_case_codes_are_normalised_like_any_scan(engine: Engine) -> None:
    engine.settings_owner.update(Settings(prefix="*"))
    engine.commit_put_away([Placement("*AT-SMOKE-0005\r", "*SHELF-B\r", 2)])
    assert where(engine.store.conn, "AT-SMOKE-0005") == ("STORAGE", None, "SHELF-B/2")
    engine.commit_move([Placement("]C1AT-SMOKE-0001", "]C1CARTA", 5)])  # AT-SMOKE-0006's slot
    result = engine.commit_stock_in(["AT-SMOKE-0006"], "]Q1SHELF-B\n")
    assert result.preview.return_case is not None
    assert result.preview.return_case.case_code == "SHELF-B"
    assert where(engine.store.conn, "AT-SMOKE-0006") == ("STORAGE", None, "SHELF-B/3")


# -- Stock-In ------------------------------------------------------------------------------------------------


def test_stock_in_returns_to_the_slot_it_last_left(engine: Engine) -> None:
    conn = engine.store.conn
    preview = engine.preview_stock_in(["ATSMOKE0006", "AT-SMOKE-0007"])
    assert preview.ok and [line.to for line in preview.lines] == ["CART-A/5", "CART-A/6"]
    result = engine.commit_stock_in(["ATSMOKE0006", "AT-SMOKE-0007"])
    rows = assert_batch(engine, result, "STOCK_IN")
    assert where(conn, "AT-SMOKE-0006") == ("STORAGE", None, "CART-A/5")
    assert where(conn, "AT-SMOKE-0007") == ("STORAGE", None, "CART-A/6")
    # The event records who returned it and where it went.
    assert [(r["asset_id"], r["holder_id"], r["slot_id"]) for r in rows] == [
        (asset_id(conn, "AT-SMOKE-0006"), holder_id(conn, "B-1001"), slot_id(conn, "CART-A", 5)),
        (asset_id(conn, "AT-SMOKE-0007"), holder_id(conn, "B-1002"), slot_id(conn, "CART-A", 6)),
    ]
    assert verify(engine.store).ok


def test_stock_in_takes_the_next_empty_slot_of_the_chosen_case_when_its_own_is_taken(
    engine: Engine,
) -> None:
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 5)])  # AT-SMOKE-0006's slot
    assert_refused(
        engine,
        lambda: engine.commit_stock_in(["AT-SMOKE-0006"]),
        "AT-SMOKE-0006: its slot CART-A/5 is taken by AT-SMOKE-0005; choose a return case",
    )
    result = engine.commit_stock_in(["AT-SMOKE-0006"], "SHELF-B")
    assert result.preview.lines[0].to == "SHELF-B/2"  # lowest free position; /1 holds ZX9000
    assert where(engine.store.conn, "AT-SMOKE-0006") == ("STORAGE", None, "SHELF-B/2")
    (row,) = events(engine.store.conn, result.batch_id)
    assert row["slot_id"] == slot_id(engine.store.conn, "SHELF-B", 2)
    assert verify(engine.store).ok


def test_two_returns_in_one_batch_never_get_the_same_slot(engine: Engine) -> None:
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 6)])  # AT-SMOKE-0007's slot
    # AT-SMOKE-0007 comes first and needs a slot of CART-A; CART-A/5 (the lowest free) belongs
    # to AT-SMOKE-0006 later in the batch, so 0007 must get CART-A/7.
    result = engine.commit_stock_in(["AT-SMOKE-0007", "AT-SMOKE-0006"], "CART-A")
    assert [line.to for line in result.preview.lines] == ["CART-A/7", "CART-A/5"]
    assert where(engine.store.conn, "AT-SMOKE-0007") == ("STORAGE", None, "CART-A/7")
    assert where(engine.store.conn, "AT-SMOKE-0006") == ("STORAGE", None, "CART-A/5")
    assert verify(engine.store).ok


def test_two_returns_that_last_left_the_same_slot(engine: Engine) -> None:
    # AT-SMOKE-0006 left CART-A/5; then AT-SMOKE-0005 is put there and stocked out too.
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 5)])
    engine.commit_stock_out(["AT-SMOKE-0005"], "B-1002")
    assert_refused(
        engine,
        lambda: engine.commit_stock_in(["AT-SMOKE-0006", "AT-SMOKE-0005"]),
        "AT-SMOKE-0005: its slot CART-A/5 goes to another line; choose a return case",
    )
    result = engine.commit_stock_in(["AT-SMOKE-0006", "AT-SMOKE-0005"], "SHELF-B")
    assert [line.to for line in result.preview.lines] == ["CART-A/5", "SHELF-B/2"]
    assert verify(engine.store).ok


def test_many_returns_into_one_case_each_get_their_own_slot(engine: Engine) -> None:
    tags = [f"AT-R-{n}" for n in range(4)]
    engine.commit_register([NewAsset(t, "", "", "CART-A", 7 + n) for n, t in enumerate(tags)])
    engine.commit_stock_out(tags, "B-1001")
    engine.commit_register(
        [NewAsset("AT-F1", "", "", "CART-A", 7), NewAsset("AT-F2", "", "", "CART-A", 9)]
    )
    # AT-R-1 and AT-R-3 go back to CART-A/8 and /10. AT-R-0 and AT-R-2 find their slots
    # taken; every free slot left is a home (/5 of AT-SMOKE-0006, /6 of AT-SMOKE-0007, both
    # in custody), so they take those, lowest first, and each line says whose home it takes.
    result = engine.commit_stock_in(tags, "CART-A")
    assert [line.to for line in result.preview.lines] == [
        "CART-A/5 — home of AT-SMOKE-0006 (held by Dana Reyes)",
        "CART-A/8",
        "CART-A/6 — home of AT-SMOKE-0007 (held by Lee Park)",
        "CART-A/10",
    ]
    warnings = [line.warning.code if line.warning else None for line in result.preview.lines]
    assert warnings == [Code.HOME_OF_ANOTHER, None, Code.HOME_OF_ANOTHER, None]
    targets = ["CART-A/5", "CART-A/8", "CART-A/6", "CART-A/10"]
    assert [where(engine.store.conn, t)[2] for t in tags] == targets
    assert verify(engine.store).ok


def test_stock_in_refused_when_the_chosen_case_is_full(engine: Engine) -> None:
    engine.commit_register(
        [NewAsset("AT-F2", "", "", "SHELF-B", 2), NewAsset("AT-F3", "", "", "SHELF-B", 3)]
    )
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 5)])
    assert_refused(
        engine,
        lambda: engine.commit_stock_in(["AT-SMOKE-0006"], "SHELF-B"),
        "its slot CART-A/5 is taken by AT-SMOKE-0005, and case SHELF-B has no free slot left",
    )


@pytest.mark.parametrize(
    ("scans", "case", "reasons"),
    [
        (["AT-SMOKE-0001"], None, ["AT-SMOKE-0001: not in custody (it is in CART-A/1)"]),
        (["AT-SMOKE-0005"], None, ["not in custody (it is in storage (no slot))"]),
        (["AT-NOPE"], None, ["AT-NOPE: no asset, badge or case AT-NOPE"]),
        (["AT-SMOKE-0006", "ATSMOKE0006"], None, ["scanned twice (same asset as scan 2)"]),
        (["AT-SMOKE-0006"], "CASE-NONE", ["no case 'CASE-NONE'"]),
        ([], None, ["nothing to commit: the batch is empty"]),
        (["B-1001"], None, ["this is the badge of Dana Reyes (B-1001), not an asset"]),
    ],
)
def test_stock_in_hard_stops(
    engine: Engine, scans: list[str], case: str | None, reasons: list[str]
) -> None:
    good = ["AT-SMOKE-0007"] if scans else []
    assert_refused(engine, lambda: engine.commit_stock_in([*good, *scans], case), *reasons)


def test_a_deactivated_holder_can_still_return_what_they_hold(engine: Engine) -> None:
    engine.set_holder_active("B-1001", False)
    lookup = engine.lookup("B-1001")
    assert ("Holds", "1 asset(s)") in lookup.facts
    assert ("  •", "AT-SMOKE-0006 ThinkPad") in lookup.facts
    result = engine.commit_stock_in(["AT-SMOKE-0006"])
    (row,) = events(engine.store.conn, result.batch_id)
    assert row["holder_id"] == holder_id(engine.store.conn, "B-1001")
    assert verify(engine.store).ok


# -- stale previews: commit re-validates inside its transaction ------------------------------------------


def test_stock_out_previewed_ok_is_refused_when_another_station_got_there_first(
    engine: Engine, other_engine: Engine
) -> None:
    scans = ["AT-SMOKE-0001", "AT-SMOKE-0002"]
    assert engine.preview_stock_out(scans, "B-1001").ok
    other_engine.commit_stock_out(["AT-SMOKE-0002"], "B-1002")
    preview = assert_refused(
        engine,
        lambda: engine.commit_stock_out(scans, "B-1001"),
        "AT-SMOKE-0002: in custody of Lee Park (B-1002) — return it first",
    )
    assert [(line.asset_tag, line.ok) for line in preview.lines] == [
        ("AT-SMOKE-0001", True),
        ("AT-SMOKE-0002", False),
    ]
    assert where(engine.store.conn, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")


def test_holder_deactivated_after_the_preview_refuses_the_commit(
    engine: Engine, other_engine: Engine
) -> None:
    assert engine.preview_stock_out(["AT-SMOKE-0001"], "B-1002").ok
    other_engine.set_holder_active("B-1002", False)
    assert_refused(
        engine,
        lambda: engine.commit_stock_out(["AT-SMOKE-0001"], "B-1002"),
        "Lee Park (B-1002) is deactivated",
    )


def test_stock_in_previewed_to_a_slot_that_is_filled_meanwhile(
    engine: Engine, other_engine: Engine
) -> None:
    assert engine.preview_stock_in(["AT-SMOKE-0006"]).lines[0].to == "CART-A/5"
    other_engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 5)])
    assert_refused(
        engine, lambda: engine.commit_stock_in(["AT-SMOKE-0006"]), "its slot CART-A/5 is taken"
    )
    # With a return case the same batch now goes to the next free slot instead.
    result = engine.commit_stock_in(["AT-SMOKE-0006"], "CART-A")
    # /5 is taken now; /6 is the home of AT-SMOKE-0007 (in custody): /7 is the lowest free
    assert result.preview.lines[0].to == "CART-A/7"
    assert where(engine.store.conn, "AT-SMOKE-0006") == ("STORAGE", None, "CART-A/7")


def test_put_away_previewed_to_a_slot_that_is_filled_meanwhile(
    engine: Engine, other_engine: Engine
) -> None:
    assert engine.preview_put_away([Placement("AT-SMOKE-0005", "SHELF-B", 2)]).ok
    other_engine.commit_register([NewAsset("AT-SNEAK", "", "", "SHELF-B", 2)])
    assert_refused(
        engine,
        lambda: engine.commit_put_away([Placement("AT-SMOKE-0005", "SHELF-B", 2)]),
        "slot SHELF-B/2 is taken by AT-SNEAK",
    )


def test_register_previewed_ok_is_refused_if_the_tag_was_registered_meanwhile(
    engine: Engine, other_engine: Engine
) -> None:
    assert engine.preview_register([NewAsset("AT-RACE")]).ok
    other_engine.commit_register([NewAsset("AT-RACE")])
    assert_refused(
        engine,
        lambda: engine.commit_register([NewAsset("AT-RACE")]),
        "asset tag AT-RACE already exists",
    )


# -- Holders and cases ---------------------------------------------------------------------------------


def test_holder_add_rename_deactivate_reactivate_are_logged(engine: Engine) -> None:
    conn = engine.store.conn
    start = conn.execute("SELECT max(id) FROM events").fetchone()[0]
    holder = engine.add_holder("Sam Ode", "B-3003")
    assert (holder.name, holder.badge_code, holder.active) == ("Sam Ode", "B-3003", True)
    assert engine.rename_holder("B3003", "Sam Odé").name == "Sam Odé"
    assert engine.rename_holder("B-3003", "Sam Odé").name == "Sam Odé"  # no change: no event
    assert engine.set_holder_active("Sam Odé", False).active is False
    assert engine.set_holder_active("B-3003", False).active is False  # no change: no event
    assert engine.set_holder_active(holder.id, True).active is True
    rows = conn.execute(
        "SELECT event_type, asset_id, holder_id, slot_id, details FROM events WHERE id > ? "
        "ORDER BY id",
        (start,),
    ).fetchall()
    assert rows == [
        ("HOLDER_ADD", None, holder.id, None, '{"badge_code":"B-3003","name":"Sam Ode"}'),
        ("HOLDER_RENAME", None, holder.id, None, '{"name":"Sam Odé","old_name":"Sam Ode"}'),
        ("HOLDER_DEACTIVATE", None, holder.id, None, "{}"),
        ("HOLDER_REACTIVATE", None, holder.id, None, "{}"),
    ]
    assert [h.badge_code for h in engine.active_holders()] == ["B-1001", "B-1002", "B-3003"]
    assert "B-0999" in [h.badge_code for h in engine.all_holders()]
    assert verify(engine.store).ok


def test_preview_add_holders_gives_a_verdict_per_row_and_changes_nothing(engine: Engine) -> None:
    before = dump(engine.store.conn)
    preview = engine.preview_add_holders(
        [
            NewHolder("Ann", "B-4001", label="line 2"),
            NewHolder("", "B-4002", label="line 3"),
            NewHolder("Bo", "B-4001", label="line 4"),
            NewHolder("Cy", "B-1001", label="line 5"),
            NewHolder("Di", "AT-SMOKE-0001", label="line 6"),
            NewHolder("Ed", " B-4007", label="line 7"),
        ]
    )
    assert dump(engine.store.conn) == before
    assert [(line.ok, line.reason) for line in preview.lines] == [
        (True, ""),
        (False, "name is empty"),
        (False, "badge B-4001 appears twice (also line 2)"),
        (False, "badge B-1001 is already used by a holder (Dana Reyes)"),
        (False, "badge AT-SMOKE-0001 is already used by an asset tag (AT-SMOKE-0001)"),
        (
            False,
            "badge code  B-4007 has leading/trailing spaces, control characters or a scanner prefix",
        ),
    ]
    assert_refused(
        engine,
        lambda: engine.add_holders([NewHolder("Ann", "B-4001", label="line 2"), NewHolder("", "B-4002", label="line 3")]),
        "line 3: name is empty",
    )


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda e: e.rename_holder("B-7777", "X"), "B-7777: no holder with that badge or name"),
        (lambda e: e.rename_holder("B-1001", "  "), "B-1001: the new name is empty"),
        (lambda e: e.set_holder_active("Nobody", False), "Nobody: no holder with that badge"),
    ],
)
def test_holder_changes_that_are_refused(
    engine: Engine, call: Callable[[Engine], object], reason: str
) -> None:
    before = dump(engine.store.conn)
    with pytest.raises(Refused, match=reason):
        call(engine)
    assert dump(engine.store.conn) == before


def test_create_case_makes_every_slot_and_is_logged(engine: Engine) -> None:
    case = engine.create_case("BIN-9", "Bin nine", 3, 4)
    assert (case.case_code, case.rows, case.cols, case.size) == ("BIN-9", 3, 4, 12)
    slots = engine.case_slots(case.id)
    assert [s[1] for s in slots] == list(range(1, 13)) and {s[2] for s in slots} == {None}
    row = engine.store.conn.execute(
        "SELECT event_type, asset_id, holder_id, slot_id, details FROM events "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == (
        "CASE_CREATE",
        None,
        None,
        None,
        f'{{"case_code":"BIN-9","case_id":{case.id},"cols":4,"name":"Bin nine","rows":3}}',
    )
    assert verify(engine.store).ok


def test_preview_create_cases_gives_a_verdict_per_row_and_changes_nothing(engine: Engine) -> None:
    before = dump(engine.store.conn)
    preview = engine.preview_create_cases(
        [
            NewCase("BIN-1", "ok", "2", "3", label="line 2"),
            NewCase("BIN-1", "again", 1, 1, label="line 3"),
            NewCase("CART-A", "", 1, 1, label="line 4"),
            NewCase("BIN-5", "", "0", 3, label="line 5"),
            NewCase("BIN-6", "", "two", 3, label="line 6"),
            NewCase("BIN-7", "", 101, 100, label="line 7"),
            NewCase("B-1001", "", 1, 1, label="line 8"),
        ]
    )
    assert dump(engine.store.conn) == before
    assert [(line.ok, line.reason) for line in preview.lines] == [
        (True, ""),
        (False, "case BIN-1 appears twice (also line 2)"),
        (False, "case code CART-A is already used by a case"),
        (False, "rows and cols must be whole numbers ≥ 1 (got '0' × 3)"),
        (False, "rows and cols must be whole numbers ≥ 1 (got 'two' × 3)"),
        (False, "101 × 100 slots is more than 10000 in one case"),
        (False, "case code B-1001 is already used by a badge"),
    ]
    assert preview.lines[0].to == "ok (2 × 3)"
    assert_refused(
        engine,
        lambda: engine.create_cases(
            [NewCase("BIN-1", "ok", 2, 3, label="line 2"), NewCase("BIN-5", "", 0, 3, label="line 5")]
        ),
        "line 5: rows and cols must be whole numbers",
    )


# -- the database itself failing -----------------------------------------------------------------------------


def _plain(exc: StoreError) -> str:
    text = str(exc)
    assert "sqlite" not in text.lower() and "Error" not in text
    return text


@pytest.mark.sqlite_only
def test_disk_full_is_a_plain_error_and_nothing_is_half_applied(engine: Engine) -> None:
    conn = engine.store.conn
    before = dump(conn)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    big = [NewAsset(f"AT-BIG-{n:04d}", "", "x" * 500) for n in range(300)]
    with pytest.raises(DiskFull) as info:
        engine.commit_register(big)
    assert "disk holding the database is full" in _plain(info.value)
    assert "Nothing was changed" in str(info.value)
    assert not conn.in_transaction
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert dump(conn) == before
    # Once there is room again, the same batch goes through.
    assert engine.commit_register(big).count == 300
    assert verify(engine.store).ok


@pytest.mark.sqlite_only
def test_read_only_database_is_a_plain_error(engine: Engine) -> None:
    before = dump(engine.store.conn)
    engine.store.conn.execute("PRAGMA query_only = 1")
    with pytest.raises(ReadOnlyDatabase) as info:
        engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    assert "read-only" in _plain(info.value) and "Nothing was changed" in str(info.value)
    assert engine.preview_stock_out(["AT-SMOKE-0001"], "B-1001").ok  # reading still works
    engine.store.conn.execute("PRAGMA query_only = 0")
    assert dump(engine.store.conn) == before


@pytest.mark.sqlite_only
def test_read_only_file_opened_with_mode_ro(engine: Engine, db_path: Path) -> None:
    before = dump(engine.store.conn)
    store = Store(db_path, create=False)
    store.conn.close()
    store.conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    ro = Engine(store, operator="ro", settings=Settings())
    try:
        with pytest.raises(ReadOnlyDatabase):
            ro.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
        assert ro.classify("AT-SMOKE-0001").canonical == "AT-SMOKE-0001"
    finally:
        store.close()
    assert dump(engine.store.conn) == before


@pytest.mark.sqlite_only
def test_busy_database_is_a_plain_error_after_the_timeout(engine: Engine, db_path: Path) -> None:
    before = dump(engine.store.conn)
    locker = sqlite3.connect(db_path, isolation_level=None)
    try:
        locker.execute("BEGIN IMMEDIATE")
        engine.store.conn.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(DatabaseBusy) as info:
            engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
        assert "another station or program is writing" in _plain(info.value)
        assert not engine.store.conn.in_transaction
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert dump(engine.store.conn) == before
    assert engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001").count == 1


@pytest.mark.sqlite_only
def test_damaged_header_is_a_plain_error(engine: Engine, db_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    engine.store.backup(copy)
    data = bytearray(copy.read_bytes())
    data[:16] = b"garbage garbage!"
    copy.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabase) as info:
        Store(copy, create=False)
    assert "damaged or is not an AssetTrack database" in _plain(info.value)
    assert copy.read_bytes()[:16] == b"garbage garbage!"  # refused, not "repaired"


@pytest.mark.sqlite_only
def test_damaged_table_page_is_a_plain_error_and_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    engine.store.backup(copy)
    conn = sqlite3.connect(copy)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'assets'").fetchone()[0]
    conn.close()
    data = bytearray(copy.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\xff" * page_size
    copy.write_bytes(bytes(data))
    damaged = Store(copy, create=False)
    try:
        with pytest.raises(CorruptDatabase):
            Engine(damaged, operator="x", settings=Settings()).commit_stock_out(
                ["AT-SMOKE-0001"], "B-1001"
            )
        assert not damaged.conn.in_transaction
    finally:
        damaged.close()
    # Opening switched the file to WAL (header bytes 18-19); no page after the header changed.
    assert copy.read_bytes()[100:] == bytes(data)[100:]
    conn = sqlite3.connect(copy)
    assert (
        conn.execute("SELECT count(*) FROM events").fetchone()
        == engine.store.conn.execute("SELECT count(*) FROM events").fetchone()
    )
    conn.close()


def test_text_that_is_not_utf_8_is_refused_not_a_crash(engine: Engine) -> None:
    """Undecodable command-line bytes arrive as lone surrogates, which SQLite cannot store."""
    assert_refused(
        engine,
        lambda: engine.commit_register([NewAsset("AT-\udcc4"), NewAsset("AT-OK", "SN\udcc4")]),
        "AT-<U+DCC4>: asset tag AT-<U+DCC4> contains bytes that are not UTF-8 text",
        "AT-OK: serial SN<U+DCC4> contains bytes that are not UTF-8 text",
    )
    assert_refused(
        engine,
        lambda: engine.add_holders([NewHolder("Ann", "B-\udcc4"), NewHolder("Ann \udcc4", "B-5")]),
        "badge code B-<U+DCC4> contains bytes that are not UTF-8 text",
        "B-5: name Ann <U+DCC4> contains bytes that are not UTF-8 text",
    )
    assert_refused(
        engine,
        lambda: engine.create_cases([NewCase("BIN-\udcc4", "", 1, 1)]),
        "case code BIN-<U+DCC4> contains bytes that are not UTF-8 text",
    )
    assert_refused(
        engine, lambda: engine.commit_stock_in(["AT-SMOKE-0006"], "CART-\udcc4"), "no case"
    )
    before = dump(engine.store.conn)
    with pytest.raises(Refused, match="the new name is not UTF-8 text"):
        engine.rename_holder("B-1001", "Dana \udcc4")
    with pytest.raises(Refused, match="no holder with that badge or name"):
        engine.set_holder_active("B-\udcc4", False)
    assert dump(engine.store.conn) == before


def test_an_ambiguous_badge_names_both_holders(engine: Engine) -> None:
    with before_near_duplicate_rule():  # an older database: refused at registration today
        engine.add_holders([NewHolder("Bo Ode", "B-10-01")])  # B1001 is now B-1001 or B-10-01
    assert_refused(
        engine,
        lambda: engine.commit_stock_out(["AT-SMOKE-0001"], "B1001"),
        "ambiguous: B1001 matches holder badge B-1001 and holder badge B-10-01",
    )
    with pytest.raises(UserError, match="B-1001 and holder badge B-10-01"):
        engine.set_holder_active("B1001", False)
    assert engine.commit_stock_out(["AT-SMOKE-0001"], "B-10-01").count == 1


def test_a_custodian_badge_in_the_wrong_letter_case_gets_the_caps_lock_hint(
    engine: Engine,
) -> None:
    assert_refused(
        engine,
        lambda: engine.commit_stock_out(["AT-SMOKE-0001"], "b-1002"),
        "no holder with badge or name 'b-1002'; holder badge B-1002 exists — is Caps Lock on?",
    )


@pytest.mark.sqlite_only
def test_disk_full_at_any_point_of_a_big_stock_out_leaves_all_or_nothing(
    engine: Engine,
) -> None:
    """Run out of pages after 0, 1, 2, … new pages: each try is refused whole until one fits."""
    conn = engine.store.conn
    engine.create_case("RACK-9", "Rack", 20, 10)
    tags = [f"AT-RACK-{n:03d}" for n in range(200)]
    engine.commit_register([NewAsset(t, "", "", "RACK-9", n + 1) for n, t in enumerate(tags)])
    before = dump(conn)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    failures = 0
    for slack in range(60):
        conn.execute(f"PRAGMA max_page_count = {pages + slack}")
        try:
            result = engine.commit_stock_out(tags, "B-1001")
        except DiskFull:
            failures += 1
            assert not conn.in_transaction
            assert dump(conn) == before, f"half-applied with {slack} spare pages"
            continue
        break
    else:
        pytest.fail("the stock-out never fitted")
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert failures >= 10  # the disk really did fill up part-way, at many different points
    assert result.count == 200
    assert conn.execute(
        "SELECT count(*) FROM assets WHERE current_holder_id = ? AND asset_tag LIKE 'AT-RACK-%'",
        (holder_id(conn, "B-1001"),),
    ).fetchone() == (200,)
    assert verify(engine.store).ok


# -- lookup: what a scan is, where it is, and its history -------------------------------------------


def test_lookup_of_an_asset_shows_where_it_is_and_its_history_oldest_first(
    engine: Engine,
) -> None:
    engine.commit_stock_in(["AT-SMOKE-0006"])
    found = engine.lookup("ATSMOKE0006\r")
    assert found.title == "Asset AT-SMOKE-0006"
    assert ("Location", "CART-A/5") in found.facts and ("Status", "STORAGE") in found.facts
    assert [(e.event_type, e.slot, e.holder) for e in found.events] == [
        ("RECEIVE", "CART-A/5", None),
        ("STOCK_OUT", "CART-A/5", "Dana Reyes (B-1001)"),
        ("STOCK_IN", "CART-A/5", "Dana Reyes (B-1001)"),
    ]
    assert [e.event_type for e in engine.lookup("AT-SMOKE-0006", 2).events] == [
        "STOCK_OUT",
        "STOCK_IN",
    ]
    held = engine.lookup("AT-SMOKE-0007")
    assert ("Held by", "Lee Park (B-1002)") in held.facts


def test_lookup_of_a_case_a_badge_and_an_unknown_scan(engine: Engine) -> None:
    case = engine.lookup("CARTA")
    assert case.title == "Case CART-A" and ("Occupied", "4 used, 6 free") in case.facts
    holder = engine.lookup("B-0999")
    assert ("Active", "no (deactivated)") in holder.facts
    assert engine.lookup("at-smoke-0001").title.endswith("is Caps Lock on?")
