"""Changing a holder's badge, a case's name and a case's size: the engine's checks, the rows
they change and the one event each writes (issue 12)."""

from __future__ import annotations

import json

import pytest

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused
from assettrack_gui.core.matching import HOLDER, UNKNOWN
from assettrack_gui.core.model import Code, EventType, Placement

from .conftest import dump, slot_id, where

pytestmark = pytest.mark.both_backends


def last_event(engine: Engine) -> tuple[str, int | None, dict[str, object]]:
    row = engine.store.conn.execute(
        "SELECT event_type, holder_id, details FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return row[0], row[1], json.loads(row[2])


def refused(call, *args) -> Refused:  # noqa: ANN001 - any engine method
    with pytest.raises(Refused) as caught:
        call(*args)
    return caught.value


# -- holder rebadge ---------------------------------------------------------------------------------


def test_a_new_badge_is_recorded_and_the_old_one_scans_as_nothing(engine: Engine) -> None:
    dana = engine.holder("B-1001")
    assert dana is not None
    after = engine.rebadge_holder("Dana Reyes", "B-2001")
    assert after == dana._replace(badge_code="B-2001")
    assert last_event(engine) == (
        EventType.HOLDER_REBADGE,
        dana.id,
        {"badge_code": ["B-1001", "B-2001"]},
    )
    assert engine.classify("B-2001").kind == HOLDER
    assert engine.classify("B-1001").kind == UNKNOWN
    # what she holds is still hers, under the new badge
    assert engine.held_by(dana.id) == ["AT-SMOKE-0006"]
    assert where(engine.store.conn, "AT-SMOKE-0006") == ("IN_CUSTODY", "B-2001", None)


@pytest.mark.parametrize(
    ("badge", "code", "words"),
    [
        ("B-1002", Code.CODE_EXISTS, "badge B-1002 is already used by a holder (Lee Park)"),
        ("AT-SMOKE-0001", Code.CODE_IN_USE, "already used by an asset tag"),
        ("CART-A", Code.CODE_IN_USE, "already used by a case code"),
        ("B1002", Code.NEAR_DUPLICATE, "too like badge B-1002"),
        ("cart-a", Code.NEAR_DUPLICATE, "too like case code CART-A"),
        ("", Code.INVALID_CODE, "badge code is empty"),
        (" B-3", Code.INVALID_CODE, "leading/trailing spaces"),
        ("B-\n3", Code.INVALID_CODE, "control character"),
    ],
)
def test_a_new_badge_passes_the_checks_of_a_new_holders_badge(
    engine: Engine, badge: str, code: Code, words: str
) -> None:
    before = dump(engine.store.conn)
    exc = refused(engine.rebadge_holder, "B-1001", badge)
    assert exc.result.code == code
    assert words in exc.reasons[0]
    assert dump(engine.store.conn) == before


def test_a_badge_differing_from_the_old_one_only_in_letter_case_is_no_conflict(
    engine: Engine,
) -> None:
    """Only the holder's own badge is like it, and that one goes away."""
    after = engine.rebadge_holder("B-1001", "b-1001")
    assert after.badge_code == "b-1001"


def test_the_same_badge_changes_nothing_and_an_unknown_holder_is_refused(engine: Engine) -> None:
    before = dump(engine.store.conn)
    assert engine.rebadge_holder("B-1001", "B-1001").badge_code == "B-1001"
    exc = refused(engine.rebadge_holder, "B-4040", "B-4041")
    assert "no holder" in exc.reasons[0]
    assert dump(engine.store.conn) == before


def test_a_deactivated_holder_can_be_rebadged_and_stays_deactivated(engine: Engine) -> None:
    after = engine.rebadge_holder("B-0999", "B-0998")
    assert after.badge_code == "B-0998" and not after.active


# -- case rename ------------------------------------------------------------------------------------


def test_a_case_is_renamed_with_one_event(engine: Engine) -> None:
    after = engine.rename_case("CART-A", "  Laptop cart, 2nd floor ")
    assert after.name == "Laptop cart, 2nd floor" and after.case_code == "CART-A"
    assert last_event(engine) == (
        EventType.CASE_RENAME,
        None,
        {"case": "CART-A", "name": ["Laptop cart A", "Laptop cart, 2nd floor"]},
    )
    assert engine.case("CART-A") == after
    # found by a dashless scan like any case code
    assert engine.rename_case("CARTA", "Cart A").name == "Cart A"


def test_a_case_rename_is_refused_for_a_bad_name_or_an_unknown_case(engine: Engine) -> None:
    before = dump(engine.store.conn)
    assert refused(engine.rename_case, "CART-A", "two\nlines").result.code == Code.INVALID_NAME
    assert refused(engine.rename_case, "NOPE", "x").result.code == Code.CASE_UNKNOWN
    assert engine.rename_case("CART-A", "Laptop cart A").name == "Laptop cart A"  # unchanged
    assert dump(engine.store.conn) == before


# -- case resize ------------------------------------------------------------------------------------


def positions(engine: Engine, code: str) -> list[int]:
    return [
        p
        for (p,) in engine.store.conn.execute(
            "SELECT s.position FROM slots s JOIN cases c ON c.id = s.case_id "
            "WHERE c.case_code = ? ORDER BY s.position",
            (code,),
        )
    ]


def test_growing_a_case_adds_its_new_slots(engine: Engine) -> None:
    after = engine.resize_case("SHELF-B", 2, 4)
    assert (after.rows, after.cols) == (2, 4)
    assert positions(engine, "SHELF-B") == list(range(1, 9))
    assert last_event(engine) == (
        EventType.CASE_RESIZE,
        None,
        {"case": "SHELF-B", "rows": [1, 2], "cols": [3, 4]},
    )
    assert where(engine.store.conn, "ZX9000") == ("STORAGE", None, "SHELF-B/1")
    engine.commit_put_away([Placement("AT-SMOKE-0005", "SHELF-B", 8)])
    assert where(engine.store.conn, "AT-SMOKE-0005") == ("STORAGE", None, "SHELF-B/8")


def test_shrinking_past_an_occupied_slot_is_refused_naming_each_asset(engine: Engine) -> None:
    before = dump(engine.store.conn)
    exc = refused(engine.resize_case, "CART-A", 1, 3)
    assert exc.result.code == Code.CASE_SHRINK_OCCUPIED
    assert exc.reasons == [
        "case CART-A cannot become 1 × 3: CART-A/4 holds AT-SMOKE-0004 — move it to a slot "
        "inside the new size first"
    ]
    exc = refused(engine.resize_case, "CART-A", 1, 2)
    assert "CART-A/3 holds AT-SMOKE-0003, CART-A/4 holds AT-SMOKE-0004 — move them" in str(exc)
    assert dump(engine.store.conn) == before


@pytest.mark.parametrize(("rows", "cols"), [(0, 3), (3, -1), (101, 100)])
def test_an_impossible_size_is_refused(engine: Engine, rows: int, cols: int) -> None:
    assert refused(engine.resize_case, "CART-A", rows, cols).result.code == Code.INVALID_SIZE


def test_shrinking_deletes_unused_slots_and_keeps_those_history_names(engine: Engine) -> None:
    """CART-A/5 and /6 are the homes of AT-SMOKE-0006 and 0007 (stocked out): kept, empty."""
    conn = engine.store.conn
    kept = [slot_id(conn, "CART-A", 5), slot_id(conn, "CART-A", 6)]
    after = engine.resize_case("CART-A", 1, 4)
    assert after.size == 4
    assert positions(engine, "CART-A") == [1, 2, 3, 4, 5, 6]
    assert [s.position for s in engine.case_slots(after.id)] == [1, 2, 3, 4]
    assert last_event(engine)[2] == {"case": "CART-A", "rows": [2, 1], "cols": [5, 4]}
    # growing again brings the kept slots back into use and adds the missing ones
    engine.resize_case("CART-A", 2, 4)
    assert positions(engine, "CART-A") == list(range(1, 9))
    assert [slot_id(conn, "CART-A", 5), slot_id(conn, "CART-A", 6)] == kept


def test_a_returned_asset_whose_slot_fell_outside_goes_to_the_return_case(engine: Engine) -> None:
    engine.resize_case("CART-A", 1, 4)
    preview = engine.preview_stock_in(["AT-SMOKE-0006"])
    assert not preview.ok
    assert "CART-A/5 is no longer within its case" in preview.lines[0].reason
    result = engine.commit_stock_in(["AT-SMOKE-0006"], "SHELF-B")
    assert result.preview.lines[0].to == "SHELF-B/2"


def test_a_void_whose_slot_fell_outside_is_refused_in_words(engine: Engine) -> None:
    moved = engine.commit_move([Placement("AT-SMOKE-0004", "SHELF-B", 2)]).batch_id
    stocked_out = engine.store.conn.execute(
        "SELECT batch_id FROM events WHERE event_type = 'STOCK_OUT' ORDER BY id LIMIT 1"
    ).fetchone()[0]  # AT-SMOKE-0006 left CART-A/5
    engine.resize_case("CART-A", 1, 3)
    for batch, slot in ((moved, "CART-A/4"), (stocked_out, "CART-A/5")):
        before = dump(engine.store.conn)
        preview = engine.preview_void(batch)
        assert preview.lines[0].code == Code.VOID_CHANGED_SINCE
        assert preview.lines[0].reason == (
            f"changed since: its slot {slot} is no longer within its case"
        )
        with pytest.raises(Refused):
            engine.commit_void(batch)
        assert dump(engine.store.conn) == before


def test_the_occupancy_report_lists_the_slots_inside_the_case_only(engine: Engine) -> None:
    from assettrack_gui.core.reports import occupancy_report

    engine.resize_case("CART-A", 1, 4)
    with engine.store.read() as conn:
        rows = list(occupancy_report(conn, case="CART-A").rows())
    assert [r[5] for r in rows] == [1, 2, 3, 4]


def test_verify_replays_rebadges_renames_and_resizes(engine: Engine) -> None:
    from assettrack_gui.core.verify import verify

    engine.rebadge_holder("B-1001", "B-2001")
    engine.rename_case("CART-A", "Cart A, 2nd floor")
    engine.resize_case("CART-A", 1, 4)  # keeps CART-A/5 and /6 (history names them)
    engine.resize_case("SHELF-B", 3, 3)
    engine.commit_stock_in(["AT-SMOKE-0006"], "SHELF-B")  # its home fell outside
    engine.resize_case("CART-A", 2, 4)
    report = verify(engine.store)
    assert report.ok, report.problems
