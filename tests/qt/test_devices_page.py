"""The Devices page (Ctrl+8), driven from the keyboard: search, register (into a slot or not),
change serial or description (an ASSET_EDIT event), retire (then refused in Stock-Out) and
reinstate, a scanned tag, and a long list read a page at a time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QSpinBox

from assettrack_gui.core.directory import PAGE_SIZE
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import Code, Mode, NewAsset
from assettrack_gui.qt.devices_page import DevicesPage
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.preview_model import PreviewModel

from . import admin_pages
from .admin_pages import IGNORE_OFFSCREEN, alt, events, fill, in_dialog, query, show_page

db, window = admin_pages.db, admin_pages.window  # the fixtures
pytestmark = IGNORE_OFFSCREEN


def devices(qtbot, window: MainWindow) -> DevicesPage:
    page = show_page(qtbot, window, Qt.Key.Key_8)
    assert isinstance(page, DevicesPage)
    return page


def tags(page: DevicesPage) -> list[str]:
    return [d.asset_tag for d in page.model.rows()]


def search(qtbot, page: DevicesPage, text: str) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    page.search_now()


def test_ctrl_8_lists_every_device_with_where_it_is(qtbot, window: MainWindow, qtmodeltester) -> None:
    page = devices(qtbot, window)
    assert QApplication.focusWidget() is page.search
    rows = [[page.model.index(r, c).data() for c in range(4)] for r in range(page.model.rowCount())]
    assert rows[0] == ["AT-SMOKE-0001", "5CG1", "ThinkPad T14", "CART-A/1"]
    assert rows[3] == ["AT-SMOKE-0004", "5CG4", "ThinkPad T14", "Dana Reyes (B-1001)"]
    assert rows[4] == ["AT-SMOKE-0005", "JX99", "Dell spare", "storage (no slot)"]
    assert page.status.text() == "5 devices"
    search(qtbot, page, "dell")
    assert tags(page) == ["AT-SMOKE-0005"]
    assert page.status.text() == "1 of 5 devices match 'dell'"
    search(qtbot, page, "5cg3")
    assert tags(page) == ["AT-SMOKE-0003"]
    search(qtbot, page, "atsmoke0002")
    assert tags(page) == ["AT-SMOKE-0002"]
    qtmodeltester.check(page.model)


def test_a_long_list_is_read_a_page_at_a_time(qtbot, window: MainWindow, qtmodeltester) -> None:
    Engine(window.store, "seed").commit_register(
        [NewAsset(f"PH-{n:05d}", f"S{n}", "Phone") for n in range(1, 3 * PAGE_SIZE + 1)]
    )
    page = devices(qtbot, window)
    assert page.model.rowCount() == PAGE_SIZE  # not 605
    assert page.status.text() == f"{3 * PAGE_SIZE + 5} devices"
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > PAGE_SIZE)
    while page.model.canFetchMore():
        page.model.fetchMore()
    assert page.model.rowCount() == 3 * PAGE_SIZE + 5
    assert tags(page) == sorted(tags(page))
    qtmodeltester.check(page.model)
    with qtbot.waitSignal(window.scanHandled) as handled:  # a scan far down the list
        window.on_scan("PH-00555")
    assert handled.args == [True, "Scanned PH-00555: storage (no slot)"]
    assert page.selected().asset_tag == "PH-00555"


def test_register_a_device_into_a_slot(qtbot, window: MainWindow, db: Path) -> None:
    page = devices(qtbot, window)

    def register(dialog) -> None:
        fill(qtbot, dialog, tag="AT-NEW-0001", serial="5CG99", description="ThinkPad X1")
        case = dialog.findChild(QComboBox, "caseField")
        case.setCurrentIndex(case.findText("CART-A", Qt.MatchFlag.MatchStartsWith))
        assert dialog.findChild(QSpinBox, "positionField").value() == 4  # the first free slot
        description = dialog.findChild(QLineEdit, "descriptionField")
        qtbot.keyClick(description, Qt.Key.Key_Return)

    seen = in_dialog(qtbot, register)
    alt(qtbot, Qt.Key.Key_G)
    assert seen == ["registerDialog"]
    assert page.selected().asset_tag == "AT-NEW-0001"
    assert page.selected().place == "CART-A/4"
    assert page.status.text() == "Registered AT-NEW-0001: CART-A/4"
    assert query(db, "SELECT serial, description FROM assets WHERE asset_tag = 'AT-NEW-0001'") == [
        ("5CG99", "ThinkPad X1")
    ]


def test_a_refused_registration_keeps_the_input_and_a_shared_serial_is_a_note(
    qtbot, window: MainWindow
) -> None:
    page = devices(qtbot, window)
    problems: list[str] = []

    def register(dialog) -> None:
        fill(qtbot, dialog, tag="at-smoke-0001", serial="JX99", description="Spare")
        qtbot.keyClick(dialog.findChild(QLineEdit, "descriptionField"), Qt.Key.Key_Return)
        problems.append(dialog.problem.text())
        fill(qtbot, dialog, tag="AT-SPARE-9")
        qtbot.keyClick(dialog.findChild(QLineEdit, "descriptionField"), Qt.Key.Key_Return)

    in_dialog(qtbot, register)
    page.register_device()
    assert "asset tag at-smoke-0001 is too like asset tag AT-SMOKE-0001" in problems[0]
    assert page.selected().asset_tag == "AT-SPARE-9"
    assert page.status.text() == (
        "Registered AT-SPARE-9: storage (no slot) — note: serial JX99 is also on AT-SMOKE-0005"
    )


def test_edit_serial_and_description_is_an_asset_edit_event(
    qtbot, window: MainWindow, db: Path
) -> None:
    page = devices(qtbot, window)
    search(qtbot, page, "AT-SMOKE-0002")

    def edit(dialog) -> None:
        assert dialog.objectName() == "editDeviceDialog"
        fill(qtbot, dialog, serial="5CG2-R", description="ThinkPad T14 (new board)")
        qtbot.keyClick(dialog.findChild(QLineEdit, "descriptionField"), Qt.Key.Key_Return)

    in_dialog(qtbot, edit)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter: the selected device's editor
    edits = events(db, "ASSET_EDIT")
    assert len(edits) == 1 and edits[0][0] == "clerk"
    assert "5CG2-R" in str(edits[0][1]) and "ThinkPad T14 (new board)" in str(edits[0][1])
    assert page.selected().serial == "5CG2-R"
    assert page.status.text() == "AT-SMOKE-0002: serial and description saved"


def test_retire_then_stock_out_refuses_it_then_reinstate(
    qtbot, window: MainWindow, db: Path
) -> None:
    page = devices(qtbot, window)
    search(qtbot, page, "AT-SMOKE-0001")
    problems: list[str] = []

    def retire(dialog) -> None:
        assert dialog.objectName() == "retireDialog"
        kind = dialog.findChild(QComboBox, "kindField")
        kind.setCurrentIndex(kind.findData("BROKEN"))
        reason = dialog.findChild(QLineEdit, "reasonField")
        qtbot.keyClick(reason, Qt.Key.Key_Return)  # no reason yet
        problems.append(dialog.problem.text())
        qtbot.keyClicks(reason, "screen cracked")
        qtbot.keyClick(reason, Qt.Key.Key_Return)

    in_dialog(qtbot, retire)
    alt(qtbot, Qt.Key.Key_I)
    assert problems == ["give a reason for the retirement"]
    assert page.selected().place == "RETIRED (BROKEN)"
    assert page.status.text().startswith("Retired AT-SMOKE-0001 as broken")
    assert query(db, "SELECT location_type, retirement FROM assets WHERE asset_tag = 'AT-SMOKE-0001'") == [
        ("RETIRED", "BROKEN")
    ]
    assert not page.retire_button.isEnabled() and page.reinstate_button.isEnabled()

    # Stock-Out refuses it, in the Scan page's batch
    qtbot.keyClick(page.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.mode == Mode.STOCK_OUT and window.tabs.currentWidget() is window.page
    window.on_scan("B-1002")
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("AT-SMOKE-0001")
    assert handled.args[0] is False
    assert window.session.preview is not None
    assert window.session.preview.lines[0].code == Code.ASSET_RETIRED
    assert window.preview_model.index(0, PreviewModel.VERDICT).data().startswith("Refused")

    page = devices(qtbot, window)
    search(qtbot, page, "AT-SMOKE-0001")

    def reinstate(dialog) -> None:
        assert dialog.objectName() == "reinstateDialog"
        reason = dialog.findChild(QLineEdit, "reasonField")
        qtbot.keyClicks(reason, "repaired")
        qtbot.keyClick(reason, Qt.Key.Key_Return)

    in_dialog(qtbot, reinstate)
    alt(qtbot, Qt.Key.Key_N)
    assert page.selected().place == "storage (no slot)"
    assert [note for (note,) in query(db, "SELECT note FROM events WHERE event_type IN "
                                          "('RETIRE', 'REINSTATE') ORDER BY id")] == [
        "screen cracked",
        "repaired",
    ]  # fmt: skip


def test_a_scanned_tag_selects_the_device_and_a_badge_does_not(qtbot, window: MainWindow) -> None:
    page = devices(qtbot, window)
    search(qtbot, page, "dell")
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("ATSMOKE0003")
    assert handled.args == [True, "Scanned AT-SMOKE-0003: CART-A/3"]
    assert page.selected().asset_tag == "AT-SMOKE-0003"
    with qtbot.waitSignal(window.scanHandled) as handled:
        window.on_scan("B-1001")
    assert handled.args == [False, "this is the badge of Dana Reyes (B-1001), not an asset"]
    assert page.selected().asset_tag == "AT-SMOKE-0003"
