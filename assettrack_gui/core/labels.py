"""Printable barcode labels: what goes on each label, and the sheet and roll layouts as data.

A label carries exactly the code the app scans — an asset tag, a case code, a slot label
``CASE/POS`` (as Put-away accepts) or a holder badge — as a Code 128 (or QR) symbol, the code in
text under it and a second line (description, case name, holder name). Codes are looked up like a
scan (``Engine.classify``: exact, then without dashes) and the label carries the database's
canonical value; a code that matches nothing is refused, naming it.

Drawing the PDF (fpdf2, python-barcode, segno, Pillow) lives in ``labels_pdf`` and is imported
only when labels are made, so the admin CLI and the window start without those libraries.

**How wide a bar is.** A Code 128 symbol is drawn as wide as the label allows, with every module
(the narrowest bar or space) a whole number of 300 dpi dots (``DOT_MM`` = 0.0847 mm): a 300 dpi
printer (and a page rendered at 300 dpi) then gives every bar the width it was meant to have,
whereas a module of, say, 2.24 dots prints as a mix of 2- and 3-dot bars that a decoder may not
read. The smallest module drawn that way is ``MIN_MODULE_DOTS`` = 2 dots, 0.169 mm (6.7 mil):
one dot (0.085 mm) is below what ordinary handheld scanners resolve and is eaten by ink or
toner spread. A code too long for that on its layout is still drawn (as wide as fits, the text
unchanged) but ``narrow_bars`` names it, its module width and what to do: a wider layout, or QR.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import matching, queries
from .atomic import atomic_write_bytes
from .errors import Refused, UsageError
from .text import visible

if TYPE_CHECKING:
    from .engine import Engine
    from .model import CaseInfo

__all__ = [
    "LAYOUTS",
    "MIN_MODULE_MM",
    "NarrowBars",
    "SYMBOLOGIES",
    "Label",
    "Layout",
    "asset_labels",
    "retired_note",
    "badge_labels",
    "code128_module_mm",
    "narrow_bars",
    "case_labels",
    "slot_labels",
    "write_labels_pdf",
]

CODE128, QR = "code128", "qr"
SYMBOLOGIES = (CODE128, QR)


@dataclass(frozen=True)
class Label:
    code: str  # exactly what a scanner reads back
    second_line: str  # description, case name or holder name
    # Not printed: what the person asking should know about this label (a retired asset's).
    note: str = ""


@dataclass(frozen=True)
class Layout:
    """One label stock. All lengths in mm; label (row r, column c), both from 0, has its top-left
    corner at (side + c × pitch_x, top + r × pitch_y)."""

    name: str
    title: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    top: float  # page top edge to the first row's top edge
    side: float  # page left edge to the first column's left edge
    pitch_x: float  # left edge to left edge of neighbouring columns
    pitch_y: float  # top edge to top edge of neighbouring rows

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """Top-left corner (x, y) of label ``index`` (0-based, row by row) on its page."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.side + column * self.pitch_x, self.top + row * self.pitch_y


# Geometry from the manufacturers' templates.
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        # A4, 5 across × 13 down, 38.1 × 21.2 mm; top 10.7 mm, side 4.75 mm, pitch 40.6 × 21.2 mm.
        Layout("avery-l7651", "A4 sheet, Avery L7651 (5 × 13, 38.1 × 21.2 mm)",
               210.0, 297.0, 5, 13, 38.1, 21.2, 10.7, 4.75, 40.6, 21.2),
        # US Letter, 3 across × 10 down, 66.7 × 25.4 mm; top 12.7 mm, side 4.8 mm,
        # pitch 69.85 × 25.4 mm.
        Layout("avery-5160", "US Letter sheet, Avery 5160 (3 × 10, 66.7 × 25.4 mm)",
               215.9, 279.4, 3, 10, 66.7, 25.4, 12.7, 4.8, 69.85, 25.4),
        # 62 mm continuous roll (e.g. Brother DK-22205) cut at 29 mm: one label per page.
        Layout("roll-62mm", "62 mm continuous roll, one 62 × 29 mm label per page",
               62.0, 29.0, 1, 1, 62.0, 29.0, 0.0, 0.0, 62.0, 29.0),
    )
}
DEFAULT_LAYOUT = "avery-l7651"

PAD = 1.5  # mm kept clear inside each label edge
QUIET_MODULES = 10  # Code 128 quiet zone, in modules, each side
DOT_MM = 25.4 / 300  # one dot of a 300 dpi printer
MIN_MODULE_DOTS = 2
MIN_MODULE_MM = MIN_MODULE_DOTS * DOT_MM  # 0.169 mm: the narrowest bar we call printable


