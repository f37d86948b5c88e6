"""Drawing a receipt with fpdf2: imported by ``receipt.write_receipt_pdf`` when a receipt is made.

Kept apart from ``receipt`` so that importing the receipt's data (as ``reports`` does, and with it
the window and the admin CLI) does not load fpdf2 and fontTools at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace, TTFFont

from . import receipt as receipt_mod
from .eventlog import LogHead
from .receipt import SIGNERS, STATEMENTS, Receipt, ReceiptLine, receipt_title, void_notice

__all__ = ["SheetPDF", "field", "render_receipt_pdf"]

_FAMILY = "DejaVu"
_FALLBACK_FAMILY = "Fallback"
_GREY = (90, 90, 90)


def _text(value: object) -> str:
    return "" if value is None else str(value)


class SheetPDF(FPDF):
    """An A4 sheet in the receipts' fonts (DejaVu Sans, bundled; a system fallback font when
    ``texts`` need glyphs DejaVu lacks), with a grey running line on top and "Page n of N"
    below. Receipts and audit sheets (``audit_report_pdf``) are drawn on it."""

    def __init__(self, title: str, running_line: str, texts: Iterable[object]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.running_line = running_line
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(_FAMILY, "", str(receipt_mod.REGULAR_FONT))
        self.add_font(_FAMILY, "B", str(receipt_mod.BOLD_FONT))
        self.set_title(title)
        self.set_creator("AssetTrack")
        self._add_fallback_font_if_needed(texts)

    def _add_fallback_font_if_needed(self, texts: Iterable[object]) -> None:
        font = self.fonts[_FAMILY.lower()]
        cmap = font.cmap if isinstance(font, TTFFont) else {}
        missing = {ch for t in texts for ch in _text(t) if ord(ch) >= 0x20 and ord(ch) not in cmap}
        if not missing:
            return
        for candidate in receipt_mod.FALLBACK_FONT_CANDIDATES:
            if candidate.is_file():
                self.add_font(_FALLBACK_FAMILY, "", str(candidate))
                # exact_match=False: the regular fallback also serves bold text (the holder name).
                self.set_fallback_fonts([_FALLBACK_FAMILY], exact_match=False)
                return

    def header(self) -> None:
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 4, self.running_line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def field(pdf: FPDF, label: str, value: str, *, bold: bool = False) -> None:
    """One "Label   value" line of a sheet's heading block."""
    pdf.set_font(_FAMILY, "", 10)
    pdf.cell(32, 6, label)
    pdf.set_font(_FAMILY, "B" if bold else "", 10)
    pdf.multi_cell(0, 6, value or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


class _ReceiptPDF(SheetPDF):
    def __init__(self, receipt: Receipt) -> None:
        self.receipt = receipt
        self.title_text = receipt_title(receipt.kind)
        r = receipt
        texts: list[object] = [
            r.holder_name, r.holder_badge, r.operator, r.batch_id, r.created_at_local
        ]
        for line in r.lines:
            texts += [line.asset_tag, line.serial, line.description, line.slot]
        super().__init__(
            f"{self.title_text} {receipt.batch_id}",
            f"AssetTrack · {self.title_text} · Batch {receipt.batch_id}",
            texts,
        )


def _assets_table(pdf: _ReceiptPDF, lines: Sequence[ReceiptLine]) -> None:
    pdf.set_font(_FAMILY, "", 9)
    with pdf.table(
        col_widths=(12, 30, 33, 77, 28),
        text_align="LEFT",
        line_height=4.5,
        padding=(0.8, 1.5),
        borders_layout=TableBordersLayout.SINGLE_TOP_LINE,
        headings_style=FontFace(emphasis="BOLD"),
        repeat_headings=1,
    ) as table:
        table.row(("#", "Asset tag", "Serial", "Description", "Slot"))
        for n, line in enumerate(lines, 1):
            table.row(
                (
                    str(n),
                    _text(line.asset_tag),
                    _text(line.serial),
                    _text(line.description),
                    _text(line.slot),
                )
            )


def _closing(pdf: _ReceiptPDF, receipt: Receipt) -> None:
    """Total, statement and signature lines, kept together on one page so no one signs a blank."""
    block_height = 75 if receipt.log_head is not None else 68
    pdf.ln(3)
    if pdf.will_page_break(block_height):
        pdf.add_page()
    count = len(receipt.lines)
    noun = "asset" if count == 1 else "assets"
    pdf.set_font(_FAMILY, "B", 10)
    pdf.cell(0, 6, f"Total: {count} {noun}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if receipt.log_head is not None:
        head = receipt.log_head
        events, head_hash = (head.count, head.head_hash) if isinstance(head, LogHead) else head
        pdf.set_font(_FAMILY, "", 7)
        pdf.set_text_color(*_GREY)
        pdf.multi_cell(
            0,
            4,
            f"Event log at printing: {events} events, head hash {head_hash}",
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font(_FAMILY, "", 10)
    pdf.multi_cell(
        0,
        5,
        STATEMENTS[receipt.kind].format(count=count, noun=noun, batch=receipt.batch_id),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(6)

    left_label, right_label = SIGNERS[receipt.kind]
    gap = 10
    col = (pdf.epw - gap) / 2
    top = pdf.get_y()
    for i, (label, name) in enumerate(
        ((left_label, receipt.holder_name), (right_label, receipt.operator))
    ):
        x = pdf.l_margin + i * (col + gap)
        pdf.set_xy(x, top)
        pdf.set_font(_FAMILY, "B", 10)
        pdf.cell(col, 6, label)
        pdf.set_xy(x, top + 6)
        pdf.set_font(_FAMILY, "", 10)
        pdf.cell(col, 6, name or "")
        for row, caption in enumerate(("Signature", "Date")):
            y = top + 22 + row * 12
            pdf.set_xy(x, y - 5)
            pdf.cell(22, 5, caption)
            pdf.line(x + 22, y, x + col, y)
    pdf.set_xy(pdf.l_margin, top + 40)


@contextmanager
def _quiet_missing_glyphs() -> Iterator[None]:
    """Drop fpdf2's "Font ... is missing the following glyphs" log record while rendering.

    Missing glyphs are expected (CJK with no fallback font installed) and handled: they print as
    boxes. The record would otherwise reach the CLI's stderr or the GUI log as an alarming warning.
    It is a ``logging`` record, not a ``warnings`` warning, so ``filterwarnings=error`` would not
    catch it; this filter is scoped to rendering and removes only that one message.
    """
    logger = logging.getLogger("fpdf.output")

    def keep(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Font %s is missing the following glyphs")

    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def render_receipt_pdf(receipt: Receipt) -> bytes:
    """The A4 receipt for ``receipt`` as PDF bytes (``receipt.write_receipt_pdf`` saves them)."""
    pdf = _ReceiptPDF(receipt)
    pdf.add_page()

    pdf.set_font(_FAMILY, "B", 18)
    pdf.cell(0, 10, pdf.title_text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "", 10)
    pdf.set_text_color(*_GREY)
    pdf.cell(0, 5, "AssetTrack stockroom custody", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    badge = f" (badge {receipt.holder_badge})" if receipt.holder_badge else ""
    field(pdf, "Holder", f"{receipt.holder_name}{badge}", bold=True)
    field(pdf, "Batch", receipt.batch_id)
    field(pdf, "Date", f"{receipt.created_at_local} (UTC {receipt.created_at_utc})")
    field(pdf, "Operator", receipt.operator)
    field(pdf, "Assets", str(len(receipt.lines)))
    if notice := void_notice(receipt):
        pdf.ln(2)
        pdf.set_font(_FAMILY, "B", 11)
        pdf.set_text_color(170, 0, 0)
        pdf.multi_cell(0, 6, notice, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    _assets_table(pdf, receipt.lines)

    _closing(pdf, receipt)

    with _quiet_missing_glyphs():
        return bytes(pdf.output())
