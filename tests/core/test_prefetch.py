"""A whole batch is looked up in two statements (what each scan is, where those assets are)
instead of two per line — on a server every statement is a round trip — and its verdicts are
exactly those of checking the lines one at a time (``Engine.extend``, which reads per line).

The seeded stockroom of conftest.py, plus AB-12 and AB12 side by side (an older database) and
AT-SMOKE-0004 retired."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from assettrack_gui.core import queries
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, Operation, Placement, Preview, Retirement
from assettrack_gui.core.verify import verify

from .conftest import before_near_duplicate_rule

pytestmark = pytest.mark.both_backends

MIXED = [
    "AT-SMOKE-0001",  # exact, slotted
    "ATSMOKE0002",  # without dashes
    "at-smoke-0003",  # another letter case: unknown, Caps Lock hint
    "AT-SMOKE-0001",  # the same asset again
    "ATSMOKE0001",  # and again, without dashes
    "NOPE-1",  # unknown
    "B-1001",  # a badge
    "CART-A",  # a case
    "AT-SMOKE-0006",  # in custody
    "AT-SMOKE-0005",  # in storage without a slot
    "ZX9000",
    "AB-12",  # exact, though AB12 has the same key
    "A-B12",  # without dashes: both AB-12 and AB12 → ambiguous
    "AT-SMOKE-0004",  # retired
    "",
    "AT-SMOKE-\udcc4",  # not UTF-8 text
    " ZX9000\r\n",  # edges stripped: the same as ZX9000
]


@pytest.fixture
def stockroom(engine: Engine) -> Engine:
    with before_near_duplicate_rule():
        engine.commit_register([NewAsset("AB-12"), NewAsset("AB12")])
    engine.commit_retire(["AT-SMOKE-0004"], Retirement.BROKEN, "dropped")
    return engine


def one_by_one(engine: Engine, start: Preview, items: list) -> Preview:
    preview = start
    for item in items:
        preview = engine.extend(preview, item)
    return preview


def lines(preview: Preview) -> list[dict]:
    return [asdict(line) for line in preview.lines]


def test_stock_out_whole_equals_one_by_one(stockroom: Engine) -> None:
    whole = stockroom.preview_stock_out(MIXED, "B-1002")
    single = one_by_one(stockroom, stockroom.preview_stock_out([], "B-1002"), MIXED)
    assert lines(whole) == lines(single)
    codes = [line.code for line in whole.lines]
    assert len(set(codes)) >= 8  # the batch really mixes the cases


def test_stock_in_whole_equals_one_by_one(stockroom: Engine) -> None:
    scans = ["AT-SMOKE-0006", "ATSMOKE0007", *MIXED]
    whole = stockroom.preview_stock_in(scans, "SHELF-B")
    single = one_by_one(stockroom, stockroom.preview_stock_in([], "SHELF-B"), scans)
    assert lines(whole) == lines(single)


def test_put_away_and_move_whole_equal_one_by_one(stockroom: Engine) -> None:
    items = [Placement(scan, "CART-A", 7 + n % 4) for n, scan in enumerate(MIXED)]
    for op, preview_of in (
        (Operation.PUT_AWAY, stockroom.preview_put_away),
        (Operation.MOVE, stockroom.preview_move),
    ):
        whole = preview_of(items)
        single = one_by_one(stockroom, Preview(op, []), items)
        assert lines(whole) == lines(single), op


def test_a_whole_batch_reads_in_two_statements_not_two_per_line(
    stockroom: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"codes_exact": 0, "asset_state": 0}
    for name in calls:
        original = getattr(queries, name)

        def counted(*args, _name=name, _original=original):  # type: ignore[no-untyped-def]
            calls[_name] += 1
            return _original(*args)

        monkeypatch.setattr(queries, name, counted)
    tags = [f"AT-SMOKE-000{n}" for n in (1, 2, 3)] + ["ZX9000", "AB-12", "AB12"] * 2
    preview = stockroom.preview_stock_out(tags, "B-1002")
    assert len(preview.lines) == 9
    assert calls == {"codes_exact": 1, "asset_state": 0}  # the one: the custodian's badge
    calls.update(codes_exact=0)
    stockroom.preview_stock_out(tags[:2], "B-1002")  # a short batch: line by line
    assert calls == {"codes_exact": 3, "asset_state": 2}


def test_a_whole_batch_commits_what_its_preview_said(stockroom: Engine) -> None:
    stockroom.commit_register(
        [NewAsset(f"AT-X-{n}", "", "", "CART-A", 6 + n) for n in range(1, 5)]
        + [NewAsset(f"AT-Y-{n}", "", "", "SHELF-B", 1 + n) for n in range(1, 3)]
    )
    tags = ["AT-SMOKE-0001", "ATSMOKE0002", "AT-SMOKE-0003", "ZX9000",
            *(f"ATX{n}" for n in range(1, 5)), "AT-Y-1", "AT-Y-2"]  # fmt: skip
    assert stockroom.preview_stock_out(tags, "B-1002").ok
    assert stockroom.commit_stock_out(tags, "B-1002").count == 10
    report = verify(stockroom.store)
    assert report.ok, report.problems


def test_a_short_batch_reads_line_by_line(stockroom: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(queries, "codes_exact_many", lambda conn, scans: seen.append(1) or {})
    stockroom.preview_stock_out(["AT-SMOKE-0001", "ZX9000"], "B-1002")
    assert seen == []
