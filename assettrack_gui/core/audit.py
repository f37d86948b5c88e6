"""Stocktake: compare what is physically in one case with what the database says.

An audit is started for one case: the case's contents (which asset the database has in which
slot) are read **once**, then the clerk scans what is there. Each scan costs one match
(``matching.classify``: the indexed exact / dashless lookups every scan uses) and, for an asset,
one look-up of that asset by id (``queries.audit_asset``); the case is never read again per scan,
and classifying is dictionary work, so a scan is classified in well under a millisecond at
100,000 assets (``benchmarks/bench_audit.py``).

Scans
-----
* **A slot label** ``CASE/POS`` (the labels ``assettrack-admin labels slots`` prints; the case
  code matches exactly or without dashes) says where the next asset (or unknown scan) is: it is
  *found in* that slot, **exactly**.
* **An asset tag without a slot label before it (tag order)** is found in this case, in slot
  order: at its expected slot if that slot comes after the last slot label or the last scan's
  slot (the clerk skipped empty slots, or slots whose asset is missing), otherwise at the next
  slot after the last one (it is out of order: in the wrong slot). At the start the last slot is
  0. Such a position is **inferred**, not proven: a wrong-slot finding in tag order says "slot by
  scan order", and fix batches never write an inferred slot into the database.
* Both may be mixed. Scanning a slot label and then an asset already scanned pins that asset to
  the label's slot (its finding is classified again); the same asset again without a label
  between is a duplicate.
* **A bad slot label** — ``CASE/POS`` naming no slot of this case: a position outside it
  (``CART-A/99``), the case code in the other letter case (``cart-a/5``: Caps Lock), or a slot
  of another case (``SHELF-B/1``) — is kept as an ``unknown`` finding with the reason, like any
  scan that matches nothing, so it is counted, recorded and shown. It takes no slot (its found
  slot is the case), and it cancels a slot label still waiting for its asset: the clerk meant
  another slot, which one is not known. So the scan after a bad label is **not pinned** to any
  slot: it is placed by scan order, as if no label had been scanned (a wrong slot it lands in
  says "slot by scan order", and no fix batch writes that slot).
* A duplicate scan changes nothing (it is ignored and flagged); the code of the audited case is
  accepted and not recorded; the code of another case is not recorded either (it is how the
  Audit page switches case; the caller says so); an empty scan is ignored.
* An audit with no scans at all (``scan_count`` 0: an empty or failed scanner export, a file of
  blank lines) is never recorded — it would say every asset is missing. ``Audit.refusal()``
  gives the verdict (``rules.audit_without_scans``, ``Code.EMPTY_BATCH``); ``record_audit``
  refuses it, and the Audit page and ``assettrack-admin audit`` say it before trying.

Classes (``AuditStatus``; the CSV's ``status`` column)
-----------------------------------------------------
* ``ok`` — the asset the database has in that slot;
* ``wrong-slot`` — an asset the database has in this case, found in another of its slots;
* ``missing`` — the database has it in this case; it was not scanned;
* ``unexpected`` — an asset the database has elsewhere: another case's slot, in custody (the
  holder is named), retired, or in storage without a slot;
* ``unknown`` — a scan that matches no asset (unknown code, Caps Lock, ambiguous, a badge) or a
  bad slot label: kept visible, with the reason;
* ``duplicate`` — the same asset (or unknown scan) again: ignored, flagged.

The expected side is the case as it was when the audit started; a scanned asset is read when it
is scanned. ``Engine.commit_audit`` records one ``AUDIT`` event with every finding; it changes no
asset. Differences are fixed through the normal atomic batches (``prepare_fix``), each checked
against the database as it is when it commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import matching, queries, rules
from .errors import Refused, UserError
from .eventlog import EventBatch, utc_now
from .model import (
    CaseInfo,
    Code,
    CommitResult,
    EventType,
    LocationType,
    Placement,
    Preview,
    Verdict,
    plural,
)
from .pending import clear_audit, load_audit, save_audit
from .queries import CaseContent, Conn
from .text import visible

if TYPE_CHECKING:
    from .engine import Engine

__all__ = [
    "FINDINGS_HEADER",
    "STATUSES",
    "Audit",
    "AuditScan",
    "AuditSession",
    "AuditStatus",
    "Finding",
    "FixBatch",
    "FixPlan",
    "RecordedAudit",
    "ScanRecord",
    "SlotRow",
    "commit_fix",
    "plan_fixes",
    "prepare_fix",
    "read_scan",
    "record_audit",
    "scan_lines",
    "start_audit",
]


class AuditStatus(StrEnum):
    """What one finding of an audit is (the values are the CSV's ``status`` column)."""

    OK = "ok"
    WRONG_SLOT = "wrong-slot"
    MISSING = "missing"
    UNEXPECTED = "unexpected"
    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"


STATUSES: tuple[AuditStatus, ...] = tuple(AuditStatus)
EMPTY = "empty"  # slot by slot: nothing expected there and nothing found
STATUS_WORDS = {
    AuditStatus.OK: "OK",
    AuditStatus.WRONG_SLOT: "wrong slot",
    AuditStatus.MISSING: "missing",
    AuditStatus.UNEXPECTED: "unexpected",
    AuditStatus.UNKNOWN: "unknown",
    AuditStatus.DUPLICATE: "duplicate",
    EMPTY: "empty",
}
FINDINGS_HEADER = ["asset_tag", "status", "expected_slot", "found_slot", "detail"]
DATA_FORMAT = 1

ASSET, LABEL, UNKNOWN = "asset", "label", "unknown"
BAD_LABEL = "bad-label"  # a slot label naming no slot of the audited case (an unknown finding)
KINDS = (ASSET, LABEL, UNKNOWN, BAD_LABEL)
NOT_PINNED = "Not used as a slot label: the next scan is placed by scan order."


# -- the words ------------------------------------------------------------------------------------


def slot_name(case: CaseInfo, position: int | None) -> str:
    """``CART-A/3``; the case code alone when the position is not known."""
    return f"{case.case_code}/{position}" if position is not None else case.case_code


def _wrong_slot(expected: str, found: str, exact: bool) -> str:
    how = "" if exact else " (slot by scan order)"
    return f"expected in {expected}, found in {found}{how}"


def _unexpected(asset: queries.AuditAsset | ScanRecord) -> str:
    """Where the database has an asset that was found in the audited case."""
    if isinstance(asset, ScanRecord):
        location, retirement, holder = asset.location_type, asset.retirement, asset.holder
        slot = f"{asset.slot_case}/{asset.slot_position}" if asset.slot_case_id else ""
    else:
        location, retirement, holder = asset.location_type, asset.retirement, asset.holder
        slot = f"{asset.case_code}/{asset.position}" if asset.case_id else ""
    if location == LocationType.RETIRED:
        kind = retirement.lower() or "retired"
        return f"retired ({kind}): the database has it out of use"
    if location == LocationType.IN_CUSTODY:
        return f"in custody of {holder}"
    if slot:
        return f"the database has it in {slot}"
    return "the database has it in storage without a slot"


def _duplicate(first: int | None) -> str:
    return f"scanned twice (first as scan {first}): ignored"


def _scanned_as(record: ScanRecord) -> str:
    return "" if record.scan == record.tag else f"scanned as {visible(record.scan)}"


def _not_pinned(reason: str) -> str:
    """A bad slot label's detail: why it names no slot here, and what that means for the next."""
    return f"{reason}{'' if reason.endswith(('?', '.')) else '.'} {NOT_PINNED}"


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


# -- what one scan was ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanRecord:
    """One recorded scan as the database answered it when it was made. An audit is replayed from
    these, so an audit restored after a restart continues exactly where it was."""

    scan: str  # normalised as every scan is (edges, scanner prefix/suffix, AIM id)
    kind: str  # ASSET, LABEL, UNKNOWN or BAD_LABEL
    position: int | None = None  # LABEL: the slot it names
    asset_id: int | None = None
    tag: str = ""  # the canonical tag (UNKNOWN: the scan, made visible)
    description: str = ""
    location_type: str = ""
    retirement: str = ""
    holder: str = ""
    slot_case_id: int | None = None
    slot_case: str = ""
    slot_position: int | None = None
    via: str = ""  # exact / dashless
    message: str = ""  # UNKNOWN / BAD_LABEL: why it cannot be used (with any Caps Lock hint)
    # UNKNOWN / BAD_LABEL: its Code (CAPS_LOCK_HINT when the hint applies, UNKNOWN_SCAN,
    # POSITION_OUT_OF_RANGE, SLOT_OF_OTHER_CASE, …)
    code: str = ""

    def to_data(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}

    @classmethod
    def from_data(cls, data: object) -> ScanRecord | None:
        if not isinstance(data, dict):
            return None
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            if value is None:
                continue
            want_int = f.name in ("position", "asset_id", "slot_case_id", "slot_position")
            ok = (isinstance(value, int) and not isinstance(value, bool)) if want_int else (
                isinstance(value, str)
            )
            if not ok:
                return None
            values[f.name] = value
        if not isinstance(values.get("scan"), str) or values.get("kind") not in KINDS:
            return None
        if values["kind"] == ASSET and "asset_id" not in values:
            return None
        if values["kind"] == LABEL and "position" not in values:
            return None
        return cls(**values)


@dataclass
class Finding:
    """One line of an audit's result (what the CSV, the AUDIT event and the report list)."""

    status: AuditStatus
    tag: str  # canonical asset tag; for an unknown scan the scan as made (visible)
    expected_slot: str = ""  # where the database has it: a slot of this case, or elsewhere
    found_slot: str = ""  # where it was found ("CART-A/3"; "CART-A" when the slot is unknown)
    detail: str = ""
    scan_no: int | None = None  # which scan (1, 2, …; slot labels count); None: missing
    asset_id: int | None = None
    position: int | None = None  # the slot of this case it was found in
    exact: bool = False  # that slot was named by a slot label (not inferred from scan order)
    description: str = ""
    record: ScanRecord | None = field(default=None, repr=False)

    def row(self) -> tuple[str, str, str, str, str]:
        """The CSV row: asset_tag, status, expected_slot, found_slot, detail."""
        return (self.tag, self.status.value, self.expected_slot, self.found_slot, self.detail)

    def to_data(self) -> dict[str, str]:
        return dict(zip(FINDINGS_HEADER, self.row(), strict=True))

    @property
    def code(self) -> Code | None:
        """Why an unknown scan cannot be used, to branch on: ``Code.CAPS_LOCK_HINT`` when
        it exists in another letter case, else ``UNKNOWN_SCAN``, ``AMBIGUOUS_SCAN``,
        ``HOLDER_BADGE``, ``SCAN_TOO_LONG``; for a bad slot label ``POSITION_OUT_OF_RANGE`` or
        ``SLOT_OF_OTHER_CASE`` (``CAPS_LOCK_HINT`` for one in the other letter case); None for
        an asset."""
        value = self.record.code if self.record is not None else ""
        return Code(value) if value in Code.__members__ else None

    @property
    def bad_label(self) -> bool:
        """An unknown finding made by a slot label that names no slot of the audited case."""
        return self.record is not None and self.record.kind == BAD_LABEL

    @property
    def words(self) -> str:
        """``AT-0017: wrong slot — expected in CART-A/4, found in CART-A/2``."""
        detail = self.detail or (self.found_slot if self.status == AuditStatus.OK else "")
        tail = f" — {detail}" if detail else ""
        return f"{self.tag}: {STATUS_WORDS[self.status]}{tail}"


@dataclass(frozen=True)
class AuditScan:
    """What one scan did in an audit: a sentence, and the finding it made or changed."""

    accepted: bool
    message: str
    finding: Finding | None = None
    position: int | None = None  # a slot label: the next asset is taken as found here
    other_case: CaseInfo | None = None  # the code of another case was scanned (not recorded)
    recorded: bool = True  # False: the scan changed nothing (empty, another case's code or label)


@dataclass(frozen=True)
class SlotRow:
    """One slot of the audited case, slot by slot: "expected AT-0042, found AT-0017"."""

    position: int
    slot: str
    expected: str | None
    found: tuple[str, ...]
    state: str  # an AuditStatus value, or EMPTY
    words: str


@dataclass(frozen=True)
class RecordedAudit:
    """An audit recorded as one AUDIT event."""

    batch_id: str
    created_at: str
    case_code: str
    counts: dict[str, int]
    findings: int


def counts_text(counts: dict[str, int]) -> str:
    """``4 ok, 1 wrong-slot, 0 missing, 2 unexpected, 0 unknown, 0 duplicate``."""
    return ", ".join(f"{counts.get(s.value, 0)} {s.value}" for s in STATUSES)


# -- the classifier -------------------------------------------------------------------------------


class Audit:
    """One case's stocktake: what was expected (read once) and every scan, classified as it
    arrives. Pure Python: no database here (``read_scan`` turns a raw scan into a record)."""

    def __init__(
        self, case: CaseInfo, contents: Iterable[CaseContent], started_at: str = ""
    ) -> None:
        self.case = case
        self.started_at = started_at or utc_now()
        self.expected: dict[int, CaseContent] = {
            c.position: c for c in contents if c.asset_id is not None
        }
        self._home: dict[int, int] = {
            c.asset_id: c.position for c in self.expected.values() if c.asset_id is not None
        }
        self.records: list[ScanRecord] = []
        self.scan_findings: list[Finding] = []  # in scan order (labels make none)
        self._by_asset: dict[int, Finding] = {}
        self._by_text: dict[str, Finding] = {}  # unknown scans, by their text
        self.cursor = 1  # tag order: the next slot after the last one
        self.pending_label: int | None = None  # a slot label waiting for its asset

    # -- scans

    def add(self, record: ScanRecord) -> AuditScan:
        """Classify one more scan (a few dictionary look-ups)."""
        self.records.append(record)
        number = len(self.records)
        if record.kind == LABEL:
            assert record.position is not None
            self.pending_label = record.position
            self.cursor = record.position
            slot = slot_name(self.case, record.position)
            return AuditScan(True, f"Slot {slot}: now scan the asset in it", position=record.position)
        if record.kind == BAD_LABEL:
            self.pending_label = None  # the next scan is placed by scan order (module doc)
        if record.kind == ASSET:
            assert record.asset_id is not None
            earlier = self._by_asset.get(record.asset_id)
        else:
            earlier = self._by_text.get(record.scan)
        if earlier is not None:
            if self.pending_label is not None:
                return self._pin(earlier, record)
            duplicate = Finding(
                AuditStatus.DUPLICATE,
                earlier.tag,
                earlier.expected_slot,
                earlier.found_slot,
                _duplicate(earlier.scan_no),
                number,
                record.asset_id,
                description=record.description,
                record=record,
            )
            self.scan_findings.append(duplicate)
            return AuditScan(False, duplicate.words, duplicate)
        if record.kind == BAD_LABEL:
            position, exact = None, False  # a label takes no slot
        else:
            expected = self._expected_position(record) if record.kind == ASSET else None
            position, exact = self._place(expected)
        finding = Finding(
            AuditStatus.UNKNOWN,
            record.tag or visible(record.scan),
            scan_no=number,
            asset_id=record.asset_id,
            position=position,
            exact=exact,
            description=record.description,
            record=record,
        )
        self._classify(finding, record)
        self.scan_findings.append(finding)
        if record.kind == ASSET:
            assert record.asset_id is not None
            self._by_asset[record.asset_id] = finding
        else:
            self._by_text[record.scan] = finding
        return AuditScan(finding.status == AuditStatus.OK, finding.words, finding)

    def _pin(self, finding: Finding, record: ScanRecord) -> AuditScan:
        """A slot label, then something already scanned: it is in that slot."""
        assert self.pending_label is not None
        finding.position, finding.exact = self.pending_label, True
        self.cursor = self.pending_label + 1
        self.pending_label = None
        self._classify(finding, record)
        return AuditScan(
            finding.status == AuditStatus.OK,
            f"{finding.words} (taken as found in {finding.found_slot})",
            finding,
        )

    def _expected_position(self, record: ScanRecord) -> int | None:
        """Its slot of this case: as the audit started, or as read when scanned (moved in since)."""
        assert record.asset_id is not None
        home = self._home.get(record.asset_id)
        if home is None and record.slot_case_id == self.case.id:
            home = record.slot_position
        return home

    def _place(self, expected: int | None) -> tuple[int | None, bool]:
        """Where the scan was found, and whether a slot label says so (see the module doc)."""
        if self.pending_label is not None:
            label, self.pending_label = self.pending_label, None
            self.cursor = label + 1
            return label, True
        if expected is not None and expected >= self.cursor:
            self.cursor = expected + 1
            return expected, False
        position = self.cursor if self.cursor <= self.case.size else None
        self.cursor += 1
        return position, False

    def _classify(self, finding: Finding, record: ScanRecord) -> None:
        finding.found_slot = slot_name(self.case, finding.position)
        if record.kind != ASSET:
            finding.status, finding.expected_slot = AuditStatus.UNKNOWN, ""
            finding.detail = (
                _not_pinned(record.message) if record.kind == BAD_LABEL else record.message
            )
            return
        expected = self._expected_position(record)
        if expected is not None:
            finding.expected_slot = slot_name(self.case, expected)
            if finding.position == expected:
                finding.status = AuditStatus.OK
                finding.detail = _scanned_as(record)
            else:
                finding.status = AuditStatus.WRONG_SLOT
                finding.detail = _joined(
                    _wrong_slot(finding.expected_slot, finding.found_slot, finding.exact),
                    _scanned_as(record),
                )
            return
        finding.status = AuditStatus.UNEXPECTED
        finding.expected_slot = (
            f"{record.slot_case}/{record.slot_position}" if record.slot_case_id else ""
        )
        finding.detail = _joined(_unexpected(record), _scanned_as(record))

    # -- results

    def findings(self) -> list[Finding]:
        """Every finding: the scans' in scan order, then the missing assets by slot."""
        missing = [
            Finding(
                AuditStatus.MISSING,
                c.asset_tag or "",
                slot_name(self.case, position),
                "",
                "not scanned",
                asset_id=c.asset_id,
                description=c.description,
            )
            for position, c in sorted(self.expected.items())
            if c.asset_id not in self._by_asset
        ]
        return [*self.scan_findings, *missing]

    def counts(self) -> dict[str, int]:
        """How many findings of each class, every class named (in ``STATUSES`` order)."""
        found = Counter(f.status for f in self.findings())
        return {s.value: found.get(s, 0) for s in STATUSES}

    def found_asset(self, asset_id: int) -> Finding | None:
        return self._by_asset.get(asset_id)

    def slot_rows(self) -> list[SlotRow]:
        """Every slot of the case: what was expected, what was found, and the class."""
        found_at: dict[int, list[Finding]] = {}
        for f in self.scan_findings:
            if f.status != AuditStatus.DUPLICATE and f.position is not None:
                found_at.setdefault(f.position, []).append(f)
        rows = []
        for position in range(1, self.case.size + 1):
            content = self.expected.get(position)
            there = found_at.get(position, [])
            expected_tag = content.asset_tag if content is not None else None
            tags = tuple(f.tag for f in there)
            state: str
            extra = ""
            if content is not None and any(f.asset_id == content.asset_id for f in there):
                others = [f for f in there if f.asset_id != content.asset_id]
                state = others[0].status if others else AuditStatus.OK
            elif there:
                state = there[0].status
            elif content is not None:
                elsewhere = (
                    self._by_asset.get(content.asset_id) if content.asset_id is not None else None
                )
                if elsewhere is not None:
                    state = AuditStatus.WRONG_SLOT
                    extra = f" ({expected_tag} is in {elsewhere.found_slot})"
                else:
                    state = AuditStatus.MISSING
            else:
                state = EMPTY
            words = (
                f"expected {expected_tag or 'empty'}, "
                f"found {' and '.join(tags) if tags else 'nothing'}{extra}"
            )
            rows.append(
                SlotRow(position, slot_name(self.case, position), expected_tag, tags, state, words)
            )
        return rows

    @property
    def scan_count(self) -> int:
        """The scans recorded: assets, slot labels (good or bad) and unknown scans."""
        return len(self.records)

    def refusal(self) -> Verdict | None:
        """Why this audit may not be recorded (yet): it has no scans at all. None: it may."""
        return rules.audit_without_scans(self.case) if not self.records else None

    def details(self) -> dict[str, Any]:
        """The AUDIT event's details: case, counts, the scans, and every finding."""
        findings = self.findings()
        found = Counter(f.status for f in findings)
        return {
            "case_code": self.case.case_code,
            "case_id": self.case.id,
            "counts": {s.value: found.get(s, 0) for s in STATUSES},
            "findings": [f.to_data() for f in findings],
            "scans": len(self.records),
            "started_at": self.started_at,
        }

    # -- saving and restoring (core/pending.py holds the file)

    def to_data(self) -> dict[str, Any]:
        c = self.case
        return {
            "format": DATA_FORMAT,
            "case": [c.id, c.case_code, c.name, c.rows, c.cols],
            "started_at": self.started_at,
            "expected": [
                [x.position, x.asset_id, x.asset_tag, x.description]
                for _, x in sorted(self.expected.items())
            ],
            "scans": [r.to_data() for r in self.records],
        }

    @classmethod
    def from_data(cls, data: object) -> Audit | None:
        """The audit saved by ``to_data``, replayed; None if the data is not a readable audit."""
        if not isinstance(data, dict) or data.get("format") != DATA_FORMAT:
            return None
        case_data, expected, scans = data.get("case"), data.get("expected"), data.get("scans")
        if not (isinstance(case_data, list) and isinstance(expected, list)):
            return None
        if not isinstance(scans, list):
            return None
        try:
            case_id, code, name, rows, cols = case_data
            case = CaseInfo(int(case_id), str(code), str(name), int(rows), int(cols))
            contents = [
                CaseContent(int(p), int(a), str(t), str(d)) for p, a, t, d in expected
            ]
        except (TypeError, ValueError):
            return None
        started = data.get("started_at")
        audit = cls(case, contents, started if isinstance(started, str) else "")
        for item in scans:
            record = ScanRecord.from_data(item)
            if record is None:
                return None
            audit.add(record)
        return audit


# -- the database side ----------------------------------------------------------------------------


def _same_code(scanned: str, code: str) -> bool:
    key = scanned.replace("-", "")
    return scanned == code or (bool(key) and key == code.replace("-", ""))


def start_audit(engine: Engine, case_ref: str | int) -> Audit:
    """A new audit of one case (a code as scanned, or an id): its contents are read once.
    ``UserError`` when no case matches (or a dashless code matches two)."""
    with engine.store.read() as conn:
        case = engine.find_case(conn, case_ref)
        if case is None:
            near = engine.classify_in(conn, str(case_ref)) if isinstance(case_ref, str) else None
            raise UserError(rules.unknown_case(case_ref, near).message)
        contents = queries.case_contents(conn, case.id)
    return Audit(case, contents)


def read_scan(engine: Engine, conn: Conn, case: CaseInfo, raw: str) -> ScanRecord | AuditScan:
    """What a raw scan is for an audit of ``case``: a record to classify, or (``AuditScan``
    with ``recorded=False``) a scan that is not part of the audit."""
    text = engine.normalize(raw)
    if not text:
        return AuditScan(False, "empty scan ignored", recorded=False)
    m = matching.classify(conn, text)
    if m.kind == matching.ASSET:
        assert m.id is not None
        a = queries.audit_asset(conn, m.id)
        assert a is not None
        return ScanRecord(
            text,
            ASSET,
            asset_id=a.id,
            tag=a.tag,
            description=a.description,
            location_type=a.location_type,
            retirement=a.retirement,
            holder=a.holder,
            slot_case_id=a.case_id,
            slot_case=a.case_code,
            slot_position=a.position,
            via=m.via,
        )
    if m.kind == matching.CASE:
        if m.id == case.id:
            return AuditScan(
                True, f"Case {case.case_code}: this is the case being audited", recorded=False
            )
        other = queries.case_by_id(conn, m.id) if m.id is not None else None
        code = other.case_code if other is not None else m.canonical
        return AuditScan(
            False,
            f"case {code} is not the case being audited ({case.case_code}): not recorded",
            other_case=other,
            recorded=False,
        )
    if m.kind == matching.UNKNOWN and (label := matching.SLOT_LABEL.match(text)) is not None:
        code, pos = label["case"], label["pos"]
        bad: Verdict | None
        if _same_code(code, case.case_code):
            bad = rules.slot_label_out_of_range(text, case, pos)
            if bad is None:
                return ScanRecord(text, LABEL, position=int(pos))
        else:
            try:
                other = engine.find_case(conn, code)
            except UserError:
                other = None
            if other is not None:
                bad = rules.slot_label_of_other_case(text, other, case)
            elif rules.alike_key(code) == rules.alike_key(case.case_code):
                bad = rules.slot_label_caps(text, case)
            else:
                bad = None  # no case at all: an unknown scan like any other
        if bad is not None:
            return ScanRecord(
                text, BAD_LABEL, tag=visible(text), message=bad.message, code=bad.code.value
            )
    holder = queries.holder_by_id(conn, m.id) if m.kind == matching.HOLDER and m.id else None
    code = m.hint_code or m.code or Code.UNKNOWN_SCAN
    return ScanRecord(
        text,
        UNKNOWN,
        tag=visible(text),
        message=rules.not_an_asset(m, holder).message,
        code=code.value,
    )


def scan_audit(engine: Engine, audit: Audit, raw: str) -> AuditScan:
    """One scan of ``audit``: read in one snapshot (one match, one asset by id), classified."""
    with engine.store.read() as conn:
        read = read_scan(engine, conn, audit.case, raw)
    if isinstance(read, AuditScan):
        return read
    return audit.add(read)


def record_audit(engine: Engine, audit: Audit) -> RecordedAudit:
    """Record the audit as one AUDIT event (asset NULL; case, counts, scans and every finding in
    its details; the operator and time are the event's). It changes no asset. ``Refused`` (and
    nothing recorded) for an audit with no scans (``Audit.refusal``)."""
    if (verdict := audit.refusal()) is not None:
        raise Refused([verdict.message])
    details = audit.details()
    with engine.store.write() as conn:
        if queries.case_by_id(conn, audit.case.id) is None:
            raise Refused([f"case {audit.case.case_code} does not exist in this database"])
        events = EventBatch(conn, engine.operator)
        events.add(EventType.AUDIT, details=details)
        events.flush()
    return RecordedAudit(
        events.batch_id,
        events.created_at,
        audit.case.case_code,
        details["counts"],
        len(details["findings"]),
    )


# -- fixing what the audit found ------------------------------------------------------------------

FIX_MOVE, FIX_PUT_AWAY, FIX_STOCK_IN = "move", "put-away", "stock-in"
FIX_KINDS = (FIX_MOVE, FIX_PUT_AWAY, FIX_STOCK_IN)
FIX_TITLES = {FIX_MOVE: "Move", FIX_PUT_AWAY: "Put-away", FIX_STOCK_IN: "Stock-In"}


@dataclass
class FixPlan:
    """What the audit's findings ask of the database now (read when the plan is made):

    * ``moves``: scanned assets the database has in another slot (of this case: wrong slot; of
      another case), found in a slot a label named: Move them there;
    * ``put_aways``: assets the database has in storage without a slot, found in a labelled
      slot: Put them away there;
    * ``stock_ins``: (tag, holder) of assets the database has in someone's custody, found here:
      Stock-In, into this case (its own slot if free, else the lowest free slot);
    * ``follow_up``: (tag, why) for what no batch can fix: missing assets, retired ones, unknown
      scans, and assets found by scan order only (their slot is not proven);
    * ``retirable``: the missing assets that are not retired (yet), by slot: what a retirement
      (``Engine.preview_retire`` / ``commit_retire``, lost, broken or disposed with a reason)
      may take out of use once nobody finds them.
    """

    moves: list[Placement] = field(default_factory=list)
    put_aways: list[Placement] = field(default_factory=list)
    stock_ins: list[tuple[str, str]] = field(default_factory=list)
    follow_up: list[tuple[str, str]] = field(default_factory=list)
    retirable: list[str] = field(default_factory=list)
    # Move candidates: slot the database has each in now -> its tag (to explain chains, swaps).
    _occupying: dict[str, str] = field(default_factory=dict, repr=False)
    _missing: set[str] = field(default_factory=set, repr=False)  # tags not found on the shelf
    # Move / Put-away targets: slot -> the tag the database has in it now (None: empty).
    _target_holds: dict[str, str | None] = field(default_factory=dict, repr=False)


def plan_fixes(engine: Engine, audit: Audit) -> FixPlan:
    """The fix plan for ``audit`` against the database as it is now (one read snapshot)."""
    plan = FixPlan()
    case = audit.case
    by_scan = "found by scan order: scan its slot label, then the asset, to say which slot"
    with engine.store.read() as conn:
        for f in audit.findings():
            if f.status == AuditStatus.DUPLICATE:
                continue
            if f.status == AuditStatus.UNKNOWN:
                why = f"not a slot of {case.case_code} ({f.detail})" if f.bad_label else (
                    f"matches no asset ({f.detail})"
                )
                plan.follow_up.append((f.tag, why))
                continue
            if f.status == AuditStatus.MISSING:
                plan._missing.add(f.tag)
                gone = queries.audit_asset(conn, f.asset_id) if f.asset_id is not None else None
                if gone is not None and gone.location_type == LocationType.RETIRED:
                    why = f"not found on the shelf (expected in {f.expected_slot}); {_unexpected(gone)}"
                else:
                    plan.retirable.append(f.tag)
                    why = (
                        f"not found on the shelf (expected in {f.expected_slot}): look for it, "
                        "or retire it"
                    )
                plan.follow_up.append((f.tag, why))
                continue
            assert f.asset_id is not None
            now = queries.audit_asset(conn, f.asset_id)
            if now is None:
                continue
            if now.case_id == case.id and now.position == f.position:
                continue  # the database agrees with the shelf (now)
            if now.location_type == LocationType.RETIRED:
                plan.follow_up.append((now.tag, _unexpected(now)))
            elif now.location_type == LocationType.IN_CUSTODY:
                plan.stock_ins.append((now.tag, now.holder))
            elif f.position is None or not f.exact:
                plan.follow_up.append((now.tag, by_scan))
            else:
                target = Placement(now.tag, case.case_code, f.position)
                if now.case_id is not None:
                    plan.moves.append(target)
                    plan._occupying[f"{now.case_code}/{now.position}"] = now.tag
                else:
                    plan.put_aways.append(target)
                plan._target_holds[slot_name(case, f.position)] = queries.slot_at(
                    conn, case.id, f.position
                )[1]
    return plan


@dataclass
class FixBatch:
    """One normal batch prepared from an audit: previewed by the engine, committed whole by the
    engine's own ``commit_*`` (so refused whole if the database changed since)."""

    kind: str  # FIX_MOVE, FIX_PUT_AWAY or FIX_STOCK_IN
    case: CaseInfo
    placements: list[Placement] = field(default_factory=list)  # Move / Put-away
    scans: list[str] = field(default_factory=list)  # Stock-In
    preview: Preview | None = None
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (tag, why not now)
    holders: list[tuple[str, str]] = field(default_factory=list)  # Stock-In: (tag, holder)

    @property
    def count(self) -> int:
        return len(self.scans) if self.kind == FIX_STOCK_IN else len(self.placements)

    @property
    def ready(self) -> bool:
        return self.preview is not None and self.preview.ok

    @property
    def title(self) -> str:
        return FIX_TITLES[self.kind]

    def question(self) -> str:
        assets = plural(self.count, "asset")
        if self.kind == FIX_STOCK_IN:
            return f"Take {assets} back from their holders into {self.case.case_code}?"
        verb = "Move" if self.kind == FIX_MOVE else "Put away"
        return f"{verb} {assets} into the slots of {self.case.case_code} they were found in?"


def _preview(engine: Engine, batch: FixBatch) -> Preview:
    if batch.kind == FIX_STOCK_IN:
        return engine.preview_stock_in(batch.scans, batch.case.id)
    if batch.kind == FIX_MOVE:
        return engine.preview_move(batch.placements)
    return engine.preview_put_away(batch.placements)


def _why_left_out(plan: FixPlan, reason: str, code: Code | None, target: str, tag: str) -> str:
    """Why a candidate is not in the batch now: the engine's reason, and for a slot still taken
    what to do about the asset in it (it moves in this batch, it swaps, it is missing)."""
    if code == Code.SLOT_TAKEN:
        occupant = plan._target_holds.get(target)
        if occupant is not None and occupant in plan._missing:
            return f"{reason}, which was not found on the shelf: find it, or retire it, first"
        if occupant is not None and occupant in plan._occupying.values():
            mine = next((slot for slot, t in plan._occupying.items() if t == tag), None)
            swap = next(
                (p for p in plan.moves if p.scan == occupant and f"{p.case_code}/{p.position}" == mine),
                None,
            )
            if swap is not None:
                return (
                    f"swaps places with {occupant}: move one of them to a free slot first "
                    "(Scan page, Put-away / Move)"
                )
            return f"waits until {occupant} has left {target}: commit this batch, then fix again"
    return reason


def prepare_fix(engine: Engine, audit: Audit, kind: str, plan: FixPlan | None = None) -> FixBatch:
    """The ``kind`` batch for ``audit``: every candidate previewed; the lines the engine refuses
    now (a slot still taken, no free slot) are left out with the reason, the rest previewed
    again as the batch to commit."""
    if kind not in FIX_KINDS:
        raise ValueError(f"unknown fix {kind!r}")
    plan = plan if plan is not None else plan_fixes(engine, audit)
    case = audit.case
    if kind == FIX_STOCK_IN:
        batch = FixBatch(kind, case, scans=[t for t, _ in plan.stock_ins], holders=plan.stock_ins)
    else:
        items = plan.moves if kind == FIX_MOVE else plan.put_aways
        batch = FixBatch(kind, case, placements=list(items))
    if not batch.count:
        return batch
    first = _preview(engine, batch)
    keep = [i for i, line in enumerate(first.lines) if line.ok]
    for i, line in enumerate(first.lines):
        if not line.ok:
            tag = line.asset_tag or line.scan
            target = (
                f"{batch.placements[i].case_code}/{batch.placements[i].position}"
                if batch.placements
                else ""
            )
            batch.left_out.append((tag, _why_left_out(plan, line.reason, line.code, target, tag)))
    if kind == FIX_STOCK_IN:
        batch.scans = [batch.scans[i] for i in keep]
        kept = set(batch.scans)
        batch.holders = [(t, h) for t, h in batch.holders if t in kept]
    else:
        batch.placements = [batch.placements[i] for i in keep]
    batch.preview = _preview(engine, batch) if keep else None
    return batch


def commit_fix(engine: Engine, batch: FixBatch) -> CommitResult:
    """Commit a prepared fix batch with the engine's own atomic commit (``Refused`` whole, with
    every line's fresh verdict, if the database changed since it was previewed)."""
    if batch.kind == FIX_STOCK_IN:
        return engine.commit_stock_in(batch.scans, batch.case.id)
    if batch.kind == FIX_MOVE:
        return engine.commit_move(batch.placements)
    return engine.commit_put_away(batch.placements)


# -- a scan file (assettrack-admin audit) ---------------------------------------------------------

MAX_SCAN_FILE_BYTES = 16 * 1024 * 1024


def scan_lines(data: bytes, name: str) -> list[str]:
    """The scans of a file, one per line (UTF-8, with or without BOM; CR LF or LF), in order.
    Blank lines are kept (they are ignored as empty scans). ``UsageError`` when the file is not
    UTF-8 text or larger than 16 MiB."""
    from .errors import UsageError

    if len(data) > MAX_SCAN_FILE_BYTES:
        raise UsageError(f"{name} is larger than 16 MiB: not a list of scans")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name} is not UTF-8 text (byte {exc.start + 1}): save it as UTF-8, one scan per line"
        ) from None
    if "\x00" in text:
        raise UsageError(f"{name} holds NUL bytes: not a text file of scans")
    return text.splitlines()


