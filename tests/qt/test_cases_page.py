"""The Cases page (Ctrl+7), driven from the keyboard: create, rename, resize (refused and
allowed), the case map, the printable map, a scanned case code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QLineEdit, QSpinBox

from assettrack_gui.qt import cases_page as cases_module
from assettrack_gui.qt.cases_page import CasesPage
from assettrack_gui.qt.main_window import MainWindow

from . import admin_pages
from .admin_pages import IGNORE_OFFSCREEN, alt, events, fill, in_dialog, press, query, show_page

db, window = admin_pages.db, admin_pages.window  # the fixtures
pytestmark = IGNORE_OFFSCREEN


def cases(qtbot, window: MainWindow) -> CasesPage:
    page = show_page(qtbot, window, Qt.Key.Key_7)
    assert isinstance(page, CasesPage)
    return page


def set_size(dialog, rows: int, cols: int) -> None:
    dialog.findChild(QSpinBox, "rowsField").setValue(rows)
    dialog.findChild(QSpinBox, "colsField").setValue(cols)


def test_ctrl_7_lists_the_cases_with_their_fill_and_map(qtbot, window: MainWindow, qtmodeltester) -> None:
    page = cases(qtbot, window)
    assert QApplication.focusWidget() is page.search
    shown = [[page.model.index(r, c).data() for c in range(5)] for r in range(page.model.rowCount())]
    assert shown == [
        ["CART-A", "Laptop cart A", "2 × 5", "3", "7"],
        ["SHELF-B", "Spare shelf", "1 × 3", "0", "3"],
    ]
    assert page.case_map.title.text().startswith("Case map: CART-A — Laptop cart A (3 of 10")
    assert page.case_map.model.rowCount() == 2 and page.case_map.model.columnCount() == 5
    qtbot.keyClicks(page.search, "spare")
    page.search_now()
    assert [r.case_code for r in page.model.rows()] == ["SHELF-B"]
    qtmodeltester.check(page.model)


def test_create_a_case(qtbot, window: MainWindow, db: Path) -> None:
    page = cases(qtbot, window)

    def create(dialog) -> None:
        fill(qtbot, dialog, code="BIN-1", name="Small parts bin")
        set_size(dialog, 2, 4)
        qtbot.keyClick(dialog.findChild(QSpinBox, "colsField"), Qt.Key.Key_Return)

    seen = in_dialog(qtbot, create)
    alt(qtbot, Qt.Key.Key_N)
    assert seen[0] == "newCaseDialog"
    assert page.selected().case_code == "BIN-1"
    assert page.status.text() == "Created case BIN-1 (2 × 4 = 8 slots)"
    assert query(db, "SELECT count(*) FROM slots s JOIN cases c ON c.id = s.case_id "
                     "WHERE c.case_code = 'BIN-1'") == [(8,)]  # fmt: skip


def test_a_refused_new_case_keeps_what_was_typed(qtbot, window: MainWindow) -> None:
    page = cases(qtbot, window)
    problems: list[str] = []

    def create(dialog) -> None:
        fill(qtbot, dialog, code="carta", name="Another cart")
        code = dialog.findChild(QLineEdit, "codeField")
        code.setFocus()
        qtbot.keyClick(code, Qt.Key.Key_Return)  # a scan's Enter: on to the name, not OK
        assert dialog.focusWidget() is dialog.findChild(QLineEdit, "nameField")
        press(qtbot, dialog)  # Enter in the name: OK
        problems.append(dialog.problem.text())
        fill(qtbot, dialog, code="CART-C")
        press(qtbot, dialog)

    in_dialog(qtbot, create)
    page.new_case()
    assert "case code carta is too like case code CART-A" in problems[0]
    assert page.selected().case_code == "CART-C" and page.selected().name == "Another cart"


def test_rename_through_the_editor_enter_opens(qtbot, window: MainWindow, db: Path) -> None:
    page = cases(qtbot, window)

    def edit(dialog) -> None:
        assert dialog.objectName() == "editCaseDialog"
        fill(qtbot, dialog, name="Laptop cart, 2nd floor")
        press(qtbot, dialog)

    in_dialog(qtbot, edit)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.selected().name == "Laptop cart, 2nd floor"
    assert events(db, "CASE_RENAME") == [
        ("clerk", {"case": "CART-A", "name": ["Laptop cart A", "Laptop cart, 2nd floor"]})
    ]


def test_resize_refused_in_the_engines_words_then_allowed(qtbot, window: MainWindow, db: Path) -> None:
    page = cases(qtbot, window)
    problems: list[str] = []

    def resize(dialog) -> None:
        set_size(dialog, 1, 2)
        press(qtbot, dialog)
        problems.append(dialog.problem.text())
        assert dialog.isVisible()
        set_size(dialog, 1, 4)
        press(qtbot, dialog)

    in_dialog(qtbot, resize)
    alt(qtbot, Qt.Key.Key_Z)
    assert problems == [
        "case CART-A cannot become 1 × 2: CART-A/3 holds AT-SMOKE-0003 — move it to a slot "
        "inside the new size first"
    ]
    assert events(db, "CASE_RESIZE") == [
        ("clerk", {"case": "CART-A", "rows": [2, 1], "cols": [5, 4]})
    ]
    assert page.selected().size == 4
    assert page.case_map.model.rowCount() == 1 and page.case_map.model.columnCount() == 4
    assert page.status.text() == "Case CART-A: size 2 × 5 → 1 × 4"


def test_the_printable_map_is_a_pdf_with_every_tag(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    monkeypatch.setattr(cases_module, "case_map_path", lambda code: tmp_path / f"{code}.pdf")
    page = cases(qtbot, window)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    alt(qtbot, Qt.Key.Key_P)
    dest = tmp_path / "CART-A.pdf"
    assert opened == [QUrl.fromLocalFile(str(dest))]
    text = subprocess.run(
        ["pdftotext", "-layout", str(dest), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Case CART-A" in text and "3 of 10 slots used" in text
    for n in (1, 2, 3):
        assert f"AT-SMOKE-000{n}" in text
    assert "AT-SMOKE-0004" not in text  # in custody
    assert text.count("empty") == 7


def test_a_scanned_case_code_or_tag_selects_the_case(qtbot, window: MainWindow) -> None:
    page = cases(qtbot, window)
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("SHELFB")
    assert handled.args == [True, "Scanned case SHELF-B"]
    assert page.selected().case_code == "SHELF-B"
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("AT-SMOKE-0002")
    assert handled.args == [True, "AT-SMOKE-0002 is in CART-A/2"]
    assert page.selected().case_code == "CART-A"
    assert page.case_map.detail.text() == "CART-A/2: AT-SMOKE-0002 — ThinkPad T14"
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("NOPE-9")
    assert handled.args[0] is False and "no case 'NOPE-9'" in handled.args[1]
