"""Printable PDF receipts for a stock-out (hand-over) or stock-in (return) batch.

A receipt is the paper a holder signs: who took or returned which assets, when, and who issued
them. It is plain fpdf2 (no Qt), so the GUI, ``assettrack-admin`` and tests make the same file.

This module holds what a receipt says (the data classes, titles, statements, signers) and
``write_receipt_pdf``; the drawing lives in ``receipt_pdf``, imported only when a receipt is made,
because fpdf2 (with fontTools) costs about 400 ms of imports that the window and the admin CLI
should not pay at every start.

fpdf2's built-in fonts are Latin-1 only, which would turn "Łukasiewicz" into an error, so DejaVu
Sans (bundled in ``resources/fonts``) is used. DejaVu has no CJK glyphs; if a
receipt needs characters DejaVu lacks and a known system fallback font exists (see
``FALLBACK_FONT_CANDIDATES``), it is embedded too; otherwise those characters print as empty boxes
rather than failing, because a receipt with a box is better than no receipt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..resources import ROOT as RESOURCES
from .atomic import atomic_write_bytes
from .enums import EventType
from .eventlog import LogHead

__all__ = [
    "FONT_DIR",
    "Receipt",
    "ReceiptLine",
    "receipt_title",
    "void_notice",
    "write_receipt_pdf",
]

FONT_DIR = RESOURCES / "fonts"
REGULAR_FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"

# System fonts that cover CJK and are TrueType (what fpdf2 embeds reliably). Only used when a
# receipt contains characters DejaVu lacks; absent ones are skipped. Read when a receipt is drawn,
# so a test can replace it.
FALLBACK_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallback.ttf"),
    Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
    Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts" / "ARIALUNI.TTF",
)

_TITLES: dict[str, str] = {EventType.STOCK_OUT: "Hand-over receipt", EventType.STOCK_IN: "Return receipt"}
# (left signer, right signer): the holder signs on the left, the stockroom on the right.
SIGNERS: dict[str, tuple[str, str]] = {
    EventType.STOCK_OUT: ("Received by (holder)", "Issued by (operator)"),
    EventType.STOCK_IN: ("Returned by (holder)", "Received by (operator)"),
}
STATEMENTS: dict[str, str] = {
    EventType.STOCK_OUT: "The holder received the {count} {noun} listed in this receipt (batch {batch}) "
    "and is responsible for them until they are returned.",
    EventType.STOCK_IN: "The stockroom received back the {count} {noun} listed in this receipt "
    "(batch {batch}).",
}


@dataclass
class ReceiptLine:
    asset_tag: str
    serial: str
    description: str
    slot: str


@dataclass
class Receipt:
    kind: str  # EventType.STOCK_OUT (hand-over receipt) or EventType.STOCK_IN (return receipt)
    batch_id: str
    created_at_utc: str  # ISO-8601
    created_at_local: str  # display string in the stockroom's local time
    operator: str
    holder_name: str
    holder_badge: str
    lines: list[ReceiptLine] = field(default_factory=list)
    log_head: tuple[int, str] | LogHead | None = None
    voided_by: str = ""  # the batch that voided this one later (undone: not in force)
    voids: str = ""  # this batch is itself a void of that batch


def void_notice(receipt: Receipt) -> str:
    """The line a receipt prints when its batch was voided, or is a void; "" otherwise."""
    if receipt.voided_by:
        return (
            f"VOIDED: this batch was undone by batch {receipt.voided_by}; "
            "the assets listed went back to where they were before it."
        )
    if receipt.voids:
        return f"This batch voids batch {receipt.voids}: it undoes that batch's changes."
    return ""


def receipt_title(kind: str) -> str:
    """The printed title of a STOCK_OUT or STOCK_IN batch; ``ValueError`` for other event types."""
    try:
        return _TITLES[kind]
    except KeyError:
        raise ValueError(
            f"receipts exist for STOCK_OUT and STOCK_IN batches, not {kind!r}"
        ) from None


def write_receipt_pdf(receipt: Receipt, path: str | os.PathLike[str]) -> None:
    """Write an A4 receipt for ``receipt`` to ``path`` (replacing it only once complete)."""
    from .receipt_pdf import render_receipt_pdf  # fpdf2 loads here, when a receipt is made

    # Readable by its user only: a receipt names a person and what they hold.
    atomic_write_bytes(path, render_receipt_pdf(receipt), mode=0o600)
