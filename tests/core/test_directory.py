"""The administration pages' reads (core/directory.py): holders with what they hold, searches
that ignore accents and letter case, cases with their fill, devices a page at a time."""

from __future__ import annotations

import pytest

from assettrack_gui.core.directory import Directory, search_holders
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewHolder

pytestmark = pytest.mark.both_backends


def test_holders_with_what_each_holds(engine: Engine) -> None:
    rows = {r.badge_code: r for r in Directory(engine.store).holders()}
    assert [r.name for r in Directory(engine.store).holders()] == [
        "Dana Reyes",
        "Lee Park",
        "Old Timer",
    ]
    assert rows["B-1001"].tags == ("AT-SMOKE-0006",) and rows["B-1001"].held == 1
    assert rows["B-0999"].tags == () and not rows["B-0999"].active
    engine.commit_stock_out(["AT-SMOKE-0001", "AT-SMOKE-0002"], "B-1001")
    dana = next(r for r in Directory(engine.store).holders() if r.badge_code == "B-1001")
    assert dana.tags == ("AT-SMOKE-0001", "AT-SMOKE-0002", "AT-SMOKE-0006")
    held = Directory(engine.store).held(dana.id)
    assert [(h.asset_tag, h.serial, h.description) for h in held] == [
        ("AT-SMOKE-0001", "SN1", "ThinkPad"),
        ("AT-SMOKE-0002", "SN2", "ThinkPad"),
        ("AT-SMOKE-0006", "SN6", "ThinkPad"),
    ]
    assert all(h.since.endswith("Z") for h in held)


def test_the_holder_search_ignores_accents_and_letter_case(engine: Engine) -> None:
    engine.add_holders([NewHolder("Tomás Øren", "B-2000"), NewHolder("Zoë Ng", "B-2001")])
    directory = Directory(engine.store)
    assert [r.name for r in directory.holders("tomas")] == ["Tomás Øren"]
    assert [r.name for r in directory.holders("OREN")] == ["Tomás Øren"]
    assert [r.name for r in directory.holders(" zoe ")] == ["Zoë Ng"]
    assert [r.name for r in directory.holders("b-100")] == ["Dana Reyes", "Lee Park"]
    assert len(directory.holders("")) == 5
    assert search_holders(directory.holders(), "nobody") == []


def test_cases_with_their_fill_and_search(engine: Engine) -> None:
    directory = Directory(engine.store)
    rows = directory.cases()
    assert [(r.case_code, r.used, r.size, r.free) for r in rows] == [
        ("CART-A", 4, 10, 6),
        ("SHELF-B", 1, 3, 2),
    ]
    assert [r.case_code for r in directory.cases("scanner")] == ["SHELF-B"]
    assert [r.case_code for r in directory.cases("carta")] == []  # a search, not a scan
    assert [r.case_code for r in directory.cases("cart-a")] == ["CART-A"]


def test_devices_say_where_each_is(engine: Engine) -> None:
    rows = {r.asset_tag: r for r in Directory(engine.store).devices()}
    assert rows["AT-SMOKE-0001"].place == "CART-A/1"
    assert rows["AT-SMOKE-0005"].place == "storage (no slot)"
    assert rows["AT-SMOKE-0006"].place == "Dana Reyes (B-1001)" and rows["AT-SMOKE-0006"].in_custody
    assert list(rows) == sorted(rows)
    engine.commit_retire(["AT-SMOKE-0005"], "broken", "dropped on the stairs")
    gone = Directory(engine.store).device(rows["AT-SMOKE-0005"].id)
    assert gone is not None and gone.retired and gone.place == "RETIRED (BROKEN)"


def test_devices_come_a_page_at_a_time_in_tag_order(engine: Engine) -> None:
    engine.commit_register([NewAsset(f"P-{n:04d}", f"S{n}", "Phone") for n in range(1, 251)])
    directory = Directory(engine.store)
    first = directory.devices("P-", limit=100)
    assert [r.asset_tag for r in first] == [f"P-{n:04d}" for n in range(1, 101)]
    tags: list[str] = []
    after = None
    while page := directory.devices("phone", after=after, limit=100):
        tags += [r.asset_tag for r in page]
        after = page[-1].asset_tag
    assert tags == [f"P-{n:04d}" for n in range(1, 251)]
    assert directory.device_count("phone") == 250
    assert directory.device_count() == 258


def test_the_device_search_reads_tag_serial_and_description_literally(engine: Engine) -> None:
    engine.commit_register(
        [
            NewAsset("D-1", "50%OFF", "Dock_1"),
            NewAsset("D-2", "5000FF", "Dock21"),
            NewAsset("D-3", "x", r"back\slash"),
        ]
    )
    directory = Directory(engine.store)
    assert [r.asset_tag for r in directory.devices("50%")] == ["D-1"]
    assert [r.asset_tag for r in directory.devices("k_1")] == ["D-1"]
    assert [r.asset_tag for r in directory.devices("\\s")] == ["D-3"]
    assert [r.asset_tag for r in directory.devices("atsmoke0003")] == ["AT-SMOKE-0003"]
    assert [r.asset_tag for r in directory.devices("zebra")] == ["ZX9000"]
    assert [r.asset_tag for r in directory.devices("zx-sn")] == ["ZX9000"]
