"""The custody engine: preview and commit for every operation.

Each operation is two calls. ``preview_*`` returns a verdict for every line without changing
anything; ``commit_*`` opens ``BEGIN IMMEDIATE``, runs the very same validation again against the
current state (a batch previewed minutes ago may have gone stale), and either applies every line
and its events under one ``batch_id`` or raises ``Refused`` with every line's verdict and changes
nothing. ``extend`` checks one new scan against a previewed batch and the database, so a scan
at the counter costs one line's queries, not the whole batch's. The GUI, the admin CLI and the
tests all call these methods; the rules themselves are in ``rules``, the lines' checks in
``ops``, the SQL in ``queries``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import matching, queries, rules
from .errors import Refused, UserError
from .eventlog import Clock, EventBatch
from .lookup import lookup_scan
from .matching import Match, classify, normalize_scan
from .model import (
    AssetInfo,
    CaseInfo,
    CommitResult,
    EventType,
    HolderInfo,
    Lookup,
    NewAsset,
    NewCase,
    NewHolder,
    Operation,
    Placement,
    Preview,
    Retirement,
    SlotInfo,
)
from .ops import placement, registry, retire, stock_in, stock_out, void
from .ops.batch import BatchState
from .queries import Conn
from .settings import Settings, SettingsOwner, as_owner
from .store import Store
from .text import is_text, shown_ref

if TYPE_CHECKING:
    from .audit import Audit, AuditScan, RecordedAudit


def find_holder(conn: Conn, ref: str) -> HolderInfo | None:
    """A holder by badge (canonical matching) or by exact name. Raises UserError if ambiguous."""
    ref = ref.strip()
    if not ref:
        return None
    m = classify(conn, ref)
    if m.kind == matching.HOLDER:
        assert m.id is not None
        return queries.holder_by_id(conn, m.id)
    if not is_text(ref):
        return None
    named = queries.holders_named(conn, ref)
    if len(named) > 1:
        badges = ", ".join(h.badge_code for h in named)
        raise UserError(f"more than one holder is named {ref!r} (badges {badges}); use the badge")
    return named[0] if named else None


def find_case(conn: Conn, ref: str) -> CaseInfo | None:
    """A case by its code (canonical matching: exact, then without dashes)."""
    ref = ref.strip()
    if not ref or not is_text(ref):
        return None
    case = queries.case_by_code(conn, ref)
    if case is None and ref.replace("-", ""):
        found = queries.cases_dashless(conn, ref.replace("-", ""))
        if len(found) > 1:
            names = " and ".join(c.case_code for c in found)
            raise UserError(f"ambiguous case {ref!r}: matches {names}")
        case = found[0] if found else None
    return case


class Engine:
    """Custody operations over one Store, normalising scans with the one settings owner."""

    def __init__(
        self,
        store: Store,
        operator: str | None = None,
        settings: Settings | SettingsOwner | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        """``clock`` (the demo stockroom's builder only) dates the batches committed here;
        None is the wall clock, as for every real station."""
        self.store = store
        self.operator = operator or rules.default_operator()
        self.settings_owner = as_owner(settings)
        self.clock = clock

    @property
    def settings(self) -> Settings:
        """The current settings (read from the one owner every time, so changes apply at once)."""
        return self.settings_owner.current

    @property
    def operator(self) -> str:
        """Recorded on every event; setting it checks the name (see ``rules.check_operator``)."""
        return self._operator

    @operator.setter
    def operator(self, name: str) -> None:
        self._operator = rules.check_operator(name)

    # -- what a scan is --------------------------------------------------------------------------

    def normalize(self, raw: str) -> str:
        return normalize_scan(raw, self.settings)

    def classify(self, raw: str) -> Match:
        with self.store.read() as conn:
            return self.classify_in(conn, raw)

    def classify_in(self, conn: Conn, raw: str) -> Match:
        return classify(conn, self.normalize(raw))

    def find_holder(self, conn: Conn, ref: str | int) -> HolderInfo | None:
        """A holder by id, by a scanned badge (normalised like any scan) or by exact name."""
        if isinstance(ref, int):
            return queries.holder_by_id(conn, ref)
        m = self.classify_in(conn, ref)
        if m.kind == matching.HOLDER:
            assert m.id is not None
            return queries.holder_by_id(conn, m.id)
        holder = find_holder(conn, ref)
        if holder is None and m.kind == matching.AMBIGUOUS:
            raise UserError(m.message)
        return holder

    def find_case(self, conn: Conn, ref: str | int) -> CaseInfo | None:
        """A case by id or by a scanned case code (normalised like any scan)."""
        if isinstance(ref, int):
            return queries.case_by_id(conn, ref)
        m = self.classify_in(conn, ref)
        if m.kind == matching.CASE:
            assert m.id is not None
            return queries.case_by_id(conn, m.id)
        return find_case(conn, ref)

    def holder(self, ref: str | int) -> HolderInfo | None:
        """A holder by id, badge or exact name (UserError when a name is ambiguous)."""
        with self.store.read() as conn:
            return self.find_holder(conn, ref)

    def case(self, ref: str | int) -> CaseInfo | None:
        """A case by id or code (UserError when a dashless code is ambiguous)."""
        with self.store.read() as conn:
            return self.find_case(conn, ref)

    # -- one line at a time ------------------------------------------------------------------------

    def extend(self, preview: Preview, scan: str | Placement) -> Preview:
        """``preview`` with one more line: only the new line is checked, against the lines
        before it and the database. The caller keeps the old preview if this raises."""
        with self.store.read() as conn:
            batch = BatchState.of(preview)
            new = Preview(
                preview.operation,
                list(preview.lines),
                list(preview.problems),
                preview.holder,
                preview.return_case,
            )
            op = preview.operation
            if op == Operation.STOCK_OUT:
                assert isinstance(scan, str)
                new.lines.append(stock_out.check_line(self, conn, new, scan, batch))
            elif op == Operation.STOCK_IN:
                assert isinstance(scan, str)
                line = stock_in.check_line(self, conn, new, scan, batch)
                if line is None:  # the new line reshuffles borrowed slots: check them all
                    scans = [*(x.scan for x in preview.lines), scan]
                    full = stock_in.validate(self, conn, scans, _ref(preview.return_case))
                    full.problems = list(preview.problems)
                    return full
                new.lines.append(line)
            elif op in (Operation.PUT_AWAY, Operation.MOVE):
                assert isinstance(scan, Placement)
                new.lines.append(placement.check_line(self, conn, scan, op, batch))
            else:
                raise ValueError(f"{op} batches are checked whole")
            return new

    # -- Stock-Out ---------------------------------------------------------------------------------

    def preview_stock_out(self, scans: Sequence[str], holder: str | int | None) -> Preview:
        with self.store.read() as conn:
            return stock_out.validate(self, conn, list(scans), holder)

    def commit_stock_out(self, scans: Sequence[str], holder: str | int | None) -> CommitResult:
        return self._commit(
            lambda conn: stock_out.validate(self, conn, list(scans), holder), stock_out.apply
        )

    # -- Stock-In ----------------------------------------------------------------------------------

    def preview_stock_in(
        self, scans: Sequence[str], return_case: str | int | None = None
    ) -> Preview:
        with self.store.read() as conn:
            return stock_in.validate(self, conn, list(scans), return_case)

    def commit_stock_in(
        self, scans: Sequence[str], return_case: str | int | None = None
    ) -> CommitResult:
        return self._commit(
            lambda conn: stock_in.validate(self, conn, list(scans), return_case), stock_in.apply
        )

    # -- Put-away and Move -------------------------------------------------------------------------

    def preview_put_away(self, items: Sequence[Placement]) -> Preview:
        with self.store.read() as conn:
            return placement.validate(self, conn, items, Operation.PUT_AWAY)

    def preview_move(self, items: Sequence[Placement]) -> Preview:
        with self.store.read() as conn:
            return placement.validate(self, conn, items, Operation.MOVE)

    def commit_put_away(self, items: Sequence[Placement]) -> CommitResult:
        return self._commit(
            lambda conn: placement.validate(self, conn, items, Operation.PUT_AWAY),
            placement.apply,
        )

    def commit_move(self, items: Sequence[Placement]) -> CommitResult:
        return self._commit(
            lambda conn: placement.validate(self, conn, items, Operation.MOVE), placement.apply
        )

    # -- Void (undo a wrong commit) ---------------------------------------------------------------

    def preview_void(self, batch_id: str) -> Preview:
        """What voiding ``batch_id`` would do: one line per asset (where it is → where it goes
        back), or the reasons it cannot be voided (``Code.NOT_VOIDABLE``, ``ALREADY_VOIDED``,
        ``VOID_CHANGED_SINCE``, ``HOLDER_INACTIVE``, ``BATCH_UNKNOWN``)."""
        with self.store.read() as conn:
            return void.validate(self, conn, batch_id)

    def commit_void(self, batch_id: str) -> CommitResult:
        """A new batch of compensating events putting every asset of ``batch_id`` back where it
        was before it; all or nothing (``Refused`` with every reason)."""
        return self._commit(
            lambda conn: void.validate(self, conn, batch_id),
            lambda conn, events, preview: void.apply(conn, events, preview, batch_id),
        )

    # -- Register (RECEIVE) ------------------------------------------------------------------------

    def preview_register(
        self, items: Sequence[NewAsset], *, skip_existing: bool = False
    ) -> Preview:
        with self.store.read() as conn:
            return registry.validate_assets(self, conn, items, skip_existing)

    def commit_register(
        self, items: Sequence[NewAsset], *, skip_existing: bool = False
    ) -> CommitResult:
        return self._commit(
            lambda conn: registry.validate_assets(self, conn, items, skip_existing),
            registry.apply_assets,
        )

    # -- Holders -----------------------------------------------------------------------------------

    def preview_add_holders(
        self, rows: Sequence[NewHolder], *, skip_existing: bool = False
    ) -> Preview:
        with self.store.read() as conn:
            return registry.validate_holders(self, conn, rows, skip_existing)

    def add_holders(
        self, rows: Sequence[NewHolder], *, skip_existing: bool = False
    ) -> CommitResult:
        return self._commit(
            lambda conn: registry.validate_holders(self, conn, rows, skip_existing),
            lambda conn, events, preview: registry.apply_holders(conn, events, preview, rows),
        )

    def add_holder(self, name: str, badge_code: str) -> HolderInfo:
        result = self.add_holders([NewHolder(name, badge_code, label=badge_code)])
        holder_id = result.preview.lines[0].holder_id
        assert holder_id is not None
        with self.store.read() as conn:
            holder = queries.holder_by_id(conn, holder_id)
        assert holder is not None
        return holder

    def _holder_or_fail(self, conn: Conn, ref: str | int) -> HolderInfo:
        holder = self.find_holder(conn, ref)
        if holder is None:
            raise Refused([f"{shown_ref(ref)}: no holder with that badge or name"])
        return holder

    def rename_holder(self, ref: str | int, new_name: str) -> HolderInfo:
        new_name = new_name.strip()
        with self.store.write() as conn:
            holder = self._holder_or_fail(conn, ref)
            if (verdict := rules.new_name_problem(holder.badge_code, new_name)) is not None:
                raise Refused([verdict.message])
            if new_name == holder.name:
                return holder
            queries.rename_holder(conn, holder.id, new_name)
            events = EventBatch(conn, self.operator)
            events.add(
                EventType.HOLDER_RENAME,
                holder_id=holder.id,
                details={"old_name": holder.name, "name": new_name},
            )
            events.flush()
            updated = queries.holder_by_id(conn, holder.id)
        assert updated is not None
        return updated

    def set_holder_active(self, ref: str | int, active: bool) -> HolderInfo:
        with self.store.write() as conn:
            holder = self._holder_or_fail(conn, ref)
            if holder.active == active:
                return holder
            queries.set_holder_active(conn, holder.id, active)
            events = EventBatch(conn, self.operator)
            events.add(
                EventType.HOLDER_REACTIVATE
                if active
                else EventType.HOLDER_DEACTIVATE,
                holder_id=holder.id,
            )
            events.flush()
            updated = queries.holder_by_id(conn, holder.id)
        assert updated is not None
        return updated

    # issue 12: a holder's badge changes (lost or reissued badge) --------------------------------

    def rebadge_holder(self, ref: str | int, new_badge: str) -> HolderInfo:
        """Give a holder another badge code, checked like a new badge (``registry.badge_problem``:
        scannable, unused, no near-duplicate); one HOLDER_REBADGE event with
        ``{"badge_code": [old, new]}``. The old badge scans as nothing afterwards."""
        with self.store.write() as conn:
            holder = self._holder_or_fail(conn, ref)
            if new_badge == holder.badge_code:
                return holder
            verdict = registry.badge_problem(self, conn, new_badge, holder.id)
            if verdict is not None:
                raise Refused([verdict.message], verdict)
            queries.rebadge_holder(conn, holder.id, new_badge)
            events = EventBatch(conn, self.operator)
            events.add(
                EventType.HOLDER_REBADGE,
                holder_id=holder.id,
                details={"badge_code": [holder.badge_code, new_badge]},
            )
            events.flush()
            updated = queries.holder_by_id(conn, holder.id)
        assert updated is not None
        return updated

    # -- Cases -------------------------------------------------------------------------------------

    def preview_create_cases(
        self, rows: Sequence[NewCase], *, skip_existing: bool = False
    ) -> Preview:
        with self.store.read() as conn:
            return registry.validate_cases(self, conn, rows, skip_existing)

    def create_cases(
        self, rows: Sequence[NewCase], *, skip_existing: bool = False
    ) -> CommitResult:
        return self._commit(
            lambda conn: registry.validate_cases(self, conn, rows, skip_existing),
            lambda conn, events, preview: registry.apply_cases(conn, events, preview, rows),
        )

    def create_case(self, case_code: str, name: str, rows: int, cols: int) -> CaseInfo:
        self.create_cases([NewCase(case_code, name, rows, cols, label=case_code)])
        case = self.case(case_code)
        assert case is not None
        return case

    # issue 12: a case's name and size change ----------------------------------------------------

    def _case_or_fail(self, conn: Conn, ref: str | int) -> CaseInfo:
        case = self.find_case(conn, ref)
        if case is None:
            verdict = rules.unknown_case(ref)
            raise Refused([verdict.message], verdict)
        return case

    def rename_case(self, code: str | int, new_name: str) -> CaseInfo:
        """A case's name (what its labels and the pickers show) changes; one CASE_RENAME event
        with ``{"case": code, "name": [old, new]}``. Its code, slots and contents stay."""
        new_name = new_name.strip()
        with self.store.write() as conn:
            case = self._case_or_fail(conn, code)
            if (verdict := rules.name_problem(new_name)) is not None:
                raise Refused([verdict.message], verdict)
            if new_name == case.name:
                return case
            queries.rename_case(conn, case.id, new_name)
            events = EventBatch(conn, self.operator)
            events.add(
                EventType.CASE_RENAME,
                details={"case": case.case_code, "name": [case.name, new_name]},
            )
            events.flush()
            updated = queries.case_by_id(conn, case.id)
        assert updated is not None
        return updated

    def resize_case(self, code: str | int, rows: int, cols: int) -> CaseInfo:
        """A case becomes rows × cols. Refused (``Code.CASE_SHRINK_OCCUPIED``, naming each asset)
        while an occupied slot would fall outside; growing adds the new slots; shrinking deletes
        the empty slots outside that no event names and keeps the others as history (they take
        nothing). One CASE_RESIZE event with ``{"case", "rows": [old, new], "cols": [old, new]}``."""
        with self.store.write() as conn:
            case = self._case_or_fail(conn, code)
            verdict = rules.case_size(rows, cols, (rows, cols))
            if verdict is None and (outside := queries.occupied_beyond(conn, case.id, rows * cols)):
                verdict = rules.case_shrink_occupied(case, rows, cols, outside)
            if verdict is not None:
                raise Refused([verdict.message], verdict)
            if (rows, cols) == (case.rows, case.cols):
                return case
            queries.resize_case(conn, case.id, rows, cols)
            events = EventBatch(conn, self.operator)
            events.add(
                EventType.CASE_RESIZE,
                details={
                    "case": case.case_code,
                    "rows": [case.rows, rows],
                    "cols": [case.cols, cols],
                },
            )
            events.flush()
            updated = queries.case_by_id(conn, case.id)
        assert updated is not None
        return updated
    # -- Devices: retire, reinstate, edit (issue 12; core/ops/retire.py) --------------------------

    def preview_retire(
        self, scans: Sequence[str], kind: Retirement | str, reason: str
    ) -> Preview:
        """Retiring these assets as lost, broken or disposed: a verdict per scan (``Code``
        ``ALREADY_RETIRED``, unknown, ambiguous, ``DUPLICATE_IN_BATCH``) and batch problems
        (``REASON_REQUIRED``, ``INVALID_KIND``). Assets in a slot or in custody may be retired."""
        with self.store.read() as conn:
            return retire.validate_retire(self, conn, list(scans), kind, reason)

    def commit_retire(
        self, scans: Sequence[str], kind: Retirement | str, reason: str
    ) -> CommitResult:
        """Retire every asset or none (``Refused``): slots vacated, custody ended, one RETIRE
        event each (note = the reason, trimmed)."""
        return self._commit(
            lambda conn: retire.validate_retire(self, conn, list(scans), kind, reason),
            lambda conn, events, preview: retire.apply_retire(conn, events, preview, kind, reason),
        )

    def preview_reinstate(self, scans: Sequence[str], reason: str) -> Preview:
        """Reinstating retired assets to storage, in no slot (``Code.NOT_RETIRED`` otherwise)."""
        with self.store.read() as conn:
            return retire.validate_reinstate(self, conn, list(scans), reason)

    def commit_reinstate(self, scans: Sequence[str], reason: str) -> CommitResult:
        """Every asset back in unslotted storage, or none; put them away with Put-away."""
        return self._commit(
            lambda conn: retire.validate_reinstate(self, conn, list(scans), reason),
            lambda conn, events, preview: retire.apply_reinstate(conn, events, preview, reason),
        )

    def edit_asset(
        self, scan: str, *, serial: str | None = None, description: str | None = None
    ) -> AssetInfo:
        """Change an asset's serial and/or description (``None`` keeps it; values are trimmed).
        One ASSET_EDIT event names the fields that change; nothing is written when nothing
        does (``batch_id`` ""). A serial on other assets too is accepted: ``warning`` says so
        (``Code.SERIAL_SHARED``). Retired assets can be edited. ``Refused`` (with the preview:
        each line's ``code``) for an unknown scan or invalid text."""
        with self.store.write() as conn:
            preview = retire.validate_edit(self, conn, scan, serial, description)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            line = preview.lines[0]
            events = EventBatch(conn, self.operator)
            batch_id = events.batch_id if retire.apply_edit(conn, events, line) else ""
            if batch_id:
                events.flush()
            assert line.asset_id is not None
            info = queries.asset_info(conn, line.asset_id)
        return replace(info, warning=line.warning, batch_id=batch_id)

    def asset(self, scan: str) -> AssetInfo | None:
        """The asset a scan names (matched like any scan), or None if it names none."""
        with self.store.read() as conn:
            m = self.classify_in(conn, scan)
            if m.kind != matching.ASSET or m.id is None:
                return None
            return queries.asset_info(conn, m.id)

    def assets(self, *, retired_only: bool = False) -> list[AssetInfo]:
        """Every asset (or every retired one) with where it is, by tag."""
        with self.store.read() as conn:
            return list(queries.iter_assets(conn, retired_only=retired_only))
    # -- Stocktake (audit of one case; the classes, their words and the fixes: core/audit.py) ---

    def start_audit(self, case: str | int) -> Audit:
        """A new audit of one case: its contents are read once (``UserError``: no such case)."""
        from . import audit

        return audit.start_audit(self, case)

    def audit_scan(self, audit: Audit, raw: str) -> AuditScan:
        """Classify one scan of ``audit`` (one match and one asset look-up by id)."""
        from . import audit as audit_ops

        return audit_ops.scan_audit(self, audit, raw)

    def commit_audit(self, audit: Audit) -> RecordedAudit:
        """Record ``audit`` as one AUDIT event (no asset changes; findings in its details)."""
        from . import audit as audit_ops

        return audit_ops.record_audit(self, audit)

    # -- the commit ------------------------------------------------------------------------------

    def _commit(
        self,
        validate: Callable[[Conn], Preview],
        apply: Callable[[Conn, EventBatch, Preview], Any],
    ) -> CommitResult:
        """BEGIN IMMEDIATE; validate again under the write lock; apply all lines or none."""
        with self.store.write() as conn:
            preview = validate(conn)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            count = sum(1 for line in preview.lines if not line.skipped)
            if count == 0:  # every import row already exists as given: nothing to write
                return CommitResult("", 0, preview)
            events = EventBatch(conn, self.operator, clock=self.clock)
            apply(conn, events, preview)
            events.flush()
            return CommitResult(events.batch_id, count, preview)

    # -- reads for the GUI and the CLI -------------------------------------------------------------

    def held_by(self, holder_id: int) -> list[str]:
        """The tags of everything a holder has now, by tag."""
        with self.store.read() as conn:
            return [tag for tag, _ in queries.assets_held_by(conn, holder_id)]

    def active_holders(self) -> list[HolderInfo]:
        with self.store.read() as conn:
            return queries.holders(conn, active_only=True)

    def all_holders(self) -> list[HolderInfo]:
        with self.store.read() as conn:
            return queries.holders(conn)

    def cases(self) -> list[CaseInfo]:
        with self.store.read() as conn:
            return queries.cases(conn)

    def case_slots(self, case_id: int) -> list[SlotInfo]:
        """Every slot of a case with the asset in it, by position."""
        with self.store.read() as conn:
            return queries.case_slots(conn, case_id)

    def last_stock_out_slot(self, asset_id: int) -> int | None:
        with self.store.read() as conn:
            return queries.last_stock_out_slot(conn, asset_id)

    def data_version(self) -> int:
        """Changes whenever another connection commits (see ``Store.data_version``)."""
        return self.store.data_version()

    def lookup(self, raw: str, history_limit: int | None = None) -> Lookup:
        """What a scan is and where it is, with its history (all events, oldest first)."""
        return lookup_scan(self.store, raw, self.settings, history_limit)


def _ref(case: CaseInfo | None) -> int | None:
    return case.id if case is not None else None


__all__ = ["Engine", "find_case", "find_holder"]
