"""The words of the domain: modes, operations, event types, verdict codes and the data that
travels between the engine and its callers (GUI, CLI, importer, tests).

Nothing here touches the database. Enums are ``StrEnum`` so that the stored and saved values
(event types in the log, modes in a pending batch file) stay the plain strings they always were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .matching import Match


class Mode(StrEnum):
    """What the clerk's Scan page is doing (one batch per mode)."""

    STOCK_OUT = "STOCK_OUT"
    STOCK_IN = "STOCK_IN"
    PLACE = "PLACE"  # Put-away or Move, chosen by Operation
    LOOKUP = "LOOKUP"


MODE_TITLES = {
    Mode.STOCK_OUT: "Stock-Out",
    Mode.STOCK_IN: "Stock-In",
    Mode.PLACE: "Put-away / Move",
    Mode.LOOKUP: "Lookup",
}


class Operation(StrEnum):
    """One engine operation: what a Preview is for and what a commit does."""

    STOCK_OUT = "STOCK_OUT"
    STOCK_IN = "STOCK_IN"
    PUT_AWAY = "PUT_AWAY"
    MOVE = "MOVE"
    REGISTER = "REGISTER"
    HOLDER_ADD = "HOLDER_ADD"
    CASE_CREATE = "CASE_CREATE"


class EventType(StrEnum):
    """The event types of the log (the schema's CHECK lists the same values)."""

    RECEIVE = "RECEIVE"
    SLOT_ASSIGN = "SLOT_ASSIGN"
    SLOT_MOVE = "SLOT_MOVE"
    STOCK_OUT = "STOCK_OUT"
    STOCK_IN = "STOCK_IN"
    HOLDER_ADD = "HOLDER_ADD"
    HOLDER_RENAME = "HOLDER_RENAME"
    HOLDER_DEACTIVATE = "HOLDER_DEACTIVATE"
    HOLDER_REACTIVATE = "HOLDER_REACTIVATE"
    CASE_CREATE = "CASE_CREATE"


EVENT_TYPES: tuple[EventType, ...] = tuple(EventType)
CUSTODY_EVENTS = (EventType.STOCK_OUT, EventType.STOCK_IN)  # the ones with a receipt
ASSET_EVENTS = (
    EventType.RECEIVE,
    EventType.SLOT_ASSIGN,
    EventType.SLOT_MOVE,
    EventType.STOCK_OUT,
    EventType.STOCK_IN,
)


class LocationType(StrEnum):
    STORAGE = "STORAGE"
    IN_CUSTODY = "IN_CUSTODY"


class Code(StrEnum):
    """Why a line or a batch is refused (or a hint about it). Callers branch on these, never on
    the words, which may change."""

    # what the scan is
    EMPTY_SCAN = "EMPTY_SCAN"
    SCAN_TOO_LONG = "SCAN_TOO_LONG"
    UNKNOWN_SCAN = "UNKNOWN_SCAN"
    AMBIGUOUS_SCAN = "AMBIGUOUS_SCAN"
    HOLDER_BADGE = "HOLDER_BADGE"  # a badge where an asset was expected
    CASE_CODE = "CASE_CODE"  # a case code where an asset was expected
    CAPS_LOCK_HINT = "CAPS_LOCK_HINT"  # not found, but exists in another letter case
    DUPLICATE_IN_BATCH = "DUPLICATE_IN_BATCH"
    # custodian / return case (batch-level)
    NO_CUSTODIAN = "NO_CUSTODIAN"
    HOLDER_UNKNOWN = "HOLDER_UNKNOWN"
    HOLDER_AMBIGUOUS = "HOLDER_AMBIGUOUS"
    HOLDER_INACTIVE = "HOLDER_INACTIVE"
    CASE_UNKNOWN = "CASE_UNKNOWN"
    CASE_AMBIGUOUS = "CASE_AMBIGUOUS"
    # custody state
    ALREADY_HELD = "ALREADY_HELD"  # by the chosen custodian
    IN_CUSTODY = "IN_CUSTODY"  # of someone: return it first
    NOT_SLOTTED = "NOT_SLOTTED"  # stock-out needs a slotted asset
    NOT_IN_CUSTODY = "NOT_IN_CUSTODY"  # stock-in needs a held asset
    NO_RETURN_SLOT = "NO_RETURN_SLOT"  # its own slot is gone and no case / free slot
    # slots
    USE_MOVE = "USE_MOVE"  # put-away of a slotted asset
    USE_PUT_AWAY = "USE_PUT_AWAY"  # move of an unslotted asset
    USE_STOCK_IN = "USE_STOCK_IN"  # placing an asset in custody
    NO_CASE = "NO_CASE"
    POSITION_OUT_OF_RANGE = "POSITION_OUT_OF_RANGE"
    SLOT_TAKEN = "SLOT_TAKEN"
    ALREADY_THERE = "ALREADY_THERE"
    SLOT_CLAIMED = "SLOT_CLAIMED"  # by an earlier line of the batch
    NO_FREE_SLOT = "NO_FREE_SLOT"
    SLOT_INCOMPLETE = "SLOT_INCOMPLETE"  # case without position or the reverse
    # registering things
    INVALID_CODE = "INVALID_CODE"
    INVALID_NAME = "INVALID_NAME"
    INVALID_SIZE = "INVALID_SIZE"
    CODE_EXISTS = "CODE_EXISTS"
    CODE_IN_USE = "CODE_IN_USE"  # used by another kind (a badge as an asset tag, …)
    BAD_ROW = "BAD_ROW"  # an import row that could not be read
    EMPTY_BATCH = "EMPTY_BATCH"


