"""Stock-Out: slotted assets in storage go to one active custodian; their slots are vacated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import queries, rules
from ..errors import UserError
from ..eventlog import EventBatch
from ..model import EventType, HolderInfo, Line, Operation, Preview
from ..queries import Conn
from .batch import BatchState, asset_line

if TYPE_CHECKING:
    from ..engine import Engine


def start(engine: Engine, conn: Conn, holder_ref: str | int | None) -> Preview:
    """An empty Stock-Out batch for this custodian, with the custodian's verdict."""
    preview = Preview(Operation.STOCK_OUT, [])
    holder: HolderInfo | None = None
    if holder_ref is None or holder_ref == "":
        preview.problems.append(rules.no_custodian())
    else:
        try:
            holder = engine.find_holder(conn, holder_ref)
        except UserError as exc:
            preview.problems.append(rules.Verdict(rules.Code.HOLDER_AMBIGUOUS, str(exc)))
        else:
            if holder is None:
                near = engine.classify_in(conn, str(holder_ref))
                preview.problems.append(rules.unknown_holder(holder_ref, near))
            elif (verdict := rules.custodian(holder)) is not None:
                preview.problems.append(verdict)
    preview.holder = holder
    return preview


def check_line(engine: Engine, conn: Conn, preview: Preview, raw: str, batch: BatchState) -> Line:
    line, state = asset_line(engine, conn, raw, batch)
    if state is None:
        return line
    holder = preview.holder
    if (verdict := rules.stock_out(state, holder)) is not None:
        return line.refuse(verdict)
    line.from_slot_id = state.slot_id
    line.to = holder.label if holder else "(choose a custodian)"
    line.holder_id = holder.id if holder else None
    return line


def validate(engine: Engine, conn: Conn, scans: list[str], holder_ref: str | int | None) -> Preview:
    preview = start(engine, conn, holder_ref)
    batch = BatchState.prefetch(engine, conn, scans)
    for raw in scans:
        preview.lines.append(check_line(engine, conn, preview, raw, batch))
    return preview


def apply(conn: Conn, events: EventBatch, preview: Preview) -> None:
    assert preview.holder is not None
    holder_id = preview.holder.id
    queries.vacate_slots(conn, [line.from_slot_id for line in preview.lines])
    queries.set_in_custody(conn, [(holder_id, line.asset_id) for line in preview.lines])  # type: ignore[misc]
    for line in preview.lines:
        events.add(
            EventType.STOCK_OUT,
            asset_id=line.asset_id,
            holder_id=holder_id,
            slot_id=line.from_slot_id,
        )
