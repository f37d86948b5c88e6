"""The pending batch file: atomic, per database, and tolerant of a damaged file."""

from __future__ import annotations

from pathlib import Path

from assettrack_gui.core.pending import (
    PendingBatch,
    clear_pending,
    load_pending,
    pending_path,
    save_pending,
)


def test_round_trip_per_database(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    batch = PendingBatch(
        mode="STOCK_IN",
        stock_out=["AT-1", "ÄT-2"],
        custodian="B-1001",
        stock_in=["AT-3"],
        return_case="CART-A",
        placements=[("AT-4", "CART-A", 3), ("AT-5", "SHELF-B", None)],
        place_operation="MOVE",
    )
    save_pending(a, batch)
    assert pending_path(a) != pending_path(b)
    assert load_pending(b) is None
    loaded = load_pending(a)
    assert loaded is not None
    assert loaded.stock_out == ["AT-1", "ÄT-2"]
    assert loaded.placements == [("AT-4", "CART-A", 3), ("AT-5", "SHELF-B", None)]
    assert (loaded.mode, loaded.custodian, loaded.return_case) == ("STOCK_IN", "B-1001", "CART-A")
    assert loaded.place_operation == "MOVE" and loaded.saved_at.endswith("Z")
    assert loaded.scan_count == 5
    assert not list(pending_path(a).parent.glob(".batch-*"))  # no temp files left behind
    clear_pending(a)
    assert load_pending(a) is None
    clear_pending(a)  # twice is fine


def test_empty_batch_removes_the_file(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    save_pending(db, PendingBatch(stock_out=["AT-1"]))
    save_pending(db, PendingBatch())
    assert not pending_path(db).exists()


def test_damaged_file_is_ignored(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    path = pending_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    for junk in ("{not json", "[]", '{"format": 99, "stock_out": ["AT-1"]}', ""):
        path.write_text(junk, encoding="utf-8")
        assert load_pending(db) is None
    path.write_text('{"format": 1, "stock_out": ["AT-1", 7], "placements": [["x"]]}', "utf-8")
    loaded = load_pending(db)
    assert loaded is not None and loaded.stock_out == ["AT-1"] and loaded.placements == []
