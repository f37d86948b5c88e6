"""The main window through its real widgets: scans typed into the scan entry, keys, dialogs, DB.

Dialogs are answered the way a clerk does: a timer waits for ``QApplication.activeModalWidget()``
and presses Enter or Esc in it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import Line, Mode, NewAsset, NewCase, NewHolder, Placement
from assettrack_gui.core.pending import load_pending, pending_path
from assettrack_gui.core.store import Store
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.preview_model import OkRole, PreviewModel

# The offscreen platform plugin warns that it cannot do what a window system does: size hints of
# top-level windows, and raising/grabbing the keyboard for popups (the custodian search list).
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)


def seed(store: Store) -> None:
    engine = Engine(store, "seed")
    engine.add_holders([NewHolder("Dana Reyes", "B-1001"), NewHolder("Lee Park", "B-1002")])
    engine.add_holders([NewHolder("Old Timer", "B-0999")])
    engine.set_holder_active("B-0999", False)
    engine.create_cases(
        [NewCase("CART-A", "Laptop cart A", 2, 5), NewCase("SHELF-B", "Spare shelf", 1, 3)]
    )
    engine.commit_register(
        [NewAsset(f"AT-SMOKE-000{i}", f"5CG{i}", "ThinkPad T14", "CART-A", i) for i in range(1, 5)]
        + [NewAsset("AT-SMOKE-0005", "JX99", "Dell spare")]
    )


def where(db: Path, tag: str) -> tuple[str, str | None, str | None]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT a.location_type, h.badge_code, c.case_code || '/' || s.position FROM assets a "
            "LEFT JOIN holders h ON h.id = a.current_holder_id "
            "LEFT JOIN slots s ON s.asset_id = a.id LEFT JOIN cases c ON c.id = s.case_id "
            "WHERE a.asset_tag = ?",
            (tag,),
        ).fetchone()
    finally:
        conn.close()


def event_operators(db: Path, event_type: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT operator FROM events WHERE event_type = ?", (event_type,))
        return [r[0] for r in rows]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "stock.db"
    with Store(path) as store:
        seed(store)
    return path


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    stores: list[Store] = []

    def make(path: Path, operator: str | None = "clerk") -> MainWindow:
        store = Store(path)
        stores.append(store)
        settings = QSettings(str(tmp_path / "qsettings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, operator=operator, settings=settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        return window

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def window(db: Path, make_window) -> MainWindow:
    return make_window(db)


def scan(qtbot, window: MainWindow, text: str) -> tuple[bool, str]:
    """Type a scan into the scan entry and press Enter, like a keyboard-wedge scanner."""
    window.scan_entry.setFocus()
    with qtbot.waitSignal(window.scanHandled, timeout=2000) as blocker:
        qtbot.keyClicks(window.scan_entry, text)
        qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return)
    return blocker.args[0], blocker.args[1]


def answer_dialog(qtbot, key: Qt.Key, seen: list[str] | None = None) -> None:
    """When the next modal dialog opens, press ``key`` in it (recording its text)."""

    def press() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, press)
            return
        if seen is not None and isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
        qtbot.keyClick(dialog.focusWidget() or dialog, key)

    QTimer.singleShot(0, press)


def commit_with_enter(qtbot, window: MainWindow) -> list[str]:
    assert_focus_on_entry(qtbot, window)
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return seen


def verdicts(window: MainWindow) -> list[str]:
    m = window.preview_model
    return [m.index(r, PreviewModel.VERDICT).data() for r in range(m.rowCount())]


def assert_focus_on_entry(qtbot, window: MainWindow) -> None:
    """The window is active again and the scan entry has the keyboard."""
    qtbot.waitUntil(
        lambda: (
            QApplication.activeWindow() is window
            and QApplication.focusWidget() is window.scan_entry
        ),
        timeout=2000,
    )


# -- start ------------------------------------------------------------------------------------


def test_window_starts_in_stock_out_without_dialogs(window: MainWindow) -> None:
    assert "AssetTrack" in window.windowTitle()
    assert window.mode == Mode.STOCK_OUT
    assert QApplication.activeModalWidget() is None
    assert window.offer_pending_batch() is False
    assert "clerk" in window.operator_label.text()
    assert str(window.store.path) in window.db_label.text()
    assert window.tabs.widget(0) is window.tabs.currentWidget()
    assert not window.commit_button.isEnabled()
    assert window.scanner_settings_action.text().startswith("&Scanner settings")


def test_operator_defaults_to_the_os_user(db: Path, make_window) -> None:
    from assettrack_gui.core.rules import default_operator

    window = make_window(db, operator=None)
    assert window.engine.operator == default_operator()
    assert default_operator() in window.operator_label.text()


# -- Stock-Out ----------------------------------------------------------------------------------


def test_stock_out_scan_badge_assets_and_commit(qtbot, window: MainWindow, db: Path) -> None:
    assert scan(qtbot, window, "B-1001") == (True, "Custodian: Dana Reyes (B-1001)")
    assert window.custodian_label.text() == "Dana Reyes (B-1001)"
    assert window.custodian_picker.current_holder_id() is not None
    ok, msg = scan(qtbot, window, "ATSMOKE0001")  # dashes dropped by the scanner
    assert ok and msg.startswith("AT-SMOKE-0001: CART-A/1 → Dana Reyes")
    assert scan(qtbot, window, "AT-SMOKE-0002")[0]
    assert window.preview_model.rowCount() == 2
    m = window.preview_model
    assert m.index(0, PreviewModel.TAG).data() == "AT-SMOKE-0001"
    assert m.index(0, PreviewModel.NOW).data() == "CART-A/1"
    assert m.index(0, PreviewModel.TO).data() == "Dana Reyes (B-1001)"
    assert verdicts(window) == ["OK", "OK"]
    assert m.index(0, PreviewModel.VERDICT).data(Qt.ItemDataRole.DecorationRole) is not None
    assert window.commit_button.isEnabled()

    seen = commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: window.preview_model.rowCount() == 0, timeout=3000)
    assert seen == ["Stock out 2 assets to Dana Reyes (B-1001)?"]
    assert where(db, "AT-SMOKE-0001") == ("IN_CUSTODY", "B-1001", None)
    assert where(db, "AT-SMOKE-0002") == ("IN_CUSTODY", "B-1001", None)
    assert event_operators(db, "STOCK_OUT") == ["clerk", "clerk"]
    assert window.banner.isVisible()
    assert "2 assets" in window.banner.label.text()
    assert window.banner.batch_id in window.banner.label.text()
    assert window.banner.receipt_button.isVisible()
    assert load_pending(db) is None
    assert_focus_on_entry(qtbot, window)


def test_commit_needs_a_custodian_and_ok_rows(qtbot, window: MainWindow) -> None:
    assert scan(qtbot, window, "AT-SMOKE-0001")[0]
    assert not window.commit_button.isEnabled()
    assert "choose a custodian first" in window.summary_label.text()
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.activeModalWidget() is None  # disabled: no confirmation at all
    assert scan(qtbot, window, "B-1002")[0]
    assert window.commit_button.isEnabled()
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")  # not in a slot
    assert not ok and "not in a slot" in msg
    assert verdicts(window)[1].startswith("Refused: not in a slot")
    assert window.preview_model.index(1, 0).data(OkRole) is False
    assert not window.commit_button.isEnabled()


def test_repeated_scan_is_flagged_not_added(qtbot, window: MainWindow) -> None:
    assert scan(qtbot, window, "AT-SMOKE-0001")[0]
    ok, msg = scan(qtbot, window, "ATSMOKE0001")
    assert not ok and "already in this batch (row 1)" in msg
    assert window.preview_model.rowCount() == 1


def test_unknown_and_deactivated_scans_are_refused_in_words(qtbot, window: MainWindow) -> None:
    ok, msg = scan(qtbot, window, "NOPE-1")
    assert not ok and msg == "no asset, badge or case NOPE-1"
    assert window.scan_feedback.text() == "✗  no asset, badge or case NOPE-1"
    ok, msg = scan(qtbot, window, "at-smoke-0001")
    assert not ok and "Caps Lock" in msg
    ok, msg = scan(qtbot, window, "B-0999")
    assert not ok and "deactivated" in msg
    # Scans that name no asset stay in the batch as refused rows: the clerk sees them, nothing
    # commits until they are removed, and scanning the same one again is not a second row.
    model = window.preview_model
    assert model.rowCount() == 2
    shown = [model.index(r, PreviewModel.VERDICT).data() for r in range(2)]
    assert "NOPE-1" in shown[0] and "Caps Lock" in shown[1]
    ok, msg = scan(qtbot, window, "NOPE-1")
    assert not ok and "already in this batch (row 1)" in msg and model.rowCount() == 2
    assert scan(qtbot, window, "B-1001")[0]
    assert scan(qtbot, window, "AT-SMOKE-0001")[0]
    assert not window.commit_button.isEnabled()
    window.table.setFocus()
    for _ in range(2):
        window.table.selectRow(0)
        qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert model.rowCount() == 1 and window.commit_button.isEnabled()


def test_custodian_picker_search_by_badge_and_keyboard(qtbot, window: MainWindow) -> None:
    picker = window.custodian_picker
    assert picker.count() == 2  # active holders only
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() in (picker, picker.lineEdit())
    qtbot.keyClicks(picker.lineEdit(), "1002")
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert picker.completer().completionCount() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.custodian is not None, timeout=2000)
    assert window.session.custodian.badge_code == "B-1002"
    assert window.custodian_label.text() == "Lee Park (B-1002)"
    # Typing part of a name and pressing Enter picks the first holder listed for it.
    picker.lineEdit().selectAll()
    qtbot.keyClicks(picker.lineEdit(), "dana")
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.custodian.badge_code == "B-1001", timeout=2000)
    assert window.custodian_label.text() == "Dana Reyes (B-1001)"
    assert picker.currentText() == "Dana Reyes (B-1001)"


def test_custodian_change_re_evaluates_rows(qtbot, window: MainWindow, db: Path) -> None:
    with Store(db) as other:
        Engine(other, "other").commit_stock_out(["AT-SMOKE-0003"], "B-1002")
    assert scan(qtbot, window, "B-1001")[0]
    assert not scan(qtbot, window, "AT-SMOKE-0003")[0]
    assert verdicts(window) == ["Refused: in custody of Lee Park (B-1002) — return it first"]
    answer_dialog(qtbot, Qt.Key.Key_Return)  # "Hand the 1 scanned asset to Lee Park …?"
    assert scan(qtbot, window, "B-1002")[0]
    assert verdicts(window) == ["Refused: already held by Lee Park (B-1002)"]


def test_delete_undo_and_clear_batch(qtbot, window: MainWindow, db: Path) -> None:
    for tag in ("AT-SMOKE-0001", "AT-SMOKE-0002", "AT-SMOKE-0003", "AT-SMOKE-0004"):
        assert scan(qtbot, window, tag)[0]
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.preview_model.rowCount() == 3
    assert window.scan_entry.text() == ""
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    tags = [window.preview_model.line(r).asset_tag for r in range(window.preview_model.rowCount())]
    assert tags == ["AT-SMOKE-0002", "AT-SMOKE-0003"]
    assert load_pending(db).stock_out == ["AT-SMOKE-0002", "AT-SMOKE-0003"]
    # Clear asks first: Esc keeps the batch, Enter clears it
    answer_dialog(qtbot, Qt.Key.Key_Escape)
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    assert window.preview_model.rowCount() == 2
    assert_focus_on_entry(qtbot, window)
    answer_dialog(qtbot, Qt.Key.Key_Return)
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    assert window.preview_model.rowCount() == 0
    assert load_pending(db) is None
    assert_focus_on_entry(qtbot, window)


def test_confirmation_esc_cancels_and_changes_nothing(qtbot, window: MainWindow, db: Path) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Escape, seen)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Stock out 1 asset to Dana Reyes (B-1001)?"]
    assert where(db, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")
    assert window.preview_model.rowCount() == 1
    assert_focus_on_entry(qtbot, window)


def test_refused_commit_keeps_batch_and_re_marks_rows(qtbot, window: MainWindow, db: Path) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    scan(qtbot, window, "AT-SMOKE-0002")
    assert window.commit_button.isEnabled()
    # Another station takes AT-SMOKE-0002 between the preview and the commit.
    with Store(db) as other:
        Engine(other, "station-2").commit_stock_out(["AT-SMOKE-0002"], "B-1002")
    window.controller.poll.stop()  # the poll would re-evaluate first; we want the commit to find out
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)  # confirm
    answer_dialog_later = []

    def refused_box() -> None:
        box = QApplication.activeModalWidget()
        if box is None or not isinstance(box, QMessageBox) or box.text().endswith("?"):
            QTimer.singleShot(10, refused_box)
            return
        answer_dialog_later.append((box.text(), box.informativeText()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, refused_box)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(answer_dialog_later), timeout=3000)
    assert "Nothing was changed" in answer_dialog_later[0][0]
    assert "AT-SMOKE-0002: in custody of Lee Park (B-1002)" in answer_dialog_later[0][1]
    assert window.preview_model.rowCount() == 2
    assert verdicts(window)[0] == "OK"
    assert verdicts(window)[1].startswith("Refused: in custody of Lee Park")
    assert where(db, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")
    assert not window.commit_button.isEnabled()
    assert "Not committed" in window.banner.label.text()
    assert_focus_on_entry(qtbot, window)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not window.banner.isVisible()  # the batch changed: the warning is gone
    assert window.commit_button.isEnabled()


@pytest.mark.parametrize("fault", ["query_only", "busy"])
def test_database_error_keeps_the_batch(qtbot, window: MainWindow, db: Path, fault: str) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    blocker = None
    if fault == "query_only":
        window.store.conn.execute("PRAGMA query_only = 1")
    else:
        window.store.conn.execute("PRAGMA busy_timeout = 100")
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None or not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        shown.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)
        if box.text().endswith("?"):
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    try:
        qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    finally:
        if blocker is not None:
            blocker.execute("ROLLBACK")
            blocker.close()
    expected = "read-only" if fault == "query_only" else "busy"
    assert expected in shown[1]
    assert "Traceback" not in shown[1]
    assert window.preview_model.rowCount() == 1
    assert load_pending(db).stock_out == ["AT-SMOKE-0001"]
    assert where(db, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")
    window.store.conn.execute("PRAGMA query_only = 0")
    assert_focus_on_entry(qtbot, window)
    # Once the problem is gone the very same batch commits.
    commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: where(db, "AT-SMOKE-0001")[0] == "IN_CUSTODY", timeout=3000)


# -- Stock-In -----------------------------------------------------------------------------------


def test_refusal_reasons_are_readable_beside_the_case_map(
    qtbot, window: MainWindow, db: Path
) -> None:
    """At the default 1200×800 with the case map shown, a long reason is not cut off."""
    with Store(db) as other:
        engine = Engine(other, "other")
        engine.commit_stock_out(["AT-SMOKE-0001", "AT-SMOKE-0003"], "B-1001")
        engine.commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 1)])
    assert window.size().width() == 1200
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.case_map.isVisible()
    window.splitter.setSizes([880, 320])  # as the real app lays it out under X11
    qtbot.waitUntil(lambda: window.case_map.width() >= 250)
    assert not scan(qtbot, window, "AT-SMOKE-0001")[0]
    assert scan(qtbot, window, "AT-SMOKE-0003")[0]
    reason = "its slot CART-A/1 is taken by AT-SMOKE-0005"
    table = window.table
    index = window.preview_model.index(0, PreviewModel.VERDICT)
    assert reason in index.data()
    # The whole text fits in the cell: wrapped to the column's width, the row is tall enough.
    font = index.data(Qt.ItemDataRole.FontRole)
    rect = table.visualRect(index)
    needed = QFontMetrics(font).boundingRect(
        QRect(0, 0, rect.width() - 40, 10_000), Qt.TextFlag.TextWordWrap, index.data()
    )
    assert needed.height() > QFontMetrics(font).height()  # it does not fit on one line here
    assert table.rowHeight(0) >= needed.height()
    assert table.rowHeight(1) == table.verticalHeader().defaultSectionSize()
    # Selecting a row puts its whole verdict under the scan field too.
    table.setFocus()
    table.selectRow(1)
    table.selectRow(0)
    assert reason in window.scan_feedback.text()
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith(reason)


def test_stock_in_back_to_slots_and_return_case(qtbot, window: MainWindow, db: Path) -> None:
    with Store(db) as other:
        engine = Engine(other, "seed")
        engine.commit_stock_out(["AT-SMOKE-0001", "AT-SMOKE-0002"], "B-1001")
        engine.commit_put_away([_placement("AT-SMOKE-0005", "CART-A", 1)])
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.mode == Mode.STOCK_IN
    assert window.case_map.isVisible()
    ok, msg = scan(qtbot, window, "AT-SMOKE-0002")
    assert ok and msg.endswith("→ CART-A/2")
    ok, msg = scan(qtbot, window, "AT-SMOKE-0001")  # its slot CART-A/1 is taken now
    assert not ok and "choose a return case" in msg
    assert not window.commit_button.isEnabled()
    ok, msg = scan(qtbot, window, "SHELF-B")  # a case scan sets the return case
    assert ok and msg == "Return case: SHELF-B"
    assert window.return_case_combo.current_case_id() is not None
    assert verdicts(window) == ["OK", "OK"]
    assert window.preview_model.index(1, PreviewModel.TO).data() == "SHELF-B/1"
    assert window.case_map.model.rowCount() == 1 and window.case_map.model.columnCount() == 3
    seen = commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: window.preview_model.rowCount() == 0, timeout=3000)
    assert seen == ["Stock in 2 assets to storage (return case SHELF-B)?"]
    assert where(db, "AT-SMOKE-0002") == ("STORAGE", None, "CART-A/2")
    assert where(db, "AT-SMOKE-0001") == ("STORAGE", None, "SHELF-B/1")


def _placement(scan_text: str, case: str, position: int):
    from assettrack_gui.core.model import Placement

    return Placement(scan_text, case, position)


# -- Put-away / Move ----------------------------------------------------------------------------


def test_put_away_then_move(qtbot, window: MainWindow, db: Path) -> None:
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.mode == Mode.PLACE
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert not ok and "choose or scan a case first" in msg
    ok, msg = scan(qtbot, window, "CART-A")
    assert ok and msg == "Case CART-A: next free slot 5"
    assert window.position_spin.value() == 5
    assert scan(qtbot, window, "CART-A/7") == (True, "Slot CART-A/7")
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert ok and msg == "AT-SMOKE-0005: storage (no slot) → CART-A/7"
    assert window.position_spin.value() == 8  # the next free slot after 7, never back to 5
    seen = commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: window.preview_model.rowCount() == 0, timeout=3000)
    assert seen == ["Put away 1 asset into CART-A?"]
    assert where(db, "AT-SMOKE-0005") == ("STORAGE", None, "CART-A/7")
    # A slotted asset switches the mode to Move by itself; a bare number picks the position.
    assert scan(qtbot, window, "SHELF-B")[0]
    assert scan(qtbot, window, "3") == (True, "Slot SHELF-B/3")
    ok, msg = scan(qtbot, window, "AT-SMOKE-0001")
    assert ok and msg.startswith("AT-SMOKE-0001: CART-A/1 → SHELF-B/3 — end of case SHELF-B")
    assert window.place_op_combo.currentData() == "MOVE"
    seen = commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: window.preview_model.rowCount() == 0, timeout=3000)
    assert seen == ["Move 1 asset into SHELF-B?"]
    assert where(db, "AT-SMOKE-0001") == ("STORAGE", None, "SHELF-B/3")
    # the case map shows the slot and its asset
    view = window.case_map.view
    view.setCurrentIndex(window.case_map.model.index(0, 2))
    assert window.case_map.detail.text() == "SHELF-B/3: AT-SMOKE-0001 — ThinkPad T14"


def test_case_map_tab_leaves_and_only_enter_or_click_chooses_the_slot(
    qtbot, window: MainWindow
) -> None:
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert scan(qtbot, window, "CART-A") == (True, "Case CART-A: next free slot 5")
    view = window.case_map.view
    model = window.case_map.model
    assert model.index(0, 4).data() == "▶ 5\nempty"  # the target is marked
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not view  # Tab leaves the map
    assert window.session.place_position == 5
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # onto CART-A/4: shows what is there, chooses nothing
    assert window.case_map.detail.text() == "CART-A/4: AT-SMOKE-0004 — ThinkPad T14"
    assert window.session.place_position == 5 and window.position_spin.value() == 5
    qtbot.keyClick(view, Qt.Key.Key_Return)  # an occupied slot cannot be the target …
    assert "slot CART-A/4 is taken by AT-SMOKE-0004" in window.scan_feedback.text()
    # … and nothing is: the next asset waits for a valid choice, it does not go to 5.
    assert window.session.place_position is None and window.position_spin.value() == 0
    assert model.target is None
    qtbot.keyClick(view, Qt.Key.Key_Down)  # CART-A/9, empty
    assert "CART-A/9: empty" in window.case_map.detail.text()
    assert window.session.place_position is None
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.session.place_position == 9 and window.position_spin.value() == 9
    assert model.index(1, 3).data() == "▶ 9\nempty"
    assert window.case_map.detail.text() == "CART-A/9: empty"  # no "Enter puts…" any more
    rect = view.visualRect(model.index(1, 1))  # a click on CART-A/7 chooses it too
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.place_position == 7 and window.position_spin.value() == 7
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert ok and msg == "AT-SMOKE-0005: storage (no slot) → CART-A/7"


def test_first_asset_switches_to_move_even_when_the_slot_is_taken(
    qtbot, window: MainWindow, db: Path
) -> None:
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert scan(qtbot, window, "CART-A")[0]
    window.position_spin.setValue(2)  # typed into the Position box: taken, and the clerk is told
    assert "Slot CART-A/2 is taken by AT-SMOKE-0002" in window.scan_feedback.text()
    ok, msg = scan(qtbot, window, "AT-SMOKE-0001")  # held: it would go nowhere
    assert not ok
    assert msg == "AT-SMOKE-0001: choose an empty slot first — CART-A/2 is taken by AT-SMOKE-0002"
    assert window.preview_model.rowCount() == 0
    # A slot label of an occupied slot does not become the target either.
    ok, msg = scan(qtbot, window, "CART-A/3")
    assert not ok and msg == "slot CART-A/3 is taken by AT-SMOKE-0003: choose an empty slot"
    assert scan(qtbot, window, "CART-A/6") == (True, "Slot CART-A/6")
    # Another station fills CART-A/6 before the asset is scanned: slotted, so Move, and its
    # target is taken — that reason is the one the clerk reads.
    with Store(db) as other:
        Engine(other, "station-2").commit_put_away([Placement("AT-SMOKE-0005", "CART-A", 6)])
    ok, msg = scan(qtbot, window, "AT-SMOKE-0001")
    assert not ok
    assert msg == "AT-SMOKE-0001: slot CART-A/6 is taken by AT-SMOKE-0005"
    assert window.place_op_combo.currentData() == "MOVE"
    assert window.position_spin.value() == 6  # stays where the message says
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert scan(qtbot, window, "CART-A/7") == (True, "Slot CART-A/7")
    ok, msg = scan(qtbot, window, "AT-SMOKE-0001")
    assert ok and msg == "AT-SMOKE-0001: CART-A/1 → CART-A/7"
    assert window.place_op_combo.currentData() == "MOVE"


# -- Lookup ---------------------------------------------------------------------------------------


def test_lookup_shows_where_and_history(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.mode == Mode.LOOKUP
    ok, msg = scan(qtbot, window, "ATSMOKE0003")
    assert ok and msg == "Asset AT-SMOKE-0003"
    assert "Location: CART-A/3" in window.lookup_facts.text()
    assert window.events_model.rowCount() >= 1
    ok, msg = scan(qtbot, window, "B-1001")
    assert ok and window.lookup_title.text() == "Holder Dana Reyes (B-1001)"
    assert not window.case_map.isVisible()
    ok, _ = scan(qtbot, window, "CART-A")  # a case: its map is shown
    assert ok and window.case_map.isVisible()
    assert window.case_map.model.index(0, 2).data() == "3\n…0003"
    ok, _ = scan(qtbot, window, "NOPE")
    assert not ok and not window.case_map.isVisible()


# -- persistence ----------------------------------------------------------------------------------


def test_pending_batch_is_offered_back_on_next_start(
    qtbot, db: Path, make_window, tmp_path: Path
) -> None:
    first = make_window(db)
    scan(qtbot, first, "B-1001")
    scan(qtbot, first, "AT-SMOKE-0001")
    scan(qtbot, first, "ATSMOKE0002")
    assert pending_path(db).is_file()
    first.close()  # as if the app crashed or was quit: the file stays

    second = make_window(db)
    assert second.preview_model.rowCount() == 0
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)
    assert second.offer_pending_batch() is True
    assert "uncommitted batch" in seen[0]
    assert second.mode == Mode.STOCK_OUT
    assert second.preview_model.rowCount() == 2
    assert second.session.custodian.badge_code == "B-1001"
    assert verdicts(second) == ["OK", "OK"]
    assert_focus_on_entry(qtbot, second)
    commit_with_enter(qtbot, second)
    qtbot.waitUntil(lambda: where(db, "AT-SMOKE-0002")[0] == "IN_CUSTODY", timeout=3000)
    assert not pending_path(db).exists()


def test_restore_question_waits_for_the_window_to_be_active(qtbot, db: Path, make_window) -> None:
    first = make_window(db)
    scan(qtbot, first, "AT-SMOKE-0001")
    first.close()
    second = make_window(db)
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)
    second.offer_pending_batch_when_active()
    qtbot.waitUntil(lambda: second.preview_model.rowCount() == 1, timeout=3000)
    assert "uncommitted batch" in seen[0]


def test_main_window_activated_under_the_restore_question_gives_it_the_keyboard_back(
    qtbot, db: Path, make_window
) -> None:
    """Anything that activates the main window while the question is open (no window manager)
    must not leave a dead keyboard: Qt blocks the main window's keys, so the question gets the
    keyboard back and a person's Enter answers it."""
    first = make_window(db)
    scan(qtbot, first, "AT-SMOKE-0001")
    first.close()
    second = make_window(db)
    answers: list[bool] = []
    active_after: list[bool] = []

    def steal_focus_then_answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or QApplication.activeWindow() is not dialog:
            QTimer.singleShot(10, steal_focus_then_answer)
            return
        second.activateWindow()  # as `xdotool windowfocus` on the main window does
        qtbot.wait(100)
        active_after.append(QApplication.activeWindow() is dialog)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, steal_focus_then_answer)
    answers.append(second.offer_pending_batch())
    assert active_after == [True]  # the question had the keyboard again
    assert answers == [True]
    assert second.preview_model.rowCount() == 1
    assert_focus_on_entry(qtbot, second)


