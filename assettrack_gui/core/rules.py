"""Every custody rule, once: each function looks at facts and returns a ``Verdict`` (a code and
its words) or None when the rule is satisfied.

The engine's validations (``core/ops``), the scan session and the importer all ask these; no
other module words a refusal of its own. Changing what AssetTrack refuses, or how it says so,
happens here. The facts come from ``queries`` (the engine reads them inside its transaction).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime

from . import matching
from .errors import UsageError
from .matching import Match
from .model import CaseInfo, Code, HolderInfo, Operation, Retirement, Verdict, plural
from .queries import AssetState, RetirementRecord
from .settings import Settings
from .text import control_character, is_text, strip_edges, visible

MAX_SLOTS_PER_CASE = 10_000


# -- what a scan is -------------------------------------------------------------------------------


def not_an_asset(m: Match, holder: HolderInfo | None = None) -> Verdict:
    """Why a scan that matched no asset cannot be a line of an asset batch."""
    code = m.code or Code.UNKNOWN_SCAN
    if m.kind == matching.HOLDER:
        return Verdict(
            code, f"this is the badge of {holder.label if holder else m.canonical}, not an asset"
        )
    if m.kind == matching.CASE:
        return Verdict(code, f"this is case {m.canonical}, not an asset")
    return Verdict(code, m.message)


def duplicate(first_index: int, *, asset: bool = True) -> Verdict:
    """The same asset (or the same unmatched scan) is already line ``first_index`` of this batch."""
    same = "same asset as" if asset else "same as"
    return Verdict(Code.DUPLICATE_IN_BATCH, f"scanned twice ({same} scan {first_index + 1})")


def not_added_again(shown: str, row: int) -> str:
    """What the Scan page says when a repeated scan is not added (``row`` counts from 0)."""
    return f"{shown} is already in this batch (row {row + 1}): not added again"


def caps_hint(m: Match) -> str:
    """ "; case EMP exists — is Caps Lock on?" when the scan exists in another letter case."""
    return f"; {m.hint}" if m.hint_code == Code.CAPS_LOCK_HINT else ""


# -- the custodian and the return case --------------------------------------------------------------


def no_custodian() -> Verdict:
    return Verdict(Code.NO_CUSTODIAN, "choose a custodian first")


def unknown_holder(ref: str | int, near: Match | None = None) -> Verdict:
    hint = caps_hint(near) if near is not None else ""
    return Verdict(Code.HOLDER_UNKNOWN, f"no holder with badge or name {shown(ref)}{hint}")


def custodian(holder: HolderInfo) -> Verdict | None:
    """Only an active holder can receive custody."""
    if not holder.active:
        return Verdict(
            Code.HOLDER_INACTIVE, f"{holder.label} is deactivated and cannot receive custody"
        )
    return None


def unknown_case(ref: str | int, near: Match | None = None, *, prefix: str = "") -> Verdict:
    hint = caps_hint(near) if near is not None else ""
    return Verdict(Code.CASE_UNKNOWN, f"{prefix}no case {shown(ref)}{hint}")


def shown(ref: str | int) -> str:
    """A value someone typed, quoted for a message: invisible characters made visible and cut
    to 60 characters, so a pasted page or a control character never floods or forges output."""
    return repr(visible(ref)) if isinstance(ref, str) else repr(ref)


# -- custody state ----------------------------------------------------------------------------


def asset_retired(state: AssetState) -> Verdict | None:
    """A retired asset (lost, broken, disposed) takes part in no custody or slot batch until
    it is reinstated: Stock-Out, Stock-In, Put-away and Move all ask this first."""
    if not state.retired:
        return None
    return Verdict(Code.ASSET_RETIRED, f"{_retired_since(state)} — reinstate it first")


def _retired_since(state: AssetState) -> str:
    """``retired (lost) on 2026-11-24``."""
    when = f" on {local_day(state.retired_at)}" if state.retired_at else ""
    return f"retired ({(state.retirement or '?').lower()}){when}"


def stock_out(state: AssetState, holder: HolderInfo | None) -> Verdict | None:
    """Stock-Out takes an asset from its slot: it must be in storage and slotted."""
    if (verdict := asset_retired(state)) is not None:
        return verdict
    if state.in_custody:
        if holder is not None and state.holder_id == holder.id:
            return Verdict(Code.ALREADY_HELD, f"already held by {state.holder_label}")
        return Verdict(Code.IN_CUSTODY, f"in custody of {state.holder_label} — return it first")
    if state.slot_id is None:
        return Verdict(Code.NOT_SLOTTED, "not in a slot — put it away before stock-out")
    return None


def stock_in(state: AssetState) -> Verdict | None:
    """Stock-In returns an asset someone holds."""
    if (verdict := asset_retired(state)) is not None:
        return verdict
    if not state.in_custody:
        return Verdict(Code.NOT_IN_CUSTODY, f"not in custody (it is in {state.where})")
    return None


def no_return_slot(why: str, case: CaseInfo | None) -> Verdict:
    """A returned asset whose own slot is unavailable needs a free slot of the return case."""
    if case is None:
        return Verdict(Code.NO_RETURN_SLOT, f"{why}; choose a return case")
    return Verdict(Code.NO_FREE_SLOT, f"{why}, and case {case.case_code} has no free slot left")


def home_of_another(label: str, homes: list[tuple[str, str]]) -> Verdict:
    """A returned asset had to take a slot that is the home of an asset still in custody
    ((tag, holder name) each): the line is accepted, and says whose home it takes."""
    whose = " and ".join(f"{tag} (held by {name})" for tag, name in homes)
    return Verdict(Code.HOME_OF_ANOTHER, f"{label} — home of {whose}")


def placement(state: AssetState, operation: Operation) -> Verdict | None:
    """Put-away places an unslotted asset, Move a slotted one; neither touches custody."""
    if (verdict := asset_retired(state)) is not None:
        return verdict
    if state.in_custody:
        return Verdict(
            Code.USE_STOCK_IN, f"in custody of {state.holder_label} — use Stock-In to return it"
        )
    if operation == Operation.PUT_AWAY and state.slot_id is not None:
        return Verdict(Code.USE_MOVE, f"already in slot {state.slot_label} — use Move")
    if operation == Operation.MOVE and state.slot_id is None:
        return Verdict(Code.USE_PUT_AWAY, "not in a slot — use Put-away")
    return None


# -- slots ------------------------------------------------------------------------------------


def parse_position(value: int | str | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        return None
    return int(text)


def position(case: CaseInfo, value: int | str | None) -> Verdict | None:
    """A position must be a whole number from 1 to the case's size."""
    pos = parse_position(value)
    if pos is None or not 1 <= pos <= case.size:
        return Verdict(
            Code.POSITION_OUT_OF_RANGE,
            f"case {case.case_code} has positions 1–{case.size}, not {value!r}",
        )
    return None


