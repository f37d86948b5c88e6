"""Fixtures shared by tests/core and tests/qt: a fresh database file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assettrack_gui.core.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "assettrack.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A fresh, empty, fully migrated database of this test's own."""
    s = Store(db_path)
    yield s
    s.close()
