"""Issue 10, "the database never disagrees with the shelf": returns keep loaned assets' home
slots free, a wrong commit is voided by compensating events, near-duplicate codes are refused
at registration, and CASE_CREATE rows name their case. Uses the seeded stockroom of conftest."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from assettrack_gui.core import queries, reports
from assettrack_gui.core import store as store_module
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused
from assettrack_gui.core.eventlog import log_head
from assettrack_gui.core.model import (
    Code,
    CommitResult,
    EventType,
    NewAsset,
    NewCase,
    NewHolder,
    Placement,
)
from assettrack_gui.core.receipt import write_receipt_pdf
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import verify
from tests.tamper import Shell, on_postgres

from .conftest import asset_id, before_near_duplicate_rule, dump, events, seed, where

pytestmark = pytest.mark.both_backends


def refused(engine: Engine, commit: Callable[[], CommitResult]) -> Refused:
    """The commit is refused and the database is exactly as it was."""
    before = dump(engine.store.conn)
    with pytest.raises(Refused) as info:
        commit()
    assert dump(engine.store.conn) == before
    return info.value


def codes(exc: Refused) -> set[Code | None]:
    preview = exc.result
    assert preview is not None
    return {p.code for p in preview.problems} | {x.code for x in preview.lines if not x.ok}


# -- 1. Stock-In keeps loaned assets' home slots free ------------------------------------------


def test_a_return_does_not_take_a_home_and_start_a_cascade(engine: Engine) -> None:
    """The issue's cascade: AT-SMOKE-0001 cannot go home, so it needs a slot of CART-A. Before,
    it took CART-A/5, the home of AT-SMOKE-0006 (still with Dana); 0006 then came back to
    another asset's slot, and so on. Now it takes CART-A/7, and 0006 later goes home."""
    engine.commit_stock_out(["AT-SMOKE-0001"], "B-1002")
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 1)])  # its home is taken
    result = engine.commit_stock_in(["AT-SMOKE-0001"], "CART-A")
    line = result.preview.lines[0]
    assert (line.to, line.warning, line.home_slot) == ("CART-A/7", None, False)
    back = engine.commit_stock_in(["AT-SMOKE-0006", "AT-SMOKE-0007"])  # no case needed
    assert [x.to for x in back.preview.lines] == ["CART-A/5", "CART-A/6"]
    assert all(x.home_slot for x in back.preview.lines)
    conn = engine.store.conn
    assert where(conn, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/7")
    assert where(conn, "AT-SMOKE-0006") == ("STORAGE", None, "CART-A/5")
    assert verify(engine.store).ok


def test_only_a_full_case_lends_a_home_and_the_line_says_whose(engine: Engine) -> None:
    engine.commit_register([NewAsset(f"AT-F{n}", "", "", "CART-A", n) for n in range(7, 11)])
    engine.commit_stock_out(["AT-SMOKE-0001"], "B-1002")
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 1)])
    preview = engine.preview_stock_in(["AT-SMOKE-0001"], "CART-A")
    line = preview.lines[0]
    assert preview.ok and line.to_slot_id is not None
    assert line.to == "CART-A/5 — home of AT-SMOKE-0006 (held by Dana Reyes)"
    assert line.warning is not None and line.warning.code == Code.HOME_OF_ANOTHER
    # The Scan page's one-line check agrees with the whole-batch check.
    step = engine.extend(engine.preview_stock_in([], "CART-A"), "AT-SMOKE-0001")
    assert [(x.to, x.warning) for x in step.lines] == [(x.to, x.warning) for x in preview.lines]


def test_homes_in_case_names_every_asset_out_of_a_slot(engine: Engine) -> None:
    with engine.store.read() as conn:
        case = queries.case_by_code(conn, "CART-A")
        assert case is not None
        homes = queries.homes_in_case(conn, case.id)
    assert {slot: [(h.asset_tag, h.holder_name) for h in hs] for slot, hs in homes.items()} == {
        queries.slot_at(engine.store.conn, case.id, 5)[0]: [("AT-SMOKE-0006", "Dana Reyes")],
        queries.slot_at(engine.store.conn, case.id, 6)[0]: [("AT-SMOKE-0007", "Lee Park")],
    }


# -- 2. Void -------------------------------------------------------------------------------------


