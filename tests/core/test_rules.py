"""Each custody rule lives once, in the engine: verdicts carry codes, the Scan page's session
asks the engine instead of re-checking, and a scan checks only the new line.

Uses the seeded stockroom of ``conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assettrack_gui.core import rules
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import Code, Mode, NewAsset, Operation, Placement, Preview
from assettrack_gui.core.session import Session
from assettrack_gui.core.store import Store

SCANS = [
    "AT-SMOKE-0001",
    "ATSMOKE0002",
    "AT-SMOKE-0003",
    "AT-SMOKE-0005",
    "AT-SMOKE-0006",
    "AT-SMOKE-0007",
    "ZX9000",
    "at-smoke-0004",  # Caps Lock
    "NOPE-1",
    "B-1001",  # a badge
    "CART-A",  # a case
    "",
]


def codes(preview: Preview) -> list[Code | None]:
    return [line.code for line in preview.lines]


def test_every_refusal_carries_a_code(engine: Engine) -> None:
    out = engine.preview_stock_out(
        ["AT-SMOKE-0001", "AT-SMOKE-0001", "AT-SMOKE-0005", "AT-SMOKE-0006", "B-1002", "CART-A"],
        "B-1001",
    )
    assert codes(out) == [
        None,
        Code.DUPLICATE_IN_BATCH,
        Code.NOT_SLOTTED,
        Code.ALREADY_HELD,
        Code.HOLDER_BADGE,
        Code.CASE_CODE,
    ]
    assert out.lines[1].duplicate_of == 0
    assert [p.code for p in engine.preview_stock_out(["AT-SMOKE-0001"], "B-0999").problems] == [
        Code.HOLDER_INACTIVE
    ]
    assert [p.code for p in engine.preview_stock_out(["AT-SMOKE-0001"], None).problems] == [
        Code.NO_CUSTODIAN
    ]
    back = engine.preview_stock_in(["AT-SMOKE-0001", "AT-SMOKE-0006"])
    assert codes(back) == [Code.NOT_IN_CUSTODY, None]
    put = engine.preview_put_away(
        [
            Placement("AT-SMOKE-0001", "CART-A", 9),
            Placement("AT-SMOKE-0005", "CART-A", 1),
            Placement("AT-SMOKE-0007", "CART-A", 9),
        ]
    )
    assert codes(put) == [Code.USE_MOVE, Code.SLOT_TAKEN, Code.USE_STOCK_IN]
    move = engine.preview_move(
        [Placement("AT-SMOKE-0001", "CART-A", 99), Placement("AT-SMOKE-0005", "CART-A", 9)]
    )
    assert codes(move) == [Code.POSITION_OUT_OF_RANGE, Code.USE_PUT_AWAY]


def test_the_caps_lock_hint_is_a_code_not_a_word_search(engine: Engine) -> None:
    m = engine.classify("at-smoke-0001")
    assert m.hint_code == Code.CAPS_LOCK_HINT
    assert m.hint == "asset AT-SMOKE-0001 exists — is Caps Lock on?"
    out = engine.preview_stock_out([], "b-1001")
    assert out.problems[0].code == Code.HOLDER_UNKNOWN
    assert out.problems[0].message.endswith("holder badge B-1001 exists — is Caps Lock on?")


def test_the_session_uses_the_engines_words_for_a_deactivated_badge(engine: Engine) -> None:
    session = Session(engine)
    outcome = session.scan("B-0999")
    holder = engine.holder("B-0999")
    assert holder is not None
    verdict = rules.custodian(holder)
    assert verdict is not None and verdict.code == Code.HOLDER_INACTIVE
    assert not outcome.accepted and outcome.message == verdict.message
    engine_words = engine.preview_stock_out(["AT-SMOKE-0001"], "B-0999").problems[0].message
    assert engine_words == verdict.message


def test_a_slot_choice_is_checked_by_the_same_rules_as_a_commit(engine: Engine) -> None:
    session = Session(engine)
    session.set_mode(Mode.PLACE)
    case = engine.case("CART-A")
    assert case is not None
    taken = session.choose_position(case, 2)
    assert taken is not None and taken.code == Code.SLOT_TAKEN
    assert taken.message == rules.slot_taken("CART-A/2", "AT-SMOKE-0002").message
    out_of_range = session.choose_position(case, 11)
    assert out_of_range is not None and out_of_range.code == Code.POSITION_OUT_OF_RANGE
    assert session.choose_position(case, 7) is None and session.place_position == 7


def test_put_away_switches_to_move_by_code(engine: Engine) -> None:
    session = Session(engine)
    session.set_mode(Mode.PLACE)
    session.scan("CART-A")
    session.scan("CART-A/8")
    outcome = session.scan("AT-SMOKE-0001")  # in CART-A/1: this is a Move
    assert outcome.accepted, outcome.message
    assert session.place_operation == Operation.MOVE


def test_a_scan_checks_only_the_new_line(engine: Engine) -> None:
    """The queries one scan costs do not grow with the batch: old lines are not re-checked."""
    conn = engine.store.conn
    session = Session(engine)
    session.set_mode(Mode.STOCK_IN)
    for i in range(40):
        session.scan(f"UNKNOWN-{i}")  # refused rows still stay in the batch

    def statements_for(scan: str) -> int:
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        try:
            session.scan(scan)
        finally:
            conn.set_trace_callback(None)
        return len(seen)

    with_40 = statements_for("AT-SMOKE-0006")
    for i in range(40, 200):
        session.scan(f"UNKNOWN-{i}")
    with_200 = statements_for("AT-SMOKE-0007")
    assert len(session.rows) == 202
    assert with_200 == with_40 < 40
    # … and the batch as a whole still gets the same verdicts a full check gives.
    full = engine.preview_stock_in([r.scan for r in session.rows])
    assert session.preview is not None
    assert [(x.ok, x.code, x.reason, x.to) for x in session.preview.lines] == [
        (x.ok, x.code, x.reason, x.to) for x in full.lines
    ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from([Operation.STOCK_OUT, Operation.STOCK_IN, Operation.PUT_AWAY, Operation.MOVE]),
    st.lists(
        st.tuples(st.sampled_from(SCANS), st.integers(min_value=1, max_value=11)), max_size=8
    ),
    st.sampled_from([None, "B-1001", "B-0999", "CART-A", "SHELF-B"]),
)
def test_one_line_at_a_time_gives_the_verdicts_of_a_whole_check(
    engine: Engine, op: Operation, scans: list[tuple[str, int]], ref: str | None
) -> None:
    """``Engine.extend`` (the Scan page's path) and ``preview_*`` (the commit's) never disagree."""
    if op == Operation.STOCK_OUT:
        full = engine.preview_stock_out([s for s, _ in scans], ref)
        step = engine.preview_stock_out([], ref)
        items: list[str | Placement] = [s for s, _ in scans]
    elif op == Operation.STOCK_IN:
        case = ref if ref in (None, "CART-A", "SHELF-B") else None
        full = engine.preview_stock_in([s for s, _ in scans], case)
        step = engine.preview_stock_in([], case)
        items = [s for s, _ in scans]
    else:
        placements = [Placement(s, "CART-A", p) for s, p in scans]
        check = engine.preview_move if op == Operation.MOVE else engine.preview_put_away
        full = check(placements)
        step = check([])
        items = list(placements)
    for item in items:
        step = engine.extend(step, item)
    assert [p.code for p in step.problems] == [p.code for p in full.problems]
    assert [(x.ok, x.code, x.reason, x.to, x.to_slot_id) for x in step.lines] == [
        (x.ok, x.code, x.reason, x.to, x.to_slot_id) for x in full.lines
    ]


def test_stock_in_recheck_when_a_borrowed_slot_is_someone_elses_home(engine: Engine) -> None:
    """A returning asset whose own slot an earlier line borrowed takes it back: the batch is
    re-checked whole so the borrower moves on, as the commit would decide."""
    engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 6)])  # 0007's home is taken
    engine.commit_register([NewAsset(f"AT-FILL-{n}", "", "", "CART-A", n) for n in range(7, 11)])
    engine.commit_stock_out(["AT-FILL-10"], "B-1002")  # free: /5 and /10, both someone's home
    step = engine.preview_stock_in([], "CART-A")
    step = engine.extend(step, "AT-SMOKE-0007")
    assert step.lines[0].to == "CART-A/5 — home of AT-SMOKE-0006 (held by Dana Reyes)"
    assert not step.lines[0].home_slot and step.lines[0].ok
    step = engine.extend(step, "AT-SMOKE-0006")
    assert [x.to for x in step.lines] == [
        "CART-A/10 — home of AT-FILL-10 (held by Lee Park)",
        "CART-A/5",
    ]
    full = engine.preview_stock_in(["AT-SMOKE-0007", "AT-SMOKE-0006"], "CART-A")
    assert [(x.to, x.home_slot) for x in step.lines] == [(x.to, x.home_slot) for x in full.lines]
    assert engine.commit_stock_in(["AT-SMOKE-0007", "AT-SMOKE-0006"], "CART-A").count == 2


def test_no_store_connection_is_reached_through_the_engine(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        engine = Engine(store, "t")
        assert not hasattr(engine, "conn")
