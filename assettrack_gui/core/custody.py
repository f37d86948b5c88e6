"""The custody engine: preview and commit for every operation.

Each operation is two calls. ``preview_*`` returns a verdict for every line without changing
anything; ``commit_*`` opens ``BEGIN IMMEDIATE``, runs the very same validation again against the
current state (a batch previewed minutes ago may have gone stale), and either applies every line
and its events under one ``batch_id`` or raises ``Refused`` with every line's verdict and changes
nothing. The GUI, the admin CLI and the tests all call these functions.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import matching
from .errors import Refused, UsageError, UserError
from .eventlog import EventBatch
from .matching import Match, classify, normalize_scan, visible
from .settings import Settings, SettingsOwner, as_owner
from .store import Store

STOCK_OUT, STOCK_IN, PUT_AWAY, MOVE, REGISTER = (
    "STOCK_OUT",
    "STOCK_IN",
    "PUT_AWAY",
    "MOVE",
    "REGISTER",
)
MAX_SLOTS_PER_CASE = 10_000


def default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database entry (containers); fall back
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def check_operator(name: str) -> str:
    """The operator name to record (surrounding spaces dropped), or UsageError saying why not.

    One rule for the CLI's --operator and the GUI's Operator dialog: a blank name records nobody,
    and a control character (a newline) would forge an extra line in every history listing.
    """
    if not matching.is_text(name):
        raise UsageError("The operator name is not UTF-8 text.")
    if (bad := matching.control_character(name)) is not None:
        raise UsageError(f"The operator name {visible(name)} contains a control character ({bad}).")
    if not name.strip():
        raise UsageError("The operator name is empty or blank.")
    return name.strip()


# -- data the callers see ---------------------------------------------------------------------


@dataclass(frozen=True)
class HolderInfo:
    id: int
    name: str
    badge_code: str
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.badge_code})"


@dataclass(frozen=True)
class CaseInfo:
    id: int
    case_code: str
    name: str
    rows: int
    cols: int

    @property
    def size(self) -> int:
        return self.rows * self.cols


@dataclass
class Line:
    """One scanned (or imported) line and its verdict."""

    index: int
    scan: str
    ok: bool = False
    reason: str = ""
    asset_id: int | None = None
    asset_tag: str | None = None  # the database's canonical value
    serial: str = ""
    description: str = ""
    now: str = ""  # where it is now: "CART-A/3", "Dana Reyes (B-1001)", "new"
    to: str = ""  # where it will go
    from_slot_id: int | None = None
    to_slot_id: int | None = None
    holder_id: int | None = None
    via: str = ""  # "exact" / "dashless"
    label: str = ""  # how to name this line in messages (scan, or "line 7")

    def refuse(self, reason: str) -> Line:
        self.ok, self.reason = False, reason
        return self

    @property
    def name(self) -> str:
        """How a refusal names this line: its label, else the scan, else its place (empty scan)."""
        return self.label or visible(self.scan) or f"scan {self.index + 1}"

    @property
    def ref(self) -> str:
        """How another line's message points here: its label ("line 7" of a CSV) or its place
        among the scans ("scan 2"); "line" is kept for CSV files, which have lines."""
        return self.label or f"scan {self.index + 1}"


@dataclass
class Preview:
    operation: str
    lines: list[Line]
    problems: list[str] = field(default_factory=list)  # batch-level: custodian, return case
    holder: HolderInfo | None = None
    return_case: CaseInfo | None = None

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.problems and all(line.ok for line in self.lines)

    def reasons(self) -> list[str]:
        out = list(self.problems)
        if not self.lines:
            out.append("nothing to commit: the batch is empty")
        if len(self.lines) == 1 and not self.lines[0].label and not self.lines[0].scan:
            # One item (holder add, slot, …) with nothing to name it by: the reason alone,
            # not a "scan 1:" that points at nothing.
            out += [line.reason for line in self.lines if not line.ok]
            return out
        out += [f"{line.name}: {line.reason}" for line in self.lines if not line.ok]
        return out


@dataclass(frozen=True)
class CommitResult:
    batch_id: str
    count: int
    preview: Preview


@dataclass(frozen=True)
class NewAsset:
    asset_tag: str
    serial: str = ""
    description: str = ""
    case_code: str = ""
    position: int | str | None = None
    label: str = ""  # "line 7" for CSV imports


@dataclass(frozen=True)
class Placement:
    """A put-away or move line: this scan into that case and position."""

    scan: str
    case_code: str
    position: int | str | None


# -- helper queries ---------------------------------------------------------------------------

_ASSET_SQL = """
SELECT a.id, a.asset_tag, a.serial, a.description, a.location_type, a.current_holder_id,
       s.id, s.position, c.case_code, h.name, h.badge_code
  FROM assets a
  LEFT JOIN slots s ON s.asset_id = a.id
  LEFT JOIN cases c ON c.id = s.case_id
  LEFT JOIN holders h ON h.id = a.current_holder_id
 WHERE a.id = ?