def test_void_of_a_stock_out_puts_the_assets_back_into_their_slots(engine: Engine) -> None:
    conn = engine.store.conn
    out = engine.commit_stock_out(["AT-SMOKE-0001", "AT-SMOKE-0002"], "B-1001")
    preview = engine.preview_void(out.batch_id)
    assert preview.ok
    assert [(x.asset_tag, x.now, x.to) for x in preview.lines] == [
        ("AT-SMOKE-0001", "Dana Reyes (B-1001)", "CART-A/1"),
        ("AT-SMOKE-0002", "Dana Reyes (B-1001)", "CART-A/2"),
    ]
    result = engine.commit_void(out.batch_id)
    assert result.count == 2 and result.batch_id != out.batch_id
    assert where(conn, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")
    assert where(conn, "AT-SMOKE-0002") == ("STORAGE", None, "CART-A/2")
    written = events(conn, result.batch_id)
    assert [e["event_type"] for e in written] == ["STOCK_IN", "STOCK_IN"]
    assert {e["note"] for e in written} == {f"voids batch {out.batch_id}"}
    assert {e["details"] for e in written} == {f'{{"voids":"{out.batch_id}"}}'}
    assert verify(engine.store).ok


def test_void_of_a_stock_in_gives_custody_back(engine: Engine) -> None:
    conn = engine.store.conn
    back = engine.commit_stock_in(["AT-SMOKE-0006", "AT-SMOKE-0007"])
    result = engine.commit_void(back.batch_id)
    assert where(conn, "AT-SMOKE-0006") == ("IN_CUSTODY", "B-1001", None)
    assert where(conn, "AT-SMOKE-0007") == ("IN_CUSTODY", "B-1002", None)
    assert [e["event_type"] for e in events(conn, result.batch_id)] == ["STOCK_OUT", "STOCK_OUT"]
    assert [x.to for x in result.preview.lines] == ["Dana Reyes (B-1001)", "Lee Park (B-1002)"]
    # They are held again, so their homes are theirs again.
    assert engine.preview_stock_in(["AT-SMOKE-0006"]).lines[0].to == "CART-A/5"
    assert verify(engine.store).ok


def test_void_of_a_put_away_takes_the_asset_out_of_the_slot(engine: Engine) -> None:
    conn = engine.store.conn
    put = engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 9)])
    result = engine.commit_void(put.batch_id)
    assert where(conn, "AT-SMOKE-0005") == ("STORAGE", None, None)
    (event,) = events(conn, result.batch_id)
    assert event["event_type"] == EventType.SLOT_UNASSIGN
    assert event["slot_id"] == put.preview.lines[0].to_slot_id
    assert result.preview.lines[0].to == "storage (no slot)"
    assert verify(engine.store).ok


def test_void_of_a_move_puts_the_asset_back_in_its_old_slot(engine: Engine) -> None:
    conn = engine.store.conn
    moved = engine.commit_move(
        [Placement("AT-SMOKE-0001", "CART-A", 9), Placement("AT-SMOKE-0002", "SHELF-B", 2)]
    )
    result = engine.commit_void(moved.batch_id)
    assert where(conn, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")
    assert where(conn, "AT-SMOKE-0002") == ("STORAGE", None, "CART-A/2")
    assert [x.to for x in result.preview.lines] == ["CART-A/1", "CART-A/2"]
    assert {e["event_type"] for e in events(conn, result.batch_id)} == {"SLOT_MOVE"}
    assert verify(engine.store).ok


def test_void_is_refused_whole_when_an_asset_changed_since(engine: Engine) -> None:
    out = engine.commit_stock_out(["AT-SMOKE-0001", "AT-SMOKE-0002", "AT-SMOKE-0003"], "B-1001")
    later = engine.commit_stock_in(["AT-SMOKE-0002"])
    exc = refused(engine, lambda: engine.commit_void(out.batch_id))
    assert exc.reasons == [f"AT-SMOKE-0002: changed since: STOCK_IN in batch {later.batch_id}"]
    assert codes(exc) == {Code.VOID_CHANGED_SINCE}


def test_void_is_refused_when_the_old_slot_is_taken_now(engine: Engine) -> None:
    moved = engine.commit_move([Placement("AT-SMOKE-0001", "CART-A", 9)])
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 1)])  # another asset
    exc = refused(engine, lambda: engine.commit_void(moved.batch_id))
    assert exc.reasons == ["AT-SMOKE-0001: changed since: its slot CART-A/1 is taken by AT-SMOKE-0005"]
    assert codes(exc) == {Code.VOID_CHANGED_SINCE}


def test_void_gives_no_custody_back_to_a_deactivated_holder(engine: Engine) -> None:
    back = engine.commit_stock_in(["AT-SMOKE-0006"])
    engine.set_holder_active("B-1001", False)
    exc = refused(engine, lambda: engine.commit_void(back.batch_id))
    assert codes(exc) == {Code.HOLDER_INACTIVE}
    assert "Dana Reyes (B-1001) is deactivated" in exc.reasons[0]


