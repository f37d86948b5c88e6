"""Drawing an audit sheet for signing with fpdf2: imported by ``audit_report.write_audit_pdf``
only when such a PDF is made (fpdf2 and fontTools cost ~400 ms of imports nobody else should pay).

The same fonts as the receipts (DejaVu Sans, bundled; a system CJK fallback when needed).
"""

from __future__ import annotations

from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from .audit import STATUS_WORDS, STATUSES
from .audit_report import AuditSheet
from .receipt_pdf import SheetPDF, _quiet_missing_glyphs, field

__all__ = ["render_audit_pdf"]

_FAMILY = "DejaVu"
_GREY = (90, 90, 90)
TITLE = "Stocktake (audit) sheet"
SIGNERS = ("Counted by (operator)", "Checked by (supervisor)")


class _AuditPDF(SheetPDF):
    def __init__(self, sheet: AuditSheet) -> None:
        self.sheet = sheet
        s = sheet
        super().__init__(
            f"{TITLE} {s.case_code} {s.batch_id}",
            f"AssetTrack · {TITLE} · {s.case_code} · Batch {s.batch_id}",
            [s.case_code, s.case_name, s.operator, *(v for row in s.findings for v in row)],
        )


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
    field(pdf, "Case", f"{sheet.case_code}{name}", bold=True)
    field(pdf, "Date", f"{sheet.created_at_local} (UTC {sheet.created_at_utc})")
    field(pdf, "Operator", sheet.operator)
    field(pdf, "Batch", sheet.batch_id)
    field(pdf, "Scans", str(sheet.scans))
    field(
        pdf,
        "Found",
        ", ".join(f"{sheet.counts.get(s.value, 0)} {STATUS_WORDS[s]}" for s in STATUSES),
    )
    pdf.ln(4)
    _findings_table(pdf, sheet)
    _closing(pdf, sheet)
    with _quiet_missing_glyphs():
        return bytes(pdf.output())