def slot_target(
    label: str, occupant: str | None, asset_tag: str | None, claimed_by: str | None
) -> Verdict | None:
    """One asset per slot: the target must be empty and not promised to an earlier line."""
    if occupant is not None and occupant == asset_tag:
        return Verdict(Code.ALREADY_THERE, f"{occupant} is already in {label}")
    if occupant is not None:
        return slot_taken(label, occupant)
    if claimed_by is not None:
        return Verdict(Code.SLOT_CLAIMED, f"slot {label} is already used by {claimed_by}")
    return None


def slot_taken(label: str, occupant: str) -> Verdict:
    return Verdict(Code.SLOT_TAKEN, f"slot {label} is taken by {occupant}")


def no_free_slot(case: CaseInfo) -> Verdict:
    return Verdict(Code.NO_FREE_SLOT, f"case {case.case_code} has no free slot")


def slot_incomplete() -> Verdict:
    return Verdict(Code.SLOT_INCOMPLETE, "give both case_code and position, or neither")


# -- stocktake (core/audit.py) --------------------------------------------------------------------


def slot_label_out_of_range(scanned: str, case: CaseInfo, pos: str) -> Verdict | None:
    """A slot label of the audited case must name one of its slots."""
    verdict = position(case, pos)
    if verdict is None:
        return None
    return Verdict(verdict.code, f"{visible(scanned)}: {verdict.message}")


def slot_label_of_other_case(scanned: str, other: CaseInfo, case: CaseInfo) -> Verdict:
    return Verdict(
        Code.SLOT_OF_OTHER_CASE,
        f"{visible(scanned)} is a slot of case {other.case_code}, not of {case.case_code}",
    )


def slot_label_caps(scanned: str, case: CaseInfo) -> Verdict:
    """A slot label of the audited case in the other letter case (Caps Lock inverts it)."""
    return Verdict(
        Code.CAPS_LOCK_HINT,
        f"no slot {visible(scanned)}; case {case.case_code} exists — is Caps Lock on?",
    )