# A placement refused because it needs the other operation (Put-away vs Move).
WRONG_OPERATION = frozenset({Code.USE_MOVE, Code.USE_PUT_AWAY})


@dataclass(frozen=True)
class Verdict:
    """A refusal or a hint: a code to branch on and the words to show."""

    code: Code
    message: str

    def __str__(self) -> str:
        return self.message


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


class SlotInfo(NamedTuple):
    """One slot of a case and what is in it."""

    id: int
    position: int
    asset_tag: str | None
    description: str = ""

    @property
    def empty(self) -> bool:
        return self.asset_tag is None


@dataclass
class Line:
    """One scanned (or imported) line and its verdict."""

    index: int
    scan: str
    ok: bool = False
    reason: str = ""
    code: Code | None = None  # why it is refused (None when ok)
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
    duplicate_of: int | None = None  # index of the earlier line with the same asset
    home_slot: bool = False  # stock-in: the slot is the one the asset left

    def refuse(self, verdict: Verdict | Code, reason: str = "") -> Line:
        if isinstance(verdict, Verdict):
            code, reason = verdict.code, verdict.message
        else:
            code = verdict
        self.ok, self.code, self.reason = False, code, reason
        return self

    def accept(self) -> Line:
        self.ok, self.code, self.reason = True, None, ""
        return self

    @property
    def name(self) -> str:
        """How a refusal names this line: its label, else the scan, else its place (empty scan)."""
        from .matching import visible

        return self.label or visible(self.scan) or f"scan {self.index + 1}"

    @property
    def ref(self) -> str:
        """How another line's message points here: its label ("line 7" of a CSV) or its place
        among the scans ("scan 2"); "line" is kept for CSV files, which have lines."""
        return self.label or f"scan {self.index + 1}"


@dataclass
class Preview:
    operation: Operation
    lines: list[Line]
    problems: list[Verdict] = field(default_factory=list)  # batch-level: custodian, return case
    holder: HolderInfo | None = None
    return_case: CaseInfo | None = None

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.problems and all(line.ok for line in self.lines)

    def has_problem(self, code: Code) -> bool:
        return any(p.code == code for p in self.problems)

    def reasons(self) -> list[str]:
        out = [p.message for p in self.problems]
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
class NewHolder:
    name: str
    badge_code: str
    label: str = ""  # "line 7" for CSV imports; the badge otherwise


@dataclass(frozen=True)
class NewCase:
    case_code: str
    name: str
    rows: int | str | None
    cols: int | str | None
    label: str = ""  # "line 7" for CSV imports; the code otherwise


@dataclass(frozen=True)
class Placement:
    """A put-away or move line: this scan into that case and position."""

    scan: str
    case_code: str
    position: int | str | None


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


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