"""


@dataclass(frozen=True)
class _AssetState:
    id: int
    tag: str
    serial: str
    description: str
    location_type: str
    holder_id: int | None
    slot_id: int | None
    slot_label: str
    holder_label: str

    @property
    def where(self) -> str:
        if self.location_type == "IN_CUSTODY":
            return self.holder_label
        return self.slot_label or "storage (no slot)"


def _asset_state(conn: sqlite3.Connection, asset_id: int) -> _AssetState:
    r = conn.execute(_ASSET_SQL, (asset_id,)).fetchone()
    slot_label = f"{r[8]}/{r[7]}" if r[6] is not None else ""
    holder_label = f"{r[9]} ({r[10]})" if r[5] is not None else ""
    return _AssetState(r[0], r[1], r[2], r[3], r[4], r[5], r[6], slot_label, holder_label)


def _slot_label(conn: sqlite3.Connection, slot_id: int) -> str:
    r = conn.execute(
        "SELECT c.case_code, s.position FROM slots s JOIN cases c ON c.id = s.case_id "
        "WHERE s.id = ?",
        (slot_id,),
    ).fetchone()
    return f"{r[0]}/{r[1]}" if r else f"slot #{slot_id}"


def _slot_occupant(conn: sqlite3.Connection, slot_id: int) -> str | None:
    r = conn.execute(
        "SELECT a.asset_tag FROM slots s JOIN assets a ON a.id = s.asset_id WHERE s.id = ?",
        (slot_id,),
    ).fetchone()
    return r[0] if r else None


def find_holder(conn: sqlite3.Connection, ref: str) -> HolderInfo | None:
    """A holder by badge (canonical matching) or by exact name. Raises UserError if ambiguous."""
    ref = ref.strip()
    if not ref:
        return None
    m = classify(conn, ref)
    if m.kind == matching.HOLDER:
        assert m.id is not None
        return get_holder(conn, m.id)
    if not matching.is_text(ref):
        return None
    rows = conn.execute(
        "SELECT id, name, badge_code, active FROM holders WHERE name = ?", (ref,)
    ).fetchall()
    if len(rows) > 1:
        badges = ", ".join(r[2] for r in rows)
        raise UserError(f"more than one holder is named {ref!r} (badges {badges}); use the badge")
    if rows:
        return HolderInfo(rows[0][0], rows[0][1], rows[0][2], bool(rows[0][3]))
    return None


def get_holder(conn: sqlite3.Connection, holder_id: int) -> HolderInfo | None:
    r = conn.execute(
        "SELECT id, name, badge_code, active FROM holders WHERE id = ?", (holder_id,)
    ).fetchone()
    return HolderInfo(r[0], r[1], r[2], bool(r[3])) if r else None


def find_case(conn: sqlite3.Connection, ref: str) -> CaseInfo | None:
    """A case by its code (canonical matching: exact, then without dashes)."""
    ref = ref.strip()
    if not ref or not matching.is_text(ref):
        return None
    r = conn.execute(
        "SELECT id, case_code, name, rows, cols FROM cases WHERE case_code = ?", (ref,)
    ).fetchone()
    if r is None and ref.replace("-", ""):
        rows = conn.execute(
            "SELECT id, case_code, name, rows, cols FROM cases "
            "WHERE replace(case_code, '-', '') = ?",
            (ref.replace("-", ""),),
        ).fetchall()
        if len(rows) > 1:
            names = " and ".join(x[1] for x in rows)
            raise UserError(f"ambiguous case {ref!r}: matches {names}")
        r = rows[0] if rows else None
    return CaseInfo(*r) if r else None


def get_case(conn: sqlite3.Connection, case_id: int) -> CaseInfo | None:
    r = conn.execute(
        "SELECT id, case_code, name, rows, cols FROM cases WHERE id = ?", (case_id,)
    ).fetchone()
    return CaseInfo(*r) if r else None


def _parse_position(value: int | str | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        return None
    return int(text)


def _not_an_asset(m: Match, conn: sqlite3.Connection) -> str:
    if m.kind == matching.HOLDER:
        assert m.id is not None
        holder = get_holder(conn, m.id)
        return f"this is the badge of {holder.label if holder else m.canonical}, not an asset"
    if m.kind == matching.CASE:
        return f"this is case {m.canonical}, not an asset"
    return m.message


# -- the engine ---------------------------------------------------------------------------------


class Engine:
    """Custody operations over one Store, normalising scans with the shared settings."""

    def __init__(
        self,
        store: Store,
        operator: str | None = None,
        settings: Settings | SettingsOwner | None = None,
    ) -> None:
        self.store = store
        self.operator = operator or default_operator()
        self.settings_owner = as_owner(settings)

    @property
    def settings(self) -> Settings:
        """The current settings (read from the one owner every time, so changes apply at once)."""
        return self.settings_owner.current

    @property
    def operator(self) -> str:
        """Recorded on every event; setting it checks the name (see :func:`check_operator`)."""
        return self._operator

    @operator.setter
    def operator(self, name: str) -> None:
        self._operator = check_operator(name)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    def normalize(self, raw: str) -> str:
        return normalize_scan(raw, self.settings)

    def classify(self, raw: str) -> Match:
        return classify(self.conn, self.normalize(raw))

    def _find_holder(self, conn: sqlite3.Connection, ref: str | int) -> HolderInfo | None:
        """A holder by id, by a scanned badge (normalised like any scan) or by exact name."""
        if isinstance(ref, int):
            return get_holder(conn, ref)
        m = classify(conn, self.normalize(ref))
        if m.kind == matching.HOLDER:
            assert m.id is not None
            return get_holder(conn, m.id)
        holder = find_holder(conn, ref)
        if holder is None and m.kind == matching.AMBIGUOUS:
            raise UserError(m.message)
        return holder

    def _find_case(self, conn: sqlite3.Connection, ref: str | int) -> CaseInfo | None:
        """A case by id or by a scanned case code (normalised like any scan)."""
        if isinstance(ref, int):
            return get_case(conn, ref)
        m = classify(conn, self.normalize(ref))
        if m.kind == matching.CASE:
            assert m.id is not None
            return get_case(conn, m.id)
        return find_case(conn, ref)

    def _caps_hint(self, conn: sqlite3.Connection, ref: str) -> str:
        """ "; case EMP exists — is Caps Lock on?" when ``ref`` exists in another letter case."""
        near = classify(conn, self.normalize(ref)).message
        return "; " + near.partition("; ")[2] if "Caps Lock" in near else ""

    # -- shared line checks ---------------------------------------------------------------

    def _asset_lines(
        self, conn: sqlite3.Connection, scans: Sequence[str]
    ) -> list[tuple[Line, _AssetState | None]]:
        """Match every scan to an asset; flag non-assets and repeats."""
        out: list[tuple[Line, _AssetState | None]] = []
        seen: dict[int, int] = {}
        for index, raw in enumerate(scans):
            scan = self.normalize(raw)
            line = Line(index=index, scan=scan)
            m = classify(conn, scan)
            if m.kind != matching.ASSET:
                out.append((line.refuse(_not_an_asset(m, conn)), None))
                continue
            assert m.id is not None
            state = _asset_state(conn, m.id)
            line.asset_id, line.asset_tag, line.via = state.id, state.tag, m.via
            line.serial, line.description, line.now = state.serial, state.description, state.where
            if state.id in seen:
                out.append(
                    (line.refuse(f"scanned twice (same asset as scan {seen[state.id] + 1})"), None)
                )
                continue
            seen[state.id] = index
            line.ok = True
            out.append((line, state))
        return out

    # -- Stock-Out --------------------------------------------------------------------------

    def _validate_stock_out(
        self, conn: sqlite3.Connection, scans: Sequence[str], holder_ref: str | int | None
    ) -> Preview:
        preview = Preview(STOCK_OUT, [])
        holder: HolderInfo | None = None
        if holder_ref is None or holder_ref == "":
            preview.problems.append("choose a custodian first")
        else:
            try:
                holder = self._find_holder(conn, holder_ref)
            except UserError as exc:
                preview.problems.append(str(exc))
            else:
                if holder is None:
                    problem = f"no holder with badge or name {holder_ref!r}"
                    near = self.classify(
                        str(holder_ref)
                    ).message  # "…; X exists — is Caps Lock on?"
                    if "Caps Lock" in near:
                        problem += "; " + near.partition("; ")[2]
                    preview.problems.append(problem)
                elif not holder.active:
                    preview.problems.append(
                        f"{holder.label} is deactivated and cannot receive custody"
                    )
        preview.holder = holder
        for line, state in self._asset_lines(conn, scans):
            preview.lines.append(line)
            if state is None:
                continue
            if state.location_type == "IN_CUSTODY":
                same = holder is not None and state.holder_id == holder.id
                line.refuse(
                    f"already held by {state.holder_label}"
                    if same
                    else f"in custody of {state.holder_label} — return it first"
                )
            elif state.slot_id is None:
                line.refuse("not in a slot — put it away before stock-out")
            else:
                line.from_slot_id = state.slot_id
                line.to = holder.label if holder else "(choose a custodian)"
                line.holder_id = holder.id if holder else None
        return preview

    def preview_stock_out(self, scans: Sequence[str], holder: str | int | None) -> Preview:
        with self.store.read() as conn:
            return self._validate_stock_out(conn, scans, holder)

    def commit_stock_out(self, scans: Sequence[str], holder: str | int | None) -> CommitResult:
        with self.store.write() as conn:
            preview = self._validate_stock_out(conn, scans, holder)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            assert preview.holder is not None
            hid = preview.holder.id
            batch = EventBatch(conn, self.operator)
            conn.executemany(
                "UPDATE slots SET asset_id = NULL WHERE id = ?",
                [(line.from_slot_id,) for line in preview.lines],
            )
            conn.executemany(
                "UPDATE assets SET location_type = 'IN_CUSTODY', current_holder_id = ? "
                "WHERE id = ?",
                [(hid, line.asset_id) for line in preview.lines],
            )
            for line in preview.lines:
                batch.add(
                    "STOCK_OUT", asset_id=line.asset_id, holder_id=hid, slot_id=line.from_slot_id
                )
            batch.flush()
            return CommitResult(batch.batch_id, len(preview.lines), preview)

    # -- Stock-In ---------------------------------------------------------------------------

    def _validate_stock_in(
        self, conn: sqlite3.Connection, scans: Sequence[str], return_case: str | int | None
    ) -> Preview:
        preview = Preview(STOCK_IN, [])
        case: CaseInfo | None = None
        if return_case not in (None, ""):
            try:
                case = self._find_case(conn, return_case)
            except UserError as exc:
                preview.problems.append(str(exc))
            else:
                if case is None:
                    preview.problems.append(
                        f"no case {return_case!r}{self._caps_hint(conn, str(return_case))}"
                    )
        preview.return_case = case
        claimed: set[int] = set()
        pending: list[tuple[Line, str]] = []  # lines needing a slot from the return case
        for line, state in self._asset_lines(conn, scans):
            preview.lines.append(line)
            if state is None:
                continue
            if state.location_type != "IN_CUSTODY":
                line.refuse(f"not in custody (it is in {state.where})")
                continue
            line.holder_id = state.holder_id
            last = conn.execute(
                "SELECT slot_id FROM events WHERE asset_id = ? AND event_type = 'STOCK_OUT' "
                "ORDER BY id DESC LIMIT 1",
                (state.id,),
            ).fetchone()
            last_slot = last[0] if last else None
            if last_slot is not None and last_slot not in claimed:
                occupant = _slot_occupant(conn, last_slot)
                if occupant is None:
                    claimed.add(last_slot)
                    line.to_slot_id = last_slot
                    line.to = _slot_label(conn, last_slot)
                    continue
                why = f"its slot {_slot_label(conn, last_slot)} is taken by {occupant}"
            elif last_slot is not None:
                why = f"its slot {_slot_label(conn, last_slot)} goes to another line"
            else:
                why = "it has no previous slot"
            pending.append((line, why))
        # Second pass: lines whose own slot is unavailable take the lowest free slot of the case.
        free: Iterable[tuple[int, int]] = ()
        if case is not None and pending:
            free = iter(
                conn.execute(
                    "SELECT id, position FROM slots WHERE case_id = ? AND asset_id IS NULL "
                    "ORDER BY position",
                    (case.id,),
                ).fetchall()
            )
        for line, why in pending:
            if case is None:
                line.refuse(f"{why}; choose a return case")
                continue
            slot = next((s for s in free if s[0] not in claimed), None)
            if slot is None:
                line.refuse(f"{why}, and case {case.case_code} has no free slot left")
                continue
            claimed.add(slot[0])
            line.to_slot_id = slot[0]
            line.to = f"{case.case_code}/{slot[1]}"
        return preview

    def preview_stock_in(
        self, scans: Sequence[str], return_case: str | int | None = None
    ) -> Preview:
        with self.store.read() as conn:
            return self._validate_stock_in(conn, scans, return_case)

    def commit_stock_in(
        self, scans: Sequence[str], return_case: str | int | None = None
    ) -> CommitResult:
        with self.store.write() as conn:
            preview = self._validate_stock_in(conn, scans, return_case)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            batch = EventBatch(conn, self.operator)
            conn.executemany(
                "UPDATE assets SET location_type = 'STORAGE', current_holder_id = NULL "
                "WHERE id = ?",
                [(line.asset_id,) for line in preview.lines],
            )
            conn.executemany(
                "UPDATE slots SET asset_id = ? WHERE id = ?",
                [(line.asset_id, line.to_slot_id) for line in preview.lines],
            )
            for line in preview.lines:
                batch.add(
                    "STOCK_IN",
                    asset_id=line.asset_id,
                    holder_id=line.holder_id,
                    slot_id=line.to_slot_id,
                )
            batch.flush()
            return CommitResult(batch.batch_id, len(preview.lines), preview)

    # -- Put-away and Move ------------------------------------------------------------------

    def _target_slot(
        self,
        conn: sqlite3.Connection,
        line: Line,
        case_code: str,
        position: int | str | None,
        claimed: dict[int, str],
    ) -> None:
        """Resolve case+position to an empty slot not claimed by an earlier line."""
        try:
            case = self._find_case(conn, case_code) if case_code else None
        except UserError as exc:
            line.refuse(str(exc))
            return
        if case is None:
            line.refuse(
                f"slot unknown: no case {case_code!r}{self._caps_hint(conn, case_code)}"
                if case_code
                else "choose a case"
            )
            return
        pos = _parse_position(position)
        if pos is None or not 1 <= pos <= case.size:
            line.refuse(
                f"slot unknown: case {case.case_code} has positions 1–{case.size}, not {position!r}"
            )
            return
        slot_id, occupant = conn.execute(
            "SELECT s.id, a.asset_tag FROM slots s LEFT JOIN assets a ON a.id = s.asset_id "
            "WHERE s.case_id = ? AND s.position = ?",
            (case.id, pos),
        ).fetchone()
        label = f"{case.case_code}/{pos}"
        line.to = label
        if occupant is not None and occupant == line.asset_tag:
            line.refuse(f"{occupant} is already in {label}")
        elif occupant is not None:
            line.refuse(f"slot {label} is taken by {occupant}")
        elif slot_id in claimed:
            line.refuse(f"slot {label} is already used by {claimed[slot_id]}")
        else:
            claimed[slot_id] = line.ref
            line.to_slot_id = slot_id

    def _validate_placements(
        self, conn: sqlite3.Connection, items: Sequence[Placement], operation: str
    ) -> Preview:
        preview = Preview(operation, [])
        claimed: dict[int, str] = {}
        asset_lines = self._asset_lines(conn, [item.scan for item in items])
        for (line, state), item in zip(asset_lines, items, strict=True):
            preview.lines.append(line)
            if state is None:
                continue
            if state.location_type == "IN_CUSTODY":
                line.refuse(f"in custody of {state.holder_label} — use Stock-In to return it")
                continue
            if operation == PUT_AWAY and state.slot_id is not None:
                line.refuse(f"already in slot {state.slot_label} — use Move")
                continue
            if operation == MOVE and state.slot_id is None:
                line.refuse("not in a slot — use Put-away")
                continue
            line.from_slot_id = state.slot_id
            self._target_slot(conn, line, item.case_code, item.position, claimed)
        return preview

    def preview_put_away(self, items: Sequence[Placement]) -> Preview:
        with self.store.read() as conn:
            return self._validate_placements(conn, items, PUT_AWAY)

    def preview_move(self, items: Sequence[Placement]) -> Preview:
        with self.store.read() as conn:
            return self._validate_placements(conn, items, MOVE)

    def commit_put_away(self, items: Sequence[Placement]) -> CommitResult:
        return self._commit_placements(items, PUT_AWAY)

    def commit_move(self, items: Sequence[Placement]) -> CommitResult:
        return self._commit_placements(items, MOVE)

    def _commit_placements(self, items: Sequence[Placement], operation: str) -> CommitResult:
        with self.store.write() as conn:
            preview = self._validate_placements(conn, items, operation)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            batch = EventBatch(conn, self.operator)
            for line in preview.lines:
                if operation == MOVE:
                    conn.execute(
                        "UPDATE slots SET asset_id = NULL WHERE id = ?", (line.from_slot_id,)
                    )
            conn.executemany(
                "UPDATE slots SET asset_id = ? WHERE id = ?",
                [(line.asset_id, line.to_slot_id) for line in preview.lines],
            )
            for line in preview.lines:
                if operation == MOVE:
                    batch.add(
                        "SLOT_MOVE",
                        asset_id=line.asset_id,
                        slot_id=line.to_slot_id,
                        details={"from_slot_id": line.from_slot_id},
                    )
                else:
                    batch.add("SLOT_ASSIGN", asset_id=line.asset_id, slot_id=line.to_slot_id)
            batch.flush()
            return CommitResult(batch.batch_id, len(preview.lines), preview)

    # -- Register (RECEIVE) -------------------------------------------------------------------

    def _validate_register(self, conn: sqlite3.Connection, items: Sequence[NewAsset]) -> Preview:
        preview = Preview(REGISTER, [])
        seen: dict[str, int] = {}
        claimed: dict[int, str] = {}
        for index, item in enumerate(items):
            tag = item.asset_tag
            line = Line(index=index, scan=tag, label=item.label, asset_tag=tag, now="new")
            line.serial, line.description = item.serial, item.description
            preview.lines.append(line)
            problem = _tag_problem(tag, self.settings)
            if not problem and not matching.is_text(item.serial + item.description):
                problem = "serial or description contains bytes that are not UTF-8 text"
            if problem:
                line.refuse(problem)
                continue
            if tag in seen:
                line.refuse(f"asset tag {tag} appears twice (also {preview.lines[seen[tag]].ref})")
                continue
            seen[tag] = index
            if conn.execute("SELECT 1 FROM assets WHERE asset_tag = ?", (tag,)).fetchone():
                line.refuse(f"asset tag {tag} already exists")
                continue
            clash = conn.execute(
                "SELECT 'badge', badge_code FROM holders WHERE badge_code = ? "
                "UNION ALL SELECT 'case', case_code FROM cases WHERE case_code = ?",
                (tag, tag),
            ).fetchone()
            if clash:
                line.refuse(f"asset tag {tag} is already used as a {clash[0]} code")
                continue
            line.ok = True
            has_case = bool(item.case_code.strip())
            has_pos = item.position not in (None, "")
            if has_case != has_pos:
                line.refuse("give both case_code and position, or neither")
            elif has_case:
                self._target_slot(conn, line, item.case_code.strip(), item.position, claimed)
            else:
                line.to = "storage (no slot)"
        return preview

    def preview_register(self, items: Sequence[NewAsset]) -> Preview:
        with self.store.read() as conn:
            return self._validate_register(conn, items)

    def commit_register(self, items: Sequence[NewAsset]) -> CommitResult:
        with self.store.write() as conn:
            preview = self._validate_register(conn, items)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            batch = EventBatch(conn, self.operator)
            for line in preview.lines:
                cur = conn.execute(
                    "INSERT INTO assets (asset_tag, serial, description) VALUES (?, ?, ?)",
                    (line.asset_tag, line.serial, line.description),
                )
                line.asset_id = cur.lastrowid
                if line.to_slot_id is not None:
                    conn.execute(
                        "UPDATE slots SET asset_id = ? WHERE id = ?",
                        (line.asset_id, line.to_slot_id),
                    )
                batch.add(
                    "RECEIVE",
                    asset_id=line.asset_id,
                    slot_id=line.to_slot_id,
                    details={
                        "asset_tag": line.asset_tag,
                        "serial": line.serial,
                        "description": line.description,
                    },
                )
            batch.flush()
            return CommitResult(batch.batch_id, len(preview.lines), preview)

    # -- Holders --------------------------------------------------------------------------------

    def _validate_holders(
        self, conn: sqlite3.Connection, rows: Sequence[tuple[str, str, str]]
    ) -> Preview:
        """rows: (label, name, badge_code)."""
        preview = Preview("HOLDER_ADD", [])
        seen: dict[str, int] = {}
        for index, (label, name, badge) in enumerate(rows):
            line = Line(index=index, scan=badge, label=label, now="new", to=name)
            preview.lines.append(line)
            if not name.strip():
                line.refuse("name is empty")
            elif not matching.is_text(name):
                line.refuse(f"name {visible(name)} contains bytes that are not UTF-8 text")
            elif (bad := matching.control_character(name)) is not None:
                line.refuse(f"name {visible(name)} contains a control character ({bad})")
            elif (problem := _code_problem(badge, "badge code", self.settings)) is not None:
                line.refuse(problem)
            elif badge in seen:
                line.refuse(f"badge {badge} appears twice (also {preview.lines[seen[badge]].ref})")
            elif (
                clash := conn.execute(
                    "SELECT 'a holder', name FROM holders WHERE badge_code = :b "
                    "UNION ALL SELECT 'an asset tag', asset_tag FROM assets WHERE asset_tag = :b "
                    "UNION ALL SELECT 'a case code', case_code FROM cases WHERE case_code = :b",
                    {"b": badge},
                ).fetchone()
            ) is not None:
                line.refuse(f"badge {badge} is already used by {clash[0]} ({clash[1]})")
            else:
                line.ok = True
            seen.setdefault(badge, index)
        return preview

    def preview_add_holders(self, rows: Sequence[tuple[str, str, str]]) -> Preview:
        """Verdicts for adding holders; rows are (label for messages, name, badge_code)."""
        with self.store.read() as conn:
            return self._validate_holders(conn, rows)

    def add_holders(self, rows: Sequence[tuple[str, str, str]]) -> CommitResult:
        """Add holders in one batch; rows are (label for messages, name, badge_code)."""
        with self.store.write() as conn:
            preview = self._validate_holders(conn, rows)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            batch = EventBatch(conn, self.operator)
            for (_, name, badge), line in zip(rows, preview.lines, strict=True):
                cur = conn.execute(
                    "INSERT INTO holders (name, badge_code, active) VALUES (?, ?, 1)",
                    (name.strip(), badge),
                )
                line.holder_id = cur.lastrowid
                batch.add(
                    "HOLDER_ADD",
                    holder_id=cur.lastrowid,
                    details={"name": name.strip(), "badge_code": badge},
                )
            batch.flush()
            return CommitResult(batch.batch_id, len(rows), preview)

    def add_holder(self, name: str, badge_code: str) -> HolderInfo:
        result = self.add_holders([(badge_code, name, badge_code)])
        holder_id = result.preview.lines[0].holder_id
        assert holder_id is not None
        holder = get_holder(self.conn, holder_id)
        assert holder is not None
        return holder

    def _holder_or_fail(self, conn: sqlite3.Connection, ref: str | int) -> HolderInfo:
        holder = self._find_holder(conn, ref)
        if holder is None:
            raise Refused([f"{matching.shown_ref(ref)}: no holder with that badge or name"])
        return holder

    def rename_holder(self, ref: str | int, new_name: str) -> HolderInfo:
        new_name = new_name.strip()
        with self.store.write() as conn:
            holder = self._holder_or_fail(conn, ref)
            if not new_name:
                raise Refused([f"{holder.badge_code}: the new name is empty"])
            if not matching.is_text(new_name):
                raise Refused([f"{holder.badge_code}: the new name is not UTF-8 text"])
            if (bad := matching.control_character(new_name)) is not None:
                raise Refused(
                    [f"{holder.badge_code}: the new name contains a control character ({bad})"]
                )
            if new_name == holder.name:
                return holder
            conn.execute("UPDATE holders SET name = ? WHERE id = ?", (new_name, holder.id))
            batch = EventBatch(conn, self.operator)
            batch.add(
                "HOLDER_RENAME",
                holder_id=holder.id,
                details={"old_name": holder.name, "name": new_name},
            )
            batch.flush()
            updated = get_holder(conn, holder.id)
        assert updated is not None
        return updated

    def set_holder_active(self, ref: str | int, active: bool) -> HolderInfo:
        with self.store.write() as conn:
            holder = self._holder_or_fail(conn, ref)
            if holder.active == active:
                return holder
            conn.execute("UPDATE holders SET active = ? WHERE id = ?", (int(active), holder.id))
            batch = EventBatch(conn, self.operator)
            batch.add("HOLDER_REACTIVATE" if active else "HOLDER_DEACTIVATE", holder_id=holder.id)
            batch.flush()
            updated = get_holder(conn, holder.id)
        assert updated is not None
        return updated

    # -- Cases ------------------------------------------------------------------------------------

    def _validate_cases(
        self, conn: sqlite3.Connection, rows: Sequence[tuple[str, str, str, Any, Any]]
    ) -> Preview:
        """rows: (label, case_code, name, rows, cols)."""
        preview = Preview("CASE_CREATE", [])
        seen: dict[str, int] = {}
        for index, (label, code, name, nrows, ncols) in enumerate(rows):
            line = Line(index=index, scan=code, label=label, now="new", to=name)
            preview.lines.append(line)
            r, c = _parse_position(nrows), _parse_position(ncols)
            if (problem := _code_problem(code, "case code", self.settings)) is not None:
                line.refuse(problem)
            elif not matching.is_text(name):
                line.refuse(f"name {visible(name)} contains bytes that are not UTF-8 text")
            elif (bad := matching.control_character(name)) is not None:
                line.refuse(f"name {visible(name)} contains a control character ({bad})")
            elif code in seen:
                line.refuse(f"case {code} appears twice (also {preview.lines[seen[code]].ref})")
            elif r is None or c is None or r < 1 or c < 1:
                line.refuse(f"rows and cols must be whole numbers ≥ 1 (got {nrows!r} × {ncols!r})")
            elif r * c > MAX_SLOTS_PER_CASE:
                line.refuse(f"{r} × {c} slots is more than {MAX_SLOTS_PER_CASE} in one case")
            elif (
                clash := conn.execute(
                    "SELECT 'a case', case_code FROM cases WHERE case_code = :b "
                    "UNION ALL SELECT 'an asset tag', asset_tag FROM assets WHERE asset_tag = :b "
                    "UNION ALL SELECT 'a badge', badge_code FROM holders WHERE badge_code = :b",
                    {"b": code},
                ).fetchone()
            ) is not None:
                line.refuse(f"case code {code} is already used by {clash[0]}")
            else:
                line.ok = True
                line.to = f"{name} ({r} × {c})"
            seen.setdefault(code, index)
        return preview

    def preview_create_cases(self, rows: Sequence[tuple[str, str, str, Any, Any]]) -> Preview:
        """Verdicts for creating cases; rows are (label, code, name, rows, cols)."""
        with self.store.read() as conn:
            return self._validate_cases(conn, rows)

    def create_cases(self, rows: Sequence[tuple[str, str, str, Any, Any]]) -> CommitResult:
        """Create cases and all their slots in one batch; rows are (label, code, name, rows, cols)."""
        with self.store.write() as conn:
            preview = self._validate_cases(conn, rows)
            if not preview.ok:
                raise Refused(preview.reasons(), preview)
            batch = EventBatch(conn, self.operator)
            for _, code, name, nrows, ncols in rows:
                r, c = _parse_position(nrows), _parse_position(ncols)
                assert r is not None and c is not None
                cur = conn.execute(
                    "INSERT INTO cases (case_code, name, rows, cols) VALUES (?, ?, ?, ?)",
                    (code, name.strip(), r, c),
                )
                case_id = cur.lastrowid
                conn.executemany(
                    "INSERT INTO slots (case_id, position) VALUES (?, ?)",
                    [(case_id, p) for p in range(1, r * c + 1)],
                )
                batch.add(
                    "CASE_CREATE",
                    details={
                        "case_id": case_id,
                        "case_code": code,
                        "name": name.strip(),
                        "rows": r,
                        "cols": c,
                    },
                )
            batch.flush()
            return CommitResult(batch.batch_id, len(rows), preview)

    def create_case(self, case_code: str, name: str, rows: int, cols: int) -> CaseInfo:
        self.create_cases([(case_code, case_code, name, rows, cols)])
        case = find_case(self.conn, case_code)
        assert case is not None
        return case

    # -- Reads for the GUI and the CLI -------------------------------------------------------------

    def active_holders(self) -> list[HolderInfo]:
        return [
            HolderInfo(r[0], r[1], r[2], True)
            for r in self.conn.execute(
                "SELECT id, name, badge_code FROM holders WHERE active = 1 ORDER BY name, badge_code"
            )
        ]

    def all_holders(self) -> list[HolderInfo]:
        return [
            HolderInfo(r[0], r[1], r[2], bool(r[3]))
            for r in self.conn.execute(
                "SELECT id, name, badge_code, active FROM holders ORDER BY name, badge_code"
            )
        ]

    def cases(self) -> list[CaseInfo]:
        return [
            CaseInfo(*r)
            for r in self.conn.execute(
                "SELECT id, case_code, name, rows, cols FROM cases ORDER BY case_code"
            )
        ]

    def case_slots(self, case_id: int) -> list[tuple[int, int, str | None, str]]:
        """(slot_id, position, asset_tag or None, description) for every slot of a case."""
        return [
            (r[0], r[1], r[2], r[3] or "")
            for r in self.conn.execute(
                "SELECT s.id, s.position, a.asset_tag, a.description FROM slots s "
                "LEFT JOIN assets a ON a.id = s.asset_id WHERE s.case_id = ? ORDER BY s.position",
                (case_id,),
            )
        ]

    def lookup(self, raw: str, history_limit: int | None = None) -> Lookup:
        """What a scan is and where it is, with its history (all events, oldest first)."""
        with self.store.read() as conn:
            m = classify(conn, self.normalize(raw))
            result = Lookup(match=m)
            if m.kind == matching.ASSET:
                assert m.id is not None
                state = _asset_state(conn, m.id)
                result.title = f"Asset {state.tag}"
                result.facts = [
                    ("Tag", state.tag),
                    ("Serial", state.serial),
                    ("Description", state.description),
                    ("Status", state.location_type),
                    (
                        "Held by" if state.location_type == "IN_CUSTODY" else "Location",
                        state.where,
                    ),
                ]
                result.events = asset_history(conn, m.id, history_limit)
            elif m.kind == matching.HOLDER:
                assert m.id is not None
                holder = get_holder(conn, m.id)
                assert holder is not None
                held = conn.execute(
                    "SELECT asset_tag, description FROM assets WHERE current_holder_id = ? "
                    "ORDER BY asset_tag",
                    (holder.id,),
                ).fetchall()
                result.title = f"Holder {holder.label}"
                result.facts = [
                    ("Name", holder.name),
                    ("Badge", holder.badge_code),
                    ("Active", "yes" if holder.active else "no (deactivated)"),
                    ("Holds", f"{len(held)} asset(s)"),
                ] + [("  •", f"{t} {d}".strip()) for t, d in held]
                result.events = holder_history(conn, holder.id, history_limit)
            elif m.kind == matching.CASE:
                assert m.id is not None
                case = get_case(conn, m.id)
                assert case is not None
                used = conn.execute(
                    "SELECT count(asset_id) FROM slots WHERE case_id = ?", (case.id,)
                ).fetchone()[0]
                result.title = f"Case {case.case_code}"
                result.facts = [
                    ("Code", case.case_code),
                    ("Name", case.name),
                    ("Size", f"{case.rows} × {case.cols} = {case.size} slots"),
                    ("Occupied", f"{used} used, {case.size - used} free"),
                ] + [
                    ("  •", f"{pos}: {f'{tag} {desc}'.strip() if tag else '(empty)'}")
                    for pos, tag, desc in conn.execute(
                        "SELECT s.position, a.asset_tag, a.description FROM slots s "
                        "LEFT JOIN assets a ON a.id = s.asset_id WHERE s.case_id = ? "
                        "ORDER BY s.position",
                        (case.id,),
                    )
                ]
                result.events = case_history(conn, case.id, history_limit)
            else:
                result.title = m.message
            return result


@dataclass
class EventRow:
    id: int
    batch_id: str
    event_type: str
    created_at: str
    operator: str
    asset_tag: str | None
    holder: str | None
    slot: str | None
    note: str


@dataclass
class Lookup:
    match: Match
    title: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)


_NAME_EVENTS_SQL = """
SELECT id, details FROM events
 WHERE holder_id = ? AND event_type IN ('HOLDER_ADD', 'HOLDER_RENAME') ORDER BY id