def audit_without_scans(case: CaseInfo) -> Verdict:
    """An audit is recorded only with at least one scan: an empty (or failed) scanner export
    must not become a permanent audit that says every asset of the case is missing."""
    return Verdict(
        Code.EMPTY_BATCH,
        f"the audit of {case.case_code} has no scans: nothing recorded (an empty scan list "
        "would say every asset is missing); scan what is in the case first",
    )


# -- void (undo a batch) ------------------------------------------------------------------------


def batch_unknown(batch_id: str) -> Verdict:
    return Verdict(Code.BATCH_UNKNOWN, f"{batch_id!r}: no batch with that id")


def not_voidable(batch_id: str, kinds: list[str], *, is_void: bool = False) -> Verdict:
    """Only custody and slot batches can be voided: registrations, holder and case changes
    (and a void itself) are not undone this way."""
    if is_void:
        return Verdict(
            Code.NOT_VOIDABLE, f"batch {batch_id} is itself a void; it cannot be voided"
        )
    return Verdict(
        Code.NOT_VOIDABLE,
        f"batch {batch_id} is {', '.join(kinds)}: only stock-out, stock-in, put-away and move "
        "batches can be voided",
    )


def already_voided(batch_id: str, by: str) -> Verdict:
    return Verdict(Code.ALREADY_VOIDED, f"batch {batch_id} was already voided by batch {by}")


def changed_since(event_type: str, batch_id: str) -> Verdict:
    """An asset of the batch has a later event: putting it back would undo that too."""
    return Verdict(
        Code.VOID_CHANGED_SINCE, f"changed since: {event_type} in batch {batch_id}"
    )


def void_slot_taken(label: str, occupant: str) -> Verdict:
    return Verdict(
        Code.VOID_CHANGED_SINCE, f"changed since: its slot {label} is taken by {occupant}"
    )


def void_slot_outside(label: str) -> Verdict:
    """The slot to go back to is past its case's size now (the case was made smaller)."""
    return Verdict(
        Code.VOID_CHANGED_SINCE, f"changed since: its slot {label} is no longer within its case"
    )


def home_outside(label: str) -> str:
    """Stock-In: why an asset cannot go back to the slot it left (the case was made smaller)."""
    return f"its slot {label} is no longer within its case"


def choose_empty_slot_first(refused: Verdict, label: str = "", occupant: str = "") -> Verdict:
    """An asset scanned while the last slot choice stands refused: it waits for a valid choice
    instead of going to the slot the clerk just tried to leave. ``label``/``occupant`` name a
    taken slot; any other refused choice is quoted."""
    why = f"{label} is taken by {occupant}" if label and occupant else refused.message
    return Verdict(refused.code, f"choose an empty slot first — {why}")


def wrapped_to(case: CaseInfo, position: int) -> str:
    """Put-away went past the last free slot of ``case`` and starts again from the lowest."""
    return f"end of case {case.case_code} reached: next free slot is back at slot {position}"


def return_everything(count: int, holder: HolderInfo) -> str:
    """Stock-In: a holder's badge offers to add everything they hold to the return."""
    return f"Add the {plural(count, 'asset')} {holder.label} holds to this return?"


def holds_nothing(holder: HolderInfo) -> str:
    return f"{holder.label} holds nothing to return"


def hand_over_instead(count: int, new: HolderInfo, current: HolderInfo) -> str:
    """A second badge while rows wait for the first custodian: ask, never switch silently."""
    assets = plural(count, "scanned asset")
    return f"Hand the {assets} to {new.name} instead of {current.name}?"


def custodian_kept(current: HolderInfo) -> str:
    return f"Custodian kept: {current.label} (the other badge was not taken)"


# -- registering assets, holders and cases ----------------------------------------------------------


def code_problem(
    code: str, what: str, settings: Settings, *, case_code: bool = False
) -> Verdict | None:
    """What every new or changed tag, badge and case code passes: it survives scan
    normalisation unchanged (or it could never be scanned), and it does not read as a slot
    label (``slot_label_like``; ``case_code``: the code is a case's)."""
    problem = _code_problem(code, what, settings)
    if problem:
        return Verdict(Code.INVALID_CODE, problem)
    return slot_label_like(code, what, case_code=case_code)


