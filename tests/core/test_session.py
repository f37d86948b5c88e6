"""The station's batch logic without Qt: what each scan means in each mode, and persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from assettrack_gui.core.backend import open_store
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused
from assettrack_gui.core.model import Mode, NewAsset, NewCase, NewHolder, Operation
from assettrack_gui.core.pending import load_pending
from assettrack_gui.core.session import Session
from assettrack_gui.core.store import Store

pytestmark = pytest.mark.both_backends


@pytest.fixture
def store(db_path: Path):
    with open_store(db_path) as store:
        engine = Engine(store, "seed")
        engine.add_holders([NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002")])
        engine.create_cases([NewCase("CART-A", "Cart", 2, 3)])
        engine.commit_register(
            [NewAsset(f"AT-{i}", "", "Laptop", "CART-A", i) for i in (1, 2, 3)] + [NewAsset("AT-9")]
        )
        yield store


def test_stock_out_flow_and_pending_file(store: Store) -> None:
    session = Session(Engine(store, "clerk"), store.path)
    assert session.scan("AT-1").accepted
    assert not session.can_commit  # no custodian yet
    assert session.scan("B-1002").message == "Custodian: Lee Park (B-1002)"
    dup = session.scan("AT1")
    assert not dup.accepted and dup.row == 0 and not dup.added
    assert session.scan("AT-2").accepted
    saved = load_pending(store.path)
    assert saved is not None and saved.stock_out == ["AT-1", "AT-2"] and saved.custodian == "B-1002"
    assert session.confirmation_text() == "Stock out 2 assets to Lee Park (B-1002)"
    result = session.commit()
    assert result.count == 2 and session.rows == [] and session.custodian is None
    assert load_pending(store.path) is None


def test_refused_commit_keeps_rows_and_fresh_verdicts(store: Store) -> None:
    session = Session(Engine(store, "clerk"))
    session.scan("B-1001")
    session.scan("AT-1")
    Engine(store, "other").commit_stock_out(["AT-1"], "B-1002")
    with pytest.raises(Refused):
        session.commit()
    assert len(session.rows) == 1
    assert session.preview is not None and not session.preview.lines[0].ok


def test_modes_route_badges_and_cases(store: Store) -> None:
    session = Session(Engine(store, "clerk"))
    session.set_mode(Mode.STOCK_IN)
    assert not session.scan("B-1001").accepted
    assert session.scan("CART-A").message == "Return case: CART-A"
    session.set_mode(Mode.PLACE)
    assert session.scan("CART-A").message == "Case CART-A: next free slot 4"
    assert session.scan("AT-9").message == "AT-9: storage (no slot) → CART-A/4"
    assert session.place_position == 5
    assert session.scan("CART-A/6").accepted and session.place_position == 6
    assert not session.scan("CART-A/7").accepted  # 2 × 3 = 6 slots
    session.set_mode(Mode.LOOKUP)
    assert session.scan("AT-9").message == "Asset AT-9"
    assert not session.can_commit


def test_first_slotted_asset_switches_to_move(store: Store) -> None:
    session = Session(Engine(store, "clerk"))
    session.set_mode(Mode.PLACE)
    session.scan("CART-A")
    outcome = session.scan("AT-1")
    assert outcome.accepted and outcome.message == "AT-1: CART-A/1 → CART-A/4"
    assert session.place_operation == Operation.MOVE
    assert session.confirmation_text() == "Move 1 asset into CART-A"


def test_restore_re_validates_against_today(store: Store) -> None:
    first = Session(Engine(store, "clerk"), store.path)
    first.scan("B-1001")
    first.scan("AT-1")
    first.set_mode(Mode.STOCK_IN)
    batch = load_pending(store.path)
    assert batch is not None and batch.mode == Mode.STOCK_OUT  # mode alone is saved with the next scan
    second = Session(Engine(store, "clerk"), store.path)
    second.restore(batch)
    assert second.mode == Mode.STOCK_OUT and second.custodian is not None
    assert second.preview is not None and second.preview.ok


def test_a_fresh_session_leaves_the_last_runs_batch_alone(store: Store) -> None:
    first = Session(Engine(store, "clerk"), store.path)
    first.scan("AT-1")
    second = Session(Engine(store, "clerk"), store.path)
    second.set_mode(Mode.STOCK_IN)
    second.set_return_case(None)
    assert load_pending(store.path) is not None


def test_restore_put_away_keeps_the_case(store: Store) -> None:
    first = Session(Engine(store, "clerk"), store.path)
    first.set_mode(Mode.PLACE)
    first.scan("CART-A")
    first.scan("AT-9")
    batch = load_pending(store.path)
    assert batch is not None and batch.place_case == "CART-A"
    second = Session(Engine(store, "clerk"), store.path)
    second.restore(batch)
    assert second.mode == Mode.PLACE and second.place_case is not None
    assert second.place_position == 5  # 4 is taken by the restored row
    assert second.preview is not None and second.preview.ok


def test_a_badge_in_stock_in_offers_everything_its_holder_has(store: Store) -> None:
    Engine(store, "seed").commit_stock_out(["AT-1", "AT-2"], "B-1001")
    session = Session(Engine(store, "clerk"))
    session.set_mode(Mode.STOCK_IN)
    nobody = session.scan("B-1002")
    assert not nobody.accepted and nobody.message == "Lee Park (B-1002) holds nothing to return"
    assert nobody.return_all_of is None
    offer = session.scan("B-1001")
    assert offer.return_all_of is not None and not offer.added
    assert offer.question == "Add the 2 assets Dana Reyes (B-1001) holds to this return?"
    assert session.rows == []  # nothing happens until the clerk says yes
    session.scan("AT-2")  # one of them is already scanned
    done = session.return_everything(offer.return_all_of.id)
    assert done.accepted and done.message == "Added 1 asset held by Dana Reyes (B-1001)"
    assert sorted(r.scan for r in session.rows) == ["AT-1", "AT-2"]
    assert session.can_commit
