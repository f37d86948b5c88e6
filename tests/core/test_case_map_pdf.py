"""The printable case map: a PDF of the case's grid with the tag in each slot."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from assettrack_gui.core.case_map_pdf import write_case_map_pdf
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.model import NewAsset, NewCase

pytestmark = pytest.mark.both_backends


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_map_shows_every_slot_with_its_tag(engine: Engine, tmp_path: Path) -> None:
    dest = tmp_path / "cart-a.pdf"
    drawn = write_case_map_pdf(engine.store, "CART-A", dest)
    assert drawn.used == 4 and len(drawn.slots) == 10
    text = pdf_text(dest)
    assert "Case CART-A" in text and "Laptop cart A" in text
    assert "2 rows × 5 columns" in text and "4 of 10 slots used" in text
    for n in range(1, 11):
        assert f"CART-A/{n}" in text
    for n in range(1, 5):
        assert f"AT-SMOKE-000{n}" in text
    assert text.count("empty") == 6
    assert "AT-SMOKE-0006" not in text  # in custody: its slot is empty


def test_a_large_case_is_split_over_pages_with_every_tag(engine: Engine, tmp_path: Path) -> None:
    engine.create_cases([NewCase("WALL", "Locker wall", 30, 20)])
    tags = [f"L-{n:04d}" for n in range(1, 601, 13)]
    engine.commit_register([NewAsset(t, "", "Tablet", "WALL", int(t[2:])) for t in tags])
    dest = tmp_path / "wall.pdf"
    write_case_map_pdf(engine.store, "WALL", dest)
    text = pdf_text(dest)
    assert "Case WALL — page 1 of" in text and "This page: rows 1–" in text
    assert all(text.count(t) == 1 for t in tags)
    assert text.count("WALL/") == 600


def test_an_unknown_case_has_no_map(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no case"):
        write_case_map_pdf(engine.store, "NOPE", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
