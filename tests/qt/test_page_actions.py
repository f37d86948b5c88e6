"""The Scan page's batch actions — Ctrl+Z (remove the last scan), Delete (remove the selected
rows), Ctrl+Return (commit) and Ctrl+Shift+Delete (clear) — act only while the Scan page is the
current page. On the Audit page, the Reports page or any page added later they do nothing to the
hidden Scan page's batch (the page's own fields get the keys), and they work again on the way
back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from assettrack_gui.core.pending import load_pending
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.reports_tab import ReportsTab

from .test_main_window import db, make_window, scan, where, window  # noqa: F401 (fixtures)

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def press(qtbot, win: MainWindow, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key where the keyboard is (the current page's focused widget)."""
    qtbot.keyClick(QApplication.focusWidget() or win, key, modifiers)


def tags(win: MainWindow) -> list[str]:
    m = win.preview_model
    return [m.line(r).asset_tag or "" for r in range(m.rowCount())]


def batch_actions(win: MainWindow) -> list[bool]:
    return [
        a.isEnabled()
        for a in (win.undo_action, win.delete_action, win.commit_action, win.clear_action)
    ]


def a_batch(qtbot, win: MainWindow) -> None:
    for text in ("B-1001", "AT-SMOKE-0001", "AT-SMOKE-0002"):
        scan(qtbot, win, text)
    assert tags(win) == ["AT-SMOKE-0001", "AT-SMOKE-0002"]
    win.table.selectRow(0)
    assert batch_actions(win) == [True, True, True, True]


def keys_do_nothing_to_the_batch(
    qtbot, win: MainWindow, db_path: Path, dialogs: list[str] | None = None
) -> None:
    """The four keys on the current page change nothing of the batch. A page may use a key
    itself (Enter on a row of People, Cases or Devices opens its editor): with ``dialogs``
    such a dialog is closed with Esc and its title recorded; without, none may open."""
    assert batch_actions(win) == [False, False, False, False]
    closing = dialogs is not None

    def close_any() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and dialogs is not None:
            dialogs.append(modal.windowTitle())
            qtbot.keyClick(modal.focusWidget() or modal, Qt.Key.Key_Escape)
        if closing:
            QTimer.singleShot(10, close_any)

    if closing:
        QTimer.singleShot(0, close_any)
    press(qtbot, win, Qt.Key.Key_Z, CTRL)
    press(qtbot, win, Qt.Key.Key_Delete)
    press(qtbot, win, Qt.Key.Key_Return, CTRL)  # would ask to commit the batch
    press(qtbot, win, Qt.Key.Key_Delete, CTRL | SHIFT)  # would ask to clear the batch
    qtbot.wait(50)
    closing = False
    qtbot.wait(20)
    assert QApplication.activeModalWidget() is None
    assert tags(win) == ["AT-SMOKE-0001", "AT-SMOKE-0002"]
    saved = load_pending(db_path)
    assert saved is not None and saved.stock_out == ["AT-SMOKE-0001", "AT-SMOKE-0002"]
    assert where(db_path, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")


def back_on_the_scan_page_ctrl_z_works(qtbot, win: MainWindow) -> None:
    qtbot.keyClick(QApplication.focusWidget() or win, Qt.Key.Key_1, CTRL)
    assert win.tabs.currentWidget() is win.page
    assert batch_actions(win)[0] and batch_actions(win)[2]
    press(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert tags(win) == ["AT-SMOKE-0001"]


def test_on_the_audit_page_the_scan_page_s_keys_leave_its_batch_alone(
    qtbot, window: MainWindow, db: Path  # noqa: F811 (the imported fixtures)
) -> None:
    a_batch(qtbot, window)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_9, CTRL)
    qtbot.waitUntil(lambda: window.audit is not None, timeout=2000)
    assert window.audit is not None
    entry = window.audit.page.scan_entry
    qtbot.waitUntil(entry.hasFocus, timeout=2000)
    qtbot.keyClicks(entry, "CART")
    keys_do_nothing_to_the_batch(qtbot, window, db)
    assert entry.text() == ""  # Ctrl+Z was the field's own undo of the typing
    assert window.audit.page.model.rowCount() == 0  # nothing was scanned into the audit
    back_on_the_scan_page_ctrl_z_works(qtbot, window)


def test_on_the_reports_page_the_scan_page_s_keys_leave_its_batch_alone(
    qtbot, window: MainWindow, db: Path  # noqa: F811
) -> None:
    reports = ReportsTab(window.store, window.config)
    window.add_page(reports, "&Reports", "Ctrl+5")
    a_batch(qtbot, window)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_5, CTRL)
    assert window.tabs.currentWidget() is reports
    reports.filter_edit.setFocus()
    keys_do_nothing_to_the_batch(qtbot, window, db)
    back_on_the_scan_page_ctrl_z_works(qtbot, window)
    reports.jobs.stop_all()


def test_a_page_added_later_gets_the_same_for_free(
    qtbot, window: MainWindow, db: Path  # noqa: F811
) -> None:
    page = QWidget()
    field = QLineEdit(page)
    QVBoxLayout(page).addWidget(field)
    window.add_page(page, "People", "Ctrl+6")
    a_batch(qtbot, window)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_6, CTRL)
    assert window.tabs.currentWidget() is page
    field.setFocus()
    keys_do_nothing_to_the_batch(qtbot, window, db)
    # Clicking its tab (not only its shortcut) counts the same.
    window.tabs.setCurrentWidget(window.page)
    assert batch_actions(window) == [True, True, True, True]
    window.tabs.setCurrentIndex(window.tabs.indexOf(page))
    assert batch_actions(window) == [False, False, False, False]
    back_on_the_scan_page_ctrl_z_works(qtbot, window)


@pytest.mark.parametrize(
    "key", [Qt.Key.Key_6, Qt.Key.Key_7, Qt.Key.Key_8], ids=["people", "cases", "devices"]
)
def test_on_the_people_cases_and_devices_pages_too(
    qtbot, window: MainWindow, db: Path, key: Qt.Key  # noqa: F811
) -> None:
    window.add_admin_pages(lazy=False)
    a_batch(qtbot, window)
    qtbot.keyClick(window.scan_entry, key, CTRL)
    assert window.tabs.currentWidget() is not window.page
    seen: list[str] = []
    keys_do_nothing_to_the_batch(qtbot, window, db, seen)
    # Only the page's own editor of its selected row (its Enter), never the batch's questions.
    assert set(seen) <= {"Edit person", "Edit case", "Change serial or description"}, seen
    back_on_the_scan_page_ctrl_z_works(qtbot, window)