def slot_label_like(code: str, what: str, *, case_code: bool = False) -> Verdict | None:
    """A scanned code means one thing: a tag, badge or case code of the slot-label shape
    ``CASE/POS`` (``matching.SLOT_LABEL``, the parser Put-away and the audit use) would be
    taken for a slot by one screen and for the code by another. A case code holds no "/" at
    all: "/" is what separates a slot label's case from its position, so ``A/B``'s labels
    (``A/B/3``) would read as case ``A``, slot ``B/3`` to a person, and a case ``A/1`` would
    be slot 1 of case ``A``. Asked for every registration and change of a code (through
    ``code_problem``); ``verify`` warns about existing codes with ``slot_label_warning``."""
    why = _reads_as_slot_label(code, what, case_code=case_code)
    if why is None:
        return None
    fix = (
        "choose a case code without '/'"
        if case_code
        else "choose a code that does not end in '/' and a number"
    )
    return Verdict(Code.LOOKS_LIKE_SLOT_LABEL, f"{why} — {fix}")


def _reads_as_slot_label(code: str, what: str, *, case_code: bool) -> str | None:
    found = matching.SLOT_LABEL.match(code)
    if found is not None:
        return (
            f"{what} {visible(code)} reads like the label of slot {found['pos']} of case "
            f"{visible(found['case'])}, so Put-away and audits could take its scan for that slot"
        )
    if case_code and "/" in code:
        return (
            f"{what} {visible(code)} contains '/', which separates a case from its position in "
            f"slot labels ({visible(code)}/1 would be ambiguous)"
        )
    return None


def slot_label_warning(kind: str, code: str) -> str | None:
    """``verify``'s words for an existing code that reads like a slot label (``kind``: asset
    tag, badge, case code), allowed before ``slot_label_like`` refused it; None if it does
    not. Only a badge can be changed (``holder rebadge``); a tag or case code is named so
    that nobody prints slot labels that could be confused with it."""
    why = _reads_as_slot_label(code, kind, case_code=kind == "case code")
    if why is None:
        return None
    fix = (
        "give the holder another badge (holder rebadge)"
        if kind == "badge"
        else "scan it with care; a new one cannot be given a code like it"
    )
    return f"code that reads like a slot label: {why} — {fix}"


def _code_problem(code: str, what: str, settings: Settings) -> str | None:
    if not code:
        return f"{what} is empty"
    if not is_text(code):
        return f"{what} {visible(code)} contains bytes that are not UTF-8 text"
    if matching.normalize_scan(code, settings) != code:
        return f"{what} {visible(code)} has leading/trailing spaces, control characters or a scanner prefix"
    if (bad := control_character(code)) is not None:
        return f"{what} {visible(code)} contains a control character ({bad})"
    if len(code) > matching.MAX_SCAN_LENGTH:
        return f"{what} is longer than {matching.MAX_SCAN_LENGTH} characters"
    if not code.replace("-", ""):
        return f"{what} {code!r} has nothing but dashes"
    return None


# The longest text each field takes (codes: matching.MAX_SCAN_LENGTH). Reports, receipts and
# the GUI show these whole; a longer value is a mistake (a pasted document), not data.
TEXT_LIMITS = {"name": 200, "serial": 100, "description": 500, "reason": 500}


def name_problem(name: str, what: str = "name") -> Verdict | None:
    """A name, serial or description is printed on one line: text, no control characters (a
    line break would forge a line of history), and within its length limit."""
    if not is_text(name):
        return Verdict(
            Code.INVALID_NAME, f"{what} {visible(name)} contains bytes that are not UTF-8 text"
        )
    if (bad := control_character(name)) is not None:
        return Verdict(
            Code.INVALID_NAME, f"{what} {visible(name)} contains a control character ({bad})"
        )
    limit = TEXT_LIMITS.get(what, TEXT_LIMITS["name"])
    if len(name) > limit:
        return Verdict(
            Code.INVALID_NAME, f"{what} {visible(name)} is longer than {limit} characters"
        )
    return None


def new_name_problem(badge_code: str, new_name: str) -> Verdict | None:
    """A holder's new name (a rename), named by the holder's badge."""
    if not new_name:
        return Verdict(Code.INVALID_NAME, f"{badge_code}: the new name is empty")
    if not is_text(new_name):
        return Verdict(Code.INVALID_NAME, f"{badge_code}: the new name is not UTF-8 text")
    if (bad := control_character(new_name)) is not None:
        return Verdict(
            Code.INVALID_NAME, f"{badge_code}: the new name contains a control character ({bad})"
        )
    return None


