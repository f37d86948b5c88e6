"""The demo stockroom: built through the engine, passes verify, never touches a real database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assettrack_gui.core import demo, paths
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.pending import PendingBatch, load_pending, save_pending
from assettrack_gui.core.store import Store
from assettrack_gui.core.verify import parse_stamp, verify


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_demo_is_built_beside_the_default_database() -> None:
    assert paths.demo_db_path().parent == paths.default_db_path().parent
    assert paths.demo_db_path().name == "demo.db"
    built = demo.build_demo()
    assert built.path == paths.demo_db_path()
    assert not paths.default_db_path().exists()  # the real (default) one is not even created


def test_the_demo_passes_verify_and_has_what_it_promises(tmp_path: Path) -> None:
    built = demo.build_demo(tmp_path / "demo.db")
    with Store(built.path) as store:
        report = verify(store)
        assert report.ok, report.problems
        assert report.warnings == []
        assert report.events == built.events > 60
    db = built.path
    assert (built.holders, built.cases, built.assets) == (12, 3, 60)
    assert rows(db, "SELECT count(*) FROM holders WHERE active = 1") == [(12,)]
    assert sorted(rows(db, "SELECT case_code, rows * cols FROM cases")) == [
        ("CART-1", 32),
        ("LOCKER-3", 12),
        ("SHELF-2", 20),
    ]
    assert dict(rows(db, "SELECT location_type, count(*) FROM assets GROUP BY 1")) == {
        "IN_CUSTODY": 16,
        "STORAGE": 44,
    }
    unslotted = rows(
        db,
        "SELECT asset_tag FROM assets WHERE location_type = 'STORAGE'"
        " AND id NOT IN (SELECT asset_id FROM slots WHERE asset_id IS NOT NULL) ORDER BY 1",
    )
    assert unslotted == [("LT-0128",), ("SC-0307",), ("SC-0308",), ("TB-0214",)]
    kinds = {tag[:2] for (tag,) in rows(db, "SELECT asset_tag FROM assets")}
    assert kinds == {"LT", "TB", "SC", "RD"}
    serials = [s for (s,) in rows(db, "SELECT serial FROM assets")]
    assert all(len(s) >= 7 for s in serials) and len(set(serials)) == 60
    # every kind of custody event happened, by more than one operator
    types = {t for (t,) in rows(db, "SELECT DISTINCT event_type FROM events")}
    assert {"HOLDER_ADD", "CASE_CREATE", "RECEIVE", "STOCK_OUT", "STOCK_IN", "SLOT_MOVE"} <= types
    assert {op for (op,) in rows(db, "SELECT DISTINCT operator FROM events")} == {
        demo.SUPERVISOR,
        demo.CLERK,
    }


def test_the_history_spans_days_and_lies_in_the_past(tmp_path: Path) -> None:
    built = demo.build_demo(tmp_path / "demo.db")
    stamps = [parse_stamp(s) for (s,) in rows(built.path, "SELECT created_at FROM events")]
    assert all(s is not None for s in stamps)
    times = [s for s in stamps if s is not None]
    assert times == sorted(times)
    now = datetime.now(UTC)
    assert max(times) < now
    assert max(times) - min(times) > timedelta(days=15)
    days = {t.astimezone().date() for t in times}
    assert len(days) >= 8
    # two laptops have been out for over two weeks: the overdue report has something to show
    out_since = rows(
        built.path,
        "SELECT a.asset_tag, max(e.created_at) FROM assets a JOIN events e ON e.asset_id = a.id"
        " WHERE a.location_type = 'IN_CUSTODY' AND e.event_type = 'STOCK_OUT' GROUP BY a.id",
    )
    overdue = sorted(
        tag for tag, when in out_since if now - parse_stamp(when) > timedelta(days=14)  # type: ignore[operator]
    )
    assert overdue == ["LT-0101", "LT-0102"]


def test_the_demo_can_be_worked_in_like_any_stockroom(tmp_path: Path) -> None:
    built = demo.build_demo(tmp_path / "demo.db")
    with Store(built.path) as store:
        engine = Engine(store, "trainee")
        result = engine.commit_stock_out(["LT-0109"], "B-1001")
        assert result.count == 1
        assert verify(store).ok


def test_rebuilding_replaces_only_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    real = tmp_path / "assettrack.db"
    with Store(real) as store:
        Engine(store, "clerk").add_holder("Real Person", "R-1")
    real_before = real.read_bytes()
    demo.build_demo(path, real=real)
    with Store(path) as store:
        Engine(store, "trainee").commit_stock_out(["LT-0109"], "B-1001")
    save_pending(path, PendingBatch(stock_out=["LT-0113"], custodian="B-1002"))
    assert load_pending(path) is not None

    again = demo.build_demo(path, real=real)
    assert rows(again.path, "SELECT location_type FROM assets WHERE asset_tag = 'LT-0109'") == [
        ("STORAGE",)
    ]
    assert load_pending(path) is None  # the old demo's batch went with it
    with Store(path) as store:
        assert store.rollback() is None  # a new log, recorded as such: writes are allowed
        Engine(store, "trainee").commit_stock_out(["LT-0109"], "B-1001")
        assert verify(store).ok
    assert real.read_bytes() == real_before
    assert rows(real, "SELECT name FROM holders") == [("Real Person",)]


def test_a_real_database_is_never_taken_for_the_demo(tmp_path: Path) -> None:
    real = tmp_path / "assettrack.db"
    with Store(real) as store:
        Engine(store, "clerk").add_holder("Real Person", "R-1")
    before = real.read_bytes()
    with pytest.raises(UserError, match="real database"):
        demo.build_demo(real, real=real)
    with pytest.raises(UserError, match="real database"):
        demo.ensure_demo(real=real, path=tmp_path / "." / "assettrack.db")
    with pytest.raises(UserError, match="real database"):
        demo.build_demo(paths.default_db_path())
    assert real.read_bytes() == before
    assert not paths.default_db_path().exists()


def test_ensure_demo_builds_once_and_then_keeps_the_practice(tmp_path: Path) -> None:
    path = demo.ensure_demo(path=tmp_path / "demo.db")
    with Store(path) as store:
        Engine(store, "trainee").commit_stock_out(["LT-0109"], "B-1001")
    assert demo.ensure_demo(path=path) == path
    assert rows(path, "SELECT location_type FROM assets WHERE asset_tag = 'LT-0109'") == [
        ("IN_CUSTODY",)
    ]


def test_a_demo_open_elsewhere_is_not_replaced(tmp_path: Path) -> None:
    path = demo.build_demo(tmp_path / "demo.db").path
    with Store(path) as elsewhere:  # another window has the demo open
        Engine(elsewhere, "trainee").commit_stock_out(["LT-0109"], "B-1001")
        with pytest.raises(demo.DemoInUse, match="open in another AssetTrack window"):
            demo.build_demo(path)
        assert rows(path, "SELECT location_type FROM assets WHERE asset_tag = 'LT-0109'") == [
            ("IN_CUSTODY",)
        ]
    demo.build_demo(path)  # closed: now it can be started afresh
    assert rows(path, "SELECT location_type FROM assets WHERE asset_tag = 'LT-0109'") == [
        ("STORAGE",)
    ]


def test_the_engine_clock_dates_batches_and_verify_agrees(store: Store) -> None:
    """The seam the demo uses: an Engine with a clock writes that time and a batch id of it."""
    moment = datetime(2025, 3, 4, 9, 30, 15, tzinfo=UTC)
    engine = Engine(store, "clerk", clock=lambda: moment)
    result = engine.add_holders([demo.NewHolder("Dana Reyes", "B-1001")])
    assert result.batch_id.startswith("20250304-093015-")
    assert rows(store.path, "SELECT created_at FROM events") == [("2025-03-04T09:30:15.000Z",)]
    assert verify(store).ok