def code128_pattern(code: str) -> str:
    """The symbol's modules, "1" a bar and "0" a space (start, check and stop included, no
    quiet zone), from python-barcode (imported here: only when labels are made)."""
    (pattern,) = _code128_encoder()(code).build()
    return str(pattern)


@functools.cache
def _code128_encoder() -> type:
    """python-barcode's ``Code128``, mended: up to 0.16.1 it drops a leading "99" (``9912``
    scanned back as ``12``: WhyNotHugo/python-barcode#251, fixed by #263 after that release):
    its start-code folding takes the data value 99 after Start C for a "switch to C". The
    subclass folds only a real switch (to A or B), as the fix does; with a fixed release it
    changes nothing. Made once per process."""
    from barcode import Code128
    from barcode.charsets import code128

    start_c = code128.START_CODES["C"]

    class _Code128(Code128):  # type: ignore[misc]
        def _try_to_optimize(self, encoded: list[int]) -> list[int]:
            if encoded[0] == start_c and encoded[1:2] in ([100], [101]):  # Code B, Code A
                encoded[:2] = [code128.TO[encoded[1]]]
            return encoded

    return _Code128


def code128_modules(code: str) -> int:
    """How many modules wide ``code``'s Code 128 symbol is, its quiet zones included."""
    return len(code128_pattern(code)) + 2 * QUIET_MODULES


def module_mm(layout: Layout, modules: int) -> float:
    """The width of one module of a symbol ``modules`` wide (quiet zones included) on
    ``layout``: the widest whole number of 300 dpi dots that fits the label, or — when not even
    ``MIN_MODULE_DOTS`` fit — as wide as fits (to 0.01 mm), which ``narrow_bars`` reports."""
    fitted = (layout.label_width - 2 * PAD) / modules
    dots = int(fitted / DOT_MM + 1e-9)
    if dots >= MIN_MODULE_DOTS:
        return dots * DOT_MM
    return int(fitted * 100) / 100


def code128_module_mm(code: str, layout: Layout) -> float:
    """How wide the narrowest bar of ``code``'s Code 128 symbol is drawn on ``layout``."""
    return module_mm(layout, code128_modules(code))


@dataclass(frozen=True)
class NarrowBars:
    """A label whose Code 128 bars come out narrower than ``MIN_MODULE_MM`` on its layout."""

    code: str
    module_mm: float
    layout: str
    wider: tuple[str, ...]  # the layouts on which this code's bars are wide enough

    def message(self, qr: str = "--symbology qr") -> str:
        """One line naming the code, its module width and what to do (``qr``: how the caller
        chooses QR codes — the CLI's option, the dialog's words)."""
        elsewhere = (
            f"print it on {' or '.join(self.wider)}, or use {qr}"
            if self.wider
            else f"use {qr} (no layout is wide enough for this code)"
        )
        return (
            f"{self.code}: its Code 128 bars would be {self.module_mm:.2f} mm wide on "
            f"{self.layout}, below the {MIN_MODULE_MM:.2f} mm a scanner reliably reads at "
            f"300 dpi — {elsewhere}"
        )


def narrow_bars(labels: Sequence[Label], layout: str, symbology: str = "code128") -> list[NarrowBars]:
    """Every label whose Code 128 symbol cannot be printed with bars of at least
    ``MIN_MODULE_MM`` on ``layout`` (none for QR codes), in the labels' order."""
    if symbology != CODE128 or layout not in LAYOUTS:
        return []
    found: list[NarrowBars] = []
    for label in labels:
        modules = code128_modules(label.code)
        width = module_mm(LAYOUTS[layout], modules)
        if width < MIN_MODULE_MM - 1e-9:
            wider = tuple(
                name
                for name, other in LAYOUTS.items()
                if name != layout and module_mm(other, modules) >= MIN_MODULE_MM - 1e-9
            )
            found.append(NarrowBars(label.code, width, layout, wider))
    return found


def _refuse_unknown(problems: list[str]) -> None:
    if problems:
        raise Refused(problems)


def _dedupe(labels: list[Label]) -> list[Label]:
    """One label per code: a code given twice (or as a scan and by --case) prints once."""
    seen: set[str] = set()
    return [lb for lb in labels if not (lb.code in seen or seen.add(lb.code))]  # type: ignore[func-returns-value]


