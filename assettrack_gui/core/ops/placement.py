"""Put-away (an unslotted asset into a slot) and Move (a slotted asset to another slot)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import queries, rules
from ..errors import UserError
from ..eventlog import EventBatch
from ..model import Code, EventType, Line, Operation, Placement, Preview, Verdict
from ..queries import Conn
from .batch import BatchState, asset_line

if TYPE_CHECKING:
    from ..engine import Engine


def target_slot(
    engine: Engine,
    conn: Conn,
    line: Line,
    case_code: str,
    position: int | str | None,
    batch: BatchState,
) -> None:
    """Resolve case + position to an empty slot not claimed by an earlier line."""
    try:
        case = engine.find_case(conn, case_code) if case_code else None
    except UserError as exc:
        line.refuse(Verdict(Code.CASE_AMBIGUOUS, str(exc)))
        return
    if case is None:
        if not case_code:
            line.refuse(Code.NO_CASE, "choose a case")
        else:
            near = engine.classify_in(conn, case_code)
            line.refuse(rules.unknown_case(case_code, near, prefix="slot unknown: "))
        return
    if (verdict := rules.position(case, position)) is not None:
        line.refuse(verdict.code, f"slot unknown: {verdict.message}")
        return
    pos = rules.parse_position(position)
    assert pos is not None
    slot_id, occupant = queries.slot_at(conn, case.id, pos)
    label = f"{case.case_code}/{pos}"
    line.to = label
    verdict = rules.slot_target(label, occupant, line.asset_tag, batch.claimed.get(slot_id))
    if verdict is not None:
        line.refuse(verdict)
    else:
        batch.claimed[slot_id] = line.ref
        line.to_slot_id = slot_id


def check_line(
    engine: Engine, conn: Conn, item: Placement, operation: Operation, batch: BatchState
) -> Line:
    line, state = asset_line(engine, conn, item.scan, batch)
    if state is None:
        return line
    if (verdict := rules.placement(state, operation)) is not None:
        return line.refuse(verdict)
    line.from_slot_id = state.slot_id
    target_slot(engine, conn, line, item.case_code, item.position, batch)
    return line


def validate(
    engine: Engine, conn: Conn, items: Sequence[Placement], operation: Operation
) -> Preview:
    preview = Preview(operation, [])
    batch = BatchState.prefetch(engine, conn, [item.scan for item in items])
    for item in items:
        preview.lines.append(check_line(engine, conn, item, operation, batch))
    return preview


def apply(conn: Conn, events: EventBatch, preview: Preview) -> None:
    move = preview.operation == Operation.MOVE
    if move:
        queries.vacate_slots(conn, [line.from_slot_id for line in preview.lines])
    queries.fill_slots(conn, [(line.asset_id, line.to_slot_id) for line in preview.lines])
    for line in preview.lines:
        if move:
            events.add(
                EventType.SLOT_MOVE,
                asset_id=line.asset_id,
                slot_id=line.to_slot_id,
                details={"from_slot_id": line.from_slot_id},
            )
        else:
            events.add(EventType.SLOT_ASSIGN, asset_id=line.asset_id, slot_id=line.to_slot_id)
