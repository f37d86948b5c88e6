"""What every asset batch shares: matching each scan to an asset and refusing repeats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import matching, queries, rules
from ..model import Line, Preview
from ..queries import AssetState, Conn
from ..text import is_text

if TYPE_CHECKING:
    from ..engine import Engine


# A whole batch of at least this many lines is looked up with two statements (what each scan
# is, where those assets are) instead of two per line: on a server each statement is a round trip.
PREFETCH_LINES = 8


@dataclass
class BatchState:
    """What the lines so far have taken: assets (by id), unmatched scans, slots; and, for a
    whole batch checked at once, what its scans matched exactly and where those assets are
    (read in the same transaction, before anything is written: :meth:`prefetch`)."""

    seen_assets: dict[int, int] = field(default_factory=dict)  # asset id -> line index
    seen_scans: dict[str, int] = field(default_factory=dict)  # unmatched scan -> line index
    claimed: dict[int, str] = field(default_factory=dict)  # slot id -> ref of the line
    count: int = 0
    exact: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)  # scan -> rows
    states: dict[int, AssetState] = field(default_factory=dict)  # asset id -> where it is

    @classmethod
    def prefetch(cls, engine: Engine, conn: Conn, raws: Sequence[str]) -> BatchState:
        """A new batch whose scans' exact matches and assets' states are read up front, in two
        statements (per 300 scans), when it has ``PREFETCH_LINES`` lines or more. Only for
        checking the whole batch in one go (validate, a full re-check): the lines are then
        checked in order against what was read, exactly as one by one."""
        batch = cls()
        if len(raws) < PREFETCH_LINES:
            return batch
        scans = [
            scan
            for scan in (engine.normalize(raw) for raw in raws)
            if scan and len(scan) <= matching.MAX_SCAN_LENGTH and is_text(scan)
        ]
        batch.exact = queries.codes_exact_many(conn, scans)
        batch.states = queries.asset_states(
            conn,
            [rows[0][1] for rows in batch.exact.values() if len(rows) == 1 and rows[0][0] == matching.ASSET],
        )
        return batch

    @classmethod
    def of(cls, preview: Preview) -> BatchState:
        state = cls(count=len(preview.lines))
        for line in preview.lines:
            if line.duplicate_of is not None:
                continue
            if line.asset_id is not None:
                state.seen_assets.setdefault(line.asset_id, line.index)
            else:
                state.seen_scans.setdefault(line.scan, line.index)
            if line.to_slot_id is not None:
                state.claimed.setdefault(line.to_slot_id, line.ref)
        return state


def asset_line(
    engine: Engine, conn: Conn, raw: str, batch: BatchState, label: str = ""
) -> tuple[Line, AssetState | None]:
    """Match one scan to an asset; refuse non-assets and repeats. Returns the line and, when it
    is an asset seen for the first time, its state (the operation's own rules come next)."""
    index = batch.count
    batch.count += 1
    scan = engine.normalize(raw)
    line = Line(index=index, scan=scan, label=label)
    rows = batch.exact.get(scan)
    if rows is not None and len(rows) == 1 and rows[0][0] == matching.ASSET:
        m = matching.Match(scan, matching.ASSET, rows[0][1], rows[0][2], "exact")  # as classify
    else:
        m = matching.classify(conn, scan)
    if m.kind != matching.ASSET:
        first = batch.seen_scans.get(scan) if scan else None
        if first is not None:
            line.duplicate_of = first
            return line.refuse(rules.duplicate(first, asset=False)), None
        if scan:
            batch.seen_scans[scan] = index
        holder = queries.holder_by_id(conn, m.id) if m.kind == matching.HOLDER and m.id else None
        return line.refuse(rules.not_an_asset(m, holder)), None
    assert m.id is not None
    state = batch.states.get(m.id) or queries.asset_state(conn, m.id)
    line.asset_id, line.asset_tag, line.via = state.id, state.tag, m.via
    line.serial, line.description, line.now = state.serial, state.description, state.where
    first = batch.seen_assets.get(state.id)
    if first is not None:
        line.duplicate_of = first
        return line.refuse(rules.duplicate(first)), None
    batch.seen_assets[state.id] = index
    return line.accept(), state