# -- a station's audit in progress ----------------------------------------------------------------


class AuditSession:
    """The audit one station is doing, saved after every scan (``core.pending``) so a crash or a
    restart loses nothing; the GUI's Audit page and the CLI use it. Not thread-safe."""

    def __init__(self, engine: Engine, db_path: Path | str | object | None = None) -> None:
        """``db_path``: the database's file (or a server database, ``Store.path``) whose audit
        in progress is saved; None saves nothing (the CLI)."""
        self.engine = engine
        self.db_path = Path(db_path) if isinstance(db_path, str | Path) else db_path
        self.audit: Audit | None = None
        self.recorded: RecordedAudit | None = None  # set by finish(); fixes still possible

    @property
    def active(self) -> bool:
        """An audit is under way (started and not yet recorded)."""
        return self.audit is not None and self.recorded is None

    def start(self, case_ref: str | int) -> Audit:
        """Begin auditing a case (the one in progress, if any, is dropped: ask first)."""
        audit = self.engine.start_audit(case_ref)
        self.audit, self.recorded = audit, None
        self._save()
        return audit

    def scan(self, raw: str) -> AuditScan:
        if self.audit is None or self.recorded is not None:
            return AuditScan(False, "choose or scan a case to audit first", recorded=False)
        outcome = self.engine.audit_scan(self.audit, raw)
        if outcome.recorded:
            self._save()
        return outcome

    def finish(self) -> RecordedAudit:
        """Record the audit (one AUDIT event). It stays here, finished, for the fix batches.
        ``Refused`` when it has no scans (``Audit.refusal``): it stays in progress."""
        if self.audit is None or self.recorded is not None:
            raise UserError("there is no audit in progress to finish")
        self.recorded = self.engine.commit_audit(self.audit)
        if self.db_path is not None:
            clear_audit(self.db_path)
        return self.recorded

    def discard(self) -> None:
        """Drop the audit (nothing was recorded) or close a finished one."""
        self.audit, self.recorded = None, None
        if self.db_path is not None:
            clear_audit(self.db_path)

    def saved(self) -> Audit | None:
        """The audit a previous run of this station left unfinished, if any."""
        if self.db_path is None:
            return None
        return Audit.from_data(load_audit(self.db_path))

    def restore(self, audit: Audit) -> None:
        self.audit, self.recorded = audit, None
        self._save()

    def plan(self) -> FixPlan:
        if self.audit is None:
            return FixPlan()
        return plan_fixes(self.engine, self.audit)

    def prepare_fix(self, kind: str) -> FixBatch:
        if self.audit is None:
            raise UserError("there is no audit to fix from")
        return prepare_fix(self.engine, self.audit, kind)

    def commit_fix(self, batch: FixBatch) -> CommitResult:
        return commit_fix(self.engine, batch)

    def _save(self) -> None:
        if self.db_path is not None and self.audit is not None and self.recorded is None:
            save_audit(self.db_path, self.audit.to_data())