def test_discarding_the_pending_batch(qtbot, db: Path, make_window) -> None:
    first = make_window(db)
    scan(qtbot, first, "AT-SMOKE-0001")
    first.close()
    second = make_window(db)
    answer_dialog(qtbot, Qt.Key.Key_Escape)
    assert second.offer_pending_batch() is False
    assert load_pending(db) is None
    assert second.preview_model.rowCount() == 0


def test_database_change_by_another_station_re_evaluates(
    qtbot, window: MainWindow, db: Path
) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    assert verdicts(window) == ["OK"]
    with Store(db) as other:
        Engine(other, "station-2").commit_stock_out(["AT-SMOKE-0001"], "B-1002")
        Engine(other, "station-2").add_holder("Sam Quinn", "B-1003")
    qtbot.waitUntil(lambda: verdicts(window)[0].startswith("Refused"), timeout=3000)
    assert window.custodian_picker.count() == 3


def test_mode_and_geometry_persist(qtbot, db: Path, make_window) -> None:
    first = make_window(db)
    qtbot.keyClick(first.scan_entry, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    first.resize(700, 500)
    first.close()
    second = make_window(db)
    assert second.mode == Mode.LOOKUP
    assert (second.width(), second.height()) == (700, 500)


# -- dialogs, menus, integration points -----------------------------------------------------


def test_shortcuts_dialog_and_operator_dialog_return_focus(qtbot, window: MainWindow) -> None:
    titles: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, close_it)
            return
        titles.append(dialog.windowTitle())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, close_it)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_F1)
    assert titles == ["Keyboard shortcuts — AssetTrack"]
    assert_focus_on_entry(qtbot, window)

    def rename() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, rename)
            return
        dialog.setTextValue("alice")
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, rename)
    window.operator_action.trigger()
    assert window.engine.operator == "alice"
    assert window.operator_label.text() == "Operator: alice"
    assert_focus_on_entry(qtbot, window)


