"""Stock-In: assets in custody come back to storage, each into the slot it left when that slot is
free, otherwise into the lowest free slot of the chosen return case that is nobody's home.

A slot that an asset still in custody left at its stock-out is that asset's home: filling it
would send that asset, when it comes back, into yet another asset's home, and so on down the
case. Only when the return case has no other free slot does a returned asset take a home, and
its line says whose (``Code.HOME_OF_ANOTHER``, a warning: the line is accepted)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import queries, rules
from ..errors import UserError
from ..eventlog import EventBatch
from ..model import CaseInfo, Code, EventType, Line, Operation, Preview, Verdict
from ..queries import Conn
from .batch import BatchState, asset_line

if TYPE_CHECKING:
    from ..engine import Engine


def start(engine: Engine, conn: Conn, return_case: str | int | None) -> Preview:
    """An empty Stock-In batch with its return case (optional) and the case's verdict."""
    preview = Preview(Operation.STOCK_IN, [])
    case: CaseInfo | None = None
    if return_case not in (None, ""):
        assert return_case is not None
        try:
            case = engine.find_case(conn, return_case)
        except UserError as exc:
            preview.problems.append(Verdict(Code.CASE_AMBIGUOUS, str(exc)))
        else:
            if case is None:
                near = engine.classify_in(conn, str(return_case))
                preview.problems.append(rules.unknown_case(return_case, near))
    preview.return_case = case
    return preview


def _home(conn: Conn, line: Line, home: int | None, batch: BatchState) -> str | None:
    """Claim ``home``, the slot the asset left, if it is free and unclaimed; else say why not."""
    if home is not None and not queries.slot_inside_case(conn, home):
        return rules.home_outside(queries.slot_label(conn, home))
    if home is not None and home not in batch.claimed:
        occupant = queries.slot_occupant(conn, home)
        if occupant is None:
            batch.claimed[home] = line.ref
            line.to_slot_id, line.home_slot = home, True
            line.to = queries.slot_label(conn, home)
            return None
        return f"its slot {queries.slot_label(conn, home)} is taken by {occupant}"
    if home is not None:
        return f"its slot {queries.slot_label(conn, home)} goes to another line"
    return "it has no previous slot"


def _first_pass(
    conn: Conn, engine: Engine, raw: str, batch: BatchState
) -> tuple[Line, str | None, int | None]:
    """The line, why its own slot is not available (None: it got it, or it is refused) and
    that slot (the asset's home)."""
    line, state = asset_line(engine, conn, raw, batch)
    if state is None:
        return line, None, None
    if (verdict := rules.stock_in(state)) is not None:
        return line.refuse(verdict), None, None
    line.holder_id = state.holder_id
    home = queries.last_stock_out_slot(conn, state.id)
    return line, _home(conn, line, home, batch), home


def _place_in_case(
    conn: Conn, case: CaseInfo | None, pending: list[tuple[Line, str]], batch: BatchState
) -> None:
    """Lines whose own slot is unavailable take the lowest free slots of the return case that
    are nobody's home; then, if none is left, the lowest free homes (saying whose)."""
    if case is None or not pending:
        for line, why in pending:
            line.refuse(rules.no_return_slot(why, None))
        return
    free = queries.free_slots(conn, case.id)
    homes = queries.homes_in_case(conn, case.id)
    spare = iter([s for s in free if s[0] not in homes])
    reserved = iter([s for s in free if s[0] in homes])
    for line, why in pending:
        slot = next((s for s in spare if s[0] not in batch.claimed), None)
        if slot is None:
            slot = next((s for s in reserved if s[0] not in batch.claimed), None)
        if slot is None:
            line.refuse(rules.no_return_slot(why, case))
            continue
        batch.claimed[slot[0]] = line.ref
        line.to_slot_id = slot[0]
        line.to = f"{case.case_code}/{slot[1]}"
        others = [(h.asset_tag, h.holder_name) for h in homes.get(slot[0], [])]
        if others:
            line.warning = rules.home_of_another(line.to, others)
            line.to = line.warning.message


def check_line(
    engine: Engine, conn: Conn, preview: Preview, raw: str, batch: BatchState
) -> Line | None:
    """The new line, or None when adding it changes earlier lines' slots (its own slot went to
    an earlier line that only borrowed it): then the whole batch must be re-checked."""
    line, why, home = _first_pass(conn, engine, raw, batch)
    if why is None:
        return line
    home_taken_by_borrower = home is not None and any(
        other.to_slot_id == home and not other.home_slot for other in preview.lines
    )
    if home_taken_by_borrower:
        return None
    _place_in_case(conn, preview.return_case, [(line, why)], batch)
    return line


def validate(
    engine: Engine, conn: Conn, scans: list[str], return_case: str | int | None
) -> Preview:
    preview = start(engine, conn, return_case)
    batch = BatchState.prefetch(engine, conn, scans)
    pending: list[tuple[Line, str]] = []
    for raw in scans:
        line, why, _ = _first_pass(conn, engine, raw, batch)
        preview.lines.append(line)
        if why is not None:
            pending.append((line, why))
    _place_in_case(conn, preview.return_case, pending, batch)
    return preview


def apply(conn: Conn, events: EventBatch, preview: Preview) -> None:
    queries.set_in_storage(conn, [line.asset_id for line in preview.lines if line.asset_id])
    queries.fill_slots(conn, [(line.asset_id, line.to_slot_id) for line in preview.lines])
    for line in preview.lines:
        events.add(
            EventType.STOCK_IN,
            asset_id=line.asset_id,
            holder_id=line.holder_id,
            slot_id=line.to_slot_id,
        )
