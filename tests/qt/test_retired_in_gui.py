"""A retired asset on the Scan page: Lookup states it (kind, reason, date, by whom) instead of a
location, and Stock-Out / Stock-In show the engine's ASSET_RETIRED words on the line and refuse
to commit."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from assettrack_gui.core.model import Code, Mode
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.preview_model import OkRole, PreviewModel

from .test_main_window import db, make_window, scan, verdicts, window  # noqa: F401 (fixtures)

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

DAY = r"\d{4}-\d{2}-\d{2}"


@pytest.fixture
def retired(window: MainWindow) -> MainWindow:  # noqa: F811 (the imported fixture)
    """AT-SMOKE-0002 retired as lost by the clerk of this window."""
    window.engine.commit_retire(["AT-SMOKE-0002"], "lost", "fell off the cart")
    return window


def test_lookup_says_retired_with_kind_reason_date_and_who(qtbot, retired: MainWindow) -> None:
    win = retired
    qtbot.keyClick(win.scan_entry, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert win.mode == Mode.LOOKUP
    ok, text = scan(qtbot, win, "ATSMOKE0002")
    assert ok and text == "Asset AT-SMOKE-0002"
    facts = win.lookup_facts.text().splitlines()
    assert facts[:3] == ["Tag: AT-SMOKE-0002", "Serial: 5CG2", "Description: ThinkPad T14"]
    assert re.fullmatch(rf"Status: Retired \(lost\) — fell off the cart, {DAY}, by clerk", facts[3])
    assert len(facts) == 4  # no "Location:" line: it is in no slot and with nobody
    m = win.events_model
    last = m.rowCount() - 1
    assert m.index(last, 1).data() == "RETIRE"
    assert m.index(last, 4).data() == "CART-A/2"  # the slot it left
    note = m.index(last, m.columnCount() - 1)
    assert m.headerData(m.columnCount() - 1, Qt.Orientation.Horizontal) == "Note"
    assert note.data() == "retired (lost): fell off the cart"
    # The case it left shows the slot empty.
    scan(qtbot, win, "CART-A")
    assert "2: (empty)" in win.lookup_facts.text()


def test_stock_out_and_stock_in_lines_show_the_asset_retired_words(
    qtbot, retired: MainWindow
) -> None:
    win = retired
    assert win.mode == Mode.STOCK_OUT
    scan(qtbot, win, "B-1001")
    ok, text = scan(qtbot, win, "AT-SMOKE-0002")
    assert not ok
    assert re.fullmatch(
        rf"AT-SMOKE-0002: retired \(lost\) on {DAY} — reinstate it first", text
    ), text
    line = win.preview_model.line(0)
    assert line.code == Code.ASSET_RETIRED
    words = win.preview_model.index(0, PreviewModel.VERDICT).data()
    assert re.fullmatch(rf"Refused: retired \(lost\) on {DAY} — reinstate it first", words), words
    assert win.preview_model.index(0, PreviewModel.VERDICT).data(OkRole) is False
    assert win.preview_model.index(0, PreviewModel.NOW).data() == "RETIRED (LOST)"
    assert not win.commit_button.isEnabled()
    assert scan(qtbot, win, "AT-SMOKE-0001")[0]  # a good line beside it: still refused whole
    assert not win.commit_button.isEnabled()

    qtbot.keyClick(win.scan_entry, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert win.mode == Mode.STOCK_IN
    ok, text = scan(qtbot, win, "AT-SMOKE-0002")
    assert not ok and "reinstate it first" in text
    assert re.fullmatch(rf"Refused: retired \(lost\) on {DAY} — reinstate it first", verdicts(win)[-1])


def test_the_reports_page_history_of_a_retired_asset_says_why(
    qtbot, retired: MainWindow
) -> None:
    from assettrack_gui.qt.reports_tab import ReportsTab

    tab = ReportsTab(retired.store, retired.config)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_kind("history")
    tab.history_scan.setText("ATSMOKE0002")
    with qtbot.waitSignal(tab.loadFinished, timeout=10_000):
        tab.refresh()
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=10_000)
    types, notes = tab.model.column("event_type"), tab.model.column("note")
    assert types is not None and notes is not None
    last = tab.model.rowCount() - 1
    assert tab.model.index(last, types).data() == "RETIRE"
    assert tab.model.index(last, notes).data() == "retired (lost): fell off the cart"
    tab.jobs.stop_all()
