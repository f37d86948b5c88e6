"""File → Print labels… and the case map's *Print slot labels…*: the PDF, read back by a barcode
decoder, holds exactly the codes asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog

from assettrack_gui.core.model import Mode
from assettrack_gui.qt.labels_dialog import LabelsDialog
from assettrack_gui.qt.main_window import MainWindow

from ..label_pages import needs_poppler, printed, read_labels
from .test_main_window import answer_dialog, db, make_window, scan, window  # noqa: F401

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

SLOTS_OF_CART_A = [f"CART-A/{n}" for n in range(1, 11)]


def opened(qtbot, window: MainWindow, **preset) -> LabelsDialog:  # noqa: F811
    dialog = LabelsDialog(window.engine, window, **preset)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def make(qtbot, dialog: LabelsDialog) -> None:
    """Press Make PDF and wait until the PDF is written."""
    with qtbot.waitSignal(dialog.worker.finished, timeout=60000):
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)


@needs_poppler
def test_slot_labels_of_a_case_decode_to_exactly_its_slots(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:
    dialog = opened(qtbot, window, kind="slots", case="CART-A")
    assert dialog.kind == "slots" and dialog.which == "case"
    assert dialog.case_chooser.currentText().startswith("CART-A")
    assert Path(dialog.path_edit.text()).name == "labels-slots-CART-A.pdf"
    pdf = tmp_path / "slots.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == str(pdf)
    dialog.start_spin.setValue(3)  # two labels of the sheet are used already
    make(qtbot, dialog)

    assert dialog.message_label.text() == (
        f"Wrote 10 slot labels (1 page, avery-l7651, Code 128) to {pdf}"
    )
    (page,) = read_labels(pdf, "avery-l7651")
    assert page[0] == ([], "") and page[1] == ([], "")
    assert printed([page]) == SLOTS_OF_CART_A
    assert "Laptop cart A" in page[2][1] and "CART-A/1" in page[2][1]

    opened_urls: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url) or True)
    assert dialog.open_button.isEnabled() and dialog.open_button.hasFocus()
    qtbot.keyClick(dialog.open_button, Qt.Key.Key_Space)
    assert opened_urls == [QUrl.fromLocalFile(str(pdf))]


@needs_poppler
def test_asset_labels_by_scan_in_qr_on_a_roll(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    dialog = opened(qtbot, window, kind="assets", codes=["ATSMOKE0002", "AT-SMOKE-0005"])
    assert dialog.which == "codes"
    dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("roll-62mm"))
    assert dialog.start_spin.maximum() == 1
    dialog.symbology_combo.setCurrentIndex(dialog.symbology_combo.findData("qr"))
    pdf = tmp_path / "assets"  # ".pdf" is added
    dialog.path_edit.setText(str(pdf))
    make(qtbot, dialog)
    pages = read_labels(tmp_path / "assets.pdf", "roll-62mm")
    # A scan without dashes prints the tag as the database spells it.
    assert printed(pages) == ["AT-SMOKE-0002", "AT-SMOKE-0005"]
    assert "Dell spare" in pages[1][0][1]
    assert "(2 pages, roll-62mm, QR code)" in dialog.message_label.text()


def test_a_tag_too_long_for_the_layout_is_written_with_the_engines_warning(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    from assettrack_gui.core.labels import Label, narrow_bars
    from assettrack_gui.core.model import NewAsset

    window.engine.commit_register([NewAsset("AT-LAPTOP-EAST-00020", "S1", "Laptop")])
    dialog = opened(qtbot, window, kind="assets", codes=["AT-SMOKE-0001", "AT-LAPTOP-EAST-00020"])
    pdf = tmp_path / "long.pdf"
    dialog.path_edit.setText(str(pdf))
    make(qtbot, dialog)
    (expected,) = narrow_bars([Label("AT-LAPTOP-EAST-00020", "")], "avery-l7651")
    assert pdf.exists()
    assert dialog.message_label.text() == (
        f"Wrote 2 asset labels (1 page, avery-l7651, Code 128) to {pdf}\n"
        f"Warning: {expected.message('a QR code')}"
    )
    assert "AT-SMOKE-0001" not in dialog.message_label.text().split("\n", 1)[1]


def test_an_unknown_code_is_refused_by_name_and_no_file_is_written(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    dialog = opened(qtbot, window, kind="badges")
    pdf = tmp_path / "badges.pdf"
    dialog.path_edit.setText(str(pdf))
    dialog.codes_edit.setFocus()
    qtbot.keyClicks(dialog.codes_edit, "B-1001")
    qtbot.keyClick(dialog.codes_edit, Qt.Key.Key_Return)  # a new line, not Make PDF
    qtbot.keyClicks(dialog.codes_edit, "NOPE-9")
    assert dialog.codes_edit.toPlainText() == "B-1001\nNOPE-9"
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "NOPE-9" in dialog.message_label.text()
    assert not pdf.exists() and not dialog.worker.busy


@needs_poppler
def test_an_existing_file_is_replaced_only_when_confirmed(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    pdf = tmp_path / "cases.pdf"
    pdf.write_bytes(b"keep me")
    dialog = opened(qtbot, window, kind="cases")
    dialog.which_combo.setCurrentIndex(dialog.which_combo.findData("all"))
    dialog.path_edit.setText(str(pdf))
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Escape, seen)
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert seen == ["cases.pdf already exists. Replace it?"]
    assert pdf.read_bytes() == b"keep me" and "was kept" in dialog.message_label.text()

    answer_dialog(qtbot, Qt.Key.Key_Return)
    make(qtbot, dialog)
    assert printed(read_labels(pdf, "avery-l7651")) == ["CART-A", "SHELF-B"]


def test_a_path_that_is_a_link_or_a_folder_is_refused(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    dialog = opened(qtbot, window, kind="slots", case="SHELF-B")
    target = tmp_path / "real.pdf"
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    dialog.path_edit.setText(str(link))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "symbolic link" in dialog.message_label.text() and not target.exists()
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.pdf"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "No folder" in dialog.message_label.text()


@needs_poppler
def test_print_slot_labels_from_the_case_map_opens_the_dialog_preset(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    window.set_mode(Mode.PLACE)
    assert not window.case_map.print_button.isEnabled()  # no case on the map yet
    assert scan(qtbot, window, "CART-A")[0]
    assert window.case_map.print_button.isEnabled()
    action = window.case_map.print_action
    assert action in window.case_map.view.actions()  # the map's context menu
    assert window.case_map.view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    pdf = tmp_path / "cart-a.pdf"
    seen: dict[str, object] = {}

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LabelsDialog):
            QTimer.singleShot(20, drive)
            return
        try:
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
            seen["preset"] = (dialog.kind, dialog.which, dialog.case_chooser.currentText())
            dialog.path_edit.setText(str(pdf))
            with qtbot.waitSignal(dialog.worker.finished, timeout=60000):
                qtbot.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
            seen["message"] = dialog.message_label.text()
        finally:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, drive)
    qtbot.mouseClick(window.case_map.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    kind, which, case = seen["preset"]  # type: ignore[misc]
    assert (kind, which) == ("slots", "case") and case.startswith("CART-A")
    assert str(seen["message"]).startswith("Wrote 10 slot labels")
    assert printed(read_labels(pdf, "avery-l7651")) == SLOTS_OF_CART_A

    # The same from the keyboard: Ctrl+Shift+P while the map has the keyboard.
    presets: list[tuple[str, str]] = []

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LabelsDialog):
            QTimer.singleShot(20, close)
            return
        presets.append((dialog.kind, dialog.case_chooser.currentText()))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    window.case_map.view.setFocus()
    qtbot.waitUntil(lambda: window.case_map.view.hasFocus())
    QTimer.singleShot(0, close)
    qtbot.keyClick(
        window.case_map.view,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    assert len(presets) == 1 and presets[0][0] == "slots" and presets[0][1].startswith("CART-A")


def test_file_menu_print_labels_opens_the_dialog(qtbot, window: MainWindow) -> None:  # noqa: F811
    titles: list[str] = []

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LabelsDialog):
            QTimer.singleShot(20, close)
            return
        titles.append(dialog.windowTitle())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, close)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    assert titles == ["Print labels — AssetTrack"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.scan_entry, timeout=3000)


def test_pages_open_it_preset(qtbot, window: MainWindow) -> None:  # noqa: F811
    in_case = opened(qtbot, window, kind="assets", case="SHELF-B")
    assert (in_case.which, in_case.case_chooser.currentText()[:7]) == ("case", "SHELF-B")
    assert not in_case.codes_edit.isEnabled() and in_case.case_chooser.isEnabled()
    a_case = opened(qtbot, window, kind="cases", case="CART-A")
    assert (a_case.which, a_case.codes_edit.toPlainText()) == ("codes", "CART-A")
    badges = opened(qtbot, window, kind="badges", codes=["B-1001", "B-1002"])
    assert badges.codes_edit.toPlainText() == "B-1001\nB-1002"
    assert not badges.case_chooser.isEnabled()
    unknown = opened(qtbot, window, kind="slots", case="NOPE-C")
    assert unknown.message_label.text() == "No case NOPE-C."
    with pytest.raises(ValueError, match="choose one of assets, cases, slots, badges"):
        LabelsDialog(window.engine, window, kind="people")


@needs_poppler
def test_retired_assets_are_left_out_of_every_asset_and_noted_when_named(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    window.engine.commit_retire(["AT-SMOKE-0003"], "disposed", "recycled")
    dialog = opened(qtbot, window, kind="assets")
    dialog.which_combo.setCurrentIndex(dialog.which_combo.findData("all"))
    assert dialog.which_combo.currentText() == "Every asset (not the retired ones)"
    every = tmp_path / "every.pdf"
    dialog.path_edit.setText(str(every))
    make(qtbot, dialog)
    assert "Note:" not in dialog.message_label.text()
    assert printed(read_labels(every, "avery-l7651")) == [
        "AT-SMOKE-0001", "AT-SMOKE-0002", "AT-SMOKE-0004", "AT-SMOKE-0005"
    ]  # fmt: skip
    dialog = opened(qtbot, window, kind="assets", codes=["AT-SMOKE-0003"])
    named = tmp_path / "named.pdf"
    dialog.path_edit.setText(str(named))
    make(qtbot, dialog)
    assert dialog.message_label.text() == (
        f"Wrote 1 asset label (1 page, avery-l7651, Code 128) to {named}\n"
        "Note: AT-SMOKE-0003 is retired (disposed): its label is printed anyway"
    )
    assert printed(read_labels(named, "avery-l7651")) == ["AT-SMOKE-0003"]
