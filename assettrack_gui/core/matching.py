"""Turning a raw scan into the database's canonical value, and nothing more.

Normalisation removes only what the settings say: surrounding whitespace and control characters
(CR, LF, Tab, GS 0x1D, …), a configured prefix/suffix and a leading AIM symbology identifier.
Matching is exact first, then equal after removing '-' on both sides. There is no case folding,
padding or fuzzy matching: a match that differs only in letter case is reported as a hint
("is Caps Lock on?") and never used.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from . import queries
from .model import Code
from .queries import Conn
from .settings import Settings
from .text import is_text, strip_edges, visible

AIM_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
MAX_SCAN_LENGTH = 200

ASSET, HOLDER, CASE = "asset", "holder", "case"
UNKNOWN, AMBIGUOUS, EMPTY, TOO_LONG = "unknown", "ambiguous", "empty", "too_long"
KIND_WORDS = {ASSET: "asset", HOLDER: "holder badge", CASE: "case"}

# A slot label as Put-away, the audit and ``labels slots`` read it: everything before the last
# "/" is the case code, a whole number of up to six digits after it the position (``CART-A/3``).
# ``rules.slot_label_like`` refuses a new code of this shape, so a scan has one meaning.
SLOT_LABEL = re.compile(r"^(?P<case>.+)/(?P<pos>\d{1,6})$")


def normalize_scan(raw: str, settings: Settings | None = None) -> str:
    """Strip what the scanner adds around a code, as configured; never change the code itself."""
    settings = settings or Settings()
    text = strip_edges(raw)
    if settings.prefix and text.startswith(settings.prefix):
        text = text[len(settings.prefix) :]
    if settings.suffix and text.endswith(settings.suffix):
        text = text[: -len(settings.suffix)]
    if settings.strip_aim:
        text = AIM_ID.sub("", text, count=1)
    return strip_edges(text)


class Match(NamedTuple):
    """What a scan is. ``kind`` is asset/holder/case, or unknown/ambiguous/empty/too_long."""

    scan: str
    kind: str
    id: int | None = None
    canonical: str | None = None
    via: str = ""  # "exact" or "dashless"
    message: str = ""  # why it is not a match (unknown/ambiguous/...), with any hint
    candidates: tuple[tuple[str, str], ...] = ()
    hint: str = ""  # "case EMP exists — is Caps Lock on?" (code CAPS_LOCK_HINT)

    @property
    def found(self) -> bool:
        return self.kind in KIND_WORDS

    @property
    def hint_code(self) -> Code | None:
        return Code.CAPS_LOCK_HINT if self.hint else None

    @property
    def code(self) -> Code | None:
        """Why this is not an asset, as a verdict code (None for an asset)."""
        return _KIND_CODES.get(self.kind)


_KIND_CODES = {
    EMPTY: Code.EMPTY_SCAN,
    TOO_LONG: Code.SCAN_TOO_LONG,
    UNKNOWN: Code.UNKNOWN_SCAN,
    AMBIGUOUS: Code.AMBIGUOUS_SCAN,
    HOLDER: Code.HOLDER_BADGE,
    CASE: Code.CASE_CODE,
}


def classify(conn: Conn, scan: str) -> Match:
    """Say what a normalised scan is: one asset, holder badge or case, or why it is none."""
    if not scan:
        return Match(scan, EMPTY, message="empty scan")
    if len(scan) > MAX_SCAN_LENGTH:
        return Match(
            scan,
            TOO_LONG,
            message=f"scan too long ({len(scan)} characters): not a tag, badge or case code",
        )
    if not is_text(scan):
        return Match(
            scan,
            UNKNOWN,
            message=f"no asset, badge or case {visible(scan)}: the scan contains bytes that are "
            "not UTF-8 text (check the scanner's or terminal's character set)",
        )
    rows = queries.codes_exact(conn, scan)
    via = "exact"
    key = scan.replace("-", "")
    if not rows and key:
        rows = queries.codes_dashless(conn, key)
        via = "dashless"
    if len(rows) == 1:
        kind, row_id, value = rows[0]
        return Match(scan, kind, row_id, value, via)
    if len(rows) > 1:
        named = " and ".join(f"{KIND_WORDS[k]} {v}" for k, _, v in rows)
        return Match(
            scan,
            AMBIGUOUS,
            message=f"ambiguous: {visible(scan)} matches {named}; scan a code that matches exactly",
            candidates=tuple((k, v) for k, _, v in rows),
        )
    message = f"no asset, badge or case {visible(scan)}"
    if key:
        near = queries.codes_other_case(conn, key)
        if near:
            kind, _, value = near[0]
            # Name what was looked for by the kind that nearly matched: an asset scan is "no
            # asset"; anything else was not an asset either, so say all three were tried.
            looked = "asset" if kind == ASSET else "asset, badge or case"
            hint = f"{KIND_WORDS[kind]} {value} exists — is Caps Lock on?"
            return Match(scan, UNKNOWN, message=f"no {looked} {visible(scan)}; {hint}", hint=hint)
    return Match(scan, UNKNOWN, message=message)