"""


class HolderNames:
    """Each holder's name as it was at a given event, from their HOLDER_ADD / HOLDER_RENAME events.

    History must show the name an event happened under, not today's. One small query per holder
    met (through the ``events_holder`` index), cached for the life of one report or lookup, so a
    streamed 1,000,000-event export pays once per holder, not once per row.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._cache: dict[int, tuple[list[int], list[str]]] = {}

    def _names(self, holder_id: int) -> tuple[list[int], list[str]]:
        found = self._cache.get(holder_id)
        if found is None:
            ids: list[int] = []
            names: list[str] = []
            for event_id, details in self._conn.execute(_NAME_EVENTS_SQL, (holder_id,)):
                try:
                    name = json.loads(details).get("name")
                except (ValueError, AttributeError):
                    continue
                if isinstance(name, str):
                    ids.append(event_id)
                    names.append(name)
            found = self._cache[holder_id] = (ids, names)
        return found

    def at(self, holder_id: int | None, event_id: int, current: str | None) -> str | None:
        """The name after event ``event_id``; ``current`` when the log does not say."""
        if holder_id is None:
            return current
        ids, names = self._cache.get(holder_id) or self._names(holder_id)
        if len(ids) == 1 and event_id >= ids[0]:
            return names[0]  # never renamed: the common case, no search
        i = bisect_right(ids, event_id) - 1
        return names[i] if i >= 0 else current

    def shown(
        self, holder_id: int | None, event_id: int, event_type: str, current: str | None
    ) -> str | None:
        """How an event's holder is shown: the name at that event; "old → new" for a rename."""
        name = self.at(holder_id, event_id, current)
        if event_type == "HOLDER_RENAME" and holder_id is not None:
            old = self.at(holder_id, event_id - 1, None)
            if old is not None and old != name:
                return f"{old} → {name}"
        return name


