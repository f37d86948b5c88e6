"""Drawing an audit sheet for signing with fpdf2: imported by ``audit_report.write_audit_pdf``
only when such a PDF is made (fpdf2 and fontTools cost ~400 ms of imports nobody else should pay).

The same fonts as the receipts (DejaVu Sans, bundled; a system CJK fallback when needed).
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace, TTFFont

from . import receipt as receipt_mod
from .audit import STATUS_WORDS, STATUSES
from .audit_report import AuditSheet
from .receipt_pdf import _quiet_missing_glyphs

__all__ = ["render_audit_pdf"]

_FAMILY = "DejaVu"
_FALLBACK_FAMILY = "Fallback"
_GREY = (90, 90, 90)
TITLE = "Stocktake (audit) sheet"
SIGNERS = ("Counted by (operator)", "Checked by (supervisor)")


class _AuditPDF(FPDF):
    def __init__(self, sheet: AuditSheet) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.sheet = sheet
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(_FAMILY, "", str(receipt_mod.REGULAR_FONT))
        self.add_font(_FAMILY, "B", str(receipt_mod.BOLD_FONT))
        self.set_title(f"{TITLE} {sheet.case_code} {sheet.batch_id}")
        self.set_creator("AssetTrack")
        self._add_fallback_font_if_needed()

    def _add_fallback_font_if_needed(self) -> None:
        s = self.sheet
        texts = [s.case_code, s.case_name, s.operator, *(v for row in s.findings for v in row)]
        font = self.fonts[_FAMILY.lower()]
        cmap = font.cmap if isinstance(font, TTFFont) else {}
        if not any(ord(ch) >= 0x20 and ord(ch) not in cmap for t in texts for ch in t):
            return
        for candidate in receipt_mod.FALLBACK_FONT_CANDIDATES:
            if candidate.is_file():
                self.add_font(_FALLBACK_FAMILY, "", str(candidate))
                self.set_fallback_fonts([_FALLBACK_FAMILY], exact_match=False)
                return

    def header(self) -> None:
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        self.cell(
            0,
            4,
            f"AssetTrack · {TITLE} · {self.sheet.case_code} · Batch {self.sheet.batch_id}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(0, 0, 0)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _field(pdf: _AuditPDF, label: str, value: str, *, bold: bool = False) -> None:
    pdf.set_font(_FAMILY, "", 10)
    pdf.cell(32, 6, label)
    pdf.set_font(_FAMILY, "B" if bold else "", 10)
    pdf.multi_cell(0, 6, value or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _findings_table(pdf: _AuditPDF, sheet: AuditSheet) -> None:
    pdf.set_font(_FAMILY, "", 8)
    with pdf.table(
        col_widths=(8, 30, 20, 24, 24, 74),
        text_align="LEFT",
        line_height=4,
        padding=(0.8, 1.2),
        borders_layout=TableBordersLayout.SINGLE_TOP_LINE,
        headings_style=FontFace(emphasis="BOLD"),
        repeat_headings=1,
    ) as table:
        table.row(("#", "Asset tag / scan", "Class", "Expected", "Found", "Detail"))
        for n, (tag, status, expected, found, detail) in enumerate(sheet.findings, 1):
            table.row((str(n), tag, STATUS_WORDS.get(status, status), expected, found, detail))


def _closing(pdf: _AuditPDF, sheet: AuditSheet) -> None:
    """The statement, the log head and the signature lines, kept together on one page."""
    pdf.ln(3)
    if pdf.will_page_break(78):
        pdf.add_page()
    pdf.set_font(_FAMILY, "B", 10)
    pdf.cell(0, 6, f"Total: {len(sheet.findings)} findings", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if sheet.log_head is not None:
        pdf.set_font(_FAMILY, "", 7)
        pdf.set_text_color(*_GREY)
        pdf.multi_cell(
            0,
            4,
            f"Event log at printing: {sheet.log_head.count} events, "
            f"head hash {sheet.log_head.head_hash}",
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
        f"Case {sheet.case_code} was counted on {sheet.created_at_local}; what was found is "
        f"listed above (audit recorded as batch {sheet.batch_id}). No asset was changed by "
        "recording it; differences are fixed by separate batches.",
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(6)
    gap = 10
    col = (pdf.epw - gap) / 2
    top = pdf.get_y()
    for i, (label, name) in enumerate(zip(SIGNERS, (sheet.operator, ""), strict=True)):
        x = pdf.l_margin + i * (col + gap)
        pdf.set_xy(x, top)
        pdf.set_font(_FAMILY, "B", 10)
        pdf.cell(col, 6, label)
        pdf.set_xy(x, top + 6)
        pdf.set_font(_FAMILY, "", 10)
        pdf.cell(col, 6, name)
        for row, caption in enumerate(("Signature", "Date")):
            y = top + 22 + row * 12
            pdf.set_xy(x, y - 5)
            pdf.cell(22, 5, caption)
            pdf.line(x + 22, y, x + col, y)
    pdf.set_xy(pdf.l_margin, top + 40)


def render_audit_pdf(sheet: AuditSheet) -> bytes:
    """The A4 audit sheet as PDF bytes: case, date, operator, counts, every finding, signatures."""
    pdf = _AuditPDF(sheet)
    pdf.add_page()
    pdf.set_font(_FAMILY, "B", 18)
    pdf.cell(0, 10, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "", 10)
    pdf.set_text_color(*_GREY)
    pdf.cell(0, 5, "AssetTrack stockroom custody", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)
    name = f" — {sheet.case_name}" if sheet.case_name else ""
    _field(pdf, "Case", f"{sheet.case_code}{name}", bold=True)
    _field(pdf, "Date", f"{sheet.created_at_local} (UTC {sheet.created_at_utc})")
    _field(pdf, "Operator", sheet.operator)
    _field(pdf, "Batch", sheet.batch_id)
    _field(pdf, "Scans", str(sheet.scans))
    _field(
        pdf,
        "Found",
        ", ".join(f"{sheet.counts.get(s.value, 0)} {STATUS_WORDS[s]}" for s in STATUSES),
    )
    pdf.ln(4)
    _findings_table(pdf, sheet)
    _closing(pdf, sheet)
    with _quiet_missing_glyphs():
        return bytes(pdf.output())
