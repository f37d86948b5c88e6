"""Stocktake: every class of finding, slot labels and tag order, the AUDIT event, an audit that
survives a restart, and the fix batches (atomic, refused whole when the database changed).

The seeded stockroom (tests/core/conftest.py): CART-A 2 × 5 holds AT-SMOKE-0001…0004 in slots
1…4 (5 and 6 are the homes of AT-SMOKE-0006, held by Dana, and AT-SMOKE-0007, held by Lee);
SHELF-B 1 × 3 holds ZX9000 in slot 1; AT-SMOKE-0005 is in storage without a slot.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assettrack_gui.core import audit as audit_mod
from assettrack_gui.core.audit import (
    EMPTY,
    FIX_MOVE,
    FIX_PUT_AWAY,
    FIX_STOCK_IN,
    Audit,
    AuditSession,
    AuditStatus,
    plan_fixes,
)
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, UserError
from assettrack_gui.core.model import Code, NewAsset, Placement
from assettrack_gui.core.pending import audit_path
from assettrack_gui.core.verify import verify

from .conftest import dump, where

pytestmark = pytest.mark.both_backends  # SQLite, and PostgreSQL when it is installed

OK, WRONG, MISSING, UNEXPECTED, UNKNOWN, DUPLICATE = (
    AuditStatus.OK,
    AuditStatus.WRONG_SLOT,
    AuditStatus.MISSING,
    AuditStatus.UNEXPECTED,
    AuditStatus.UNKNOWN,
    AuditStatus.DUPLICATE,
)


def run(engine: Engine, case: str, *scans: str) -> Audit:
    audit = engine.start_audit(case)
    for s in scans:
        engine.audit_scan(audit, s)
    return audit


def by_tag(audit: Audit) -> dict[str, tuple[str, str, str, str]]:
    """tag -> (status, expected_slot, found_slot, detail) of every finding but duplicates."""
    return {
        f.tag: (f.status.value, f.expected_slot, f.found_slot, f.detail)
        for f in audit.findings()
        if f.status != DUPLICATE
    }


def statuses(audit: Audit) -> list[tuple[str, str]]:
    return [(f.tag, f.status.value) for f in audit.findings()]


EVENT_COLUMNS = ("asset_id", "holder_id", "slot_id", "operator", "note", "batch_id", "created_at", "details")


def audit_events(conn: sqlite3.Connection) -> list[dict[str, object]]:
    rows = conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE event_type = 'AUDIT' ORDER BY id"
    ).fetchall()
    return [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in rows]


# -- each class --------------------------------------------------------------------------------


def test_a_case_as_the_database_says_is_all_ok(engine: Engine) -> None:
    audit = run(engine, "CART-A", *(f"AT-SMOKE-000{n}" for n in range(1, 5)))
    assert statuses(audit) == [(f"AT-SMOKE-000{n}", "ok") for n in range(1, 5)]
    assert audit.counts() == {
        "ok": 4, "wrong-slot": 0, "missing": 0, "unexpected": 0, "unknown": 0, "duplicate": 0
    }  # fmt: skip
    assert by_tag(audit)["AT-SMOKE-0002"] == ("ok", "CART-A/2", "CART-A/2", "")


def test_a_dash_stripped_scan_is_its_asset_and_says_how_it_was_scanned(engine: Engine) -> None:
    audit = run(engine, "CART-A", "ATSMOKE0001", "AT-SMOKE-0002")
    assert by_tag(audit)["AT-SMOKE-0001"] == (
        "ok", "CART-A/1", "CART-A/1", "scanned as ATSMOKE0001"
    )  # fmt: skip


def test_a_caps_lock_scan_is_unknown_with_the_hint_and_stays_visible(engine: Engine) -> None:
    audit = engine.start_audit("CART-A")
    outcome = engine.audit_scan(audit, "at-smoke-0001")
    assert not outcome.accepted
    assert outcome.finding is not None and outcome.finding.status == UNKNOWN
    assert outcome.finding.code == Code.CAPS_LOCK_HINT  # callers branch on the code
    status, _, found, detail = by_tag(audit)["at-smoke-0001"]
    assert status == "unknown" and found == "CART-A/1"
    assert "AT-SMOKE-0001 exists — is Caps Lock on?" in detail
    # The asset itself was not scanned: it is missing, not ok.
    assert by_tag(audit)["AT-SMOKE-0001"][0] == "missing"


def test_unknown_ambiguous_and_badge_scans_are_unknown(engine: Engine) -> None:
    audit = run(engine, "CART-A", "NOPE-1", "B-1001")
    got = by_tag(audit)
    assert [f.code for f in audit.findings()[:2]] == [Code.UNKNOWN_SCAN, Code.HOLDER_BADGE]
    assert got["NOPE-1"] == ("unknown", "", "CART-A/1", "no asset, badge or case NOPE-1")
    assert got["B-1001"][0] == "unknown"
    assert "badge of Dana Reyes (B-1001), not an asset" in got["B-1001"][3]


def test_missing_assets_are_listed_by_slot(engine: Engine) -> None:
    audit = run(engine, "CART-A", "AT-SMOKE-0001", "AT-SMOKE-0004")
    assert statuses(audit) == [
        ("AT-SMOKE-0001", "ok"),
        ("AT-SMOKE-0004", "ok"),  # tag order skips slots 2 and 3: they were not scanned
        ("AT-SMOKE-0002", "missing"),
        ("AT-SMOKE-0003", "missing"),
    ]
    assert by_tag(audit)["AT-SMOKE-0003"] == ("missing", "CART-A/3", "", "not scanned")


def test_unexpected_names_where_the_database_has_it(engine: Engine, store) -> None:
    with store.write() as conn:  # a retired asset (schema v3; retirement itself is elsewhere)
        conn.execute(
            "INSERT INTO assets (asset_tag, location_type, retirement) "
            "VALUES ('AT-GONE-0001', 'RETIRED', 'LOST')"
        )
    audit = run(
        engine, "CART-A", "CART-A/7", "AT-SMOKE-0006", "ZX9000", "AT-SMOKE-0005", "AT-GONE-0001"
    )
    got = by_tag(audit)
    assert got["AT-SMOKE-0006"] == (
        "unexpected", "", "CART-A/7", "in custody of Dana Reyes (B-1001)"
    )  # fmt: skip
    assert got["ZX9000"] == ("unexpected", "SHELF-B/1", "CART-A/8", "the database has it in SHELF-B/1")
    assert got["AT-SMOKE-0005"] == (
        "unexpected", "", "CART-A/9", "the database has it in storage without a slot"
    )  # fmt: skip
    assert got["AT-GONE-0001"][0] == "unexpected"
    assert got["AT-GONE-0001"][3] == "retired (lost): the database has it out of use"


def test_a_duplicate_is_ignored_and_flagged(engine: Engine) -> None:
    audit = engine.start_audit("CART-A")
    engine.audit_scan(audit, "AT-SMOKE-0001")
    again = engine.audit_scan(audit, "ATSMOKE0001")  # the same asset, dash-stripped
    assert not again.accepted and again.finding is not None
    assert again.finding.status == DUPLICATE
    assert again.finding.detail == "scanned twice (first as scan 1): ignored"
    engine.audit_scan(audit, "AT-SMOKE-0002")  # still slot 2: the duplicate took no slot
    engine.audit_scan(audit, "NOPE")
    engine.audit_scan(audit, "NOPE")  # an unknown scan twice is a duplicate too
    assert statuses(audit)[:5] == [
        ("AT-SMOKE-0001", "ok"),
        ("AT-SMOKE-0001", "duplicate"),
        ("AT-SMOKE-0002", "ok"),
        ("NOPE", "unknown"),
        ("NOPE", "duplicate"),
    ]
    assert audit.counts()["duplicate"] == 2


# -- slot labels and tag order -------------------------------------------------------------------


def test_slot_labels_say_exactly_where_each_asset_is(engine: Engine) -> None:
    audit = run(
        engine, "CART-A",
        "CART-A/2", "AT-SMOKE-0001",  # 0001 is in slot 2
        "CARTA/1", "AT-SMOKE-0002",  # a dashless case code in the label
        "CART-A/3", "AT-SMOKE-0003",
    )  # fmt: skip
    got = by_tag(audit)
    assert got["AT-SMOKE-0001"] == (
        "wrong-slot", "CART-A/1", "CART-A/2", "expected in CART-A/1, found in CART-A/2"
    )  # fmt: skip
    assert got["AT-SMOKE-0002"][:3] == ("wrong-slot", "CART-A/2", "CART-A/1")
    assert got["AT-SMOKE-0003"][0] == "ok"
    finding = audit.found_asset(1)
    assert finding is not None and finding.exact
    rows = {r.position: r for r in audit.slot_rows()}
    assert rows[2].words == "expected AT-SMOKE-0002, found AT-SMOKE-0001"
    assert rows[2].state == WRONG
    assert rows[4].words == "expected AT-SMOKE-0004, found nothing" and rows[4].state == MISSING
    assert rows[3].state == OK and rows[10].state == EMPTY


def test_tag_order_out_of_order_is_a_wrong_slot_by_scan_order(engine: Engine) -> None:
    audit = run(engine, "CART-A", "AT-SMOKE-0003", "AT-SMOKE-0001")
    got = by_tag(audit)
    assert got["AT-SMOKE-0003"][0] == "ok"
    assert got["AT-SMOKE-0001"] == (
        "wrong-slot",
        "CART-A/1",
        "CART-A/4",
        "expected in CART-A/1, found in CART-A/4 (slot by scan order)",
    )
    found = audit.found_asset(1)
    assert found is not None and not found.exact


def test_a_label_then_an_asset_already_scanned_pins_it_there(engine: Engine) -> None:
    audit = run(engine, "CART-A", "AT-SMOKE-0003", "AT-SMOKE-0001")
    outcome = engine.audit_scan(audit, "CART-A/1")
    assert outcome.position == 1 and outcome.finding is None
    outcome = engine.audit_scan(audit, "AT-SMOKE-0001")
    assert outcome.accepted and "taken as found in CART-A/1" in outcome.message
    assert by_tag(audit)["AT-SMOKE-0001"][:3] == ("ok", "CART-A/1", "CART-A/1")
    assert audit.counts()["duplicate"] == 0
    engine.audit_scan(audit, "AT-SMOKE-0001")  # again, with no label between: a duplicate
    assert audit.counts()["duplicate"] == 1


def test_scans_that_are_not_part_of_the_audit_are_not_recorded(engine: Engine) -> None:
    audit = engine.start_audit("CART-A")
    cases = [
        ("SHELF-B", "case SHELF-B is not the case being audited (CART-A): not recorded"),
        ("CART-A", "Case CART-A: this is the case being audited"),
        ("  ", "empty scan ignored"),
    ]
    for scan, message in cases:
        outcome = engine.audit_scan(audit, scan)
        assert not outcome.recorded and outcome.message == message
    assert engine.audit_scan(audit, "SHELF-B").other_case is not None
    assert audit.scan_count == 0 and audit.counts()["missing"] == 4


NOT_PINNED = "Not used as a slot label: the next scan is placed by scan order."


def test_bad_slot_labels_are_unknown_findings_with_the_reason(engine: Engine, store) -> None:
    """A slot label that names no slot of the case is kept, counted and recorded (review
    defect: it used to be dropped, said only on the CLI's stderr)."""
    audit = run(
        engine,
        "CART-A",
        "CARTA/2",  # a good label, dashless
        "AT-SMOKE-0002",
        "cart-a/4",  # Caps Lock
        "AT-SMOKE-0004",
        "CART-A/99",  # outside the case
        "AT-SMOKE-0003",
        "SHELF-B/1",  # another case's slot
        "CART-A/5",
    )
    assert audit.scan_count == 8
    unknown = [f for f in audit.findings() if f.status == UNKNOWN]
    assert [(f.tag, f.expected_slot, f.found_slot, f.code) for f in unknown] == [
        ("cart-a/4", "", "CART-A", Code.CAPS_LOCK_HINT),
        ("CART-A/99", "", "CART-A", Code.POSITION_OUT_OF_RANGE),
        ("SHELF-B/1", "", "CART-A", Code.SLOT_OF_OTHER_CASE),
    ]
    assert all(f.bad_label and f.position is None for f in unknown)
    assert [f.detail for f in unknown] == [
        f"no slot cart-a/4; case CART-A exists — is Caps Lock on? {NOT_PINNED}",
        f"CART-A/99: case CART-A has positions 1–10, not '99'. {NOT_PINNED}",
        f"SHELF-B/1 is a slot of case SHELF-B, not of CART-A. {NOT_PINNED}",
    ]
    assert audit.counts() == {
        "ok": 2, "wrong-slot": 1, "missing": 1, "unexpected": 0, "unknown": 3, "duplicate": 0
    }  # fmt: skip
    # AT-SMOKE-0003 came after the slot 4 asset and a bad label: by scan order, slot 5.
    assert by_tag(audit)["AT-SMOKE-0003"][2:] == (
        "CART-A/5", "expected in CART-A/3, found in CART-A/5 (slot by scan order)"
    )  # fmt: skip
    # A bad label takes no slot: slot by slot, nothing is found "in" it.
    assert all(row.state != UNKNOWN for row in audit.slot_rows())
    recorded = engine.commit_audit(audit)
    assert recorded.counts["unknown"] == 3
    with store.read() as conn:
        details = json.loads(str(audit_events(conn)[0]["details"]))
    assert details["scans"] == 8 and details["counts"]["unknown"] == 3
    assert {
        "asset_tag": "CART-A/99",
        "status": "unknown",
        "expected_slot": "",
        "found_slot": "CART-A",
        "detail": f"CART-A/99: case CART-A has positions 1–10, not '99'. {NOT_PINNED}",
    } in details["findings"]


def test_the_scan_after_a_bad_label_is_not_pinned_but_placed_by_scan_order(
    engine: Engine,
) -> None:
    # CART-A/4 waits for its asset; the bad label after it cancels that (the clerk meant
    # another slot): AT-SMOKE-0001 is placed by scan order (the next slot, 4), not pinned.
    audit = run(engine, "CART-A", "CART-A/4", "CART-A/77", "AT-SMOKE-0001")
    found = audit.found_asset(audit.records[-1].asset_id or 0)
    assert found is not None
    assert (found.status, found.found_slot, found.exact) == (WRONG, "CART-A/4", False)
    assert found.detail == "expected in CART-A/1, found in CART-A/4 (slot by scan order)"
    plan = plan_fixes(engine, audit)
    assert plan.moves == []  # an inferred slot is never written
    assert ("CART-A/77", f"not a slot of CART-A (CART-A/77: case CART-A has positions 1–10, "
            f"not '77'. {NOT_PINNED})") in plan.follow_up  # fmt: skip
    # A good label after a bad one pins as always; the same bad label again is a duplicate.
    audit = run(engine, "CART-A", "cart-a/3", "CART-A/3", "AT-SMOKE-0003", "cart-a/3")
    assert by_tag(audit)["AT-SMOKE-0003"][:3] == ("ok", "CART-A/3", "CART-A/3")
    assert audit.counts()["unknown"] == 1 and audit.counts()["duplicate"] == 1


def test_a_bad_label_survives_a_restart(engine: Engine, db_path: Path) -> None:
    first = AuditSession(engine, db_path)
    first.start("CART-A")
    for s in ("CART-A/2", "CART-A/11", "AT-SMOKE-0002"):
        first.scan(s)
    before = [f.row() for f in first.audit.findings()]  # type: ignore[union-attr]
    saved = AuditSession(engine, db_path).saved()
    assert saved is not None and saved.scan_count == 3
    assert [f.row() for f in saved.findings()] == before
    assert [f.code for f in saved.findings() if f.status == UNKNOWN] == [
        Code.POSITION_OUT_OF_RANGE
    ]


def test_unknown_case(engine: Engine) -> None:
    with pytest.raises(UserError, match="no case 'NOPE'"):
        engine.start_audit("NOPE")
    assert engine.start_audit("CARTA").case.case_code == "CART-A"  # dashless, as scanned


def test_every_kind_of_difference_at_once(engine: Engine, store) -> None:
    with store.write() as conn:
        conn.execute(
            "INSERT INTO assets (asset_tag, location_type, retirement) "
            "VALUES ('AT-GONE-0001', 'RETIRED', 'BROKEN')"
        )
    audit = run(
        engine, "CART-A",
        "AT-SMOKE-0001",  # ok
        "at-smoke-0002",  # unknown (Caps Lock)
        "CART-A/3", "AT-SMOKE-0004",  # wrong slot (expected 4)
        "CART-A/4", "ATSMOKE0003",  # wrong slot (expected 3), dash-stripped
        "AT-SMOKE-0006",  # unexpected: in Dana's custody (found at 5)
        "ZX9000",  # unexpected: SHELF-B/1 (found at 6)
        "AT-SMOKE-0005",  # unexpected: no slot (found at 7)
        "AT-GONE-0001",  # unexpected: retired
        "NOPE-9",  # unknown
        "AT-SMOKE-0001",  # duplicate
    )  # fmt: skip
    assert audit.counts() == {
        "ok": 1, "wrong-slot": 2, "missing": 1, "unexpected": 4, "unknown": 2, "duplicate": 1
    }  # fmt: skip
    assert statuses(audit)[-1] == ("AT-SMOKE-0002", "missing")
    states = {r.position: r.state for r in audit.slot_rows()}
    assert states == {
        1: OK, 2: UNKNOWN, 3: WRONG, 4: WRONG, 5: UNEXPECTED, 6: UNEXPECTED, 7: UNEXPECTED,
        8: UNEXPECTED, 9: UNKNOWN, 10: EMPTY,
    }  # fmt: skip


# -- recording -----------------------------------------------------------------------------------


def test_finishing_records_one_audit_event_and_changes_nothing_else(engine: Engine, store) -> None:
    audit = run(engine, "CART-A", "AT-SMOKE-0001", "CART-A/3", "AT-SMOKE-0004", "NOPE")
    with store.read() as conn:
        before = dump(conn)
        count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    recorded = engine.commit_audit(audit)
    with store.read() as conn:
        after = dump(conn)
        rows = audit_events(conn)
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == count + 1
    assert len(rows) == 1
    event = rows[0]
    assert (event["asset_id"], event["holder_id"], event["slot_id"]) == (None, None, None)
    assert event["operator"] == "tester" and event["note"] == ""
    assert event["batch_id"] == recorded.batch_id and event["created_at"] == recorded.created_at
    details = json.loads(str(event["details"]))
    assert details["case_code"] == "CART-A" and details["scans"] == 4
    assert details["counts"] == {
        "ok": 1, "wrong-slot": 1, "missing": 2, "unexpected": 0, "unknown": 1, "duplicate": 0
    }  # fmt: skip
    assert details["findings"][1] == {
        "asset_tag": "AT-SMOKE-0004",
        "status": "wrong-slot",
        "expected_slot": "CART-A/4",
        "found_slot": "CART-A/3",
        "detail": "expected in CART-A/4, found in CART-A/3",
    }
    assert len(details["findings"]) == 5
    # Only the new event differs: no asset, slot, holder or case changed.
    changed = set(after.splitlines()) - set(before.splitlines())
    assert len(changed) == 1 and "'AUDIT'" in changed.pop()
    report = verify(store)
    assert report.ok, report.problems


def test_an_audit_with_no_scans_is_refused_and_records_nothing(engine: Engine, store) -> None:
    """An empty (or failed) scanner export must not become an audit saying all is missing."""
    with store.read() as conn:
        before = dump(conn)
    audit = engine.start_audit("SHELF-B")
    for s in ("", "   ", "SHELF-B", "CART-A"):  # blank, its own code, another case: no scans
        engine.audit_scan(audit, s)
    refusal = audit.refusal()
    assert refusal is not None and refusal.code == Code.EMPTY_BATCH
    assert "has no scans: nothing recorded" in refusal.message
    with pytest.raises(Refused, match="the audit of SHELF-B has no scans"):
        engine.commit_audit(audit)
    session = AuditSession(engine)
    session.start("SHELF-B")
    with pytest.raises(Refused, match="has no scans"):
        session.finish()
    assert session.active  # still in progress: scan on
    with store.read() as conn:
        assert dump(conn) == before
    # One scan, even a lone slot label, is an audit.
    audit = run(engine, "SHELF-B", "SHELF-B/2")
    assert audit.refusal() is None
    assert engine.commit_audit(audit).counts["missing"] == 1


# -- restart survival ------------------------------------------------------------------------------


def test_an_audit_in_progress_survives_a_restart(engine: Engine, db_path: Path) -> None:
    first = AuditSession(engine, db_path)
    first.start("CART-A")
    for s in ("AT-SMOKE-0001", "NOPE", "CART-A/4"):
        first.scan(s)
    assert audit_path(db_path).is_file()
    before = [f.row() for f in first.audit.findings()]  # type: ignore[union-attr]

    again = AuditSession(engine, db_path)  # the app started again
    saved = again.saved()
    assert saved is not None
    assert [f.row() for f in saved.findings()] == before
    again.restore(saved)
    # It continues exactly where it was: the label CART-A/4 still waits for its asset.
    outcome = again.scan("AT-SMOKE-0003")
    assert outcome.finding is not None and outcome.finding.found_slot == "CART-A/4"
    assert outcome.finding.status == WRONG
    recorded = again.finish()
    assert recorded.counts["wrong-slot"] == 1
    assert not audit_path(db_path).exists()
    assert AuditSession(engine, db_path).saved() is None


def test_a_damaged_audit_file_is_not_offered(engine: Engine, db_path: Path) -> None:
    session = AuditSession(engine, db_path)
    session.start("CART-A")
    session.scan("AT-SMOKE-0001")
    audit_path(db_path).write_text('{"format": 1, "case": [1, "X"]}', encoding="utf-8")
    assert session.saved() is None
    audit_path(db_path).write_text("not json", encoding="utf-8")
    assert session.saved() is None
    session.discard()
    assert not audit_path(db_path).exists()


# -- fix batches -------------------------------------------------------------------------------------


def test_fix_plan_sorts_findings_into_batches_and_follow_ups(engine: Engine) -> None:
    audit = run(
        engine, "CART-A",
        "CART-A/7", "AT-SMOKE-0001",  # slotted in 1: Move to 7
        "CART-A/8", "AT-SMOKE-0005",  # no slot: Put-away into 8
        "AT-SMOKE-0006",  # Dana holds it: Stock-In
        "ZX9000",  # in SHELF-B, found by scan order only: follow up
        "NOPE",  # unknown: follow up
    )  # fmt: skip
    plan = audit_mod.plan_fixes(engine, audit)
    assert plan.moves == [Placement("AT-SMOKE-0001", "CART-A", 7)]
    assert plan.put_aways == [Placement("AT-SMOKE-0005", "CART-A", 8)]
    assert plan.stock_ins == [("AT-SMOKE-0006", "Dana Reyes (B-1001)")]
    follow = dict(plan.follow_up)
    assert follow["ZX9000"].startswith("found by scan order")
    assert follow["NOPE"].startswith("matches no asset")
    assert follow["AT-SMOKE-0002"] == (
        "not found on the shelf (expected in CART-A/2): look for it, or retire it"
    )
    assert plan.retirable == ["AT-SMOKE-0002", "AT-SMOKE-0003", "AT-SMOKE-0004"]


def test_missing_assets_can_be_retired_in_one_batch_and_then_are_not_offered_again(
    engine: Engine, store
) -> None:
    audit = run(engine, "CART-A", "AT-SMOKE-0001", "AT-SMOKE-0002")
    plan = audit_mod.plan_fixes(engine, audit)
    assert plan.retirable == ["AT-SMOKE-0003", "AT-SMOKE-0004"]
    result = engine.commit_retire(plan.retirable, "lost", "not found at the stocktake")
    assert result.count == 2
    again = audit_mod.plan_fixes(engine, audit)
    assert again.retirable == []
    follow = dict(again.follow_up)
    assert follow["AT-SMOKE-0003"] == (
        "not found on the shelf (expected in CART-A/3); retired (lost): the database has it "
        "out of use"
    )
    # The audit itself is what was found: the findings do not change.
    assert audit.counts()["missing"] == 2
    with store.read() as conn:
        assert where(conn, "AT-SMOKE-0003")[0] == "RETIRED"


def test_each_fix_batch_commits_atomically_and_then_nothing_is_left(
    engine: Engine, store
) -> None:
    session = AuditSession(engine)
    session.start("CART-A")
    for s in ("CART-A/7", "AT-SMOKE-0001", "CART-A/8", "AT-SMOKE-0005", "CART-A/9",
              "AT-SMOKE-0006"):  # fmt: skip
        session.scan(s)
    session.finish()  # fixes work from a finished audit too

    move = session.prepare_fix(FIX_MOVE)
    assert move.ready and move.placements == [Placement("AT-SMOKE-0001", "CART-A", 7)]
    result = session.commit_fix(move)
    assert result.count == 1
    put = session.prepare_fix(FIX_PUT_AWAY)
    assert put.ready and session.commit_fix(put).count == 1
    back = session.prepare_fix(FIX_STOCK_IN)
    assert back.holders == [("AT-SMOKE-0006", "Dana Reyes (B-1001)")]
    assert back.question() == "Take 1 asset back from their holders into CART-A?"
    assert session.commit_fix(back).count == 1
    with store.read() as conn:
        assert where(conn, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/7")
        assert where(conn, "AT-SMOKE-0005") == ("STORAGE", None, "CART-A/8")
        # Stock-In puts it back in its own slot (5); it was found in 9: a Move is offered next.
        assert where(conn, "AT-SMOKE-0006") == ("STORAGE", None, "CART-A/5")
    follow_up = session.prepare_fix(FIX_MOVE)
    assert follow_up.placements == [Placement("AT-SMOKE-0006", "CART-A", 9)]
    session.commit_fix(follow_up)
    plan = session.plan()
    assert (plan.moves, plan.put_aways, plan.stock_ins) == ([], [], [])
    assert verify(store).ok


def test_a_fix_batch_is_refused_whole_if_the_database_changed_since(
    engine: Engine, other_engine: Engine, store
) -> None:
    audit = run(
        engine, "CART-A", "CART-A/7", "AT-SMOKE-0001", "CART-A/8", "AT-SMOKE-0002"
    )
    batch = audit_mod.prepare_fix(engine, audit, FIX_MOVE)
    assert batch.ready and batch.count == 2
    # Another station takes slot 8 before the commit.
    other_engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 8)])
    with store.read() as conn:
        before = dump(conn)
    with pytest.raises(Refused) as refused:
        audit_mod.commit_fix(engine, batch)
    assert any("slot CART-A/8 is taken by AT-SMOKE-0005" in r for r in refused.value.reasons)
    with store.read() as conn:
        assert dump(conn) == before  # neither asset moved
        assert where(conn, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")


def test_moves_into_a_slot_still_taken_wait_and_swaps_are_named(engine: Engine) -> None:
    # A chain: 0001 was found in 2, 0002 in 7 → 0002 must move first.
    chain = run(engine, "CART-A", "CART-A/2", "AT-SMOKE-0001", "CART-A/7", "AT-SMOKE-0002")
    batch = audit_mod.prepare_fix(engine, chain, FIX_MOVE)
    assert batch.placements == [Placement("AT-SMOKE-0002", "CART-A", 7)]
    assert batch.left_out == [
        ("AT-SMOKE-0001", "waits until AT-SMOKE-0002 has left CART-A/2: commit this batch, then fix again")
    ]
    # A swap: 0003 found in 4 and 0004 in 3.
    swap = run(engine, "CART-A", "CART-A/4", "AT-SMOKE-0003", "CART-A/3", "AT-SMOKE-0004")
    batch = audit_mod.prepare_fix(engine, swap, FIX_MOVE)
    assert not batch.ready and batch.preview is None
    assert [tag for tag, _ in batch.left_out] == ["AT-SMOKE-0003", "AT-SMOKE-0004"]
    assert all(why.startswith("swaps places with") for _, why in batch.left_out)


def test_nothing_to_fix_is_an_empty_batch(engine: Engine) -> None:
    audit = run(engine, "CART-A", "AT-SMOKE-0001")
    for kind in (FIX_MOVE, FIX_PUT_AWAY, FIX_STOCK_IN):
        batch = audit_mod.prepare_fix(engine, audit, kind)
        assert batch.count == 0 and not batch.ready


# -- the scan file of assettrack-admin audit -------------------------------------------------------


def test_scan_lines_reads_utf8_with_bom_and_refuses_other_bytes() -> None:
    assert audit_mod.scan_lines("\ufeffAT-1\r\nCART-A/2\r\n\r\nAT-2".encode(), "f") == [
        "AT-1", "CART-A/2", "", "AT-2"
    ]  # fmt: skip
    with pytest.raises(UserError, match="not UTF-8 text"):
        audit_mod.scan_lines(b"AT-\xe91", "scans.txt")


def test_a_slot_held_by_a_missing_asset_says_so(engine: Engine) -> None:
    # 0005 (no slot) found in slot 2, where the database has 0002, which is not on the shelf.
    audit = run(engine, "CART-A", "AT-SMOKE-0001", "CART-A/2", "AT-SMOKE-0005")
    batch = audit_mod.prepare_fix(engine, audit, FIX_PUT_AWAY)
    assert batch.count == 0 and batch.left_out == [
        (
            "AT-SMOKE-0005",
            "slot CART-A/2 is taken by AT-SMOKE-0002, which was not found on the shelf: "
            "find it, or retire it, first",
        )
    ]


def test_put_away_and_stock_in_fixes_are_refused_whole_when_the_database_changed(
    engine: Engine, other_engine: Engine, store
) -> None:
    audit = run(engine, "CART-A", "CART-A/8", "AT-SMOKE-0005", "CART-A/9", "AT-SMOKE-0006")
    put = audit_mod.prepare_fix(engine, audit, FIX_PUT_AWAY)
    back = audit_mod.prepare_fix(engine, audit, FIX_STOCK_IN)
    assert put.ready and back.ready
    # Another station puts 0005 away elsewhere and takes 0006 back from Dana.
    other_engine.commit_put_away([Placement("AT-SMOKE-0005", "SHELF-B", 2)])
    other_engine.commit_stock_in(["AT-SMOKE-0006"])
    with store.read() as conn:
        before = dump(conn)
    for batch in (put, back):
        with pytest.raises(Refused):
            audit_mod.commit_fix(engine, batch)
    with store.read() as conn:
        assert dump(conn) == before
    # Prepared again, the plan follows the database: both are now Moves into where they were found.
    plan = audit_mod.plan_fixes(engine, audit)
    assert plan.moves == [
        Placement("AT-SMOKE-0005", "CART-A", 8), Placement("AT-SMOKE-0006", "CART-A", 9)
    ]  # fmt: skip
    assert plan.put_aways == [] and plan.stock_ins == []


def test_a_stock_in_with_no_slot_to_go_to_is_left_out(engine: Engine, store) -> None:
    # Fill SHELF-B, then find Lee's 0007 (home CART-A/6, taken now) on SHELF-B.
    engine.commit_register([NewAsset("AT-FILL-1", case_code="CART-A", position=6)])
    engine.commit_register([NewAsset("AT-FILL-2", case_code="SHELF-B", position=2)])
    engine.commit_register([NewAsset("AT-FILL-3", case_code="SHELF-B", position=3)])
    audit = run(engine, "SHELF-B", "ZX9000", "AT-FILL-2", "AT-FILL-3", "AT-SMOKE-0007")
    batch = audit_mod.prepare_fix(engine, audit, FIX_STOCK_IN)
    assert batch.count == 0 and not batch.ready
    assert batch.left_out == [
        ("AT-SMOKE-0007", "its slot CART-A/6 is taken by AT-FILL-1, and case SHELF-B has no free slot left")
    ]