_HISTORY_SQL = """
SELECT e.id, e.batch_id, e.event_type, e.created_at, e.operator, a.asset_tag,
       h.name, c.case_code || '/' || s.position, e.note, e.holder_id, h.badge_code
  FROM events e
  LEFT JOIN assets a ON a.id = e.asset_id
  LEFT JOIN holders h ON h.id = e.holder_id
  LEFT JOIN slots s ON s.id = e.slot_id
  LEFT JOIN cases c ON c.id = s.case_id
"""


def _history(
    conn: sqlite3.Connection, where: str, arg: int | tuple[Any, ...], limit: int | None
) -> list[EventRow]:
    args = arg if isinstance(arg, tuple) else (arg,)
    if limit is None:
        sql = f"{_HISTORY_SQL} WHERE {where} ORDER BY e.id"
        rows = conn.execute(sql, args).fetchall()
    else:
        sql = f"{_HISTORY_SQL} WHERE {where} ORDER BY e.id DESC LIMIT ?"
        rows = conn.execute(sql, (*args, limit)).fetchall()[::-1]
    names = HolderNames(conn)
    out = []
    for *row, holder_id, badge in rows:
        event_id, event_type, name = row[0], row[2], row[6]
        shown = names.shown(holder_id, event_id, event_type, name)
        row[6] = f"{shown} ({badge})" if shown is not None else None
        out.append(EventRow(*row))
    return out