def test_integration_points(qtbot, window: MainWindow) -> None:
    page = QWidget()
    index = window.add_page(page, "Reports")
    assert window.tabs.widget(index) is page and window.tabs.tabText(index) == "Reports"
    window.set_scanner_state("disconnected", "Scanner on /dev/ttyACM0 unplugged")
    assert "DISCONNECTED" in window.scanner_label.text()
    window.set_scanner_state("connected", "")
    assert window.scanner_label.text() == "Scanner: serial connected"
    with qtbot.waitSignal(window.scanHandled) as blocker:
        window.on_scan("B-1002", source="serial")
    assert blocker.args == [True, "Custodian: Lee Park (B-1002)"]


def test_thousand_rows_stay_quick(qtbot, tmp_path: Path, make_window) -> None:
    path = tmp_path / "big.db"
    with Store(path) as store:
        engine = Engine(store, "seed")
        engine.add_holders([NewHolder("Dana Reyes", "B-1001")])
        engine.create_cases([NewCase("BIG", "Big cage", 40, 30)])
        engine.commit_register(
            [NewAsset(f"AT-{i:05d}", "", "Laptop", "BIG", i) for i in range(1, 1001)]
        )
    window = make_window(path)
    window.on_scan("B-1001")
    start = time.perf_counter()
    for i in range(1, 1001):
        window.on_scan(f"AT-{i:05d}")
    elapsed = time.perf_counter() - start
    assert window.preview_model.rowCount() == 1000
    assert window.commit_button.isEnabled()
    # the last scans of a 1,000-row batch each take one engine preview call
    start = time.perf_counter()
    window.session.undo_last()
    window.on_scan("AT-01000")
    last = time.perf_counter() - start
    assert last < 0.5, f"one scan at 1,000 rows took {last:.3f} s"
    assert elapsed < 120


