"""Retirement (lost, broken, disposed), reinstatement, and edits of one asset's serial and
description.

A retired asset leaves whatever it was in: its slot is vacated, a holder's custody ends (the
holder lost it), and it stays in every report and in history as ``RETIRED (kind)``. Nothing
stocks it out, takes it in or puts it away (``rules.asset_retired``) until it is reinstated,
which brings it back to storage in no slot (Put-away places it again). Retiring and
reinstating are batches like the others: every scan is checked, and any bad line refuses the
whole batch. An edit changes one asset and records the old and new values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .. import queries, rules
from ..eventlog import EventBatch
from ..model import EventType, Line, LocationType, Operation, Preview, Retirement, Verdict
from ..queries import AssetState, Conn
from .batch import BatchState, asset_line

if TYPE_CHECKING:
    from ..engine import Engine

STORAGE_NO_SLOT = "storage (no slot)"

AssetRule = Callable[[AssetState], Verdict | None]


def _start(operation: Operation, reason: str, kind: Retirement | str | None = None) -> Preview:
    """An empty batch with the verdicts on its kind and reason (batch-level problems)."""
    preview = Preview(operation, [])
    if kind is not None and not isinstance(found := rules.retirement_kind(kind), Retirement):
        preview.problems.append(found)
    what = "retirement" if operation == Operation.RETIRE else "reinstatement"
    if (verdict := rules.reason_problem(reason, what)) is not None:
        preview.problems.append(verdict)
    return preview


def _lines(
    engine: Engine,
    conn: Conn,
    preview: Preview,
    scans: Sequence[str],
    rule: AssetRule,
    to: str,
) -> Preview:
    batch = BatchState.prefetch(engine, conn, scans)
    for raw in scans:
        line, state = asset_line(engine, conn, raw, batch)
        preview.lines.append(line)
        if state is None:
            continue
        if (verdict := rule(state)) is not None:
            line.refuse(verdict)
            continue
        line.from_slot_id, line.holder_id, line.to = state.slot_id, state.holder_id, to
    return preview


# -- retire -------------------------------------------------------------------------------------


def validate_retire(
    engine: Engine, conn: Conn, scans: Sequence[str], kind: Retirement | str, reason: str
) -> Preview:
    preview = _start(Operation.RETIRE, reason.strip(), kind)
    found = rules.retirement_kind(kind)
    to = ""
    if isinstance(found, Retirement):
        to = queries.location_text(LocationType.RETIRED, found, None, None)
    return _lines(engine, conn, preview, scans, rules.retire, to)


def apply_retire(
    conn: Conn, events: EventBatch, preview: Preview, kind: Retirement | str, reason: str
) -> None:
    """Vacate the slots first (the database refuses a retired asset in a slot), then retire;
    each RETIRE event names the holder and slot the asset left."""
    found = rules.retirement_kind(kind)
    assert isinstance(found, Retirement)
    before: list[AssetState] = []
    for line in preview.lines:
        assert line.asset_id is not None
        before.append(queries.asset_state(conn, line.asset_id))
    queries.vacate_slots(conn, [s.slot_id for s in before if s.slot_id is not None])
    queries.set_retired(conn, [(found.value, s.id) for s in before])
    for state in before:
        badge = None
        if state.holder_id is not None:
            holder = queries.holder_by_id(conn, state.holder_id)
            badge = holder.badge_code if holder is not None else None
        events.add(
            EventType.RETIRE,
            asset_id=state.id,
            holder_id=state.holder_id,
            slot_id=state.slot_id,
            note=reason.strip(),
            details={"kind": found.value, "holder": badge, "slot": state.slot_label or None},
        )


# -- reinstate ----------------------------------------------------------------------------------


def validate_reinstate(engine: Engine, conn: Conn, scans: Sequence[str], reason: str) -> Preview:
    preview = _start(Operation.REINSTATE, reason.strip())
    return _lines(engine, conn, preview, scans, rules.reinstate, STORAGE_NO_SLOT)


def apply_reinstate(conn: Conn, events: EventBatch, preview: Preview, reason: str) -> None:
    kinds: list[tuple[int, str | None]] = []
    for line in preview.lines:
        assert line.asset_id is not None
        kinds.append((line.asset_id, queries.asset_state(conn, line.asset_id).retirement))
    queries.set_reinstated(conn, [asset_id for asset_id, _ in kinds])
    for asset_id, kind in kinds:
        events.add(
            EventType.REINSTATE, asset_id=asset_id, note=reason.strip(), details={"kind": kind}
        )


# -- edit one asset -----------------------------------------------------------------------------


def validate_edit(
    engine: Engine, conn: Conn, scan: str, serial: str | None, description: str | None
) -> Preview:
    """One line: the asset with its new serial and description (``None`` keeps a field). A
    serial also on other assets is accepted with a ``SERIAL_SHARED`` warning."""
    preview = Preview(Operation.ASSET_EDIT, [])
    line, state = asset_line(engine, conn, scan, BatchState())
    preview.lines.append(line)
    if state is None:
        return preview
    new_serial = state.serial if serial is None else serial.strip()
    new_description = state.description if description is None else description.strip()
    for value, what in ((new_serial, "serial"), (new_description, "description")):
        if (verdict := rules.asset_text_problem(value, what)) is not None:
            line.refuse(verdict)
            return preview
    line.serial, line.description, line.to = new_serial, new_description, state.where
    if new_serial and new_serial != state.serial:
        others = queries.serial_users(conn, new_serial, state.id)
        if others:
            line.warning = rules.serial_shared(new_serial, others)
    return preview


def changes(state: AssetState, line: Line) -> dict[str, list[str]]:
    """``{"serial": [old, new]}`` and/or ``{"description": [old, new]}``: only what changes."""
    out: dict[str, list[str]] = {}
    if line.serial != state.serial:
        out["serial"] = [state.serial, line.serial]
    if line.description != state.description:
        out["description"] = [state.description, line.description]
    return out


def apply_edit(conn: Conn, events: EventBatch, line: Line) -> bool:
    """Write the edit and its ASSET_EDIT event; False (nothing written) when nothing changes."""
    assert line.asset_id is not None
    state = queries.asset_state(conn, line.asset_id)
    details = changes(state, line)
    if not details:
        return False
    queries.set_asset_text(conn, state.id, line.serial, line.description)
    events.add(EventType.ASSET_EDIT, asset_id=state.id, details=details)
    return True


__all__ = [
    "apply_edit",
    "apply_reinstate",
    "apply_retire",
    "changes",
    "validate_edit",
    "validate_reinstate",
    "validate_retire",
]
