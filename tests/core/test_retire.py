"""Devices: retiring (lost, broken, disposed), reinstating and editing assets, through the engine.

Retirement is a third location type: a retired asset is in no slot and held by nobody, refused
by every custody and slot operation until reinstated, and it stays in history and reports.
``verify`` must replay it (and the edits), and must catch a retirement made behind the log.
Slots past a case's size after it shrank (schema v3) are history only: no free-slot search
offers them.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from assettrack_gui.core import queries, reports
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused
from assettrack_gui.core.eventlog import EventBatch
from assettrack_gui.core.model import (
    Code,
    EventType,
    Mode,
    NewAsset,
    Operation,
    Placement,
    Retirement,
)
from assettrack_gui.core.session import Session
from assettrack_gui.core.verify import verify
from tests.tamper import Shell, on_postgres

from .conftest import asset_id, dump, events, holder_id, slot_id, where
from .test_stateful import Scan, Slot, Stockroom, draw_batch, stray

pytestmark = pytest.mark.both_backends  # the stateful test at the end stays on SQLite

RETIRED_WORDS = re.compile(r"^retired \(lost\) on \d{4}-\d{2}-\d{2} — reinstate it first$")


def assert_verifies(engine: Engine) -> None:
    report = verify(engine.store)
    assert report.ok, report.problems


def count_events(engine: Engine) -> int:
    return int(engine.store.conn.execute("SELECT count(*) FROM events").fetchone()[0])


# -- retire -------------------------------------------------------------------------------------


def test_retiring_a_slotted_asset_vacates_its_slot_and_records_why(engine: Engine) -> None:
    conn = engine.store.conn
    slot = slot_id(conn, "CART-A", 1)
    preview = engine.preview_retire(["AT-SMOKE-0001"], Retirement.BROKEN, "screen cracked")
    assert preview.ok and preview.operation == Operation.RETIRE
    line = preview.lines[0]
    assert (line.now, line.to, line.from_slot_id) == ("CART-A/1", "RETIRED (BROKEN)", slot)

    result = engine.commit_retire(["AT-SMOKE-0001"], Retirement.BROKEN, "  screen cracked \n")
    assert result.count == 1
    assert where(conn, "AT-SMOKE-0001") == ("RETIRED", None, None)
    assert queries.slot_occupant(conn, slot) is None
    kind = conn.execute(
        "SELECT retirement FROM assets WHERE asset_tag = 'AT-SMOKE-0001'"
    ).fetchone()[0]
    assert kind == "BROKEN"
    (event,) = events(conn, result.batch_id)
    assert event["event_type"] == "RETIRE"
    assert (event["asset_id"], event["holder_id"], event["slot_id"]) == (
        asset_id(conn, "AT-SMOKE-0001"),
        None,
        slot,
    )
    assert event["note"] == "screen cracked"  # trimmed
    assert json.loads(event["details"]) == {"kind": "BROKEN", "holder": None, "slot": "CART-A/1"}
    assert_verifies(engine)


def test_retiring_an_unslotted_asset(engine: Engine) -> None:
    conn = engine.store.conn
    result = engine.commit_retire(["AT-SMOKE-0005"], "disposed", "recycled")
    (event,) = events(conn, result.batch_id)
    assert event["slot_id"] is None and event["holder_id"] is None
    assert json.loads(event["details"]) == {"kind": "DISPOSED", "holder": None, "slot": None}
    assert where(conn, "AT-SMOKE-0005") == ("RETIRED", None, None)
    assert_verifies(engine)


def test_an_asset_a_holder_lost_is_retired_from_custody(engine: Engine) -> None:
    conn = engine.store.conn
    dana = holder_id(conn, "B-1001")
    assert engine.held_by(dana) == ["AT-SMOKE-0006"]
    line = engine.preview_retire(["AT-SMOKE-0006"], Retirement.LOST, "left on a train").lines[0]
    assert line.ok and line.now == "Dana Reyes (B-1001)" and line.holder_id == dana

    result = engine.commit_retire(["AT-SMOKE-0006"], Retirement.LOST, "left on a train")
    (event,) = events(conn, result.batch_id)
    assert (event["holder_id"], event["slot_id"]) == (dana, None)
    assert json.loads(event["details"]) == {"kind": "LOST", "holder": "B-1001", "slot": None}
    assert where(conn, "AT-SMOKE-0006") == ("RETIRED", None, None)
    assert engine.held_by(dana) == []
    assert_verifies(engine)


def test_a_batch_with_one_bad_line_retires_nothing(engine: Engine) -> None:
    engine.commit_retire(["AT-SMOKE-0002"], Retirement.LOST, "gone")
    before = dump(engine.store.conn)
    scans = ["AT-SMOKE-0001", "NOPE-1", "ATSMOKE0001", "AT-SMOKE-0002", "B-1001"]
    preview = engine.preview_retire(scans, Retirement.BROKEN, "dropped")
    assert [line.code for line in preview.lines] == [
        None,
        Code.UNKNOWN_SCAN,
        Code.DUPLICATE_IN_BATCH,  # the same asset without dashes
        Code.ALREADY_RETIRED,
        Code.HOLDER_BADGE,
    ]
    assert preview.lines[3].reason.startswith("already retired (lost) on ")
    with pytest.raises(Refused) as refused:
        engine.commit_retire(scans, Retirement.BROKEN, "dropped")
    assert refused.value.reasons[0].startswith("NOPE-1: ")
    assert dump(engine.store.conn) == before


@pytest.mark.parametrize(
    ("kind", "reason", "code"),
    [
        (Retirement.LOST, "", Code.REASON_REQUIRED),
        (Retirement.LOST, " \t ", Code.REASON_REQUIRED),
        (Retirement.LOST, "\u200b", Code.REASON_REQUIRED),  # nothing visible
        (Retirement.LOST, "lost\nSTOCK_IN by admin", Code.INVALID_NAME),  # forges a line
        (Retirement.LOST, "x" * 501, Code.INVALID_NAME),
        ("stolen", "gone", Code.INVALID_KIND),
    ],
)
def test_a_retirement_needs_a_kind_and_a_reason(
    engine: Engine, kind: Retirement | str, reason: str, code: Code
) -> None:
    before = dump(engine.store.conn)
    preview = engine.preview_retire(["AT-SMOKE-0001"], kind, reason)
    assert not preview.ok and preview.has_problem(code)
    with pytest.raises(Refused):
        engine.commit_retire(["AT-SMOKE-0001"], kind, reason)
    assert dump(engine.store.conn) == before


def test_an_empty_batch_is_refused(engine: Engine) -> None:
    with pytest.raises(Refused, match="nothing to commit"):
        engine.commit_retire([], Retirement.LOST, "gone")


# -- reinstate ----------------------------------------------------------------------------------


def test_reinstating_brings_an_asset_back_to_unslotted_storage(engine: Engine) -> None:
    conn = engine.store.conn
    engine.commit_retire(["AT-SMOKE-0006"], Retirement.LOST, "left on a train")
    preview = engine.preview_reinstate(["AT-SMOKE-0006", "AT-SMOKE-0001"], "found it")
    assert [line.code for line in preview.lines] == [None, Code.NOT_RETIRED]
    assert preview.lines[1].reason == "not retired (it is in CART-A/1)"
    assert engine.preview_reinstate(["AT-SMOKE-0006"], "  ").has_problem(Code.REASON_REQUIRED)

    result = engine.commit_reinstate(["AT-SMOKE-0006"], " found in lost property ")
    (event,) = events(conn, result.batch_id)
    assert event["event_type"] == "REINSTATE" and event["note"] == "found in lost property"
    assert json.loads(event["details"]) == {"kind": "LOST"}
    assert (event["holder_id"], event["slot_id"]) == (None, None)
    assert where(conn, "AT-SMOKE-0006") == ("STORAGE", None, None)
    assert conn.execute(
        "SELECT retirement FROM assets WHERE asset_tag = 'AT-SMOKE-0006'"
    ).fetchone()[0] is None
    assert_verifies(engine)
    # then put away as any unslotted asset
    engine.commit_put_away([Placement("AT-SMOKE-0006", "CART-A", 9)])
    assert where(conn, "AT-SMOKE-0006") == ("STORAGE", None, "CART-A/9")
    engine.commit_stock_out(["AT-SMOKE-0006"], "B-1002")
    assert_verifies(engine)


# -- a retired asset in custody and slot batches ---------------------------------------------------


def test_a_retired_asset_is_refused_by_every_custody_and_slot_operation(engine: Engine) -> None:
    engine.commit_retire(["AT-SMOKE-0001", "AT-SMOKE-0005"], Retirement.LOST, "gone")
    before = dump(engine.store.conn)
    lines = [
        engine.preview_stock_out(["AT-SMOKE-0001"], "B-1001").lines[0],
        engine.preview_stock_in(["AT-SMOKE-0001"], "CART-A").lines[0],
        engine.preview_put_away([Placement("AT-SMOKE-0005", "CART-A", 9)]).lines[0],
        engine.preview_move([Placement("AT-SMOKE-0001", "CART-A", 9)]).lines[0],
    ]
    for line in lines:
        assert line.code == Code.ASSET_RETIRED and RETIRED_WORDS.match(line.reason), line
    with pytest.raises(Refused, match="reinstate it first"):
        engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    with pytest.raises(Refused, match="reinstate it first"):
        engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 9)])
    assert dump(engine.store.conn) == before
    # a later RETIRE means an earlier stock-out can no longer be undone
    out = engine.commit_stock_out(["AT-SMOKE-0002"], "B-1001")
    engine.commit_retire(["AT-SMOKE-0002"], Retirement.LOST, "lost")
    void = engine.preview_void(out.batch_id)
    assert void.lines[0].code == Code.VOID_CHANGED_SINCE and "RETIRE" in void.lines[0].reason


def test_the_scan_page_shows_the_same_refusal(engine: Engine) -> None:
    engine.commit_retire(["AT-SMOKE-0001", "AT-SMOKE-0006"], Retirement.LOST, "gone")
    session = Session(engine)
    session.scan("B-1002")
    outcome = session.scan("AT-SMOKE-0001")
    assert not outcome.accepted and outcome.message.endswith("— reinstate it first")
    assert session.preview is not None and session.preview.lines[0].code == Code.ASSET_RETIRED
    session.set_mode(Mode.STOCK_IN)
    assert not session.scan("AT-SMOKE-0006").accepted
    assert session.preview is not None and session.preview.lines[0].code == Code.ASSET_RETIRED


# -- edit ----------------------------------------------------------------------------------------


def test_an_edit_records_only_what_changes(engine: Engine) -> None:
    conn = engine.store.conn
    info = engine.edit_asset("ATSMOKE0001", serial=" SN1-B ")
    assert (info.asset_tag, info.serial, info.description) == ("AT-SMOKE-0001", "SN1-B", "ThinkPad")
    assert info.batch_id and info.warning is None and info.where == "CART-A/1"
    (event,) = events(conn, info.batch_id)
    assert event["event_type"] == "ASSET_EDIT" and event["note"] == ""
    assert (event["holder_id"], event["slot_id"]) == (None, None)
    assert json.loads(event["details"]) == {"serial": ["SN1", "SN1-B"]}

    both = engine.edit_asset("AT-SMOKE-0001", serial="SN1-C", description="ThinkPad X1")
    assert json.loads(events(conn, both.batch_id)[0]["details"]) == {
        "serial": ["SN1-B", "SN1-C"],
        "description": ["ThinkPad", "ThinkPad X1"],
    }
    assert_verifies(engine)


def test_an_edit_that_changes_nothing_records_nothing(engine: Engine) -> None:
    before = count_events(engine)
    info = engine.edit_asset("AT-SMOKE-0001", serial="SN1", description=" ThinkPad ")
    assert info.batch_id == "" and info.serial == "SN1"
    assert engine.edit_asset("AT-SMOKE-0001").batch_id == ""
    assert count_events(engine) == before


def test_a_shared_serial_is_accepted_with_a_warning(engine: Engine) -> None:
    info = engine.edit_asset("AT-SMOKE-0001", serial="SN2")
    assert info.serial == "SN2" and info.batch_id
    assert info.warning is not None and info.warning.code == Code.SERIAL_SHARED
    assert info.warning.message == "serial SN2 is also on AT-SMOKE-0002"
    assert engine.edit_asset("AT-SMOKE-0001", description="other").warning is None


@pytest.mark.parametrize(
    ("scan", "fields", "code"),
    [
        ("NOPE-1", {"serial": "x"}, Code.UNKNOWN_SCAN),
        ("B-1001", {"serial": "x"}, Code.HOLDER_BADGE),
        ("AT-SMOKE-0001", {"serial": "SN\n1"}, Code.INVALID_NAME),
        ("AT-SMOKE-0001", {"serial": "S" * 101}, Code.INVALID_NAME),
        ("AT-SMOKE-0001", {"description": "d" * 501}, Code.INVALID_NAME),
        ("AT-SMOKE-0001", {"description": "\u200b\u200b"}, Code.INVALID_NAME),
    ],
)
def test_a_bad_edit_changes_nothing(
    engine: Engine, scan: str, fields: dict[str, str], code: Code
) -> None:
    before = dump(engine.store.conn)
    with pytest.raises(Refused) as refused:
        engine.edit_asset(scan, **fields)
    preview = refused.value.result
    assert preview.lines[0].code == code
    assert dump(engine.store.conn) == before


def test_a_retired_asset_can_be_edited_and_listed(engine: Engine) -> None:
    engine.commit_retire(["AT-SMOKE-0005"], Retirement.DISPOSED, "recycled")
    info = engine.edit_asset("AT-SMOKE-0005", description="Dell spare (scrapped)")
    assert info.retired and info.where == "RETIRED (DISPOSED)"
    assert [a.asset_tag for a in engine.assets(retired_only=True)] == ["AT-SMOKE-0005"]
    listed = {a.asset_tag: a.where for a in engine.assets()}
    assert listed["AT-SMOKE-0005"] == "RETIRED (DISPOSED)"
    assert listed["AT-SMOKE-0006"] == "Dana Reyes (B-1001)"
    assert listed["ZX9000"] == "SHELF-B/1"
    assert engine.asset("ATSMOKE0005") == engine.assets(retired_only=True)[0]
    assert engine.asset("B-1001") is None
    assert_verifies(engine)


# -- verify --------------------------------------------------------------------------------------


def test_verify_catches_a_retirement_made_behind_the_log(
    engine: Engine, shell: Shell
) -> None:
    shell.execute(
        "UPDATE assets SET location_type = 'RETIRED', retirement = 'LOST' "
        "WHERE asset_tag = 'AT-SMOKE-0005'"
    )
    aid = asset_id(engine.store.conn, "AT-SMOKE-0005")
    assert verify(engine.store).problems == [
        f"asset AT-SMOKE-0005 (id {aid}): table says ('AT-SMOKE-0005', 'SN5', 'Dell spare', "
        "'RETIRED', None), event log says ('AT-SMOKE-0005', 'SN5', 'Dell spare', 'STORAGE', None)"
    ]


def test_verify_catches_a_changed_kind_and_an_edit_behind_the_log(
    engine: Engine, shell: Shell
) -> None:
    engine.commit_retire(["AT-SMOKE-0005"], Retirement.LOST, "gone")
    shell.execute("UPDATE assets SET retirement = 'BROKEN' WHERE asset_tag = 'AT-SMOKE-0005'")
    shell.execute("UPDATE assets SET serial = 'FORGED' WHERE asset_tag = 'AT-SMOKE-0001'")
    found = verify(engine.store).problems
    conn = engine.store.conn
    five, one = asset_id(conn, "AT-SMOKE-0005"), asset_id(conn, "AT-SMOKE-0001")
    assert f"asset AT-SMOKE-0005 (id {five}): table says retired as BROKEN, event log says LOST" in found
    assert any(p.startswith(f"asset AT-SMOKE-0001 (id {one}): table says") for p in found)


def test_verify_names_a_retired_asset_in_a_slot_or_with_a_holder(
    engine: Engine, shell: Shell
) -> None:
    engine.commit_retire(["AT-SMOKE-0005"], Retirement.LOST, "gone")
    aid = asset_id(engine.store.conn, "AT-SMOKE-0005")
    free = slot_id(engine.store.conn, "CART-A", 9)
    if on_postgres(shell):
        shell.execute("ALTER TABLE slots DISABLE TRIGGER slots_on_asset_update")
        guard = "schema: trigger slots_on_asset_update on slots is disabled"
    else:
        shell.execute("DROP TRIGGER slots_no_retired_asset_update")
        guard = "schema: trigger slots_no_retired_asset_update is missing"
    shell.execute("UPDATE slots SET asset_id = ? WHERE id = ?", (aid, free))
    found = verify(engine.store).problems
    assert f"asset AT-SMOKE-0005 (id {aid}): retired but still in slot CART-A/9" in found
    assert guard in found


def _write(engine: Engine, sql: str, args: tuple[object, ...], event: EventType, **fields: object) -> None:
    """What another part of the app does: change a row and record its event, in one commit."""
    with engine.store.write() as conn:
        conn.execute(sql, args)
        batch = EventBatch(conn, engine.operator)
        batch.add(event, **fields)
        batch.flush()


def test_verify_replays_rebadges_renamed_and_resized_cases_and_stocktakes(engine: Engine) -> None:
    conn = engine.store.conn
    dana = holder_id(conn, "B-1001")
    _write(
        engine,
        "UPDATE holders SET badge_code = 'B-2001' WHERE id = ?",
        (dana,),
        EventType.HOLDER_REBADGE,
        holder_id=dana,
        details={"badge_code": ["B-1001", "B-2001"]},
    )
    _write(
        engine,
        "UPDATE cases SET name = 'Scanners' WHERE case_code = 'SHELF-B'",
        (),
        EventType.CASE_RENAME,
        details={"case": "SHELF-B", "name": ["Scanner shelf B", "Scanners"]},
    )
    _write(
        engine,
        "UPDATE cases SET cols = 2 WHERE case_code = 'SHELF-B'",
        (),
        EventType.CASE_RESIZE,
        details={"case": "SHELF-B", "rows": [1, 1], "cols": [3, 2]},
    )
    _write(engine, "SELECT 1", (), EventType.AUDIT, details={"case": "SHELF-B", "found": 1})
    assert_verifies(engine)
    # an event that disagrees with what the log built before it is named
    _write(
        engine,
        "UPDATE cases SET cols = 3 WHERE case_code = 'SHELF-B'",
        (),
        EventType.CASE_RESIZE,
        details={"case": "SHELF-B", "rows": [1, 1], "cols": [4, 3]},
    )
    found = verify(engine.store).problems
    assert any("(CASE_RESIZE): case SHELF-B was 1 × 2, not 1 × 4" in p for p in found), found


def test_verify_names_a_case_resized_behind_the_log(engine: Engine, shell: Shell) -> None:
    shell.execute("UPDATE cases SET cols = 2 WHERE case_code = 'SHELF-B'")
    found = verify(engine.store).problems
    assert any(p.startswith("case id ") and "SHELF-B" in p for p in found), found


# -- lookup and reports --------------------------------------------------------------------------


def test_lookup_and_history_show_a_retired_asset(engine: Engine) -> None:
    engine.edit_asset("AT-SMOKE-0006", serial="SN6-B")
    engine.commit_retire(["AT-SMOKE-0006"], Retirement.LOST, "left on a train")
    found = engine.lookup("AT-SMOKE-0006")
    facts = dict(found.facts)
    assert re.fullmatch(
        r"Retired \(lost\) — left on a train, \d{4}-\d{2}-\d{2}, by tester", facts["Status"]
    )
    assert "Held by" not in facts and "Location" not in facts
    edit, retire = found.events[-2:]
    assert (edit.event_type, edit.note) == ("ASSET_EDIT", "serial 'SN6' → 'SN6-B'")
    assert (retire.event_type, retire.note) == ("RETIRE", "retired (lost): left on a train")
    assert retire.holder == "Dana Reyes (B-1001)"  # who lost it
    engine.commit_reinstate(["AT-SMOKE-0006"], "found")
    found = engine.lookup("AT-SMOKE-0006")
    assert found.events[-1].note == "reinstated (was lost): found"
    assert dict(found.facts)["Location"] == "storage (no slot)"
    # the holder's history keeps the loss too
    dana = engine.lookup("B-1001")
    assert [e.event_type for e in dana.events][-1] == "RETIRE"


def test_reports_keep_retired_assets_and_do_not_count_them_as_stored(engine: Engine) -> None:
    engine.commit_retire(["AT-SMOKE-0001", "AT-SMOKE-0006"], Retirement.BROKEN, "dropped")
    conn = engine.store.conn
    everything = {row[0]: row for row in reports.assets_report(conn).rows()}
    assert len(everything) == 8
    assert everything["AT-SMOKE-0001"][3:] == ("RETIRED", "RETIRED (BROKEN)")
    assert everything["AT-SMOKE-0005"][3:] == ("STORAGE", "storage (no slot)")
    retired = [row[0] for row in reports.assets_report(conn, retired_only=True).rows()]
    assert retired == ["AT-SMOKE-0001", "AT-SMOKE-0006"]
    custody = [row[0] for row in reports.custody_report(conn).rows()]
    assert custody == ["AT-SMOKE-0007"]  # Dana lost hers: she no longer holds it
    history = list(reports.history_report(conn, "AT-SMOKE-0001").rows())
    assert history[-1][3] == "RETIRE" and history[-1][10] == "retired (broken): dropped"
    assert history[-1][7] == "CART-A/1"  # the slot it left
    retire_rows = list(reports.events_report(conn, event_type="retire").rows())
    assert [row[4] for row in retire_rows] == ["AT-SMOKE-0001", "AT-SMOKE-0006"]
    cart = next(r for r in reports.occupancy_summary(conn) if r[0] == "CART-A")
    assert cart[2:] == (10, 3, 7)  # 0001's slot is free now


# -- slots past a shrunk case ------------------------------------------------------------------


def _shrink(engine: Engine, code: str, rows: int, cols: int) -> None:
    """A case made smaller with its CASE_RESIZE event (what the case-resize helper writes)."""
    case = engine.case(code)
    assert case is not None
    _write(
        engine,
        "UPDATE cases SET rows = ?, cols = ? WHERE id = ?",
        (rows, cols, case.id),
        EventType.CASE_RESIZE,
        details={"case": code, "rows": [case.rows, rows], "cols": [case.cols, cols]},
    )


def test_no_free_slot_search_offers_a_slot_past_a_shrunk_case(engine: Engine) -> None:
    conn = engine.store.conn
    # AT-SMOKE-0005 leaves CART-A/7 for Lee; then CART-A shrinks to 1 × 6 (7…10 stay as history)
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 7)])
    out = engine.commit_stock_out(["AT-SMOKE-0005"], "B-1002")
    _shrink(engine, "CART-A", 1, 6)
    assert conn.execute(
        "SELECT count(*) FROM slots s JOIN cases c ON c.id = s.case_id "
        "WHERE c.case_code = 'CART-A' AND s.position > 6"
    ).fetchone()[0] == 4
    assert_verifies(engine)
    case = engine.case("CART-A")
    assert case is not None
    assert [s.position for s in engine.case_slots(case.id)] == [1, 2, 3, 4, 5, 6]
    assert [p for _, p in queries.free_slots(conn, case.id)] == [5, 6]
    occupancy = list(reports.occupancy_report(conn, case="CART-A").rows())
    assert [row[5] for row in occupancy] == [1, 2, 3, 4, 5, 6]
    assert occupancy[0][2:5] == (6, 4, 2)  # slots, used, free

    # put-away and registration: position 7 is not in the case any more
    engine.commit_register([NewAsset("AT-NEW-2")])
    put = engine.preview_put_away([Placement("AT-NEW-2", "CART-A", 7)]).lines[0]
    assert put.code == Code.POSITION_OUT_OF_RANGE
    new = engine.preview_register([NewAsset("AT-NEW-1", "", "", "CART-A", 7)]).lines[0]
    assert new.code == Code.POSITION_OUT_OF_RANGE
    # the scan page: a slot label past the case, and the next free slot
    session = Session(engine)
    session.set_mode(Mode.PLACE)
    session.set_place_case(case.id)
    assert session.place_position == 5
    assert not session.scan("CART-A/7").accepted
    session.choose_position(case, 6)
    assert session.next_free_position(after=6) == 5  # wraps; never 7

    # stock-in: its own slot CART-A/7 is past the case, so it needs a return case
    line = engine.preview_stock_in(["AT-SMOKE-0005"]).lines[0]
    assert line.code == Code.NO_RETURN_SLOT
    assert line.reason == "its slot CART-A/7 is no longer within its case; choose a return case"
    back = engine.preview_stock_in(["AT-SMOKE-0005"], "CART-A").lines[0]
    assert back.ok and back.to == "CART-A/5 — home of AT-SMOKE-0006 (held by Dana Reyes)"
    # void: the stock-out cannot put it back into CART-A/7
    void = engine.preview_void(out.batch_id).lines[0]
    assert void.code == Code.VOID_CHANGED_SINCE
    assert void.reason == "changed since: its slot CART-A/7 is no longer within its case"


def test_stock_in_refuses_when_only_slots_past_the_case_are_free(engine: Engine) -> None:
    # SHELF-B 1 × 3 holds ZX9000 in slot 1; shrink to 1 × 1: slots 2 and 3 are past the case
    _shrink(engine, "SHELF-B", 1, 1)
    line = engine.preview_stock_in(["AT-SMOKE-0006", "AT-SMOKE-0007"], "SHELF-B").lines
    # both return to their own CART-A slots; move 0001 into 0006's home to force the case
    assert all(x.ok for x in line)
    engine.commit_move([Placement("AT-SMOKE-0001", "CART-A", 5)])
    refused = engine.preview_stock_in(["AT-SMOKE-0006"], "SHELF-B").lines[0]
    assert refused.code == Code.NO_FREE_SLOT
    assert refused.reason.endswith("case SHELF-B has no free slot left")
    assert_verifies(engine)


# -- random days with retirements ----------------------------------------------------------------


class RetiringStockroom(Stockroom):
    """``test_stateful``'s random stockroom, where assets are also retired (from a slot, from
    storage, from a holder), reinstated and edited: the model predicts every verdict, the tables
    match it and ``verify``'s replay passes after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.retired: dict[str, str] = {}  # tag -> kind
        self.serials: dict[str, str] = {}  # tag -> serial, when edited

    def place(self, items: list[tuple[Scan, Slot]], move: bool) -> None:
        if any(scan.tag in self.retired for scan, _ in items):
            batch = [Placement(scan.raw, slot[0], slot[1]) for scan, slot in items]
            commit = self.engine.commit_move if move else self.engine.commit_put_away
            preview = self.elsewhere.preview_move if move else self.elsewhere.preview_put_away
            self.try_commit(False, lambda: commit(batch), lambda: preview(batch))
            return
        super().place(items, move)

    @rule(data=st.data())
    def retire(self, data: st.DataObject) -> None:
        self.take_turn(data)
        pool = [t for t in self.assets if t not in self.retired or stray(data)]
        batch = draw_batch(data, pool)
        kind = data.draw(st.sampled_from(list(Retirement)), label="kind")
        reason = data.draw(st.sampled_from(["lost", " dropped ", "" if stray(data) else "gone"]))
        tags = self.resolve(batch)
        valid = bool(reason.strip()) and tags is not None and not any(
            t in self.retired for t in tags
        )
        raws = [s.raw for s in batch]
        if self.try_commit(
            valid,
            lambda: self.engine.commit_retire(raws, kind, reason),
            lambda: self.elsewhere.preview_retire(raws, kind, reason),
        ):
            assert tags is not None
            for t in tags:
                self.assets[t].slot, self.assets[t].holder = None, None
                self.retired[t] = kind.value
                event("retired")

    @precondition(lambda self: bool(self.retired))
    @rule(data=st.data())
    def reinstate(self, data: st.DataObject) -> None:
        self.take_turn(data)
        pool = list(self.retired) if not stray(data) else list(self.assets)
        batch = draw_batch(data, pool)
        tags = self.resolve(batch)
        valid = tags is not None and all(t in self.retired for t in tags)
        raws = [s.raw for s in batch]
        if self.try_commit(
            valid,
            lambda: self.engine.commit_reinstate(raws, "found"),
            lambda: self.elsewhere.preview_reinstate(raws, "found"),
        ):
            assert tags is not None
            for t in tags:
                del self.retired[t]

    @precondition(lambda self: bool(self.assets))
    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        self.take_turn(data)
        tag = data.draw(st.sampled_from(sorted(self.assets)), label="tag")
        serial = data.draw(st.sampled_from(["SN-X", f"SN-{tag}", "SN-AT-001"]), label="serial")
        info = self.engine.edit_asset(tag, serial=serial)
        changed = serial != self.serials.get(tag, f"SN-{tag}")
        assert bool(info.batch_id) == changed and info.serial == serial
        self.serials[tag] = serial
        self.events += int(changed)

    @invariant()
    def tables_match_the_model(self) -> None:
        rows = self.conn.execute(
            "SELECT a.asset_tag, a.location_type, h.badge_code, c.case_code || '/' || s.position,"
            " a.retirement FROM assets a LEFT JOIN holders h ON h.id = a.current_holder_id "
            "LEFT JOIN slots s ON s.asset_id = a.id LEFT JOIN cases c ON c.id = s.case_id"
        ).fetchall()
        expected = {
            t: (("RETIRED", None, None, self.retired[t]) if t in self.retired else (*a.state, None))
            for t, a in self.assets.items()
        }
        assert {r[0]: tuple(r[1:]) for r in rows} == expected
        assert self.conn.execute("SELECT count(*) FROM events").fetchone() == (self.events,)


RetiringStockroom.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
test_a_stockroom_with_retirements = RetiringStockroom.TestCase
