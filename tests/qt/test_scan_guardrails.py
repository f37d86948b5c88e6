"""Issue 10 on the Scan page: the database never disagrees with the shelf.

Put-away never goes backwards, a refused slot choice holds the next asset, the case map is
readable with real tags and never grows the window, a second badge mid-batch asks, feedback is
never stale, and the restore question names the person.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import Mode, NewAsset, NewCase
from assettrack_gui.core.store import Store
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.preview_model import short_tags
from tests.qt import test_main_window as main_window_tests
from tests.qt.test_main_window import (
    assert_focus_on_entry,
    commit_with_enter,
    scan,
    seed,
    where,
)

# The main window tests' fixtures: a seeded database, windows on it.
db = main_window_tests.db
make_window = main_window_tests.make_window
window = main_window_tests.window

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

TAG = "AT-2024-LAPTOP-{:04d}"  # long tags with a long common beginning, as stockrooms have them


@pytest.fixture
def big_db(tmp_path: Path) -> Path:
    """The usual seed plus RACK-20 (2 × 10: 1–16 and 18 taken; 17, 19, 20 empty), BIG (20 × 10,
    a few assets) and three unslotted assets for the rack."""
    path = tmp_path / "big.db"
    with Store(path) as store:
        seed(store)
        engine = Engine(store, "seed")
        engine.create_cases(
            [NewCase("RACK-20", "Twenty-slot rack", 2, 10), NewCase("BIG", "Big cage", 20, 10)]
        )
        taken = [p for p in range(1, 21) if p not in (17, 19, 20)]
        engine.commit_register(
            [NewAsset(TAG.format(p), f"S{p}", "ThinkPad", "RACK-20", p) for p in taken]
            + [NewAsset(TAG.format(40 + i), f"N{i}", "Spare") for i in range(1, 4)]
            + [NewAsset(TAG.format(100 + p), f"B{p}", "Cage", "BIG", p) for p in (1, 42, 200)]
        )
    return path


@pytest.fixture
def big(big_db: Path, make_window) -> MainWindow:
    return make_window(big_db)


def place_mode(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.mode == Mode.PLACE


def choose_on_map(qtbot, window: MainWindow, position: int) -> None:
    view, model = window.case_map.view, window.case_map.model
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    view.setCurrentIndex(model.index_of_position(position))
    qtbot.keyClick(view, Qt.Key.Key_Return)


# -- 1. auto-advance never goes backwards -------------------------------------------------------


def test_put_away_moves_forward_and_wraps_with_a_word(qtbot, big: MainWindow) -> None:
    place_mode(qtbot, big)
    assert scan(qtbot, big, "RACK-20") == (True, "Case RACK-20: next free slot 17")
    choose_on_map(qtbot, big, 19)
    assert big.session.place_position == 19
    ok, msg = scan(qtbot, big, TAG.format(41))
    assert ok and msg.endswith("→ RACK-20/19")
    assert big.session.place_position == 20 and big.position_spin.value() == 20
    ok, msg = scan(qtbot, big, TAG.format(42))
    assert ok and "→ RACK-20/20" in msg
    assert "end of case RACK-20" in msg and "slot 17" in msg  # said, not silent
    assert big.session.place_position == 17
    ok, msg = scan(qtbot, big, TAG.format(43))
    assert ok and "→ RACK-20/17" in msg
    assert big.session.place_position is None
    assert [line.to for line in big.preview_model.lines] == [
        "RACK-20/19",
        "RACK-20/20",
        "RACK-20/17",
    ]


def test_planned_slots_show_on_the_map_with_their_tag(qtbot, big: MainWindow) -> None:
    place_mode(qtbot, big)
    scan(qtbot, big, "RACK-20")
    choose_on_map(qtbot, big, 19)
    scan(qtbot, big, TAG.format(41))
    model = big.case_map.model
    cell = model.index_of_position(19)
    assert "empty" not in cell.data()
    assert cell.data() == "19\n→…0041"  # a row is going here, with the end of its tag
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fff3e0"
    assert TAG.format(41) in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "planned" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "empty" in model.index_of_position(17).data()


# -- 2. a refused slot choice holds the next asset ----------------------------------------------


def test_refused_slot_label_holds_the_next_asset(qtbot, window: MainWindow) -> None:
    place_mode(qtbot, window)
    scan(qtbot, window, "CART-A")
    ok, msg = scan(qtbot, window, "CART-A/3")
    assert not ok and "taken by AT-SMOKE-0003" in msg
    qtbot.wait(300)  # nothing turns it green a moment later
    assert window.scan_feedback.text().startswith("✗")
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert not ok
    assert msg == "AT-SMOKE-0005: choose an empty slot first — CART-A/3 is taken by AT-SMOKE-0003"
    assert window.preview_model.rowCount() == 0
    assert scan(qtbot, window, "CART-A/8") == (True, "Slot CART-A/8")
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert ok and msg.endswith("→ CART-A/8")


@pytest.mark.parametrize("how", ["map", "spin", "case"])
def test_any_valid_choice_releases_the_hold(qtbot, window: MainWindow, how: str) -> None:
    place_mode(qtbot, window)
    scan(qtbot, window, "CART-A")
    choose_on_map(qtbot, window, 2)  # taken
    assert "taken by AT-SMOKE-0002" in window.scan_feedback.text()
    window.scan_entry.setFocus()
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert not ok and "choose an empty slot first — CART-A/2 is taken" in msg
    if how == "map":
        choose_on_map(qtbot, window, 9)
        expected = "CART-A/9"
    elif how == "spin":
        window.position_spin.setValue(6)
        expected = "CART-A/6"
    else:
        scan(qtbot, window, "SHELF-B")
        expected = "SHELF-B/1"
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert ok and msg.endswith(f"→ {expected}")


def test_a_taken_position_typed_in_the_box_holds_too(qtbot, window: MainWindow) -> None:
    place_mode(qtbot, window)
    scan(qtbot, window, "CART-A")
    window.position_spin.setValue(2)
    assert "Slot CART-A/2 is taken by AT-SMOKE-0002" in window.scan_feedback.text()
    ok, msg = scan(qtbot, window, "AT-SMOKE-0005")
    assert not ok and "choose an empty slot first" in msg
    assert window.preview_model.rowCount() == 0


# -- 3. the case map with real tags -------------------------------------------------------------


def test_case_map_cells_show_the_end_of_the_tag(qtbot, big: MainWindow) -> None:
    place_mode(qtbot, big)
    scan(qtbot, big, "RACK-20")
    cell = big.case_map.model.index_of_position(3)
    assert cell.data() == "3\n…0003"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == f"slot 3: {TAG.format(3)} ThinkPad"
    big.case_map.view.setCurrentIndex(cell)
    assert big.case_map.detail.text() == f"RACK-20/3: {TAG.format(3)} — ThinkPad"
    scan(qtbot, big, "CART-A")
    assert big.case_map.model.index_of_position(1).data() == "1\n…0001"


def test_short_tags_keep_what_tells_them_apart() -> None:
    assert short_tags(["LT-1", "LT-22"]) == {"LT-1": "LT-1", "LT-22": "LT-22"}  # whole
    assert short_tags(["AT-SMOKE-0001", "AT-SMOKE-0002"]) == {
        "AT-SMOKE-0001": "…0001",
        "AT-SMOKE-0002": "…0002",
    }
    # the same last four characters: one more is shown, for both
    assert short_tags(["SITE-A-2024-0042", "SITE-B-2023-0042"]) == {
        "SITE-A-2024-0042": "…4-0042",
        "SITE-B-2023-0042": "…3-0042",
    }


def test_a_large_case_map_scrolls_instead_of_squeezing(qtbot, big: MainWindow) -> None:
    place_mode(qtbot, big)
    scan(qtbot, big, "BIG")
    view = big.case_map.view
    qtbot.wait(50)
    assert view.rowHeight(0) >= 34 and view.columnWidth(0) >= 56
    assert view.verticalScrollBar().maximum() > 0  # 20 rows: scroll, not squeeze


# -- 4. a large case in Lookup never grows the window -------------------------------------------


def test_lookup_of_a_large_case_keeps_the_window_small(qtbot, big: MainWindow) -> None:
    qtbot.keyClick(big.scan_entry, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    before = big.height()
    ok, _ = scan(qtbot, big, "BIG")
    assert ok
    qtbot.wait(50)
    assert big.minimumHeight() < 700
    assert big.minimumSizeHint().height() < 700
    assert big.height() <= max(before, 800)
    assert "200:" in big.lookup_facts.text()  # every slot is still listed, in a scroll area
    for key in (Qt.Key.Key_1, Qt.Key.Key_3):
        qtbot.keyClick(big.scan_entry, key, Qt.KeyboardModifier.ControlModifier)
        assert big.minimumHeight() < 700


# -- 5. a second badge mid-batch asks --------------------------------------------------------------


def question(qtbot, key: Qt.Key, seen: list[str]) -> None:
    def press() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, press)
            return
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        qtbot.keyClick(box.focusWidget() or box, key)

    QTimer.singleShot(0, press)


def test_second_badge_with_rows_asks_and_enter_hands_over(qtbot, window: MainWindow) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    scan(qtbot, window, "AT-SMOKE-0002")
    seen: list[str] = []
    question(qtbot, Qt.Key.Key_Return, seen)
    ok, msg = scan(qtbot, window, "B-1002")
    assert seen == ["Hand the 2 scanned assets to Lee Park instead of Dana Reyes?"]
    assert ok and msg == "Custodian: Lee Park (B-1002)"
    assert window.session.custodian.badge_code == "B-1002"
    assert window.preview_model.rowCount() == 2


def test_second_badge_esc_keeps_the_first_custodian(qtbot, window: MainWindow) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    seen: list[str] = []
    question(qtbot, Qt.Key.Key_Escape, seen)
    ok, msg = scan(qtbot, window, "B-1002")
    assert seen == ["Hand the 1 scanned asset to Lee Park instead of Dana Reyes?"]
    assert not ok and "Dana Reyes" in msg and "kept" in msg.lower()
    assert window.session.custodian.badge_code == "B-1001"
    assert_focus_on_entry(qtbot, window)


def test_second_badge_without_rows_switches_without_asking(qtbot, window: MainWindow) -> None:
    scan(qtbot, window, "B-1001")
    assert scan(qtbot, window, "B-1002") == (True, "Custodian: Lee Park (B-1002)")
    assert QApplication.activeModalWidget() is None
    assert scan(qtbot, window, "B-1002") == (True, "Custodian: Lee Park (B-1002)")  # same badge


def test_scans_during_the_badge_question_wait_and_never_answer_it(
    qtbot, window: MainWindow
) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    handled: list[tuple[bool, str]] = []
    window.scanHandled.connect(lambda ok, msg: handled.append((ok, msg)))

    def scan_then_escape() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, scan_then_escape)
            return
        window.on_scan("AT-SMOKE-0002", "serial")  # arrives while the question is open
        assert handled == [] and box.isVisible()
        qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, scan_then_escape)
    window.on_scan("B-1002", "wedge")
    assert window.session.custodian.badge_code == "B-1001"
    qtbot.waitUntil(lambda: len(handled) == 2)  # the held scan comes after the answer
    assert handled[1][1].startswith("AT-SMOKE-0002")
    assert window.preview_model.rowCount() == 2


# -- 6. feedback that is never stale ----------------------------------------------------------------


def test_success_banner_goes_with_the_next_batchs_first_scan(qtbot, window: MainWindow) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    commit_with_enter(qtbot, window)
    qtbot.waitUntil(window.banner.isVisible, timeout=3000)
    assert_focus_on_entry(qtbot, window)
    scan(qtbot, window, "B-1002")  # a badge adds no row: the banner may stay
    assert window.banner.isVisible()
    scan(qtbot, window, "AT-SMOKE-0002")
    assert not window.banner.isVisible()
    assert window.receipt_action.isEnabled()


def test_scan_feedback_is_cleared_on_mode_change(qtbot, window: MainWindow) -> None:
    ok, _ = scan(qtbot, window, "NOPE")
    assert not ok and "NOPE" in window.scan_feedback.text()
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.scan_feedback.text().strip() == ""


def test_stock_in_banner_names_the_return_case_only_when_used(
    qtbot, window: MainWindow, db: Path
) -> None:
    scan(qtbot, window, "B-1001")
    scan(qtbot, window, "AT-SMOKE-0001")
    commit_with_enter(qtbot, window)
    qtbot.waitUntil(window.banner.isVisible, timeout=3000)
    assert_focus_on_entry(qtbot, window)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    scan(qtbot, window, "SHELF-B")  # chosen, but the asset goes back to its own slot
    scan(qtbot, window, "AT-SMOKE-0001")
    seen = commit_with_enter(qtbot, window)
    qtbot.waitUntil(lambda: window.preview_model.rowCount() == 0, timeout=3000)
    assert seen == ["Stock in 1 asset to storage?"]
    assert "SHELF-B" not in window.banner.label.text()
    assert where(db, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")


def test_no_free_slot_is_a_warning_not_green(qtbot, big: MainWindow) -> None:
    place_mode(qtbot, big)
    scan(qtbot, big, "RACK-20")
    for i in (41, 42, 43):
        scan(qtbot, big, TAG.format(i))
    ok, msg = scan(qtbot, big, "CART-A")
    assert ok  # the case is chosen
    scan(qtbot, big, "RACK-20")
    assert "no free slot" in big.scan_feedback.text()
    assert "#1b5e20" not in big.scan_feedback.styleSheet()
    assert "#e65100" in big.scan_feedback.styleSheet()


# -- 7. the restore question names the person ---------------------------------------------------


def test_restore_question_names_the_custodian(qtbot, db: Path, make_window) -> None:
    first = make_window(db)
    for text in ("B-1001", "AT-SMOKE-0001", "AT-SMOKE-0002", "AT-SMOKE-0003"):
        scan(qtbot, first, text)
    first.close()
    second = make_window(db)
    seen: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, press)
            return
        assert isinstance(box, QMessageBox)
        seen.append(box.informativeText())
        qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, press)
    assert second.offer_pending_batch() is False
    assert "Stock-Out: 3 scans for Dana Reyes (B-1001)" in seen[0]
