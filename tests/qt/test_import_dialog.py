"""File → Import…: the file is read as the CLI reads it, every row shows the engine's verdict, and
Import writes the whole file in one batch or nothing at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel

from assettrack_gui.core.backups import automatic_backups
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import NewAsset
from assettrack_gui.core.store import Store
from assettrack_gui.qt.import_dialog import ImportDialog, ImportRowsModel
from assettrack_gui.qt.main_window import MainWindow

from .test_main_window import db, make_window, window  # noqa: F401  (fixtures)

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

ASSET_HEADER = "asset_tag;serial;description;case_code;position\r\n"


def rows(db_path: Path, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def event_count(db_path: Path) -> int:
    return rows(db_path, "SELECT count(*) FROM events")[0][0]


def opened(qtbot, window: MainWindow, kind: str | None = None) -> ImportDialog:  # noqa: F811
    dialog = ImportDialog(window.engine, window, kind)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def read(qtbot, dialog: ImportDialog, path: Path | None = None) -> None:
    """Give the dialog a file (or read the current one again) and wait for its verdicts."""
    with qtbot.waitSignal(dialog.worker.finished, timeout=20000):
        if path is None:
            dialog.load()
        else:
            dialog.set_path(path)


def table(dialog: ImportDialog) -> list[tuple[object, str, str]]:
    """(line, verdict words, reason / note) of every row, as the table shows them."""
    m = dialog.model
    return [
        (
            m.index(r, ImportRowsModel.LINE).data(),
            m.index(r, ImportRowsModel.VERDICT).data(),
            m.index(r, m.note_column).data(),
        )
        for r in range(m.rowCount())
    ]


def test_a_semicolon_windows_1252_file_states_how_it_was_read_and_every_rows_verdict(
    qtbot, qtmodeltester, window: MainWindow, db: Path, tmp_path: Path  # noqa: F811
) -> None:
    path = tmp_path / "devices.csv"
    path.write_bytes(
        (
            ASSET_HEADER
            + "AT-NEW-1;SN1;Écran Dell;SHELF-B;2\r\n"  # line 2: fine
            + "AT-NEW-2;5CG1;Café laptop;;\r\n"  # line 3: serial of AT-SMOKE-0001 (a warning)
            + "AT-SMOKE-0001;X;again;;\r\n"  # line 4: the tag exists
            + "AT-NEW-3;SN3;Dock;CART-A;1\r\n"  # line 5: the slot is taken
            + "AT-NEW-4;SN4;Dock\r\n"  # line 6: too few fields
        ).encode("cp1252")
    )
    before = event_count(db)
    dialog = opened(qtbot, window, "assets")
    read(qtbot, dialog, path)

    assert dialog.how_read_label.text() == f"read {path} as Windows-1252, separator ';'"
    shown = table(dialog)
    assert [(line, verdict) for line, verdict, _ in shown] == [
        (2, "OK"),
        (3, "OK, with a warning"),
        (4, "Refused"),
        (5, "Refused"),
        (6, "Refused"),
    ]
    assert shown[0][2] == ""
    assert shown[1][2] == "serial 5CG1 is also on AT-SMOKE-0001"
    assert "AT-SMOKE-0001 already exists" in shown[2][2]
    assert "AT-SMOKE-0001" in shown[3][2] and "CART-A/1" in shown[3][2]
    assert shown[4][2] == "expected 5 fields (asset_tag,serial,description,case_code,position), found 3"
    m = dialog.model
    assert m.index(0, 4).data() == "Écran Dell"  # description: decoded as Windows-1252
    assert m.index(1, 4).data() == "Café laptop"
    assert dialog.summary_label.text() == "5 rows: 2 to import (1 with a warning), 3 refused."
    qtmodeltester.check(m)

    # A refused row refuses the whole file: Import cannot be pressed, nothing was written.
    assert not dialog.import_button.isEnabled()
    assert "imported whole or not at all" in dialog.message_label.text()
    dialog.commit()
    assert event_count(db) == before
    assert rows(db, "SELECT count(*) FROM assets WHERE asset_tag LIKE 'AT-NEW-%'") == [(0,)]

    # Only the rows with a note, when asked.
    qtbot.keyClick(dialog.problems_only, Qt.Key.Key_Space)
    assert dialog.problems_only.isChecked() and dialog.proxy.rowCount() == 4


def test_the_database_refusing_at_import_writes_nothing_and_keeps_the_dialog_open(
    qtbot, window: MainWindow, db: Path, tmp_path: Path  # noqa: F811
) -> None:
    path = tmp_path / "devices.csv"
    path.write_text(
        ASSET_HEADER + "AT-NEW-1;SN1;Dock;SHELF-B;1\r\nAT-NEW-2;SN2;Dock;SHELF-B;2\r\n",
        encoding="utf-8",
    )
    dialog = opened(qtbot, window, "assets")
    read(qtbot, dialog, path)
    assert [v for _, v, _ in table(dialog)] == ["OK", "OK"]
    assert dialog.import_button.isEnabled()

    # Meanwhile another station puts something into SHELF-B/2.
    with Store(db) as other:
        Engine(other, "other").commit_register([NewAsset("AT-OTHER", "Z", "cable", "SHELF-B", 2)])
    before = event_count(db)

    with qtbot.waitSignal(dialog.worker.failed, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.message_label.text().startswith("Nothing was imported")
    assert "line 3:" in dialog.message_label.text()
    shown = table(dialog)
    assert [v for _, v, _ in shown] == ["OK", "Refused"]
    assert "AT-OTHER" in shown[1][2]
    assert event_count(db) == before
    assert rows(db, "SELECT count(*) FROM assets WHERE asset_tag LIKE 'AT-NEW-%'") == [(0,)]
    assert dialog.import_result is None and not dialog.import_button.isEnabled()


def test_skip_existing_skips_identical_rows_and_refuses_a_differing_one(
    qtbot, window: MainWindow, db: Path, tmp_path: Path  # noqa: F811
) -> None:
    same = tmp_path / "people.csv"
    same.write_text("name,badge_code\nDana Reyes,B-1001\nSam Quinn,B-1003\n", encoding="utf-8")
    dialog = opened(qtbot, window, "holders")
    read(qtbot, dialog, same)
    assert [v for _, v, _ in table(dialog)] == ["Refused", "OK"]
    assert not dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.worker.finished, timeout=20000):
        qtbot.keyClick(dialog.skip_check, Qt.Key.Key_Space)
    assert dialog.skip_check.isChecked()
    assert table(dialog) == [
        (2, "Skipped", "holder B-1001 already exists as given: skipped"),
        (3, "OK", ""),
    ]
    assert dialog.summary_label.text() == "2 rows: 1 to import, 1 skipped as unchanged, 0 refused."
    with qtbot.waitSignal(dialog.worker.finished, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    result = dialog.import_result
    assert result is not None and (result.count, result.skipped) == (1, 1)
    assert "imported 1 holder" in dialog.message_label.text()
    assert "Skipped 1 holder identical to existing records" in dialog.message_label.text()
    assert rows(db, "SELECT name FROM holders WHERE badge_code = 'B-1003'") == [("Sam Quinn",)]
    assert not dialog.import_button.isEnabled()  # the file is in; importing it again is not offered

    other = tmp_path / "people2.csv"
    other.write_text("name,badge_code\nDana R.,B-1001\nLee Park,B-1002\n", encoding="utf-8")
    before = event_count(db)
    read(qtbot, dialog, other)
    assert table(dialog) == [
        (2, "Refused", "holder B-1001 exists with name 'Dana Reyes', not 'Dana R.'"),
        (3, "Skipped", "holder B-1002 already exists as given: skipped"),
    ]
    assert not dialog.import_button.isEnabled()
    assert event_count(db) == before


def test_a_good_file_from_the_file_menu_commits_after_a_backup(
    qtbot, window: MainWindow, db: Path, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["case_code", "name", "rows", "cols"])
    sheet.append(["CART-C", "Laptop cart C", 2, 3])
    sheet.append(["BIN-7", "Returns bin", 1, 4])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen: dict[str, object] = {}

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImportDialog):
            QTimer.singleShot(20, drive)
            return
        try:
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
            seen["focus"] = QApplication.focusWidget() is dialog.kind_combo
            dialog.set_kind("cases")
            with qtbot.waitSignal(dialog.worker.finished, timeout=20000):
                qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
            seen["how"] = dialog.how_read_label.text()
            seen["verdicts"] = [v for _, v, _ in table(dialog)]
            with qtbot.waitSignal(dialog.worker.finished, timeout=20000):
                qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
            seen["message"] = dialog.message_label.text()
        finally:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, drive)
    qtbot.keyClick(window.scan_entry, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)

    assert seen["focus"] is True
    assert seen["how"] == f"read {path} as an Excel workbook (.xlsx), first sheet"
    assert seen["verdicts"] == ["OK", "OK"]
    assert "imported 2 cases" in str(seen["message"])
    events = rows(
        db,
        "SELECT e.event_type, c.case_code, e.operator, e.batch_id FROM events e "
        "JOIN cases c ON c.id = json_extract(e.details, '$.case_id') "
        "WHERE e.event_type = 'CASE_CREATE' AND c.case_code IN ('CART-C', 'BIN-7') ORDER BY e.id",
    )
    assert [e[:3] for e in events] == [
        ("CASE_CREATE", "CART-C", "clerk"),
        ("CASE_CREATE", "BIN-7", "clerk"),
    ]
    assert events[0][3] == events[1][3] and events[0][3] in str(seen["message"])
    assert rows(db, "SELECT count(*) FROM slots s JOIN cases c ON c.id = s.case_id "
                    "WHERE c.case_code = 'CART-C'") == [(6,)]
    # The CLI's automatic backup was made first, and said.
    (backup,) = automatic_backups(db)
    assert backup.name.endswith("-import.db") and str(backup) in str(seen["message"])
    # The window follows: the new cases are in its case lists, the keyboard is back.
    labels = [window.place_case_combo.itemText(i) for i in range(window.place_case_combo.count())]
    assert any(text.startswith("CART-C") for text in labels)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.scan_entry, timeout=3000)


def test_a_file_that_cannot_be_read_is_a_message(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("name;badge\nDana;B-1\n", encoding="utf-8")
    dialog = opened(qtbot, window, "holders")
    with qtbot.waitSignal(dialog.worker.failed, timeout=20000):
        dialog.path_edit.setFocus()
        dialog.path_edit.setText(str(path))
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)  # Enter reads the file
    assert "missing column(s) badge_code" in dialog.message_label.text()
    assert dialog.model.rowCount() == 0 and not dialog.import_button.isEnabled()
    assert dialog.isVisible()

    # Fixed in the spreadsheet: F5 reads it again.
    path.write_text("name;badge_code\nDana Q;B-2001\n", encoding="utf-8")
    with qtbot.waitSignal(dialog.worker.finished, timeout=20000):
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_F5)
    assert table(dialog) == [(2, "OK", "")] and dialog.import_button.isEnabled()
    assert dialog.message_label.text().startswith("Import writes every row above in one batch")


def mnemonics(widget) -> list[str]:
    """The Alt+letter of every label and button of a dialog."""
    texts = [w.text() for w in widget.findChildren(QLabel)]
    texts += [w.text() for w in widget.findChildren(QAbstractButton)]
    return [t[t.index("&") + 1].lower() for t in texts if "&" in t and not t.startswith("&&")]


def test_every_control_has_its_own_alt_key(qtbot, window: MainWindow) -> None:  # noqa: F811
    from assettrack_gui.qt.labels_dialog import LabelsDialog

    for dialog in (ImportDialog(window.engine, window), LabelsDialog(window.engine, window)):
        qtbot.addWidget(dialog)
        keys = mnemonics(dialog)
        assert len(keys) >= 6 and len(keys) == len(set(keys)), keys
        for label in dialog.findChildren(QLabel):
            if "&" in label.text():
                assert label.buddy() is not None, label.text()


def test_ten_thousand_rows_preview_while_the_window_keeps_running(
    qtbot, window: MainWindow, tmp_path: Path  # noqa: F811
) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "asset_tag,serial,description,case_code,position\n"
        + "".join(f"AT-BULK-{i:05d},S{i},Laptop,,\n" for i in range(10_000)),
        encoding="utf-8",
    )
    dialog = opened(qtbot, window, "assets")
    ticks: list[bool] = []  # one per timer tick, True while the preview was running
    timer = QTimer(dialog)
    timer.timeout.connect(lambda: ticks.append(dialog.worker.busy))
    timer.start(10)
    read(qtbot, dialog, path)
    timer.stop()
    assert dialog.model.rowCount() == 10_000
    assert set(dialog.model.verdicts()) == {"ok"}
    assert dialog.summary_label.text() == "10000 rows: 10000 to import, 0 refused."
    # The event loop kept running while the engine checked the rows in its own thread.
    assert ticks.count(True) >= 2
    assert dialog.import_button.isEnabled()


def test_every_kind_can_be_preset(qtbot, window: MainWindow) -> None:  # noqa: F811
    for kind, columns in (
        ("holders", "name, badge_code"),
        ("cases", "case_code, name, rows, cols"),
        ("assets", "asset_tag, serial, description, case_code, position"),
    ):
        dialog = opened(qtbot, window, kind)
        assert dialog.kind == kind and dialog.columns_label.text().startswith(columns)
    with pytest.raises(ValueError, match="choose one of holders, cases, assets"):
        ImportDialog(window.engine, window, "people")

    kinds: list[str] = []

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImportDialog):
            QTimer.singleShot(20, close)
            return
        kinds.append(dialog.kind)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, close)
    window.open_import_dialog("cases")  # what the first-run panel calls
    assert kinds == ["cases"] and QApplication.activeModalWidget() is None
