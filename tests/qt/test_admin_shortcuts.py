"""The app (as ``__main__`` builds it) has People, Cases and Devices on Ctrl+6, 7 and 8, built
only when first shown (or once the window is up), and lists them in Help → Keyboard shortcuts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from assettrack_gui.__main__ import build_pages, build_parser, open_window
from assettrack_gui.core.store import Store
from assettrack_gui.qt.cases_page import CasesPage
from assettrack_gui.qt.devices_page import DevicesPage
from assettrack_gui.qt.dialogs import SHORTCUTS
from assettrack_gui.qt.lazy_page import LazyPage
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.people_page import PeoplePage

from .admin_pages import IGNORE_OFFSCREEN, seed

pytestmark = IGNORE_OFFSCREEN

PAGES = {"People": PeoplePage, "Cases": CasesPage, "Devices": DevicesPage}


@pytest.fixture
def app_window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    store = Store(tmp_path / "stock.db")
    seed(store)
    window = open_window(store, build_parser().parse_args(["--operator", "clerk"]), True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    if window.scanner_hub is not None:
        window.scanner_hub.stop()
    store.close()


def admin_pages(window: MainWindow) -> dict[str, LazyPage]:
    found = {}
    for i in range(window.tabs.count()):
        page = window.tabs.widget(i)
        if window.tabs.tabText(i) in PAGES:
            assert isinstance(page, LazyPage)
            found[window.tabs.tabText(i)] = page
    return found


def test_ctrl_6_7_8_build_and_show_the_pages_with_the_search_box_ready(
    qtbot, app_window: MainWindow
) -> None:
    pages = admin_pages(app_window)
    assert list(pages) == ["People", "Cases", "Devices"]
    assert all(page.content is None for page in pages.values())  # not for the first screen
    for key, title in ((Qt.Key.Key_6, "People"), (Qt.Key.Key_7, "Cases"), (Qt.Key.Key_8, "Devices")):
        focus = QApplication.focusWidget() or app_window
        qtbot.keyClick(focus, key, Qt.KeyboardModifier.ControlModifier)
        content = pages[title].content
        assert isinstance(content, PAGES[title])
        assert app_window.tabs.currentWidget() is pages[title]
        assert QApplication.focusWidget() is content.search
        assert app_window.tabs.tabToolTip(app_window.tabs.currentIndex()) == (
            f"{title} (Ctrl+{key - Qt.Key.Key_0})"
        )
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert app_window.tabs.currentWidget() is app_window.page


def test_the_pages_are_built_once_the_window_is_up(app_window: MainWindow) -> None:
    build_pages(app_window)
    assert all(page.content is not None for page in admin_pages(app_window).values())
    assert app_window.tabs.currentIndex() == 0


def test_the_shortcuts_list_names_the_pages() -> None:
    keys = dict(SHORTCUTS)
    assert keys["Ctrl+6"].startswith("People")
    assert keys["Ctrl+7"].startswith("Cases")
    assert keys["Ctrl+8"].startswith("Devices")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    for key in ("| Ctrl+6 |", "| Ctrl+7 |", "| Ctrl+8 |"):
        assert key in readme
