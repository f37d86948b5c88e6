"""Reading printed label PDFs back as a scanner and a person would: each page rendered at 300 dpi
(``pdftoppm``), each label position cut out and decoded with zxing-cpp, its text read with
``pdftotext`` cropped to the same position."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assettrack_gui.core.labels import LAYOUTS

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

DPI = 300
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed",
)


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def read_labels(pdf: Path, layout: str) -> list[list[tuple[list[str], str]]]:
    """Per page, per label position (row by row): (decoded symbols, text) of that position."""
    geometry = LAYOUTS[layout]
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(prefix)], check=True)
    pages = sorted(pdf.parent.glob(prefix.name + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    result = []
    for number, page_png in enumerate(pages, 1):
        image = Image.open(page_png).convert("L")
        cells = []
        for index in range(geometry.per_page):
            x, y = geometry.position(index)
            box = (_px(x), _px(y), _px(x + geometry.label_width), _px(y + geometry.label_height))
            codes = [r.text for r in zxingcpp.read_barcodes(image.crop(box))]
            pt = 72 / 25.4
            text = subprocess.run(
                ["pdftotext", "-f", str(number), "-l", str(number), "-r", "72",
                 "-x", str(int(x * pt)), "-y", str(int(y * pt)),
                 "-W", str(int(geometry.label_width * pt)), "-H", str(int(geometry.label_height * pt)),
                 str(pdf), "-"],
                capture_output=True, text=True, check=True,
            ).stdout
            cells.append((codes, " ".join(text.split())))
        result.append(cells)
    return result


def printed(pages: list[list[tuple[list[str], str]]]) -> list[str]:
    """Every decoded code, in print order."""
    return [code for page in pages for codes, _ in page for code in codes]
