"""A small stockroom for the Reports tab and receipt tests, built through the custody engine.

- holders Dana Reyes (B-1001), "=HYPERLINK(evil)" (B-1002, a formula-looking name), Lee Park (B-1003);
- case CART-A (2 × 5): AT-0001…AT-0006 registered into slots 1…6, AT-0007 unslotted;
- AT-0001 and AT-0002 went to Dana 30 days ago (batch ``old_out``: overdue with 14 days);
- AT-0003 went to the formula holder today (batch ``new_out``);
- AT-0004 went to Lee today and came back into CART-A/4 (batch ``back_in``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from assettrack_gui.core import eventlog
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store


@dataclass
class Seeded:
    old_out: str
    new_out: str
    back_in: str
    register: str


def seed(store: Store, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    engine = Engine(store, operator="clerk.ann", settings=Settings())
    engine.add_holders(
        [
            NewHolder("Dana Reyes", "B-1001"),
            NewHolder("=HYPERLINK(evil)", "B-1002"),
            NewHolder("Lee Park", "B-1003"),
        ]
    )
    engine.create_cases([NewCase("CART-A", "Laptop cart A", 2, 5)])
    register = engine.commit_register(
        [NewAsset(f"AT-000{n}", f"SN{n}", "ThinkPad", "CART-A", n) for n in range(1, 6)]
        + [
            NewAsset("AT-0006", "-SN6", "=SUM(1+1)", "CART-A", 6),
            NewAsset("AT-0007", "007", "Spare"),
        ]
    ).batch_id
    month_ago = datetime.now(UTC) - timedelta(days=30)
    with monkeypatch.context() as m:
        m.setattr(
            eventlog,
            "utc_now",
            lambda: month_ago.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        )
        old_out = engine.commit_stock_out(["AT-0001", "AT-0002"], "B-1001").batch_id
    new_out = engine.commit_stock_out(["AT-0003"], "B-1002").batch_id
    engine.commit_stock_out(["AT-0004"], "B-1003")
    back_in = engine.commit_stock_in(["AT-0004"]).batch_id
    return Seeded(old_out, new_out, back_in, register)
