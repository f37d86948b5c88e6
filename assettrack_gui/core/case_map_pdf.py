"""The printable map of a case: its rows × columns grid on paper, each slot with its position and
the tag (and description) of the asset in it, to hang on the cart or shelf.

fpdf2 is imported by ``render_case_map_pdf`` only when a map is drawn (as ``receipt`` leaves
``receipt_pdf`` for later), so importing this module costs nothing at start-up. A large case is
split over pages in bands of rows and columns so that every cell stays readable (at least
``MIN_CELL_W`` × ``MIN_CELL_H`` mm); each page says which rows and columns it shows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from .atomic import atomic_write_bytes
from .errors import UserError
from .model import CaseInfo, SlotInfo
from .receipt import BOLD_FONT, REGULAR_FONT
from .store import Store

__all__ = ["CaseMap", "case_map", "render_case_map_pdf", "write_case_map_pdf"]

MIN_CELL_W, MIN_CELL_H = 32.0, 15.0  # mm: a tag of ~20 characters at 7 pt, a description line
_MARGIN = 12.0
_FAMILY = "DejaVu"
_GREY = (100, 100, 100)


@dataclass
class CaseMap:
    case: CaseInfo
    slots: list[SlotInfo] = field(default_factory=list)  # by position, 1 … rows × cols
    printed_at: str = ""  # local time, for the page header

    @property
    def used(self) -> int:
        return sum(1 for s in self.slots if not s.empty)


def case_map(store: Store, ref: str | int) -> CaseMap:
    """The map of one case (by id or code as scanned); ``UserError`` for an unknown case."""
    from .engine import find_case
    from .queries import case_by_id, case_slots

    with store.read() as conn:
        case = case_by_id(conn, ref) if isinstance(ref, int) else find_case(conn, ref)
        if case is None:
            raise UserError(f"no case {ref!r}")
        slots = case_slots(conn, case.id)
    printed = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return CaseMap(case, slots, printed)


def _bands(count: int, room: float, least: float) -> list[range]:
    """``count`` rows (or columns) cut into runs that fit ``room`` mm at ``least`` mm each."""
    per = max(1, int(room // least))
    return [range(start, min(start + per, count)) for start in range(0, count, per)]


def render_case_map_pdf(the_map: CaseMap) -> bytes:
    """The map as PDF bytes: A4, landscape when the case is wider than tall."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from .receipt_pdf import _quiet_missing_glyphs

    case = the_map.case
    landscape = case.cols > case.rows
    pdf = FPDF(orientation="landscape" if landscape else "portrait", unit="mm", format="A4")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)
    pdf.add_font(_FAMILY, "", str(REGULAR_FONT))
    pdf.add_font(_FAMILY, "B", str(BOLD_FONT))
    pdf.set_title(f"Case map {case.case_code}")
    pdf.set_creator("AssetTrack")
    header_h = 24.0
    room_w = pdf.w - 2 * _MARGIN
    room_h = pdf.h - 2 * _MARGIN - header_h - 6
    row_bands = _bands(case.rows, room_h, MIN_CELL_H)
    col_bands = _bands(case.cols, room_w, MIN_CELL_W)
    pages = len(row_bands) * len(col_bands)
    by_position = {s.position: s for s in the_map.slots}

    def fit(text: str, width: float, size: float, style: str = "") -> float:
        """The largest font size ≤ ``size`` (down to 4 pt) at which ``text`` fits ``width``."""
        while size > 4:
            pdf.set_font(_FAMILY, style, size)
            if pdf.get_string_width(text) <= width:
                return size
            size -= 0.5
        pdf.set_font(_FAMILY, style, 4)
        return 4

    def clip(text: str, width: float) -> str:
        if pdf.get_string_width(text) <= width:
            return text
        while text and pdf.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    page = 0
    for rows in row_bands:
        for cols in col_bands:
            page += 1
            pdf.add_page()
            pdf.set_font(_FAMILY, "B", 16)
            title = f"Case {case.case_code}"
            if pages > 1:
                title += f" — page {page} of {pages}"
            pdf.cell(0, 8, clip(title, room_w), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font(_FAMILY, "", 10)
            pdf.cell(0, 5, clip(case.name, room_w), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(*_GREY)
            pdf.set_font(_FAMILY, "", 8)
            for line in (
                f"{case.rows} rows × {case.cols} columns, slots numbered row by row · "
                f"{the_map.used} of {case.size} slots used · printed {the_map.printed_at}",
                f"This page: rows {rows.start + 1}–{rows.stop}, "
                f"columns {cols.start + 1}–{cols.stop}" if pages > 1 else "",
            ):
                pdf.cell(0, 4, clip(line, room_w), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
            top = _MARGIN + header_h
            cell_w = min(room_w / len(cols), 60.0)
            cell_h = min(room_h / len(rows), 40.0)
            for i, r in enumerate(rows):
                for j, c in enumerate(cols):
                    position = r * case.cols + c + 1
                    slot = by_position.get(position)
                    x, y = _MARGIN + j * cell_w, top + i * cell_h
                    pdf.rect(x, y, cell_w, cell_h)
                    pdf.set_text_color(*_GREY)
                    pdf.set_font(_FAMILY, "", 6.5)
                    pdf.set_xy(x + 1, y + 0.8)
                    pdf.cell(cell_w - 2, 3, f"{case.case_code}/{position}")
                    inner = cell_w - 3
                    if slot is None or slot.asset_tag is None:
                        pdf.set_font(_FAMILY, "", 7)
                        pdf.set_xy(x + 1.5, y + cell_h / 2 - 2)
                        pdf.cell(inner, 4, "empty", align="C")
                        pdf.set_text_color(0, 0, 0)
                        continue
                    pdf.set_text_color(0, 0, 0)
                    size = fit(slot.asset_tag, inner, 11, "B")
                    pdf.set_xy(x + 1.5, y + cell_h / 2 - 3)
                    pdf.cell(inner, size * 0.3528 + 1, clip(slot.asset_tag, inner), align="C")
                    if slot.description and cell_h >= 12:
                        pdf.set_text_color(*_GREY)
                        pdf.set_font(_FAMILY, "", 6)
                        pdf.set_xy(x + 1.5, y + cell_h / 2 + 2.5)
                        pdf.cell(inner, 3, clip(slot.description, inner), align="C")
                        pdf.set_text_color(0, 0, 0)
    with _quiet_missing_glyphs():
        return bytes(pdf.output())


def write_case_map_pdf(store: Store, ref: str | int, path: str | os.PathLike[str]) -> CaseMap:
    """Write the map of case ``ref`` to ``path`` (replaced only once complete); returns what
    was drawn."""
    the_map = case_map(store, ref)
    atomic_write_bytes(path, render_case_map_pdf(the_map))
    return the_map
