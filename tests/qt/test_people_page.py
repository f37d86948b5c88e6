"""The People page (Ctrl+6), driven from the keyboard: search, add, rename, change badge,
deactivate and reactivate, what each holds, a scanned badge."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.people_page import PeoplePage

from . import admin_pages
from .admin_pages import (
    IGNORE_OFFSCREEN,
    alt,
    answer,
    events,
    fill,
    in_dialog,
    press,
    query,
    show_page,
)

db, window = admin_pages.db, admin_pages.window  # the fixtures

pytestmark = IGNORE_OFFSCREEN


def people(qtbot, window: MainWindow) -> PeoplePage:
    page = show_page(qtbot, window, Qt.Key.Key_6)
    assert isinstance(page, PeoplePage)
    return page


def names(page: PeoplePage) -> list[str]:
    return [r.name for r in page.model.rows()]


def test_ctrl_6_shows_everyone_with_the_search_box_ready(qtbot, window: MainWindow) -> None:
    page = people(qtbot, window)
    assert QApplication.focusWidget() is page.search
    assert names(page) == ["Dana Reyes", "Lee Park", "Old Timer", "Tomás Øren"]
    assert page.model.index(0, 3).data() == "1: AT-SMOKE-0004"
    assert page.model.index(2, 2).data() == "deactivated"


def test_the_search_ignores_accents_and_letter_case(qtbot, window: MainWindow, qtmodeltester) -> None:
    page = people(qtbot, window)
    qtbot.keyClicks(page.search, "TOMAS")
    page.search_now()
    assert names(page) == ["Tomás Øren"]
    page.search.clear()
    qtbot.keyClicks(page.search, "oren")
    page.search_now()
    assert names(page) == ["Tomás Øren"]
    page.search.clear()
    qtbot.keyClicks(page.search, "b-100")
    page.search_now()
    assert names(page) == ["Dana Reyes", "Lee Park", "Tomás Øren"]
    qtmodeltester.check(page.model)


def test_the_side_panel_lists_what_the_selected_person_holds(qtbot, window: MainWindow) -> None:
    page = people(qtbot, window)
    assert page.selected().name == "Dana Reyes"
    assert page.held_title.text() == "Dana Reyes (B-1001) holds 1 asset:"
    assert page.held_model.index(0, 0).data() == "AT-SMOKE-0004"
    qtbot.keyClick(page.search, Qt.Key.Key_Down)  # into the list
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected().name == "Lee Park"
    assert page.held_title.text() == "Lee Park (B-1002) holds 0 assets."
    assert page.held_model.rowCount() == 0


def test_add_a_person(qtbot, window: MainWindow, db: Path) -> None:
    page = people(qtbot, window)

    def add(dialog) -> None:
        fill(qtbot, dialog, name="Sam Quinn", badge="B-1004")
        press(qtbot, dialog)

    seen = in_dialog(qtbot, add)
    alt(qtbot, Qt.Key.Key_A)
    assert seen and seen[0] == "addPersonDialog"
    assert page.selected().label == "Sam Quinn (B-1004)"
    assert page.status.text() == "Added Sam Quinn (B-1004)"
    assert events(db, "HOLDER_ADD")[-1] == ("clerk", {"badge_code": "B-1004", "name": "Sam Quinn"})


def test_a_refused_new_person_shows_the_engines_words_and_keeps_the_input(
    qtbot, window: MainWindow, db: Path
) -> None:
    page = people(qtbot, window)
    problems: list[str] = []

    def add(dialog) -> None:
        fill(qtbot, dialog, name="Sam Quinn", badge="B1001")
        press(qtbot, dialog)
        problems.append(dialog.problem.text())
        assert dialog.isVisible()  # still open, with what was typed
        fill(qtbot, dialog, badge="B-1005")
        press(qtbot, dialog)

    in_dialog(qtbot, add)
    page.add_person()
    assert problems == [
        "B1001: badge B1001 is too like badge B-1001: they differ only in dashes or letter case, "
        "so a scanner could pick the wrong one"
    ]
    assert page.selected().label == "Sam Quinn (B-1005)"


def test_rename_and_change_badge_in_the_editor_enter_opens(qtbot, window: MainWindow, db: Path) -> None:
    page = people(qtbot, window)
    qtbot.keyClicks(page.search, "lee")

    def edit(dialog) -> None:
        assert dialog.objectName() == "editPersonDialog"
        fill(qtbot, dialog, name="Lee Park-Kim", badge="B-2002")
        press(qtbot, dialog)

    in_dialog(qtbot, edit)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter: the selected person's editor
    assert page.selected().label == "Lee Park-Kim (B-2002)"
    assert events(db, "HOLDER_REBADGE") == [("clerk", {"badge_code": ["B-1002", "B-2002"]})]
    assert events(db, "HOLDER_RENAME")[-1][1] == {"name": "Lee Park-Kim", "old_name": "Lee Park"}
    assert page.status.text() == (
        "Lee Park-Kim (B-2002): badge B-1002 → B-2002; name Lee Park → Lee Park-Kim"
    )


def test_a_badge_in_use_is_refused_in_the_engines_words(qtbot, window: MainWindow, db: Path) -> None:
    people(qtbot, window)
    problems: list[str] = []

    def edit(dialog) -> None:
        fill(qtbot, dialog, badge="AT-SMOKE-0001")
        press(qtbot, dialog)
        problems.append(dialog.problem.text())
        press(qtbot, dialog, Qt.Key.Key_Escape)

    in_dialog(qtbot, edit)
    alt(qtbot, Qt.Key.Key_B)
    assert problems == ["badge AT-SMOKE-0001 is already used by an asset tag (AT-SMOKE-0001)"]
    assert events(db, "HOLDER_REBADGE") == []


def test_deactivate_asks_first_and_reactivate_too(qtbot, window: MainWindow, db: Path) -> None:
    page = people(qtbot, window)
    assert page.selected().name == "Dana Reyes"
    asked: list[str] = []
    answer(qtbot, Qt.Key.Key_Escape, asked)
    alt(qtbot, Qt.Key.Key_D)
    assert asked == ["Deactivate Dana Reyes (B-1001)?"]
    assert query(db, "SELECT active FROM holders WHERE badge_code = 'B-1001'") == [(1,)]
    answer(qtbot, Qt.Key.Key_Return)
    alt(qtbot, Qt.Key.Key_D)
    assert query(db, "SELECT active FROM holders WHERE badge_code = 'B-1001'") == [(0,)]
    assert page.model.index(0, 2).data() == "deactivated"
    assert not page.deactivate_button.isEnabled() and page.reactivate_button.isEnabled()
    answer(qtbot, Qt.Key.Key_Return, asked)
    alt(qtbot, Qt.Key.Key_V)
    assert asked[-1] == "Reactivate Dana Reyes (B-1001)?"
    assert query(db, "SELECT active FROM holders WHERE badge_code = 'B-1001'") == [(1,)]
    assert [e for e, _ in events(db, "HOLDER_DEACTIVATE")] == ["seed", "clerk"]


def test_a_scanned_badge_selects_that_person(qtbot, window: MainWindow) -> None:
    page = people(qtbot, window)
    qtbot.keyClicks(page.search, "dana")
    page.search_now()
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("B1003")  # a scanner that drops dashes
    assert handled.args == [True, "Scanned badge: Tomás Øren (B-1003)"]
    assert page.selected().name == "Tomás Øren"
    assert page.search.text() == ""  # the search that hid her is gone
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("AT-SMOKE-0001")
    assert handled.args[0] is False and "no holder with badge or name" in handled.args[1]
    assert page.selected().name == "Tomás Øren"
    assert window.tabs.currentWidget() is not window.page  # the scans did not go to the batch
    assert all(rows == [] for rows in window.session.batches.values())


def test_enter_on_a_row_of_the_list_opens_its_editor(qtbot, window: MainWindow) -> None:
    page = people(qtbot, window)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected().name == "Lee Park"
    seen = in_dialog(qtbot, lambda dialog: press(qtbot, dialog, Qt.Key.Key_Escape))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert seen == ["editPersonDialog"]
    # back in the list once the dialog is gone
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table, timeout=2000)