def test_refused_rows_are_measured_once_not_on_every_scan(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of 1,000 refused rows: a new scan measures the new row, not all of them."""
    lines = [
        Line(i, f"AT-{i:05d}", reason=f"in custody of Lee Park (B-1002) — row {i}")
        for i in range(1000)
    ]
    window.preview_model.set_lines(lines)
    window.page.fit_rows()
    measured: list[int] = []
    real = window.table.sizeHintForRow

    def counting(row: int) -> int:
        measured.append(row)
        return real(row)

    monkeypatch.setattr(window.table, "sizeHintForRow", counting)
    window.preview_model.set_lines([*lines, Line(1000, "AT-01000", reason="no asset AT-01000")])
    window.page.fit_rows()
    assert measured == [1000]
    assert window.table.rowHeight(1000) > window.table.verticalHeader().defaultSectionSize() - 1


def test_models_pass_qtmodeltester(qtbot, qtmodeltester, window: MainWindow) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    scan(qtbot, window, "AT-SMOKE-0005")
    qtmodeltester.check(window.preview_model, force_py=True)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    scan(qtbot, window, "CART-A")
    qtmodeltester.check(window.case_map.model, force_py=True)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    scan(qtbot, window, "AT-SMOKE-0001")
    qtmodeltester.check(window.events_model, force_py=True)


def test_scan_during_confirmation_waits_for_the_dialog(qtbot, window: MainWindow, db: Path) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    handled: list[tuple[bool, str]] = []
    window.scanHandled.connect(lambda ok, msg: handled.append((ok, msg)))

    def scan_then_confirm() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, scan_then_confirm)
            return
        window.on_scan("AT-SMOKE-0002", "serial")  # arrives while the clerk reads the question
        assert handled == []
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, scan_then_confirm)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert where(db, "AT-SMOKE-0001")[0] == "IN_CUSTODY"
    assert where(db, "AT-SMOKE-0002") == ("STORAGE", None, "CART-A/2")  # not in that batch
    assert [window.preview_model.line(0).asset_tag] == ["AT-SMOKE-0002"]  # the next batch
    assert handled and handled[0][1].startswith("AT-SMOKE-0002")


def test_receipt_button_opens_the_batch_receipt(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assettrack_gui.qt import receipts

    opened: list[str] = []
    monkeypatch.setattr(receipts, "open_receipt", lambda parent, store, batch: opened.append(batch))
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    commit_with_enter(qtbot, window)
    qtbot.waitUntil(window.banner.isVisible, timeout=3000)
    qtbot.mouseClick(window.banner.receipt_button, Qt.MouseButton.LeftButton)
    assert opened == [window.banner.batch_id]
    assert_focus_on_entry(qtbot, window)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert opened == [window.banner.batch_id] * 2


def test_ctrl_q_quits(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)


@pytest.mark.parametrize("damage", ["newer", "corrupt"])
def test_unusable_database_gives_a_message_not_a_traceback(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    from assettrack_gui import __main__ as app_main

    db = tmp_path / "bad.db"
    if damage == "newer":
        with Store(db):
            pass
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
    else:
        db.write_bytes(b"this is not an sqlite database at all" * 200)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda parent, title, text: shown.append(text))
    )
    assert app_main.main(["--db", str(db)]) == 1
    assert len(shown) == 1
    assert ("newer version" if damage == "newer" else "damaged") in shown[0]


def test_command_line_options(db: Path, make_window) -> None:
    from assettrack_gui.__main__ import build_parser

    args = build_parser().parse_args(
        ["--db", "x.db", "--serial", "/dev/ttyACM0", "--operator", "al"]
    )
    assert (str(args.db), args.serial, args.operator) == ("x.db", "/dev/ttyACM0", "al")
    assert build_parser().parse_args([]).db is None
    assert make_window(db).serial_port_override is None


def test_refused_banner_goes_when_the_rows_check_ok_again(
    qtbot, window: MainWindow, db: Path
) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    with Store(db) as other:
        Engine(other, "station-2").commit_stock_out(["AT-SMOKE-0001"], "B-1002")
    window.controller.poll.stop()  # let the commit find out
    answer_dialog(qtbot, Qt.Key.Key_Return)  # confirm
    answer_dialog_later: list[str] = []

    def refused_box() -> None:
        box = QApplication.activeModalWidget()
        if box is None or not isinstance(box, QMessageBox) or box.text().endswith("?"):
            QTimer.singleShot(10, refused_box)
            return
        answer_dialog_later.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, refused_box)
    window.commit_action.trigger()
    qtbot.waitUntil(lambda: bool(answer_dialog_later), timeout=3000)
    assert window.banner.isVisible() and "refused rows" in window.banner.label.text()
    # The other station gives it back: the row checks OK again, the red banner is stale.
    with Store(db) as other:
        Engine(other, "station-2").commit_stock_in(["AT-SMOKE-0001"], None)
    window.controller.check_database_changed()
    assert verdicts(window) == ["OK"]
    assert not window.banner.isVisible()
    assert window.commit_button.isEnabled()


def test_success_banner_goes_when_the_mode_changes(qtbot, window: MainWindow) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=3000)
    assert "done" in window.banner.label.text()
    assert_focus_on_entry(qtbot, window)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.mode == Mode.STOCK_IN
    assert not window.banner.isVisible()
    assert window.receipt_action.isEnabled()  # Ctrl+R still opens the receipt


def test_undo_on_the_success_banner_puts_the_batch_back(qtbot, window: MainWindow, db: Path) -> None:
    """A wrong hand-over noticed at once: Undo… on the banner shows what goes back where, and
    Enter undoes it with a new batch; the history keeps both."""
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=3000)
    voided = window.banner.batch_id
    assert window.banner.undo_button.isVisible()
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)  # "Undo batch …?" → Undo batch
    QTimer.singleShot(300, lambda: answer_dialog(qtbot, Qt.Key.Key_Return))  # "… was undone"
    qtbot.mouseClick(window.banner.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: where(db, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1"), timeout=3000)
    assert seen and seen[0].startswith(f"Undo batch {voided}? 1 asset goes back")
    assert f"Batch {voided} undone by batch" in window.banner.label.text()
    assert not window.banner.undo_button.isVisible()  # an undo is not undone in turn
    conn = sqlite3.connect(db)
    try:
        notes = conn.execute("SELECT event_type, note FROM events WHERE note <> ''").fetchall()
    finally:
        conn.close()
    assert notes == [("STOCK_IN", f"voids batch {voided}")]


def test_a_badge_in_stock_in_offers_to_return_everything_its_holder_has(
    qtbot, window: MainWindow, db: Path
) -> None:
    """Enter on the question adds all the holder's assets; Esc adds nothing."""
    with Store(db) as other_station:
        Engine(other_station, "clerk-2").commit_stock_out(["AT-SMOKE-0001"], "B-1001")
    window.set_mode(Mode.STOCK_IN)
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Escape, seen)
    scan(qtbot, window, "B-1001")
    assert seen == ["Add the 1 asset Dana Reyes (B-1001) holds to this return?"]
    assert window.preview_model.rowCount() == 0
    answer_dialog(qtbot, Qt.Key.Key_Return)
    ok, message = scan(qtbot, window, "B-1001")
    assert ok and message == "Added 1 asset held by Dana Reyes (B-1001)"
    assert window.preview_model.rowCount() == 1