_KINDS = {"asset": "asset tag", "holder": "badge", "case": "case code"}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def alike_key(code: str) -> str:
    """What a code is once dashes are dropped and letter case ignored (ASCII letters, as SQLite's
    NOCASE compares): two codes with one key are near-duplicates."""
    return code.replace("-", "").translate(_ASCII_LOWER)


def near_duplicate(what: str, code: str, kind: str, existing: str, where: str = "") -> Verdict:
    """A new code equal to an existing one (``kind``: asset, holder, case) without dashes and
    letter case: a scanner that drops dashes, or Caps Lock, would silently pick the other."""
    other = _KINDS.get(kind, kind)
    place = f" ({where})" if where else ""
    return Verdict(
        Code.NEAR_DUPLICATE,
        f"{what} {code} is too like {other} {existing}{place}: they differ only in dashes or "
        "letter case, so a scanner could pick the wrong one",
    )


def repeated(what: str, code: str, first_ref: str) -> Verdict:
    """The same new code twice in one file or batch."""
    return Verdict(Code.DUPLICATE_IN_BATCH, f"{what} {code} appears twice (also {first_ref})")


def case_size(rows: int | None, cols: int | None, given: tuple[object, object]) -> Verdict | None:
    if rows is None or cols is None or rows < 1 or cols < 1:
        return Verdict(
            Code.INVALID_SIZE,
            f"rows and cols must be whole numbers ≥ 1 (got {given[0]!r} × {given[1]!r})",
        )
    if rows * cols > MAX_SLOTS_PER_CASE:
        return Verdict(
            Code.INVALID_SIZE, f"{rows} × {cols} slots is more than {MAX_SLOTS_PER_CASE} in one case"
        )
    return None


# -- changing a holder's badge, a case's name or size (issue 12) -----------------------------------


_KIND_WORDS = {"holder": "a holder", "asset": "an asset tag", "case": "a case code"}


def badge_taken(badge: str, kind: str, used_by: str) -> Verdict:
    """A new or changed badge that a holder, an asset tag or a case code already uses."""
    return Verdict(
        Code.CODE_EXISTS if kind == "holder" else Code.CODE_IN_USE,
        f"badge {badge} is already used by {_KIND_WORDS[kind]} ({used_by})",
    )


def case_shrink_occupied(
    case: CaseInfo, rows: int, cols: int, occupied: Sequence[tuple[int, str]]
) -> Verdict:
    """A case may become smaller only while every occupied slot stays inside it; ``occupied``
    holds (position, tag) of each slot that would fall outside."""
    where = ", ".join(f"{case.case_code}/{pos} holds {tag}" for pos, tag in occupied)
    return Verdict(
        Code.CASE_SHRINK_OCCUPIED,
        f"case {case.case_code} cannot become {rows} × {cols}: {where} — move "
        f"{'it' if len(occupied) == 1 else 'them'} to a slot inside the new size first",
    )


# -- the operator -----------------------------------------------------------------------------


def default_operator() -> str:
    import getpass  # only when no operator is given (with termios: not for every command)

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database entry (containers); fall back
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def check_operator(name: str) -> str:
    """The operator name to record (surrounding spaces dropped), or UsageError saying why not.

    One rule for the CLI's --operator and the GUI's Operator dialog: a blank name records nobody,
    and a control character (a newline) would forge an extra line in every history listing.
    """
    if not is_text(name):
        raise UsageError("The operator name is not UTF-8 text.")
    if (bad := control_character(name)) is not None:
        raise UsageError(f"The operator name {visible(name)} contains a control character ({bad}).")
    if not name.strip():
        raise UsageError("The operator name is empty or blank.")
    return name.strip()


def exists_identical(what: str, code: str, now: str = "") -> Verdict:
    """--skip-existing: the row equals the existing record with its code; it is skipped.
    ``now`` says where an asset that left its slot since is (``asset_now``)."""
    where = f" ({now})" if now else ""
    return Verdict(Code.EXISTS_IDENTICAL, f"{what} {code} already exists as given{where}: skipped")