def test_a_batch_is_voided_once_and_a_void_is_not_voided(engine: Engine) -> None:
    out = engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    void = engine.commit_void(out.batch_id)
    exc = refused(engine, lambda: engine.commit_void(out.batch_id))
    assert f"batch {out.batch_id} was already voided by batch {void.batch_id}" in exc.reasons
    assert Code.ALREADY_VOIDED in codes(exc)
    exc = refused(engine, lambda: engine.commit_void(void.batch_id))
    assert exc.reasons == [f"batch {void.batch_id} is itself a void; it cannot be voided"]
    assert codes(exc) == {Code.NOT_VOIDABLE}


@pytest.mark.parametrize("kind", ["RECEIVE", "HOLDER_ADD", "CASE_CREATE", "HOLDER_DEACTIVATE"])
def test_registrations_holder_and_case_batches_are_not_voidable(engine: Engine, kind: str) -> None:
    batch = engine.store.conn.execute(
        "SELECT batch_id FROM events WHERE event_type = ? LIMIT 1", (kind,)
    ).fetchone()[0]
    exc = refused(engine, lambda: engine.commit_void(batch))
    assert codes(exc) == {Code.NOT_VOIDABLE}
    assert exc.reasons == [
        f"batch {batch} is {kind}: only stock-out, stock-in, put-away and move batches can be voided"
    ]


def test_an_unknown_batch_is_named(engine: Engine) -> None:
    exc = refused(engine, lambda: engine.commit_void("20260101-000000-abcdef"))
    assert exc.reasons == ["'20260101-000000-abcdef': no batch with that id"]
    assert codes(exc) == {Code.BATCH_UNKNOWN}


