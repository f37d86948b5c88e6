"""Drawing labels with fpdf2: imported by ``labels.write_labels_pdf`` when labels are made.

The symbols come from well-kept encoders — python-barcode (Code 128, drawn by its Pillow writer)
and segno (QR) — as PNGs with whole pixels per module, placed at an exact module size (a whole
number of 300 dpi dots, ``labels.module_mm``) so that every bar keeps its width when printed or
rendered.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from fpdf import FPDF
from PIL import Image

from .labels import DOT_MM, PAD, QR, QUIET_MODULES, Label, Layout, code128_pattern, module_mm
from .receipt import REGULAR_FONT

__all__ = ["render_labels_pdf"]

_FAMILY = "DejaVu"
_CODE_PT, _SECOND_PT, _MIN_PT = 7.0, 6.0, 4.0
_LINE = 0.3528  # mm per point


def _code128_png(code: str) -> tuple[bytes, int]:
    """(PNG, width in modules incl. quiet zones): one pixel per module, no text.

    python-barcode encodes (``build()`` gives the bar pattern, start/check/stop included); Pillow
    draws it. Its own ImageWriter rounds bar widths to pixels and loses bars at small sizes.
    """
    pattern = code128_pattern(code)
    modules = "0" * QUIET_MODULES + pattern + "0" * QUIET_MODULES
    image = Image.new("1", (len(modules), 1), 1)
    image.putdata([0 if m == "1" else 1 for m in modules])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), len(modules)


def _qr_png(code: str) -> tuple[bytes, int]:
    qr = segno.make(code, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=1, border=2)
    return out.getvalue(), int(qr.symbol_size(scale=1, border=2)[0])


class _LabelPDF(FPDF):
    def __init__(self, layout: Layout) -> None:
        super().__init__(unit="mm", format=(layout.page_width, layout.page_height))
        self.set_margins(0, 0, 0)
        self.set_auto_page_break(False)
        self.add_font(_FAMILY, "", str(REGULAR_FONT))
        self.set_creator("AssetTrack")
        self.set_title("AssetTrack labels")
        self.oversized_images = None

    def fitted_text(self, text: str, x: float, y: float, width: float, size: float) -> float:
        """One line, centred in ``width``; shrinks to fit, then shortens with '…'. Returns
        the height used."""
        while size > _MIN_PT:
            self.set_font(_FAMILY, "", size)
            if self.get_string_width(text) <= width:
                break
            size -= 0.5
        self.set_font(_FAMILY, "", size)
        shown = text
        while shown and self.get_string_width(shown) > width:
            shown = shown[:-2] + "…" if len(shown) > 1 else ""
        height = size * _LINE * 1.15
        self.set_xy(x, y)
        self.cell(width, height, shown, align="C")
        return height

    def label(self, label: Label, x: float, y: float, layout: Layout, symbology: str) -> None:
        inner_w = layout.label_width - 2 * PAD
        inner_h = layout.label_height - 2 * PAD
        text_h = (_CODE_PT + _SECOND_PT) * _LINE * 1.15
        if symbology == QR:
            png, _ = _qr_png(label.code)
            side = min(inner_h, inner_w / 2)
            self.image(io.BytesIO(png), x + PAD, y + PAD + (inner_h - side) / 2, side, side)
            text_x = x + PAD + side + 0.5
            text_w = inner_w - side - 0.5
            top = y + PAD + max(0.0, (inner_h - text_h) / 2)
        else:
            png, modules = _code128_png(label.code)
            bar_h = inner_h - text_h
            # Whole 300 dpi dots per module, the symbol's left edge on a dot: bars keep equal
            # widths on a 300 dpi printer (labels.module_mm; narrow_bars warns below 2 dots).
            bar_w = module_mm(layout, modules) * modules
            left = round((x + (layout.label_width - bar_w) / 2) / DOT_MM) * DOT_MM
            self.image(io.BytesIO(png), left, y + PAD, bar_w, bar_h)
            text_x, text_w, top = x + PAD, inner_w, y + PAD + bar_h
        top += self.fitted_text(label.code, text_x, top, text_w, _CODE_PT)
        self.fitted_text(label.second_line, text_x, top, text_w, _SECOND_PT)


def render_labels_pdf(
    labels: Sequence[Label], layout: Layout, *, symbology: str, start: int = 1
) -> tuple[bytes, int]:
    """The PDF's bytes and its page count; label i goes to position ``start - 1 + i``."""
    pdf = _LabelPDF(layout)
    for i, label in enumerate(labels, start - 1):
        if i % layout.per_page == 0 or pdf.page_no() == 0:
            pdf.add_page()
        x, y = layout.position(i)
        pdf.label(label, x, y, layout, symbology)
    return bytes(pdf.output()), pdf.page_no()