def _scanned(engine: Engine, scans: Sequence[str], kind: str) -> tuple[list[int], list[str]]:
    """Ids of what each scan matches (as the Scan page matches it), and one problem per scan
    that is not a ``kind``."""
    ids: list[int] = []
    problems: list[str] = []
    with engine.store.read() as conn:
        for scan in scans:
            m = engine.classify_in(conn, scan)
            if m.kind == kind and m.id is not None:
                ids.append(m.id)
            elif m.found:
                problems.append(
                    f"{visible(scan)}: this is {matching.KIND_WORDS[m.kind]} {m.canonical}, "
                    f"not {'a' if kind != matching.ASSET else 'an'} {matching.KIND_WORDS[kind]}"
                )
            else:
                problems.append(f"{visible(scan)}: {m.message}")
    return ids, problems


def _case(engine: Engine, code: str) -> CaseInfo:
    case = engine.case(code)
    if case is None:
        raise Refused([f"{visible(code)}: no case {visible(code)}"])
    return case


def retired_note(tag: str, retirement: str) -> str:
    """What a label of a retired asset says to the person who asked for it (not printed)."""
    return f"{tag} is retired ({retirement.lower()}): its label is printed anyway"


def asset_labels(
    engine: Engine, scans: Sequence[str] = (), *, case: str | None = None, everything: bool = False
) -> list[Label]:
    """Labels for the assets scanned, those slotted in ``case`` (by position), or every asset.

    Retired assets (lost, broken, disposed) are left out of ``everything`` and of a case (they
    are in no slot); one named by a scan is labelled all the same, with a ``note`` saying it is
    retired (``retired_note``) for the caller to show."""
    if everything:
        with engine.store.read() as conn:
            return [Label(tag, desc) for tag, desc in queries.all_asset_label_texts(conn)]
    ids, problems = _scanned(engine, scans, matching.ASSET)
    found = _case(engine, case) if case is not None else None
    _refuse_unknown(problems)
    labels: list[Label] = []
    with engine.store.read() as conn:
        for i in ids:
            tag, description, retired = queries.asset_label_text(conn, i)
            note = retired_note(tag, retired) if retired is not None else ""
            labels.append(Label(tag, description, note))
        if found is not None:
            labels += [
                Label(s.asset_tag, s.description)
                for s in queries.case_slots(conn, found.id)
                if s.asset_tag is not None
            ]
    return _dedupe(labels)


def case_labels(engine: Engine, codes: Sequence[str] = (), *, everything: bool = False) -> list[Label]:
    """Labels for the cases named (matched like a scan), or every case."""
    if everything:
        return [Label(c.case_code, c.name) for c in engine.cases()]
    cases: list[CaseInfo] = []
    problems: list[str] = []
    for code in codes:
        case = engine.case(code)
        if case is None:
            problems.append(f"{visible(code)}: no case {visible(code)}")
        else:
            cases.append(case)
    _refuse_unknown(problems)
    return _dedupe([Label(c.case_code, c.name) for c in cases])


def slot_labels(engine: Engine, case: str) -> list[Label]:
    """One label per slot of a case, ``CASE/POS``, as Put-away accepts a slot scan."""
    found = _case(engine, case)
    return [
        Label(f"{found.case_code}/{s.position}", f"{found.name} · slot {s.position}")
        for s in engine.case_slots(found.id)
    ]


def badge_labels(
    engine: Engine, badges: Sequence[str] = (), *, everything: bool = False
) -> list[Label]:
    """Badge labels for the holders scanned, or every active holder."""
    if everything:
        with engine.store.read() as conn:
            return [Label(h.badge_code, h.name) for h in queries.holders(conn, active_only=True)]
    ids, problems = _scanned(engine, badges, matching.HOLDER)
    _refuse_unknown(problems)
    with engine.store.read() as conn:
        holders = [queries.holder_by_id(conn, i) for i in ids]
    return _dedupe([Label(h.badge_code, h.name) for h in holders if h is not None])


def check_start(layout: Layout, start: int) -> None:
    if not 1 <= start <= layout.per_page:
        raise UsageError(
            f"--start must be 1..{layout.per_page} for {layout.name} (got {start})"
        )


def write_labels_pdf(
    labels: Sequence[Label],
    path: str | os.PathLike[str],
    *,
    layout: str = DEFAULT_LAYOUT,
    symbology: str = CODE128,
    start: int = 1,
) -> int:
    """Write ``labels`` as a PDF for ``layout``, skipping the first ``start - 1`` positions of a
    partly used sheet; returns the number of pages."""
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if symbology not in SYMBOLOGIES:
        raise UsageError(f"unknown symbology {symbology!r}; choose one of {', '.join(SYMBOLOGIES)}")
    chosen = LAYOUTS[layout]
    check_start(chosen, start)
    if not labels:
        raise UsageError("no labels to print")
    from .labels_pdf import render_labels_pdf  # fpdf2 and the symbol libraries load here

    data, pages = render_labels_pdf(labels, chosen, symbology=symbology, start=start)
    atomic_write_bytes(path, data)
    return pages
