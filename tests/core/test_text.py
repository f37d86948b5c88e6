"""core.text.fold: the one rule for how a search compares names (accents and case ignored)."""

from __future__ import annotations

import pytest

from assettrack_gui.core.text import fold


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("tomas", "Tomás Ortega"),
        ("OREN", "Øren Lund"),
        ("francois", "François Müller"),
        ("muller", "François Müller"),
        ("strasse", "Hauptstraße"),
        ("lodz", "Łódź depot"),
        ("aeron", "Æron"),
        ("b-1001", "Dana Reyes (B-1001)"),
    ],
)
def test_a_search_finds_the_name_without_its_accents(typed: str, label: str) -> None:
    assert fold(typed) in fold(label)


def test_fold_is_idempotent_and_keeps_plain_text() -> None:
    assert fold("Dana Reyes (B-1001)") == "dana reyes (b-1001)"
    assert fold(fold("Tomás ØREN")) == fold("Tomás ØREN") == "tomas oren"
    assert fold("Tomás") == fold("Toma\u0301s")  # composed or decomposed: the same
    assert fold("") == ""