def test_scans_made_before_the_restore_question_keep_the_left_over_batch(
    qtbot, db: Path, make_window, monkeypatch  # noqa: F811
) -> None:
    """A scanner burst right after start (before "Restore batch?" is asked) must not replace
    the batch the last run left: the question offers the old batch, and Restore keeps both."""
    first = make_window(db)
    scan(qtbot, first, "B-1001")
    scan(qtbot, first, "AT-SMOKE-0001")
    first.close()

    second = make_window(db)
    scan(qtbot, second, "B-1001")
    scan(qtbot, second, "AT-SMOKE-0002")  # before the question: saved over the pending file
    seen: list[str] = []

    def answer(parent, title, text, yes, informative=""):  # noqa: ANN001
        seen.append(informative)
        return True

    monkeypatch.setattr("assettrack_gui.qt.scan_controller.confirm", answer)
    assert second.offer_pending_batch() is True
    assert "Stock-Out: 1 scan" in seen[0] and "stay, after the restored ones" in seen[0]
    rows = [r.scan for r in second.controller.session.batches[Mode.STOCK_OUT]]
    assert rows == ["AT-SMOKE-0001", "AT-SMOKE-0002"]
    assert second.offer_pending_batch() is False  # asked once


def test_cancel_after_early_scans_keeps_this_runs_scans_saved(
    qtbot, db: Path, make_window, monkeypatch  # noqa: F811
) -> None:
    first = make_window(db)
    scan(qtbot, first, "B-1001")
    scan(qtbot, first, "AT-SMOKE-0001")
    first.close()
    second = make_window(db)
    scan(qtbot, second, "B-1001")
    scan(qtbot, second, "AT-SMOKE-0002")
    monkeypatch.setattr("assettrack_gui.qt.scan_controller.confirm", lambda *a, **k: False)
    assert second.offer_pending_batch() is False
    saved = second.controller.session.pending_batch()
    assert saved is None  # the old batch is gone, as the clerk chose
    on_disk = load_pending(db)
    assert on_disk is not None and on_disk.stock_out == ["AT-SMOKE-0002"]  # this run's scan