def exists_different(
    what: str, code: str, diffs: Sequence[tuple[str, str, str]], place: str = ""
) -> Verdict:
    """--skip-existing: the row's code exists with other fields ((field, existing, given) each)
    or, for an asset, belongs in another slot (``place``, from ``place_difference``); the row is
    refused, naming every difference."""
    parts = []
    if diffs:
        words = " and ".join(f"{name} {old!r}, not {given!r}" for name, old, given in diffs)
        parts.append(f"exists with {words}")
    if place:
        parts.append(place)
    return Verdict(Code.EXISTS_DIFFERENT, f"{what} {code} {'; it '.join(parts)}")


def place_difference(state: AssetState, home: str, given: str) -> str:
    """--skip-existing, an asset row naming a slot (``given``, ``CART-A/3``): "" when the asset
    belongs there — ``home`` (``queries.home_slot_label``) is that slot, whether the asset is in
    it, out with a holder (Stock-In brings it back there) or retired having left it (a later
    event, not a different record) — else where the asset is now, in words."""
    if home == given:
        return ""
    if state.in_custody:
        where = f"home slot {home}" if home else "no home slot"
        return f"is with {state.holder_label}, {where}, not {given}"
    if state.retired:
        left = f"left {home}" if home else "left no slot"
        return f"is {_retired_since(state)} and {left}, not {given}"
    if home:
        return f"is in {home}, not {given}"
    return f"is in storage with no slot, not in {given}"


def asset_now(state: AssetState, home: str) -> str:
    """Where an asset skipped as identical is, when not in its slot: ``with Dana Reyes
    (B-1001), home slot CART-A/3`` or ``retired (lost) on 2026-11-24``; "" when in it."""
    if state.in_custody:
        return f"with {state.holder_label}" + (f", home slot {home}" if home else "")
    if state.retired:
        return _retired_since(state) + (f", left {home}" if home else "")
    return ""


def serial_shared(serial: str, others: Sequence[str]) -> Verdict:
    """A serial already on other assets (of the database or earlier rows): some vendors reuse
    them, so the line is accepted with this note."""
    return Verdict(Code.SERIAL_SHARED, f"serial {serial} is also on {', '.join(others)}")


# -- retirement, reinstatement, asset edits (core/ops/retire.py) -----------------------------


def local_day(stamp: str) -> str:
    """A stored UTC time as the local calendar day (``2026-11-24``); as stored if unreadable."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone().strftime("%Y-%m-%d")
    except (ValueError, OverflowError):
        return visible(stamp)


def retirement_kind(value: Retirement | str) -> Retirement | Verdict:
    """``lost``, ``BROKEN``, Retirement.DISPOSED …: the kind, or why it is none of them."""
    try:
        return Retirement(str(value).strip().upper())
    except ValueError:
        kinds = ", ".join(k.lower() for k in Retirement)
        return Verdict(Code.INVALID_KIND, f"retire as one of {kinds}, not {shown(str(value))}")


def reason_problem(reason: str, what: str = "retirement") -> Verdict | None:
    """A retirement or reinstatement is recorded with why (the event's note): required, one
    printable line, within its length."""
    if is_text(reason) and not strip_edges(reason):
        return Verdict(Code.REASON_REQUIRED, f"give a reason for the {what}")
    return name_problem(reason, "reason")


def retire(state: AssetState) -> Verdict | None:
    """Any asset that is not retired yet may be retired: from a slot, unslotted storage or a
    holder's custody (they lost it)."""
    if state.retired:
        return Verdict(Code.ALREADY_RETIRED, f"already {_retired_since(state)}")
    return None


def reinstate(state: AssetState) -> Verdict | None:
    """Only a retired asset can be reinstated (it comes back to storage, in no slot)."""
    if not state.retired:
        return Verdict(Code.NOT_RETIRED, f"not retired (it is in {state.where})")
    return None


def asset_text_problem(value: str, what: str) -> Verdict | None:
    """A new serial or description: one printable line within its length; an empty value
    clears the field, but one made only of invisible characters is a mistake."""
    if (verdict := name_problem(value, what)) is not None:
        return verdict
    if value and not strip_edges(value):
        return Verdict(Code.INVALID_NAME, f"{what} {visible(value)} has no visible characters")
    return None


def retired_status(record: RetirementRecord | None, kind: str | None) -> str:
    """How Lookup states a retired asset: ``Retired (lost) — reason, 2026-11-24, by dana``."""
    if record is None:
        return f"Retired ({(kind or '?').lower()})"
    return (
        f"Retired ({(kind or record.kind).lower()}) — {record.reason}, "
        f"{local_day(record.created_at)}, by {record.operator}"
    )
