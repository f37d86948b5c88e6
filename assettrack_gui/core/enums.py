"""The domain's enumerations: modes, operations, event types, locations and verdict codes.

Cheap to import (no data classes, no database): the admin CLI's help lists event types from
here. ``StrEnum`` keeps the stored and saved values (event types in the log, modes in a pending
batch file) the plain strings they always were. ``core.model`` re-exports them.
"""

from __future__ import annotations

from enum import StrEnum


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
    VOID = "VOID"  # compensating events that undo one earlier custody or slot batch
    RETIRE = "RETIRE"  # lost, broken or disposed: out of slots and custody, kept in history
    REINSTATE = "REINSTATE"  # a retired asset back in unslotted storage
    ASSET_EDIT = "ASSET_EDIT"  # an asset's serial or description changed


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
    SLOT_UNASSIGN = "SLOT_UNASSIGN"  # schema v2: an asset leaves its slot for unslotted storage
    ROLLBACK_ACCEPTED = "ROLLBACK_ACCEPTED"  # schema v2: a lost stretch of log accepted on record
    ASSET_EDIT = "ASSET_EDIT"  # schema v3: serial or description changed (old and new in details)
    RETIRE = "RETIRE"  # schema v3: lost, broken or disposed; leaves its slot
    REINSTATE = "REINSTATE"  # schema v3: a retired asset back in unslotted storage
    HOLDER_REBADGE = "HOLDER_REBADGE"  # schema v3: a holder's badge code changed
    CASE_RENAME = "CASE_RENAME"  # schema v3: a case's name changed
    CASE_RESIZE = "CASE_RESIZE"  # schema v3: a case's rows × cols changed
    AUDIT = "AUDIT"  # schema v3: a stocktake of one case; changes no asset


EVENT_TYPES: tuple[EventType, ...] = tuple(EventType)
CUSTODY_EVENTS = (EventType.STOCK_OUT, EventType.STOCK_IN)  # the ones with a receipt
ASSET_EVENTS = (
    EventType.RECEIVE,
    EventType.SLOT_ASSIGN,
    EventType.SLOT_MOVE,
    EventType.STOCK_OUT,
    EventType.STOCK_IN,
    EventType.SLOT_UNASSIGN,
    EventType.ASSET_EDIT,
    EventType.RETIRE,
    EventType.REINSTATE,
)
# The batches a void can undo: custody and slot changes (not registrations, holders, cases).
VOIDABLE_EVENTS = (
    EventType.STOCK_OUT,
    EventType.STOCK_IN,
    EventType.SLOT_ASSIGN,
    EventType.SLOT_MOVE,
)


class LocationType(StrEnum):
    STORAGE = "STORAGE"
    IN_CUSTODY = "IN_CUSTODY"
    RETIRED = "RETIRED"  # schema v3: lost, broken or disposed (kind in assets.retirement)


class Retirement(StrEnum):
    """Why an asset was retired (assets.retirement; the free-text reason is the event's note)."""

    LOST = "LOST"
    BROKEN = "BROKEN"
    DISPOSED = "DISPOSED"


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
    SLOT_OF_OTHER_CASE = "SLOT_OF_OTHER_CASE"  # audit: a slot label of another case
    # registering things
    INVALID_CODE = "INVALID_CODE"
    INVALID_NAME = "INVALID_NAME"
    INVALID_SIZE = "INVALID_SIZE"
    CASE_SHRINK_OCCUPIED = "CASE_SHRINK_OCCUPIED"  # a resize would leave occupied slots outside
    CODE_EXISTS = "CODE_EXISTS"
    CODE_IN_USE = "CODE_IN_USE"  # used by another kind (a badge as an asset tag, …)
    NEAR_DUPLICATE = "NEAR_DUPLICATE"  # equal to an existing code without dashes and case
    LOOKS_LIKE_SLOT_LABEL = "LOOKS_LIKE_SLOT_LABEL"  # a code that scans as CASE/POS, or "/" in a case
    BAD_ROW = "BAD_ROW"  # an import row that could not be read
    EXISTS_DIFFERENT = "EXISTS_DIFFERENT"  # --skip-existing: same code, other fields
    # imports: notes, never refusals
    EXISTS_IDENTICAL = "EXISTS_IDENTICAL"  # --skip-existing: the row is skipped
    SERIAL_SHARED = "SERIAL_SHARED"  # the serial is also on another asset (file or database)
    EMPTY_BATCH = "EMPTY_BATCH"
    # stock-in: a warning, never a refusal
    HOME_OF_ANOTHER = "HOME_OF_ANOTHER"  # the return slot is the home of an asset in custody
    # void (undo a batch)
    BATCH_UNKNOWN = "BATCH_UNKNOWN"
    NOT_VOIDABLE = "NOT_VOIDABLE"  # registration, holder or case batches, or a void itself
    ALREADY_VOIDED = "ALREADY_VOIDED"
    VOID_CHANGED_SINCE = "VOID_CHANGED_SINCE"  # a later event, or the slot is taken now
    # retirement (lost, broken, disposed) and reinstatement
    ASSET_RETIRED = "ASSET_RETIRED"  # a retired asset in a custody or slot batch
    ALREADY_RETIRED = "ALREADY_RETIRED"
    NOT_RETIRED = "NOT_RETIRED"  # reinstating an asset that is not retired
    REASON_REQUIRED = "REASON_REQUIRED"  # retire / reinstate without a reason
    INVALID_KIND = "INVALID_KIND"  # not lost, broken or disposed


# A placement refused because it needs the other operation (Put-away vs Move).
WRONG_OPERATION = frozenset({Code.USE_MOVE, Code.USE_PUT_AWAY})
