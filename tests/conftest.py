"""Fixtures shared by tests/core, tests/cli and tests/qt: a fresh database file per test, and
local time fixed to Central European time."""

from __future__ import annotations

import os
import time
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


CET = "CET-1CEST,M3.5.0,M10.5.0/3"  # POSIX rule: works without tzdata


@pytest.fixture
def local_cet() -> Iterator[None]:
    """Local time is Central European time for this test (TZ and the C library's idea of it)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = CET
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
