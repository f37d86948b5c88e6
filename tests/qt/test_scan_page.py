"""The Scan page on its own (no database), and the split between page, controller and window."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import assettrack_gui.qt
from assettrack_gui.core.model import Mode
from assettrack_gui.qt.scan_page import ScanPage

# The offscreen platform plugin cannot size a top-level window from its hints.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

QT_DIR = Path(assettrack_gui.qt.__file__).parent
SQL = re.compile(r"\.conn\b|\bexecute\(|\bimport sqlite3\b|\bsqlite3\.|\bcursor\(")


def test_neither_the_page_nor_the_controller_talks_sql() -> None:
    for name in ("scan_page.py", "scan_controller.py", "main_window.py"):
        text = (QT_DIR / name).read_text("utf-8")
        assert not SQL.search(text), name
    # The page is given what it shows: it holds no engine, session or store of its own.
    page = (QT_DIR / "scan_page.py").read_text("utf-8")
    assert not re.search(r"self\.(engine|session|store)\b|\.case_slots\(", page)


def test_enter_in_the_scan_entry_sends_the_text_and_clears_it(qtbot) -> None:
    page = ScanPage()
    qtbot.addWidget(page)
    sent: list[str] = []
    page.scanEntered.connect(sent.append)
    qtbot.keyClicks(page.scan_entry, "   ")
    qtbot.keyClick(page.scan_entry, Qt.Key.Key_Return)
    qtbot.keyClicks(page.scan_entry, "AT-0001")
    qtbot.keyClick(page.scan_entry, Qt.Key.Key_Return)
    assert sent == ["AT-0001"]
    assert page.scan_entry.text() == ""


def test_lookup_mode_hides_the_batch_controls(qtbot) -> None:
    page = ScanPage()
    qtbot.addWidget(page)
    page.show()
    page.show_mode(Mode.LOOKUP)
    assert page.mode_label.text() == "Lookup"
    assert not page.commit_button.isVisible() and not page.context_stack.isVisible()
    assert page.main_stack.currentIndex() == 1
    page.show_mode(Mode.STOCK_OUT)
    assert page.commit_button.isVisible() and page.context_stack.isVisible()
    assert page.main_stack.currentIndex() == 0
