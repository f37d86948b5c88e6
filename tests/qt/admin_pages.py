"""Helpers for the administration pages' tests: a window with the pages, a seeded database, and
dialogs answered the way a person does (fields typed into, Enter, Esc)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset, NewCase, NewHolder
from assettrack_gui.core.store import Store
from assettrack_gui.qt.lazy_page import LazyPage
from assettrack_gui.qt.main_window import MainWindow

IGNORE_OFFSCREEN = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)


def seed(store: Store) -> None:
    engine = Engine(store, "seed")
    engine.add_holders(
        [
            NewHolder("Dana Reyes", "B-1001"),
            NewHolder("Lee Park", "B-1002"),
            NewHolder("Tomás Øren", "B-1003"),
        ]
    )
    engine.add_holders([NewHolder("Old Timer", "B-0999")])
    engine.set_holder_active("B-0999", False)
    engine.create_cases(
        [NewCase("CART-A", "Laptop cart A", 2, 5), NewCase("SHELF-B", "Spare shelf", 1, 3)]
    )
    engine.commit_register(
        [NewAsset(f"AT-SMOKE-000{i}", f"5CG{i}", "ThinkPad T14", "CART-A", i) for i in range(1, 5)]
        + [NewAsset("AT-SMOKE-0005", "JX99", "Dell spare")]
    )
    engine.commit_stock_out(["AT-SMOKE-0004"], "B-1001")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "stock.db"
    with Store(path) as store:
        seed(store)
    return path


@pytest.fixture
def window(qtbot, tmp_path: Path, db: Path) -> Iterator[MainWindow]:
    store = Store(db)
    settings = QSettings(str(tmp_path / "qsettings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, operator="clerk", settings=settings)
    window.add_admin_pages()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    yield window
    store.close()


def show_page(qtbot, window: MainWindow, key: Qt.Key) -> QWidget:
    """Press Ctrl+<key> in the window; the page's content once built."""
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, key, Qt.KeyboardModifier.ControlModifier)
    page = window.tabs.currentWidget()
    assert isinstance(page, LazyPage) and page.content is not None
    return page.content


def in_dialog(qtbot, act: Callable[[QWidget], None]) -> list[str]:
    """When the next modal dialog opens, run ``act`` on it (once); returns the object names of
    the dialogs seen (a dialog is deleted once closed)."""
    seen: list[str] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(10, run)
            return
        seen.append(dialog.objectName())
        # A dialog the test left open would block the test for ever: close it, so it fails.
        QTimer.singleShot(
            5000, lambda: dialog.close() if shiboken6.isValid(dialog) and dialog.isVisible() else None
        )
        act(dialog)

    QTimer.singleShot(0, run)
    return seen


def fill(qtbot, dialog: QWidget, **fields: str) -> None:
    """Type into the dialog's fields named ``<name>Field`` (cleared first)."""
    for name, text in fields.items():
        field = dialog.findChild(QLineEdit, f"{name}Field")
        assert field is not None, name
        field.clear()
        qtbot.keyClicks(field, text)


def alt(qtbot, key: Qt.Key) -> None:
    """Alt+<key> where the keyboard is: a button's mnemonic, which clicks it (Qt animates the
    click for 100 ms; a dialog it opens runs inside the wait)."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(250)


def press(qtbot, dialog: QWidget, key: Qt.Key = Qt.Key.Key_Return) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, key)


def answer(qtbot, key: Qt.Key, seen: list[str] | None = None) -> None:
    """The next message box: note its text, press ``key``."""

    def act(dialog: QWidget) -> None:
        if seen is not None and isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
        press(qtbot, dialog, key)

    in_dialog(qtbot, act)


def events(db: Path, event_type: str) -> list[tuple[str, dict[str, object]]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT operator, details FROM events WHERE event_type = ? ORDER BY id", (event_type,)
        ).fetchall()
    finally:
        conn.close()
    return [(op, json.loads(details)) for op, details in rows]


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
