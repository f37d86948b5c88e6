"""The assembled app as `assettrack` starts it: window, scanners and the Reports page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from assettrack_gui.__main__ import build_parser, open_window
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewHolder
from assettrack_gui.core.store import Store
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.reports_tab import ReportsTab

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)


@pytest.fixture
def app_window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    store = Store(tmp_path / "stock.db")
    Engine(store, "seed").add_holders([NewHolder("Dana Reyes", "B-1001")])
    window = open_window(store, build_parser().parse_args(["--operator", "clerk"]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    window.scanner_hub.stop()
    store.close()


def test_reports_page_is_one_shortcut_away(qtbot, app_window: MainWindow) -> None:
    titles = [app_window.tabs.tabText(i) for i in range(app_window.tabs.count())]
    assert titles == ["Scan", "Audit", "&Reports", "People", "Cases", "Devices"]
    qtbot.keyClick(app_window.scan_entry, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = app_window.tabs.currentWidget()
    assert isinstance(page, ReportsTab)
    focus = QApplication.focusWidget()
    assert focus is not None and page.isAncestorOf(focus)
    # Ctrl+1 brings the clerk back to scanning, keyboard in the scan field.
    qtbot.keyClick(focus, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert app_window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: app_window.scan_entry.hasFocus())


def test_alt_s_goes_to_the_scan_field_not_a_menu(qtbot, app_window: MainWindow) -> None:
    titles = [a.text() for a in app_window.menuBar().actions()]
    mnemonics = [t[t.index("&") + 1].lower() for t in titles if "&" in t]
    assert len(mnemonics) == len(set(mnemonics)) and "s" not in mnemonics
    app_window.table.setFocus()
    qtbot.keyClick(app_window.table, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: app_window.scan_entry.hasFocus())


def test_tab_leaves_the_preview_table(qtbot, app_window: MainWindow) -> None:
    app_window.table.setFocus()
    qtbot.keyClick(app_window.table, Qt.Key.Key_Tab)
    assert not app_window.table.hasFocus()


def test_a_scan_on_the_reports_page_brings_back_the_batch(qtbot, app_window: MainWindow) -> None:
    qtbot.keyClick(app_window.scan_entry, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(app_window.tabs.currentWidget(), ReportsTab)
    app_window.on_scan("B-1001", "wedge")
    assert app_window.tabs.currentIndex() == 0
    assert app_window.custodian_label.text() == "Dana Reyes (B-1001)"
    qtbot.waitUntil(lambda: app_window.scan_entry.hasFocus())


def test_a_scan_into_a_reports_field_fills_the_field(qtbot, app_window: MainWindow) -> None:
    from tests.qt.test_scanners_in_main_window import Keys

    qtbot.keyClick(app_window.scan_entry, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = app_window.tabs.currentWidget()
    assert isinstance(page, ReportsTab)
    page.set_kind("history")
    page.history_scan.setFocus()
    qtbot.waitUntil(lambda: page.history_scan.hasFocus())
    Keys().scanner("AT-0001")
    assert page.history_scan.text() == "AT-0001"
    assert app_window.tabs.currentWidget() is page
    assert app_window.session.to_pending().stock_out == []


def test_ctrl_e_exports_even_from_a_reports_text_field(
    qtbot, app_window: MainWindow, monkeypatch
) -> None:
    # Offscreen Qt has no X11 key bindings (where a line edit takes Ctrl+E as "end of line"),
    # so the regression itself is guarded by the e2e test under Xvfb
    # (test_keyboard_comes_back_after_a_reports_dialog); this checks the wiring.
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []

    def no_file(*args, **kwargs):
        asked.append(args[1] if len(args) > 1 else "")
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(no_file))
    qtbot.keyClick(app_window.scan_entry, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = app_window.tabs.currentWidget()
    assert isinstance(page, ReportsTab)
    qtbot.waitUntil(lambda: not page.is_loading())
    page.filter_edit.setFocus()
    qtbot.waitUntil(lambda: page.filter_edit.hasFocus())
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["Export report as CSV"]


def test_reports_button_letters_do_not_clash_with_the_menus(app_window: MainWindow) -> None:
    def letter(text: str) -> str:
        return text[text.index("&") + 1].lower() if "&" in text else ""

    menus = {letter(a.text()) for a in app_window.menuBar().actions()}
    tabs = app_window.tabs
    page = tabs.widget(next(i for i in range(tabs.count()) if tabs.tabText(i) == "&Reports"))
    assert isinstance(page, ReportsTab)
    from PySide6.QtWidgets import QAbstractButton

    buttons = {b.text(): letter(b.text()) for b in page.findChildren(QAbstractButton) if b.text()}
    clashes = {text for text, key in buttons.items() if key and key in menus}
    assert not clashes
    assert buttons["E&xport CSV…"] == "x"