def case_history(
    conn: sqlite3.Connection, case_id: int, limit: int | None = None
) -> list[EventRow]:
    """Events of one case, oldest first: its CASE_CREATE and every event at one of its slots."""
    return _history(
        conn,
        "(e.slot_id IN (SELECT id FROM slots WHERE case_id = ?) OR "
        "(e.event_type = 'CASE_CREATE' AND json_extract(e.details, '$.case_id') = ?))",
        (case_id, case_id),
        limit,
    )


def asset_history(
    conn: sqlite3.Connection, asset_id: int, limit: int | None = None
) -> list[EventRow]:
    """Events of one asset, oldest first (the newest ``limit`` if given)."""
    return _history(conn, "e.asset_id = ?", asset_id, limit)


def holder_history(
    conn: sqlite3.Connection, holder_id: int, limit: int | None = None
) -> list[EventRow]:
    return _history(conn, "e.holder_id = ?", holder_id, limit)


def _code_problem(code: str, what: str, settings: Settings) -> str | None:
    """A code must survive scan normalisation unchanged, or it could never be scanned."""
    if not code:
        return f"{what} is empty"
    if not matching.is_text(code):
        return f"{what} {visible(code)} contains bytes that are not UTF-8 text"
    if normalize_scan(code, settings) != code:
        return f"{what} {visible(code)} has leading/trailing spaces, control characters or a scanner prefix"
    if (bad := matching.control_character(code)) is not None:
        return f"{what} {visible(code)} contains a control character ({bad})"
    if len(code) > matching.MAX_SCAN_LENGTH:
        return f"{what} is longer than {matching.MAX_SCAN_LENGTH} characters"
    if not code.replace("-", ""):
        return f"{what} {code!r} has nothing but dashes"
    return None


def _tag_problem(tag: str, settings: Settings) -> str | None:
    return _code_problem(tag, "asset tag", settings)


__all__ = [
    "CaseInfo",
    "CommitResult",
    "Engine",
    "HolderInfo",
    "HolderNames",
    "Line",
    "Lookup",
    "NewAsset",
    "Placement",
    "Preview",
    "check_operator",
    "default_operator",
]