def test_reports_history_and_receipts_show_the_void(engine: Engine, tmp_path: Path) -> None:
    conn = engine.store.conn
    out = engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    void = engine.commit_void(out.batch_id)
    rows = list(reports.events_report(conn).rows())
    note = reports.EVENTS_HEADER.index("note")
    by_batch = {r[9]: r[note] for r in rows if r[9] in (out.batch_id, void.batch_id)}
    assert by_batch == {
        out.batch_id: f"voided by batch {void.batch_id}",
        void.batch_id: f"voids batch {out.batch_id}",
    }
    history = engine.lookup("AT-SMOKE-0001").events
    assert [(e.event_type, e.note) for e in history[-2:]] == [
        ("STOCK_OUT", f"voided by batch {void.batch_id}"),
        ("STOCK_IN", f"voids batch {out.batch_id}"),
    ]
    receipt = reports.batch_receipt(conn, out.batch_id)
    assert receipt.voided_by == void.batch_id
    write_receipt_pdf(receipt, tmp_path / "r.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "VOIDED" in text and void.batch_id in text
    assert reports.batch_receipt(conn, void.batch_id).voids == out.batch_id


def test_verify_still_finds_tampering_after_a_void(engine: Engine, shell: Shell) -> None:
    out = engine.commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    engine.commit_void(out.batch_id)
    if on_postgres(shell):
        shell.execute("ALTER TABLE slots DISABLE TRIGGER slots_on_asset_update")
        guard = "schema: trigger slots_on_asset_update on slots is disabled"
    else:
        shell.execute("DROP TRIGGER slots_no_custody_asset_update")
        guard = "schema: trigger slots_no_custody_asset_update is missing"
    aid = asset_id(engine.store.conn, "AT-SMOKE-0001")
    shell.execute("UPDATE slots SET asset_id = NULL WHERE asset_id = ?", (aid,))
    found = verify(engine.store).problems
    assert guard in found
    assert any(f"event log says asset id {aid}" in p for p in found), found


@pytest.mark.sqlite_only  # SQLite's query plans and migrations
def test_void_lookups_use_the_partial_index(engine: Engine) -> None:
    for sql, args in ((queries.VOIDED_BY_SQL, ("x",)), (queries.VOIDS_SQL, ())):
        plan = [r[3] for r in engine.store.conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
        assert any("events_noted" in step for step in plan), plan


# -- 3. Near-duplicate codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "existing"),
    [
        ("ATSMOKE0001", "asset tag AT-SMOKE-0001"),
        ("at-smoke-0002", "asset tag AT-SMOKE-0002"),
        ("b1001", "badge B-1001"),
        ("CARTA", "case code CART-A"),
    ],
)
def test_a_near_duplicate_asset_tag_is_refused(engine: Engine, tag: str, existing: str) -> None:
    exc = refused(engine, lambda: engine.commit_register([NewAsset(tag)]))
    assert codes(exc) == {Code.NEAR_DUPLICATE}
    assert exc.reasons[0].startswith(f"{tag}: asset tag {tag} is too like {existing}")


def test_near_duplicate_badges_and_cases_are_refused(engine: Engine) -> None:
    exc = refused(engine, lambda: engine.add_holders([NewHolder("Bo", "B1001")]))
    assert "badge B1001 is too like badge B-1001" in exc.reasons[0]
    exc = refused(engine, lambda: engine.create_cases([NewCase("cart-a", "", 1, 1)]))
    assert "case code cart-a is too like case code CART-A" in exc.reasons[0]
    exc = refused(engine, lambda: engine.create_cases([NewCase("ZX-9000", "", 1, 1)]))
    assert "case code ZX-9000 is too like asset tag ZX9000" in exc.reasons[0]


def test_near_duplicates_within_one_file_name_the_first_line(engine: Engine) -> None:
    rows = [NewAsset("ZZ-1", label="line 2"), NewAsset("ZZ1", label="line 3"),
            NewAsset("Z-Z1", label="line 4")]  # fmt: skip
    exc = refused(engine, lambda: engine.commit_register(rows))
    assert exc.reasons == [
        "line 3: asset tag ZZ1 is too like asset tag ZZ-1 (line 2): they differ only in dashes "
        "or letter case, so a scanner could pick the wrong one",
        "line 4: asset tag Z-Z1 is too like asset tag ZZ-1 (line 2): they differ only in dashes "
        "or letter case, so a scanner could pick the wrong one",
    ]
    assert engine.commit_register([NewAsset("ZZ-1")]).count == 1  # alone it is fine


def test_scans_still_match_exactly_then_dashless_and_case_sensitively(engine: Engine) -> None:
    assert engine.classify("ATSMOKE0001").canonical == "AT-SMOKE-0001"
    assert engine.classify("at-smoke-0001").canonical is None


@pytest.mark.sqlite_only  # SQLite's query plans and migrations
def test_near_duplicate_lookup_stays_indexed(engine: Engine) -> None:
    plan = [
        r[3]
        for r in engine.store.conn.execute(
            "EXPLAIN QUERY PLAN " + queries.NOCASE_SQL, {"k": "ATSMOKE0001"}
        )
    ]
    assert not [step for step in plan if step.startswith("SCAN")], plan


def test_verify_warns_of_near_duplicates_in_an_older_database(engine: Engine) -> None:
    with before_near_duplicate_rule():
        engine.commit_register([NewAsset("at-smoke-0001")])
        engine.add_holders([NewHolder("Bo", "B1001")])
    report = verify(engine.store)
    assert report.ok and report.problems == []
    assert report.warnings == [
        "near-duplicate codes: asset tag AT-SMOKE-0001 and asset tag at-smoke-0001 differ only "
        "in dashes or letter case (a scanner that drops dashes, or Caps Lock, may pick the "
        "wrong one)",
        "near-duplicate codes: badge B-1001 and badge B1001 differ only in dashes or letter case "
        "(a scanner that drops dashes, or Caps Lock, may pick the wrong one)",
    ]


# -- 4. CASE_CREATE rows name their case ---------------------------------------------------------


def test_case_create_shows_its_case_code_in_reports_and_history(engine: Engine) -> None:
    conn = engine.store.conn
    slot = reports.EVENTS_HEADER.index("slot")
    created = [r for r in reports.events_report(conn, event_type="CASE_CREATE").rows()]
    assert [r[slot] for r in created] == ["CART-A", "SHELF-B"]
    case_events = engine.lookup("SHELF-B").events
    assert (case_events[0].event_type, case_events[0].slot) == ("CASE_CREATE", "SHELF-B")


# -- the migration from schema v1 ----------------------------------------------------------------


@pytest.mark.sqlite_only  # SQLite's query plans and migrations
def test_a_v1_database_upgrades_in_place(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
    with Store(db_path) as old:
        seed(Engine(old, operator="seed", settings=Settings()))
        assert old.user_version() == 1
        head = log_head(old.conn)
        rows = old.conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    monkeypatch.undo()
    with Store(db_path, create=False) as s:
        assert s.user_version() == store_module.latest_version()
        assert log_head(s.conn) == head
        assert s.conn.execute("SELECT * FROM events ORDER BY id").fetchall() == rows
        assert verify(s).ok, verify(s).problems
        engine = Engine(s, operator="t", settings=Settings())
        put = engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 9)])
        engine.commit_void(put.batch_id)  # a SLOT_UNASSIGN event: new in v2
        assert verify(s).ok
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            s.conn.execute("DELETE FROM events WHERE id = 1")
