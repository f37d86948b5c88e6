"""The data that travels between the engine and its callers (GUI, CLI, importer, tests):
verdicts, holders, cases, slots, lines, previews, commit results, new records, history rows.

Nothing here touches the database. The enumerations (modes, operations, event types, verdict
codes) live in ``core.enums`` and are re-exported here, and so are a batch's ``Line``,
``Preview`` and ``CommitResult`` from ``core.lines`` (on first use: the read-only path of
``assettrack-admin show`` imports this module but needs neither them nor ``dataclasses``).
Everything defined here is an immutable named tuple.
"""

from __future__ import annotations

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
    from .lines import CommitResult, Line, Preview
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


class AssetInfo(NamedTuple):
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


class EventRow(NamedTuple):
    """One event as a history lists it (names as they were at the event)."""

    id: int
    batch_id: str
    event_type: str
    created_at: str
    operator: str
    asset_tag: str | None
    holder: str | None
    slot: str | None
    note: str


class Lookup(NamedTuple):
    """What a scan is (``match``), said in words (``title``, ``facts``), and its history."""

    match: Match
    title: str
    facts: list[tuple[str, str]]
    events: list[EventRow]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_LINES = ("CommitResult", "Line", "Preview")


def __getattr__(name: str) -> object:
    """``Line``, ``Preview`` and ``CommitResult`` live in ``core.lines`` (dataclasses: loaded when
    first asked for, not by every import of this module)."""
    if name in _LINES:
        from . import lines

        return getattr(lines, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
