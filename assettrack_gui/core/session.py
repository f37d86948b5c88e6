"""The clerk's work in progress at one station: a batch per mode, previewed and committed.

The main window is a thin view over a :class:`Session`: every scan goes to :meth:`Session.scan`,
which decides what the scan means in the current mode (an asset for the batch, a badge that picks
the custodian, a case code that picks the return case or the put-away case, …) and re-validates
the whole batch with one engine preview call. Commits are the engine's atomic commits. The
batches are saved to disk (``core.pending``) after every change so a crash loses nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import matching
from .custody import (
    MOVE,
    PUT_AWAY,
    CaseInfo,
    CommitResult,
    Engine,
    HolderInfo,
    Lookup,
    Placement,
    Preview,
    find_case,
    find_holder,
    get_case,
    get_holder,
)
from .errors import Refused, UserError
from .pending import PendingBatch, clear_pending, save_pending

STOCK_OUT, STOCK_IN, PLACE, LOOKUP = "STOCK_OUT", "STOCK_IN", "PLACE", "LOOKUP"
MODES = (STOCK_OUT, STOCK_IN, PLACE, LOOKUP)
MODE_TITLES = {
    STOCK_OUT: "Stock-Out",
    STOCK_IN: "Stock-In",
    PLACE: "Put-away / Move",
    LOOKUP: "Lookup",
}
# Scans that name no asset still become a (refused) row in Stock-Out and Stock-In, so the clerk
# sees every scan of the batch and nothing is committed until the bad one is dealt with.
_REFUSED_ROW_KINDS = (matching.UNKNOWN, matching.AMBIGUOUS, matching.TOO_LONG)
_SLOT_LABEL = re.compile(r"^(?P<case>.+)/(?P<pos>\d{1,6})$")
# How the engine says a placement used the other operation ("already in slot X — use Move").
_WRONG_OPERATION = ("— use Move", "— use Put-away")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class ScanOutcome:
    """What one scan did: accepted or not, a sentence for the status bar, and the row it concerns."""

    accepted: bool
    message: str
    row: int | None = None
    added: bool = False
    lookup: Lookup | None = None


@dataclass
class BatchRow:
    scan: str  # as it arrived (after nothing: the engine normalises)
    asset_id: int | None
    case_code: str = ""  # put-away / move target
    position: int | None = None


class Session:
    """One station's batches. Not thread-safe: it uses the Store of the thread that made it."""

    def __init__(self, engine: Engine, db_path: Path | str | None = None) -> None:
        self.engine = engine
        self.db_path = Path(db_path) if db_path is not None else None
        self.mode = STOCK_OUT
        self.batches: dict[str, list[BatchRow]] = {STOCK_OUT: [], STOCK_IN: [], PLACE: []}
        self.custodian: HolderInfo | None = None
        self.return_case: CaseInfo | None = None
        self.place_case: CaseInfo | None = None
        self.place_position: int | None = None
        self.place_operation = PUT_AWAY
        self.preview: Preview | None = None
        self.last_lookup: Lookup | None = None
        self.lookup_case: CaseInfo | None = None  # the case of the last Lookup, for its map
        self._saved_rows = False  # only a session that saved rows may delete the pending file

    # -- state ------------------------------------------------------------------------------

    @property
    def rows(self) -> list[BatchRow]:
        return self.batches.get(self.mode, [])

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.refresh()

    def set_custodian(self, holder_id: int | None) -> None:
        self.custodian = get_holder(self.engine.conn, holder_id) if holder_id else None
        self._changed(STOCK_OUT)

    def set_return_case(self, case_id: int | None) -> None:
        self.return_case = get_case(self.engine.conn, case_id) if case_id else None
        self._changed(STOCK_IN)

    def set_place_case(self, case_id: int | None) -> None:
        self.place_case = get_case(self.engine.conn, case_id) if case_id else None
        self.place_position = self.next_free_position()
        self._saved()

    def set_place_position(self, position: int | None) -> None:
        self.place_position = position

    def set_place_operation(self, operation: str) -> None:
        if operation not in (PUT_AWAY, MOVE):
            raise ValueError(f"unknown operation {operation!r}")
        self.place_operation = operation
        self._changed(PLACE)

    def slot_occupant(self, position: int | None) -> str | None:
        """The tag of the asset in ``position`` of the put-away case, or None if it is empty."""
        case = self.place_case
        if case is None or position is None:
            return None
        for _, pos, tag, _ in self.engine.case_slots(case.id):
            if pos == position:
                return tag
        return None

    def next_free_position(self) -> int | None:
        """The lowest empty slot of the put-away case that no row of the batch is going to."""
        case = self.place_case
        if case is None:
            return None
        claimed = {r.position for r in self.batches[PLACE] if r.case_code == case.case_code}
        for _, position, tag, _ in self.engine.case_slots(case.id):
            if tag is None and position not in claimed:
                return position
        return None

    def data_version(self) -> int:
        """Changes whenever another connection commits to the database (PRAGMA data_version)."""
        return int(self.engine.conn.execute("PRAGMA data_version").fetchone()[0])

    # -- scans ------------------------------------------------------------------------------

    def scan(self, raw: str) -> ScanOutcome:
        """Apply one scan to the current mode. Raises StoreError if the database cannot be read."""
        if self.mode == LOOKUP:
            result = self.engine.lookup(raw, history_limit=50)
            self.last_lookup = result
            m = result.match
            self.lookup_case = (
                get_case(self.engine.conn, m.id) if m.kind == matching.CASE and m.id else None
            )
            return ScanOutcome(result.match.found, result.title, lookup=result)
        m = self.engine.classify(raw)
        if m.kind in (matching.EMPTY,):
            return ScanOutcome(False, "empty scan ignored")
        if m.kind == matching.HOLDER:
            return self._holder_scan(m)
        if m.kind == matching.CASE:
            return self._case_scan(m)
        if m.kind == matching.UNKNOWN and self.mode == PLACE:
            outcome = self._slot_scan(m.scan)
            if outcome is not None:
                return outcome
        if m.kind not in (matching.ASSET, *_REFUSED_ROW_KINDS):
            return ScanOutcome(False, m.message)
        for index, row in enumerate(self.rows):
            same = (
                row.asset_id == m.id
                if m.kind == matching.ASSET
                else row.asset_id is None and self.engine.normalize(row.scan) == m.scan
            )
            if same:
                shown = m.canonical if m.kind == matching.ASSET else matching.visible(m.scan)
                return ScanOutcome(
                    False,
                    f"{shown} is already in this batch (row {index + 1}): not added again",
                    row=index,
                )
        if self.mode == PLACE:
            if m.kind != matching.ASSET:
                return ScanOutcome(False, m.message)
            if self.place_case is None:
                return ScanOutcome(False, f"{m.canonical}: choose or scan a case first")
            if self.place_position is None:
                return ScanOutcome(
                    False, f"{m.canonical}: case {self.place_case.case_code} has no free slot"
                )
            row = BatchRow(raw, m.id, self.place_case.case_code, self.place_position)
        else:
            row = BatchRow(raw, m.id)
        self.rows.append(row)
        index = len(self.rows) - 1
        preview = self.refresh()
        if self.mode == PLACE and index == 0 and preview is not None and not preview.lines[0].ok:
            self._try_other_place_operation()
            preview = self.preview
        if self.mode == PLACE and preview is not None and preview.lines[index].ok:
            # On to the next empty slot. A refused row keeps the position it was refused for,
            # so what the clerk sees is the slot the message is about.
            self.place_position = self.next_free_position()
        self._saved()
        assert preview is not None
        line = preview.lines[index]
        if m.kind != matching.ASSET:  # the reason already names the scan
            return ScanOutcome(False, line.reason, row=index, added=True)
        tag = line.asset_tag or m.canonical
        if line.ok:
            return ScanOutcome(True, f"{tag}: {line.now} → {line.to}", row=index, added=True)
        return ScanOutcome(False, f"{tag}: {line.reason}", row=index, added=True)

    def _holder_scan(self, m: matching.Match) -> ScanOutcome:
        assert m.id is not None
        holder = get_holder(self.engine.conn, m.id)
        assert holder is not None
        if self.mode != STOCK_OUT:
            return ScanOutcome(
                False, f"badge of {holder.label}: not an asset (custodians are for Stock-Out)"
            )
        if not holder.active:
            return ScanOutcome(False, f"{holder.label} is deactivated and cannot receive custody")
        self.set_custodian(holder.id)
        return ScanOutcome(True, f"Custodian: {holder.label}")

    def _case_scan(self, m: matching.Match) -> ScanOutcome:
        assert m.id is not None
        if self.mode == STOCK_IN:
            self.set_return_case(m.id)
            assert self.return_case is not None
            return ScanOutcome(True, f"Return case: {self.return_case.case_code}")
        if self.mode == PLACE:
            self.set_place_case(m.id)
            assert self.place_case is not None
            where = (
                f"next free slot {self.place_position}"
                if self.place_position is not None
                else "no free slot"
            )
            return ScanOutcome(True, f"Case {self.place_case.case_code}: {where}")
        return ScanOutcome(False, f"this is case {m.canonical}, not an asset")

    def _slot_scan(self, scan: str) -> ScanOutcome | None:
        """A slot label (``CART-A/3``) or, with a case chosen, a bare position number."""
        found = _SLOT_LABEL.match(scan)
        if found:
            try:
                case = find_case(self.engine.conn, found["case"])
            except UserError as exc:
                return ScanOutcome(False, str(exc))
            if case is None:
                return None
            self.place_case = case
            position = int(found["pos"])
        elif scan.isdigit() and scan.isascii() and self.place_case is not None:
            case, position = self.place_case, int(scan)
        else:
            return None
        if not 1 <= position <= case.size:
            return ScanOutcome(
                False, f"case {case.case_code} has positions 1–{case.size}, not {position}"
            )
        previous_case, self.place_case = self.place_case, case
        occupant = self.slot_occupant(position)
        if occupant is not None:
            self.place_case = previous_case
            return ScanOutcome(False, self.taken_message(case, position, occupant))
        self.place_position = position
        self._saved()
        return ScanOutcome(True, f"Slot {case.case_code}/{position}")

    def taken_message(self, case: CaseInfo, position: int, occupant: str) -> str:
        """Why an occupied slot cannot be the target, and which position stays chosen."""
        stays = (
            f"position stays {self.place_case.case_code}/{self.place_position}"
            if self.place_case is not None and self.place_position is not None
            else "choose an empty slot"
        )
        return f"slot {case.case_code}/{position} is taken by {occupant}: {stays}"

    def _try_other_place_operation(self) -> None:
        """The first asset of a batch picks Put-away or Move by where it is now.

        Switch whenever the refusal was "wrong operation" and the other operation does not say
        the same: if the other one still refuses (the chosen slot is taken, say), its reason is
        the real problem and is the one the clerk should read.
        """
        assert self.preview is not None
        if not self.preview.lines[0].reason.endswith(_WRONG_OPERATION):
            return
        other = MOVE if self.place_operation == PUT_AWAY else PUT_AWAY
        items = self._placements()
        alt = (
            self.engine.preview_move(items)
            if other == MOVE
            else self.engine.preview_put_away(items)
        )
        if alt.ok or not alt.lines[0].reason.endswith(_WRONG_OPERATION):
            self.place_operation = other
            self.preview = alt

    # -- editing ----------------------------------------------------------------------------

    def remove_rows(self, rows: Iterable[int]) -> int:
        batch = self.rows
        doomed = sorted({r for r in rows if 0 <= r < len(batch)}, reverse=True)
        for r in doomed:
            del batch[r]
        if doomed:
            self._changed(self.mode)
        return len(doomed)

    def undo_last(self) -> bool:
        if not self.rows:
            return False
        self.rows.pop()
        self._changed(self.mode)
        return True

    def clear(self) -> None:
        if self.mode in self.batches:
            self.batches[self.mode].clear()
        self._changed(self.mode)

    # -- preview and commit -----------------------------------------------------------------

    def _scans(self) -> list[str]:
        return [r.scan for r in self.rows]

    def _placements(self) -> list[Placement]:
        return [Placement(r.scan, r.case_code, r.position) for r in self.batches[PLACE]]

    def refresh(self) -> Preview | None:
        """Re-validate the current mode's batch with one engine call (StoreError propagates)."""
        engine = self.engine
        if self.mode == STOCK_OUT:
            self.preview = engine.preview_stock_out(
                self._scans(), self.custodian.id if self.custodian else None
            )
        elif self.mode == STOCK_IN:
            self.preview = engine.preview_stock_in(
                self._scans(), self.return_case.id if self.return_case else None
            )
        elif self.mode == PLACE:
            items = self._placements()
            self.preview = (
                engine.preview_move(items)
                if self.place_operation == MOVE
                else engine.preview_put_away(items)
            )
        else:
            self.preview = None
        return self.preview

    @property
    def can_commit(self) -> bool:
        return self.mode != LOOKUP and self.preview is not None and self.preview.ok

    def confirmation_text(self) -> str:
        n = len(self.rows)
        assets = plural(n, "asset")
        if self.mode == STOCK_OUT:
            who = self.custodian.label if self.custodian else "(no custodian)"
            return f"Stock out {assets} to {who}"
        if self.mode == STOCK_IN:
            case = f" (return case {self.return_case.case_code})" if self.return_case else ""
            return f"Stock in {assets} to storage{case}"
        verb = "Move" if self.place_operation == MOVE else "Put away"
        cases = sorted({r.case_code for r in self.rows})
        where = f" into {cases[0]}" if len(cases) == 1 else ""
        return f"{verb} {assets}{where}"

    def commit(self) -> CommitResult:
        """The engine's atomic commit of the current batch.

        On success the batch is cleared. ``Refused`` leaves the batch and puts the engine's fresh
        verdicts in ``self.preview``; a StoreError (busy, full, read-only) leaves everything.
        """
        engine = self.engine
        try:
            if self.mode == STOCK_OUT:
                result = engine.commit_stock_out(
                    self._scans(), self.custodian.id if self.custodian else None
                )
            elif self.mode == STOCK_IN:
                result = engine.commit_stock_in(
                    self._scans(), self.return_case.id if self.return_case else None
                )
            elif self.mode == PLACE:
                items = self._placements()
                result = (
                    engine.commit_move(items)
                    if self.place_operation == MOVE
                    else engine.commit_put_away(items)
                )
            else:
                raise UserError("Lookup has nothing to commit.")
        except Refused as exc:
            if isinstance(exc.result, Preview):
                self.preview = exc.result
            raise
        self.batches[self.mode].clear()
        if self.mode == STOCK_OUT:
            self.custodian = None
        if self.mode == PLACE:
            self.place_position = self.next_free_position()
        self._saved()
        self.refresh()
        return result

    # -- persistence ------------------------------------------------------------------------

    def _changed(self, mode: str) -> None:
        self._saved()
        if mode == self.mode:
            self.refresh()

    def _saved(self) -> None:
        if self.db_path is None:
            return
        batch = self.to_pending()
        if not batch.is_empty:
            save_pending(self.db_path, batch)
            self._saved_rows = True
        elif self._saved_rows:
            # The batch this session saved is now committed or cleared. A session that never
            # saved anything leaves the file alone: it may hold the last run's batch, not yet
            # offered back.
            clear_pending(self.db_path)
            self._saved_rows = False

    def to_pending(self) -> PendingBatch:
        return PendingBatch(
            mode=self.mode,
            stock_out=[r.scan for r in self.batches[STOCK_OUT]],
            custodian=self.custodian.badge_code if self.custodian else "",
            stock_in=[r.scan for r in self.batches[STOCK_IN]],
            return_case=self.return_case.case_code if self.return_case else "",
            placements=[(r.scan, r.case_code, r.position) for r in self.batches[PLACE]],
            place_operation=self.place_operation,
            place_case=self.place_case.case_code if self.place_case else "",
        )

    def restore(self, batch: PendingBatch) -> None:
        """Take back a saved batch (scans are re-matched and re-validated against today's data)."""
        conn = self.engine.conn

        def asset_id(raw: str) -> int | None:
            m = self.engine.classify(raw)
            return m.id if m.kind == matching.ASSET else None

        self.batches[STOCK_OUT] = [BatchRow(s, asset_id(s)) for s in batch.stock_out]
        self.batches[STOCK_IN] = [BatchRow(s, asset_id(s)) for s in batch.stock_in]
        self.batches[PLACE] = [BatchRow(s, asset_id(s), c, p) for s, c, p in batch.placements]
        try:
            holder = find_holder(conn, batch.custodian) if batch.custodian else None
        except UserError:
            holder = None
        self.custodian = holder if holder is not None and holder.active else None
        try:
            self.return_case = find_case(conn, batch.return_case) if batch.return_case else None
        except UserError:
            self.return_case = None
        try:
            self.place_case = find_case(conn, batch.place_case) if batch.place_case else None
        except UserError:
            self.place_case = None
        self.place_position = self.next_free_position()
        if batch.place_operation in (PUT_AWAY, MOVE):
            self.place_operation = batch.place_operation
        if batch.mode in MODES:
            self.mode = batch.mode
        self._saved()
        self.refresh()

    def discard_pending(self) -> None:
        if self.db_path is not None:
            clear_pending(self.db_path)
        self._saved_rows = False


__all__ = [
    "LOOKUP",
    "MODES",
    "MODE_TITLES",
    "PLACE",
    "STOCK_IN",
    "STOCK_OUT",
    "BatchRow",
    "ScanOutcome",
    "Session",
    "plural",
]
