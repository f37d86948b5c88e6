"""The data that travels between the engine and its callers (GUI, CLI, importer, tests):
verdicts, holders, cases, slots, lines, previews, commit results, new records, history rows.

Nothing here touches the database. The enumerations (modes, operations, event types, verdict
codes) live in ``core.enums`` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .enums import (
    ASSET_EVENTS,
    CUSTODY_EVENTS,
    EVENT_TYPES,
    MODE_TITLES,
    VOIDABLE_EVENTS,
    WRONG_OPERATION,
    Code,
    EventType,
    LocationType,
    Mode,
    Operation,
    Retirement,
)

if TYPE_CHECKING:
    from .matching import Match

__all__ = [
    "ASSET_EVENTS",
    "AssetInfo",
    "CUSTODY_EVENTS",
    "EVENT_TYPES",
    "VOIDABLE_EVENTS",
    "MODE_TITLES",
    "WRONG_OPERATION",
    "CaseInfo",
    "Code",
    "CommitResult",
    "EventRow",
    "EventType",
    "HolderInfo",
    "Line",
    "LocationType",
    "Lookup",
    "Mode",
    "NewAsset",
    "NewCase",
    "NewHolder",
    "Operation",
    "Placement",
    "Preview",
    "Retirement",
    "SlotInfo",
    "Verdict",
    "plural",
]


class Verdict(NamedTuple):
    """A refusal or a hint: a code to branch on and the words to show."""

    code: Code
    message: str

    def __str__(self) -> str:
        return self.message


class HolderInfo(NamedTuple):
    id: int
    name: str
    badge_code: str
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.badge_code})"


class CaseInfo(NamedTuple):
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


@dataclass(frozen=True)
class AssetInfo:
    """One asset as the Devices page and ``asset list`` show it; ``Engine.edit_asset`` returns
    it with the batch it wrote ("" when nothing changed) and a note that refuses nothing
    (``Code.SERIAL_SHARED``: the new serial is also on other assets)."""

    id: int
    asset_tag: str
    serial: str
    description: str
    location_type: str  # STORAGE, IN_CUSTODY or RETIRED
    retirement: str | None  # LOST, BROKEN or DISPOSED when retired
    where: str  # "CART-A/3", "Dana Reyes (B-1001)", "storage (no slot)", "RETIRED (LOST)"
    holder_id: int | None = None
    slot_id: int | None = None
    warning: Verdict | None = None
    batch_id: str = ""

    @property
    def retired(self) -> bool:
        return self.location_type == LocationType.RETIRED


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
    # A note that does not refuse the line (stock-in into another asset's home slot); ``to``
    # already says it in words, this is for callers that branch or colour.
    warning: Verdict | None = None
    # An import row equal to the existing record with its code (``--skip-existing``): accepted,
    # changes nothing; ``warning`` holds the EXISTS_IDENTICAL note.
    skipped: bool = False

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
        from .text import visible

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
        if not self.lines and not (self.operation == Operation.VOID and self.problems):
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
    batch_id: str  # "" when every line was skipped and nothing was written
    count: int
    preview: Preview

    @property
    def skipped(self) -> int:
        return sum(1 for line in self.preview.lines if line.skipped)


class NewAsset(NamedTuple):
    asset_tag: str
    serial: str = ""
    description: str = ""
    case_code: str = ""
    position: int | str | None = None
    label: str = ""  # "line 7" for CSV imports


class NewHolder(NamedTuple):
    name: str
    badge_code: str
    label: str = ""  # "line 7" for CSV imports; the badge otherwise


class NewCase(NamedTuple):
    case_code: str
    name: str
    rows: int | str | None
    cols: int | str | None
    label: str = ""  # "line 7" for CSV imports; the code otherwise


class Placement(NamedTuple):
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
