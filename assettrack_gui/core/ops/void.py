"""Void: undo a wrong commit with a new batch of compensating events.

History is never edited. A void writes one event per asset of the voided batch that puts the
asset back exactly where it was before that batch: a stock-out's assets go back into the slots
they left (custody ended, ``STOCK_IN``), a stock-in's back to the holder they came from (slot
vacated, ``STOCK_OUT``), a put-away's out of the slot again (unslotted storage,
``SLOT_UNASSIGN``), a move's back to the slot they came from (``SLOT_MOVE``). Every such event
has the note ``voids batch X`` and ``details.voids = X``.

It is refused whole, with every reason, when the batch is unknown, not a custody or slot batch,
already voided or a void itself, or when anything it touched changed since: a later event of one
of its assets, a slot to go back to that is taken now, a holder who was deactivated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import queries, rules
from ..eventlog import EventBatch
from ..model import VOIDABLE_EVENTS, EventType, Line, Operation, Preview
from ..queries import BatchEvent, Conn

if TYPE_CHECKING:
    from ..engine import Engine


def validate(engine: Engine, conn: Conn, batch_id: str) -> Preview:
    preview = Preview(Operation.VOID, [])
    batch_id = batch_id.strip()
    found = queries.batch_events(conn, batch_id) if batch_id else []
    if not found:
        preview.problems.append(rules.batch_unknown(batch_id))
        return preview
    kinds = sorted({e.event_type for e in found})
    if any("voids" in e.details for e in found):
        preview.problems.append(rules.not_voidable(batch_id, kinds, is_void=True))
        return preview
    if not set(kinds) <= set(VOIDABLE_EVENTS):
        preview.problems.append(rules.not_voidable(batch_id, kinds))
        return preview
    if (by := queries.voided_by(conn, batch_id)) is not None:
        preview.problems.append(rules.already_voided(batch_id, by))
    last_id = found[-1].id
    claimed: set[int] = set()
    for index, event in enumerate(found):
        preview.lines.append(_check(conn, index, event, last_id, claimed))
    return preview


def _check(conn: Conn, index: int, event: BatchEvent, last_id: int, claimed: set[int]) -> Line:
    assert event.asset_id is not None
    state = queries.asset_state(conn, event.asset_id)
    line = Line(index=index, scan=state.tag, asset_id=state.id, asset_tag=state.tag)
    line.serial, line.description, line.now = state.serial, state.description, state.where
    later = queries.later_asset_event(conn, state.id, last_id)
    if later is not None:
        return line.refuse(rules.changed_since(later[1], later[0]))
    kind = event.event_type
    back_to: int | None = None  # the slot the asset goes back into
    if kind == EventType.STOCK_OUT:
        back_to = event.slot_id
        line.holder_id = event.holder_id
    elif kind == EventType.STOCK_IN:
        line.from_slot_id, line.holder_id = event.slot_id, event.holder_id
        assert event.holder_id is not None
        holder = queries.holder_by_id(conn, event.holder_id)
        assert holder is not None
        if (verdict := rules.custodian(holder)) is not None:
            return line.refuse(verdict)
        line.to = holder.label
    elif kind == EventType.SLOT_ASSIGN:
        line.from_slot_id = event.slot_id
        line.to = "storage (no slot)"
    else:  # SLOT_MOVE
        line.from_slot_id = event.slot_id
        back_to = event.details.get("from_slot_id")
    if back_to is not None:
        label = queries.slot_label(conn, back_to)
        if not queries.slot_inside_case(conn, back_to):
            return line.refuse(rules.void_slot_outside(label))
        occupant = queries.slot_occupant(conn, back_to)
        if occupant is not None or back_to in claimed:
            return line.refuse(rules.void_slot_taken(label, occupant or "another line"))
        claimed.add(back_to)
        line.to_slot_id, line.to = back_to, label
    return line.accept()


def apply(conn: Conn, events: EventBatch, preview: Preview, batch_id: str) -> None:
    """The compensating writes, in the order the database's triggers need: slots are vacated
    before custody starts, custody ends before a slot is filled."""
    batch_id = batch_id.strip()
    found = queries.batch_events(conn, batch_id)
    note = queries.void_note(batch_id)
    queries.vacate_slots(conn, [line.from_slot_id for line in preview.lines if line.from_slot_id])
    for event, line in zip(found, preview.lines, strict=True):
        assert line.asset_id == event.asset_id
        if event.event_type == EventType.STOCK_IN:
            assert event.holder_id is not None and event.asset_id is not None
            queries.set_in_custody(conn, [(event.holder_id, event.asset_id)])
        elif event.event_type == EventType.STOCK_OUT:
            queries.set_in_storage(conn, [event.asset_id] if event.asset_id else [])
    queries.fill_slots(
        conn, [(line.asset_id, line.to_slot_id) for line in preview.lines if line.to_slot_id]
    )
    for event, line in zip(found, preview.lines, strict=True):
        details: dict[str, object] = {"voids": batch_id}
        if event.event_type == EventType.STOCK_OUT:
            kind, holder, slot = EventType.STOCK_IN, event.holder_id, event.slot_id
        elif event.event_type == EventType.STOCK_IN:
            kind, holder, slot = EventType.STOCK_OUT, event.holder_id, event.slot_id
        elif event.event_type == EventType.SLOT_ASSIGN:
            kind, holder, slot = EventType.SLOT_UNASSIGN, None, event.slot_id
        else:
            kind, holder, slot = EventType.SLOT_MOVE, None, line.to_slot_id
            details["from_slot_id"] = event.slot_id
        events.add(
            kind, asset_id=line.asset_id, holder_id=holder, slot_id=slot, note=note, details=details
        )
