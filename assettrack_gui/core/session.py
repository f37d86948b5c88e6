"""The clerk's work in progress at one station: a batch per mode, previewed and committed.

The main window is a thin view over a :class:`Session`: every scan goes to :meth:`Session.scan`,
which decides what the scan means in the current mode (an asset for the batch, a badge that picks
the custodian, a case code that picks the return case or the put-away case, …). A new asset line
is checked alone by the engine (``Engine.extend``) against the batch and the database; the whole
batch is re-checked after removals, a new custodian or case, a change from another station, and
inside the commit. The session decides no custody rule itself: verdicts and their codes come
from the engine (``core.rules``). Commits are the engine's atomic commits. The batches are saved
to disk (``core.pending``) after every change so a crash loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import matching, rules
from .engine import Engine
from .errors import Refused, UserError
from .model import (
    WRONG_OPERATION,
    CaseInfo,
    Code,
    CommitResult,
    HolderInfo,
    Lookup,
    Mode,
    Operation,
    Placement,
    Preview,
    Verdict,
    plural,
)
from .pending import PendingBatch, clear_pending, load_pending, save_pending
from .text import visible

# Scans that name no asset still become a (refused) row in Stock-Out and Stock-In, so the clerk
# sees every scan of the batch and nothing is committed until the bad one is dealt with.
_REFUSED_ROW_KINDS = (matching.UNKNOWN, matching.AMBIGUOUS, matching.TOO_LONG)


@dataclass(frozen=True)
class ScanOutcome:
    """What one scan did: accepted or not, a sentence for the status bar, and the row it concerns."""

    accepted: bool
    message: str
    row: int | None = None
    added: bool = False
    lookup: Lookup | None = None
    # Accepted, but worth a look (the case is full, the next slot wrapped to the start): the
    # page shows it in a warning colour, not green.
    warning: bool = False
    # Stock-Out: a badge scanned while rows are waiting for another custodian. Nothing changed;
    # the page asks ``question`` and calls ``Session.set_custodian(switch_to.id)`` on yes.
    switch_to: HolderInfo | None = None
    question: str = ""
    # Stock-In: a holder's badge. Nothing changed; the page asks ``question`` and calls
    # ``Session.return_everything(return_all_of.id)`` on yes.
    return_all_of: HolderInfo | None = None


@dataclass
class BatchRow:
    scan: str  # as it arrived (after nothing: the engine normalises)
    asset_id: int | None
    case_code: str = ""  # put-away / move target
    position: int | None = None


class Session:
    """One station's batches. Not thread-safe: it uses the Store of the thread that made it."""

    def __init__(self, engine: Engine, db_path: Path | str | object | None = None) -> None:
        self.engine = engine
        # a file, or a server database (core.backend.ServerDatabase): the pending batch's key
        self.db_path = Path(db_path) if isinstance(db_path, str | Path) else db_path
        self.mode = Mode.STOCK_OUT
        self.batches: dict[Mode, list[BatchRow]] = {
            Mode.STOCK_OUT: [],
            Mode.STOCK_IN: [],
            Mode.PLACE: [],
        }
        self.custodian: HolderInfo | None = None
        self.return_case: CaseInfo | None = None
        self.place_case: CaseInfo | None = None
        self.place_position: int | None = None
        # The last slot choice was refused (a taken slot): assets wait for a valid choice
        # rather than going to the position the clerk just tried to leave.
        self.slot_refusal: Verdict | None = None
        self.place_operation = Operation.PUT_AWAY
        self.preview: Preview | None = None
        self.last_lookup: Lookup | None = None
        self.lookup_case: CaseInfo | None = None  # the case of the last Lookup, for its map
        self._saved_rows = False  # only a session that saved rows may delete the pending file
        # The batch the last run left, read from the pending file before this session first
        # writes it (False: not read yet; None: there was none, or it was offered already).
        # Scans that arrive before the "Restore batch?" question must not replace it.
        self._left_over: PendingBatch | None | bool = False

    # -- state ------------------------------------------------------------------------------

    @property
    def rows(self) -> list[BatchRow]:
        return self.batches.get(self.mode, [])

    def set_mode(self, mode: str) -> None:
        if mode not in tuple(Mode):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = Mode(mode)
        self.refresh()

    def set_custodian(self, holder_id: int | None) -> None:
        self.custodian = self.engine.holder(holder_id) if holder_id else None
        self._changed(Mode.STOCK_OUT)

    def set_return_case(self, case_id: int | None) -> None:
        self.return_case = self.engine.case(case_id) if case_id else None
        self._changed(Mode.STOCK_IN)

    def set_place_case(self, case_id: int | None) -> None:
        self.place_case = self.engine.case(case_id) if case_id else None
        self.place_position = self.next_free_position()
        self.slot_refusal = None
        self._saved()

    def set_place_position(self, position: int | None) -> None:
        """The position box: whatever is typed is the target; a taken slot holds the next asset."""
        self.place_position = position
        case = self.place_case
        problem = self.target_problem(position)
        if problem is None or case is None or position is None:
            self.slot_refusal = None
            return
        taken_by = self.slot_occupant(position) or self.planned_positions(case).get(position, "")
        self.slot_refusal = rules.choose_empty_slot_first(
            problem, f"{case.case_code}/{position}", taken_by
        )

    def set_place_operation(self, operation: str) -> None:
        if operation not in (Operation.PUT_AWAY, Operation.MOVE):
            raise ValueError(f"unknown operation {operation!r}")
        self.place_operation = Operation(operation)
        self._changed(Mode.PLACE)

    def slot_occupant(self, position: int | None) -> str | None:
        """The tag of the asset in ``position`` of the put-away case, or None if it is empty."""
        case = self.place_case
        if case is None or position is None:
            return None
        for slot in self.engine.case_slots(case.id):
            if slot.position == position:
                return slot.asset_tag
        return None

    def next_free_position(self, after: int | None = None) -> int | None:
        """The next empty slot of the put-away case that no row of the batch is going to.

        With ``after`` (the slot just used) the first such slot after it, so the clerk's hand
        keeps moving the same way along the case; only past the end does it go back to the
        lowest (see :meth:`wrapped`). Without it, the lowest.
        """
        case = self.place_case
        if case is None:
            return None
        claimed = self.planned_positions(case)
        free = [
            s.position
            for s in self.engine.case_slots(case.id)
            if s.empty and s.position not in claimed
        ]
        if after is not None:
            later = [p for p in free if p > after]
            if later:
                return later[0]
        return free[0] if free else None

    @staticmethod
    def wrapped(after: int | None, position: int | None) -> bool:
        """The next slot is back before the one just used: the end of the case was reached."""
        return after is not None and position is not None and position < after

    def planned_positions(self, case: CaseInfo | None) -> dict[int, str]:
        """Positions of ``case`` a row of the Put-away / Move batch is going to, with the tag
        (or the scan) of that row: not empty on the map, not offered as the next slot."""
        if case is None:
            return {}
        rows = self.batches[Mode.PLACE]
        lines = self.preview.lines if self.preview is not None and self.mode == Mode.PLACE else []
        planned: dict[int, str] = {}
        for i, r in enumerate(rows):
            if r.case_code == case.case_code and r.position is not None:
                line = lines[i] if i < len(lines) else None
                tag = line.asset_tag if line is not None and line.asset_tag else r.scan
                planned.setdefault(r.position, tag)
        return planned

    def data_version(self) -> int:
        """Changes whenever another connection commits to the database."""
        return self.engine.data_version()

    # -- scans ------------------------------------------------------------------------------

    def scan(self, raw: str) -> ScanOutcome:
        """Apply one scan to the current mode. Raises StoreError if the database cannot be read."""
        if self.mode == Mode.LOOKUP:
            result = self.engine.lookup(raw, history_limit=50)
            self.last_lookup = result
            m = result.match
            self.lookup_case = (
                self.engine.case(m.id) if m.kind == matching.CASE and m.id else None
            )
            return ScanOutcome(result.match.found, result.title, lookup=result)
        m = self.engine.classify(raw)
        if m.kind == matching.EMPTY:
            return ScanOutcome(False, "empty scan ignored")
        if m.kind == matching.HOLDER:
            return self._holder_scan(m)
        if m.kind == matching.CASE:
            return self._case_scan(m)
        if m.kind == matching.UNKNOWN and self.mode == Mode.PLACE:
            outcome = self._slot_scan(m.scan)
            if outcome is not None:
                return outcome
        if m.kind not in (matching.ASSET, *_REFUSED_ROW_KINDS):
            return ScanOutcome(False, m.message)
        if self.mode == Mode.PLACE:
            if m.kind != matching.ASSET:
                return ScanOutcome(False, m.message)
            if self.place_case is None:
                return ScanOutcome(False, f"{m.canonical}: choose or scan a case first")
            if self.slot_refusal is not None:
                return ScanOutcome(False, f"{m.canonical}: {self.slot_refusal.message}")
            if self.place_position is None:
                return ScanOutcome(False, f"{m.canonical}: {rules.no_free_slot(self.place_case)}")
            row = BatchRow(raw, m.id, self.place_case.case_code, self.place_position)
        else:
            row = BatchRow(raw, m.id)
        # Only the new line is checked: against the batch so far and the database.
        before = self.preview
        if before is None or len(before.lines) != len(self.rows):
            before = self._preview(self.rows)
        preview = self.engine.extend(before, self._item(row))
        line = preview.lines[-1]
        if line.code == Code.DUPLICATE_IN_BATCH and line.duplicate_of is not None:
            shown = m.canonical if m.kind == matching.ASSET else visible(m.scan)
            return ScanOutcome(
                False, rules.not_added_again(shown or "", line.duplicate_of), row=line.duplicate_of
            )
        self.rows.append(row)
        index = len(self.rows) - 1
        self.preview = preview
        if self.mode == Mode.PLACE and index == 0 and not line.ok:
            self._try_other_place_operation()
            preview = self.preview
            line = preview.lines[index]
        note = ""
        if self.mode == Mode.PLACE and line.ok and self.place_case is not None:
            # On to the next empty slot after this one. A refused row keeps the position it was
            # refused for, so what the clerk sees is the slot the message is about.
            used = row.position if row.case_code == self.place_case.case_code else None
            self.place_position = self.next_free_position(after=used)
            if self.place_position is None:
                note = str(rules.no_free_slot(self.place_case))
            elif self.wrapped(used, self.place_position):
                note = rules.wrapped_to(self.place_case, self.place_position)
        self._saved()
        if m.kind != matching.ASSET:  # the reason already names the scan
            return ScanOutcome(False, line.reason, row=index, added=True)
        tag = line.asset_tag or m.canonical
        if line.ok:
            text = f"{tag}: {line.now} → {line.to}" + (f" — {note}" if note else "")
            return ScanOutcome(True, text, row=index, added=True, warning=bool(note))
        return ScanOutcome(False, f"{tag}: {line.reason}", row=index, added=True)

    def _holder_scan(self, m: matching.Match) -> ScanOutcome:
        assert m.id is not None
        holder = self.engine.holder(m.id)
        assert holder is not None
        if self.mode == Mode.STOCK_IN:
            held = self.engine.held_by(holder.id)
            if not held:
                return ScanOutcome(False, rules.holds_nothing(holder))
            question = rules.return_everything(len(held), holder)
            return ScanOutcome(False, question, return_all_of=holder, question=question)
        if self.mode != Mode.STOCK_OUT:
            return ScanOutcome(
                False, f"badge of {holder.label}: not an asset (custodians are for Stock-Out)"
            )
        if (verdict := rules.custodian(holder)) is not None:
            return ScanOutcome(False, verdict.message)
        current = self.custodian
        if current is not None and current.id != holder.id and self.rows:
            question = rules.hand_over_instead(len(self.rows), holder, current)
            return ScanOutcome(False, question, switch_to=holder, question=question)
        self.set_custodian(holder.id)
        return ScanOutcome(True, f"Custodian: {holder.label}")

    def return_everything(self, holder_id: int) -> ScanOutcome:
        """Stock-In: add every asset the holder has now to the batch, each checked like a scan
        (one already in the batch is not added twice)."""
        holder = self.engine.holder(holder_id)
        assert holder is not None
        added = 0
        for tag in self.engine.held_by(holder_id):
            if self.scan(tag).added:
                added += 1
        if not added:
            return ScanOutcome(False, f"Everything {holder.label} holds is in the batch already")
        text = f"Added {plural(added, 'asset')} held by {holder.label}"
        return ScanOutcome(True, text, row=len(self.rows) - 1, added=True)

    def _case_scan(self, m: matching.Match) -> ScanOutcome:
        assert m.id is not None
        if self.mode == Mode.STOCK_IN:
            self.set_return_case(m.id)
            assert self.return_case is not None
            return ScanOutcome(True, f"Return case: {self.return_case.case_code}")
        if self.mode == Mode.PLACE:
            self.set_place_case(m.id)
            assert self.place_case is not None
            full = self.place_position is None
            where = "no free slot" if full else f"next free slot {self.place_position}"
            return ScanOutcome(True, f"Case {self.place_case.case_code}: {where}", warning=full)
        return ScanOutcome(False, f"this is case {m.canonical}, not an asset")

    def _slot_scan(self, scan: str) -> ScanOutcome | None:
        """A slot label (``CART-A/3``) or, with a case chosen, a bare position number."""
        found = matching.SLOT_LABEL.match(scan)
        if found:
            try:
                case = self.engine.case(found["case"])
            except UserError as exc:
                return ScanOutcome(False, str(exc))
            if case is None:
                return None
            position = int(found["pos"])
        elif scan.isdigit() and scan.isascii() and self.place_case is not None:
            case, position = self.place_case, int(scan)
        else:
            return None
        verdict = self.choose_position(case, position)
        if verdict is not None:
            return ScanOutcome(False, self.refusal_text(verdict))
        self._saved()
        return ScanOutcome(True, f"Slot {case.case_code}/{position}")

    def choose_position(self, case: CaseInfo, position: int) -> Verdict | None:
        """Make ``case``/``position`` the put-away target, or say why not (and change nothing):
        the one check behind slot-label scans, the position box and the case map."""
        if (verdict := rules.position(case, position)) is not None:
            self.slot_refusal = rules.choose_empty_slot_first(verdict)
            self.place_position = None
            return verdict
        label = f"{case.case_code}/{position}"
        previous_case, self.place_case = self.place_case, case
        occupant = self.slot_occupant(position)
        self.place_case = previous_case
        planned = self.planned_positions(case).get(position)
        if (verdict := rules.slot_target(label, occupant, None, planned)) is not None:
            self.slot_refusal = rules.choose_empty_slot_first(
                verdict, label, occupant or planned or ""
            )
            # No target until a valid choice: the map and the position box must not point
            # at a slot the next asset will not go to.
            self.place_position = None
            return verdict
        self.place_case = case
        self.place_position = position
        self.slot_refusal = None
        return None

    def target_problem(self, position: int | None) -> Verdict | None:
        """Why ``position`` of the put-away case cannot take the next asset (it is taken, or a
        row of this batch is already going there)."""
        case = self.place_case
        if case is None or position is None:
            return None
        occupant = self.slot_occupant(position)
        planned = self.planned_positions(case).get(position)
        return rules.slot_target(f"{case.case_code}/{position}", occupant, None, planned)

    def refusal_text(self, verdict: Verdict) -> str:
        """A refused target choice: the next asset waits until an empty slot is chosen."""
        if verdict.code not in (Code.SLOT_TAKEN, Code.SLOT_CLAIMED, Code.ALREADY_THERE):
            return verdict.message
        return f"{verdict.message}: choose an empty slot"

    def _try_other_place_operation(self) -> None:
        """The first asset of a batch picks Put-away or Move by where it is now.

        Switch whenever the refusal was "wrong operation" and the other operation does not say
        the same: if the other one still refuses (the chosen slot is taken, say), its reason is
        the real problem and is the one the clerk should read.
        """
        assert self.preview is not None
        if self.preview.lines[0].code not in WRONG_OPERATION:
            return
        other = (
            Operation.MOVE if self.place_operation == Operation.PUT_AWAY else Operation.PUT_AWAY
        )
        items = self._placements()
        alt = (
            self.engine.preview_move(items)
            if other == Operation.MOVE
            else self.engine.preview_put_away(items)
        )
        if alt.ok or alt.lines[0].code not in WRONG_OPERATION:
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
        return [Placement(r.scan, r.case_code, r.position) for r in self.batches[Mode.PLACE]]

    def _item(self, row: BatchRow) -> str | Placement:
        return Placement(row.scan, row.case_code, row.position) if self.mode == Mode.PLACE else row.scan

    def _preview(self, rows: list[BatchRow]) -> Preview:
        engine = self.engine
        if self.mode == Mode.STOCK_OUT:
            return engine.preview_stock_out(
                [r.scan for r in rows], self.custodian.id if self.custodian else None
            )
        if self.mode == Mode.STOCK_IN:
            return engine.preview_stock_in(
                [r.scan for r in rows], self.return_case.id if self.return_case else None
            )
        items = [Placement(r.scan, r.case_code, r.position) for r in rows]
        if self.place_operation == Operation.MOVE:
            return engine.preview_move(items)
        return engine.preview_put_away(items)

    def refresh(self) -> Preview | None:
        """Re-check the current mode's whole batch with one engine call (after removals, a new
        custodian or case, and when another station changed the data; StoreError propagates)."""
        self.preview = None if self.mode == Mode.LOOKUP else self._preview(self.rows)
        return self.preview

    @property
    def can_commit(self) -> bool:
        return self.mode != Mode.LOOKUP and self.preview is not None and self.preview.ok

    def confirmation_text(self) -> str:
        n = len(self.rows)
        assets = plural(n, "asset")
        if self.mode == Mode.STOCK_OUT:
            who = self.custodian.label if self.custodian else "(no custodian)"
            return f"Stock out {assets} to {who}"
        if self.mode == Mode.STOCK_IN:
            # Name the return case only if a row goes there (not back to its own slot).
            lines = self.preview.lines if self.preview is not None else []
            used = any(line.ok and not line.home_slot for line in lines)
            case = (
                f" (return case {self.return_case.case_code})"
                if self.return_case is not None and used
                else ""
            )
            return f"Stock in {assets} to storage{case}"
        verb = "Move" if self.place_operation == Operation.MOVE else "Put away"
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
            if self.mode == Mode.STOCK_OUT:
                result = engine.commit_stock_out(
                    self._scans(), self.custodian.id if self.custodian else None
                )
            elif self.mode == Mode.STOCK_IN:
                result = engine.commit_stock_in(
                    self._scans(), self.return_case.id if self.return_case else None
                )
            elif self.mode == Mode.PLACE:
                items = self._placements()
                result = (
                    engine.commit_move(items)
                    if self.place_operation == Operation.MOVE
                    else engine.commit_put_away(items)
                )
            else:
                raise UserError("Lookup has nothing to commit.")
        except Refused as exc:
            if isinstance(exc.result, Preview):
                self.preview = exc.result
            raise
        done = list(self.batches[self.mode])
        self.batches[self.mode].clear()
        if self.mode == Mode.STOCK_OUT:
            self.custodian = None
        if self.mode == Mode.PLACE:
            case = self.place_case.case_code if self.place_case else None
            last = next((r.position for r in reversed(done) if r.case_code == case), None)
            self.place_position = self.next_free_position(after=last)
        self._saved()
        self.refresh()
        return result

    # -- persistence ------------------------------------------------------------------------

    def _changed(self, mode: Mode) -> None:
        self._saved()
        if mode == self.mode:
            self.refresh()

    def _saved(self) -> None:
        if self.db_path is None:
            return
        batch = self.to_pending()
        if not batch.is_empty:
            if not self._saved_rows:
                self._read_left_over()  # before this session's first write replaces it
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
            mode=self.mode.value,
            stock_out=[r.scan for r in self.batches[Mode.STOCK_OUT]],
            custodian=self.custodian.badge_code if self.custodian else "",
            stock_in=[r.scan for r in self.batches[Mode.STOCK_IN]],
            return_case=self.return_case.case_code if self.return_case else "",
            placements=[(r.scan, r.case_code, r.position) for r in self.batches[Mode.PLACE]],
            place_operation=self.place_operation.value,
            place_case=self.place_case.case_code if self.place_case else "",
        )

    def restore(self, batch: PendingBatch) -> None:
        """Take back a saved batch (scans are re-matched and re-validated against today's data)."""

        def asset_id(raw: str) -> int | None:
            m = self.engine.classify(raw)
            return m.id if m.kind == matching.ASSET else None

        # Scans made in this run before the question came stay, after the restored ones.
        current = {mode: list(rows) for mode, rows in self.batches.items()}
        self._left_over = None
        self.batches[Mode.STOCK_OUT] = [
            BatchRow(s, asset_id(s)) for s in batch.stock_out
        ] + current[Mode.STOCK_OUT]
        self.batches[Mode.STOCK_IN] = [
            BatchRow(s, asset_id(s)) for s in batch.stock_in
        ] + current[Mode.STOCK_IN]
        self.batches[Mode.PLACE] = [
            BatchRow(s, asset_id(s), c, p) for s, c, p in batch.placements
        ] + current[Mode.PLACE]
        try:
            holder = self.engine.holder(batch.custodian) if batch.custodian else None
        except UserError:
            holder = None
        if holder is not None and rules.custodian(holder) is None:
            self.custodian = self.custodian or holder
        try:
            case = self.engine.case(batch.return_case) if batch.return_case else None
        except UserError:
            case = None
        self.return_case = self.return_case or case
        try:
            case = self.engine.case(batch.place_case) if batch.place_case else None
        except UserError:
            case = None
        self.place_case = self.place_case or case
        self.place_position = self.next_free_position()
        self.slot_refusal = None
        if batch.place_operation in (Operation.PUT_AWAY, Operation.MOVE):
            self.place_operation = Operation(batch.place_operation)
        if batch.mode in tuple(Mode):
            self.mode = Mode(batch.mode)
        self._saved()
        self.refresh()

    def _read_left_over(self) -> PendingBatch | None:
        if self._left_over is False:
            self._left_over = load_pending(self.db_path) if self.db_path is not None else None
        assert self._left_over is not True and self._left_over is not False
        return self._left_over

    def pending_batch(self) -> PendingBatch | None:
        """The batch a previous run of this station left uncommitted, if any — as it was before
        this run saved anything (scans made before the question do not replace it)."""
        return self._read_left_over()

    def discard_pending(self) -> None:
        """Forget the last run's batch. The pending file is deleted only if it still holds that
        batch; once this run has saved its own scans there, they stay."""
        self._read_left_over()
        self._left_over = None
        if self.db_path is not None and not self._saved_rows:
            clear_pending(self.db_path)


__all__ = ["BatchRow", "ScanOutcome", "Session"]
