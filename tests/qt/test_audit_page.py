"""The Audit page through the real window: Ctrl+9, a case scanned, assets scanned through the
window's one scan entry point, the classes in the list and on the map, Finish records one AUDIT
event, a fix batch commits, an unfinished audit is offered back after a restart, and the Reports
page's Audits report shows the findings of the selected audit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.report_requests import ReportRequest
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.qt.audit_page import AuditPage, StatusRole
from assettrack_gui.qt.dialogs import SHORTCUTS
from assettrack_gui.qt.main_window import MainWindow
from assettrack_gui.qt.reports_tab import ReportsTab
from assettrack_gui.qt.retire_dialog import RetireDialog

from .test_main_window import answer_dialog, make_window, seed, where  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The main window tests' stockroom: CART-A 2 × 5 with AT-SMOKE-0001…0004 in slots 1…4,
    SHELF-B 1 × 3, AT-SMOKE-0005 without a slot; holders Dana, Lee (and Old Timer, inactive)."""
    path = tmp_path / "stock.db"
    with Store(path) as store:
        seed(store)
    return path


@pytest.fixture
def window(db: Path, make_window) -> MainWindow:  # noqa: F811 (the imported fixture)
    return make_window(db)


def open_audit(qtbot, window: MainWindow) -> AuditPage:
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.audit is not None, timeout=2000)
    assert window.tabs.currentWidget() is window.audit_tab
    assert window.audit is not None
    return window.audit.page


def scan(qtbot, window: MainWindow, text: str) -> tuple[bool, str]:
    """A scan as the scanner hub delivers it: through the window's one entry point."""
    with qtbot.waitSignal(window.scanHandled, timeout=2000) as blocker:
        window.on_scan(text, "wedge")
    return blocker.args[0], blocker.args[1]


def type_scan(qtbot, page: AuditPage, text: str) -> None:
    page.scan_entry.setFocus()
    qtbot.keyClicks(page.scan_entry, text)
    qtbot.keyClick(page.scan_entry, Qt.Key.Key_Return)


def classes(page: AuditPage) -> list[tuple[str, str]]:
    m = page.model
    return [(m.cells(r)[1], m.status(r)) for r in range(m.rowCount())]


def audit_events(db_path: Path) -> list[dict]:
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT asset_id, operator, details FROM events WHERE event_type = 'AUDIT'"
        ).fetchall()
    finally:
        conn.close()
    return [{"asset_id": a, "operator": o, **json.loads(d)} for a, o, d in rows]


def test_ctrl_9_and_the_mode_menu_open_the_audit_page(qtbot, window: MainWindow) -> None:
    assert ("Ctrl+9", "Audit page: a stocktake of one case (scan the case, then what is in it)") in SHORTCUTS
    assert window.audit_action.text() == "&Audit (stocktake)"
    assert window.audit_action in window.mode_menu.actions()
    page = open_audit(qtbot, window)
    assert page.finish_button.isEnabled() is False
    qtbot.waitUntil(lambda: page.scan_entry.hasFocus(), timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.page


def test_scan_a_case_then_its_assets_and_see_each_class(
    qtbot, window: MainWindow, db: Path
) -> None:
    page = open_audit(qtbot, window)
    ok, text = scan(qtbot, window, "AT-SMOKE-0001")
    assert not ok and "Scan a case code" in text
    ok, text = scan(qtbot, window, "CART-A")
    assert ok and text == "Auditing CART-A: scan what is in it"
    assert scan(qtbot, window, "AT-SMOKE-0001")[0]
    scan(qtbot, window, "CART-A/3")
    ok, text = scan(qtbot, window, "AT-SMOKE-0004")
    assert not ok and text == "AT-SMOKE-0004: wrong slot — expected in CART-A/4, found in CART-A/3"
    ok, text = scan(qtbot, window, "at-smoke-0002")
    assert not ok and "is Caps Lock on?" in text
    scan(qtbot, window, "AT-SMOKE-0005")  # no slot: unexpected
    ok, text = scan(qtbot, window, "AT-SMOKE-0001")
    assert not ok and "duplicate" in text
    type_scan(qtbot, page, "NOPE-1")  # typed into the page's own scan field
    assert classes(page) == [
        ("AT-SMOKE-0001", "ok"),
        ("AT-SMOKE-0004", "wrong-slot"),
        ("at-smoke-0002", "unknown"),
        ("AT-SMOKE-0005", "unexpected"),
        ("AT-SMOKE-0001", "duplicate"),
        ("NOPE-1", "unknown"),
        ("AT-SMOKE-0002", "missing"),
        ("AT-SMOKE-0003", "missing"),
    ]
    # The class is in words too, not colour alone.
    assert page.model.cells(1)[2] == "⇄ wrong slot"
    assert "1 ok, 1 wrong-slot, 2 missing, 1 unexpected, 2 unknown, 1 duplicate" in page.counts.text()
    # The map: slot 3 found AT-SMOKE-0004 where 0003 was expected.
    map_model = page.case_map.audit_model
    cell = map_model.index_of_position(3)
    assert cell.data(StatusRole) == "wrong-slot"
    assert cell.data(Qt.ItemDataRole.DisplayRole).startswith("3 ⇄")
    assert "expected AT-SMOKE-0003, found AT-SMOKE-0004" in cell.data(Qt.ItemDataRole.ToolTipRole)
    page.case_map.view.setCurrentIndex(cell)
    assert page.case_map.detail.text() == (
        "CART-A/3: expected AT-SMOKE-0003, found AT-SMOKE-0004 — wrong slot"
    )
    # Slot by slot: "expected …, found …" for every slot.
    page.by_slot.setChecked(True)
    assert page.model.rowCount() == 10
    assert page.model.cells(2)[4] == "expected AT-SMOKE-0003, found AT-SMOKE-0004"
    assert page.model.cells(1)[1] == "? missing"
    # Nothing was recorded yet.
    assert audit_events(db) == []


def test_finish_records_one_audit_event_after_asking(qtbot, window: MainWindow, db: Path) -> None:
    open_audit(qtbot, window)
    scan(qtbot, window, "CART-A")
    for tag in ("AT-SMOKE-0001", "AT-SMOKE-0002", "AT-SMOKE-0003"):
        scan(qtbot, window, tag)
    assert window.audit is not None
    page = window.audit.page
    answer_dialog(qtbot, Qt.Key.Key_Escape)  # Esc: not now
    page.finish_button.click()
    assert audit_events(db) == []
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)
    page.finish_button.click()
    qtbot.waitUntil(lambda: len(audit_events(db)) == 1, timeout=2000)
    assert seen == ["Record the audit of CART-A?"]
    event = audit_events(db)[0]
    assert event["asset_id"] is None and event["operator"] == "clerk"
    assert event["counts"] == {
        "ok": 3, "wrong-slot": 0, "missing": 1, "unexpected": 0, "unknown": 0, "duplicate": 0
    }  # fmt: skip
    assert "recorded (batch" in page.title.text()
    assert not page.finish_button.isEnabled() and page.discard_button.text() == "&Close audit"
    assert where(db, "AT-SMOKE-0004") == ("STORAGE", None, "CART-A/4")  # nothing moved


def test_finish_with_no_scans_is_refused_in_words_and_records_nothing(
    qtbot, window: MainWindow, db: Path, monkeypatch
) -> None:
    from assettrack_gui.qt import audit_controller

    asked: list[str] = []

    def confirm(parent, title, text, *rest) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(audit_controller, "confirm", confirm)
    page = open_audit(qtbot, window)
    scan(qtbot, window, "CART-A")
    assert page.finish_button.isEnabled()
    page.finish_button.click()
    assert asked == [] and audit_events(db) == []
    assert "the audit of CART-A has no scans: nothing recorded" in page.feedback.text()
    # One scan, and Finish records it (after asking).
    scan(qtbot, window, "CART-A/99")
    page.finish_button.click()
    assert asked == ["Record the audit of CART-A?"]
    assert audit_events(db)[0]["counts"]["unknown"] == 1


def test_a_bad_slot_label_is_an_unknown_finding_on_the_page(qtbot, window: MainWindow) -> None:
    page = open_audit(qtbot, window)
    scan(qtbot, window, "CART-A")
    ok, text = scan(qtbot, window, "cart-a/3")
    assert not ok and "is Caps Lock on?" in text and "placed by scan order" in text
    scan(qtbot, window, "AT-SMOKE-0003")  # not pinned: by scan order, its own slot
    assert classes(page)[:2] == [("cart-a/3", "unknown"), ("AT-SMOKE-0003", "ok")]
    assert "no slot cart-a/3; case CART-A exists" in " ".join(page.model.cells(0))
    assert "0 wrong-slot, 3 missing, 0 unexpected, 1 unknown" in page.counts.text()


def press_in_dialog(qtbot, key: Qt.Key, seen: list[str]) -> None:
    """When the next modal dialog opens, record its question and press ``key`` in it."""

    def press() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, press)
            return
        question = dialog.findChild(QLabel, "fixQuestion")
        seen.append(question.text() if question is not None else dialog.windowTitle())
        qtbot.keyClick(dialog.focusWidget() or dialog, key)

    QTimer.singleShot(0, press)


def test_a_fix_batch_commits_from_its_preview(qtbot, window: MainWindow, db: Path) -> None:
    open_audit(qtbot, window)
    for text in ("CART-A", "CART-A/7", "AT-SMOKE-0001", "CART-A/8", "AT-SMOKE-0005"):
        scan(qtbot, window, text)
    assert window.audit is not None
    page = window.audit.page
    seen: list[str] = []
    press_in_dialog(qtbot, Qt.Key.Key_Escape, seen)  # Esc: nothing changes
    page.fix_buttons["move"].click()
    assert seen == ["Move 1 asset into the slots of CART-A they were found in?"]
    assert where(db, "AT-SMOKE-0001") == ("STORAGE", None, "CART-A/1")
    press_in_dialog(qtbot, Qt.Key.Key_Return, seen)  # Enter: the batch commits
    page.fix_buttons["move"].click()
    qtbot.waitUntil(lambda: where(db, "AT-SMOKE-0001")[2] == "CART-A/7", timeout=2000)
    press_in_dialog(qtbot, Qt.Key.Key_Return, seen)
    page.fix_buttons["put-away"].click()
    qtbot.waitUntil(lambda: where(db, "AT-SMOKE-0005")[2] == "CART-A/8", timeout=2000)
    assert seen[-1] == "Put away 1 asset into the slots of CART-A they were found in?"
    assert "Put-away: 1 asset done, batch" in page.feedback.text()
    # Nothing is left for Move: the page says so without a dialog.
    page.fix_buttons["move"].click()
    assert "Nothing to fix with Move" in page.feedback.text()


def test_an_unfinished_audit_is_offered_back_after_a_restart(
    qtbot, db: Path, make_window  # noqa: F811 (the imported fixture)
) -> None:
    first = make_window(db)
    open_audit(qtbot, first)
    for text in ("CART-A", "AT-SMOKE-0001", "CART-A/4"):
        scan(qtbot, first, text)
    first.close()

    second = make_window(db)
    seen: list[str] = []
    answer_dialog(qtbot, Qt.Key.Key_Return, seen)  # Enter: continue it
    page = open_audit(qtbot, second)
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert seen[0].startswith("An unfinished audit of CART-A (2 scans, started ")
    qtbot.waitUntil(lambda: "Auditing CART-A" in page.title.text(), timeout=2000)
    ok, text = scan(qtbot, second, "AT-SMOKE-0004")  # the label CART-A/4 still waits for it
    assert ok and text == "AT-SMOKE-0004: OK — CART-A/4"


def test_the_reports_page_shows_an_audit_s_findings(
    qtbot, db: Path, tmp_path: Path, monkeypatch
) -> None:
    with Store(db) as store:
        engine = Engine(store, "auditor")
        audit = engine.start_audit("CART-A")
        for text in ("AT-SMOKE-0001", "NOPE"):
            engine.audit_scan(audit, text)
        batch = engine.commit_audit(audit).batch_id
    store = Store(db)
    try:
        tab = ReportsTab(store, Settings())
        qtbot.addWidget(tab)
        tab.show()
        with qtbot.waitSignal(tab.loadFinished, timeout=5000):
            tab.set_kind("audits")
        assert tab.audit_findings.isVisible()
        assert tab.model.rowCount() == 1
        tab.table.selectRow(0)
        qtbot.waitUntil(lambda: tab.audit_findings.sheet is not None, timeout=2000)
        panel = tab.audit_findings
        assert panel.table.rowCount() == 5  # 1 ok, 1 unknown, 3 missing
        assert panel.table.item(1, 1).text() == "✗ unknown"
        assert batch in panel.title.text()
        pdf = tmp_path / "sheet.pdf"
        assert panel.write_pdf(pdf) and pdf.read_bytes().startswith(b"%PDF")
        boxes: list[str] = []
        monkeypatch.setattr(
            QMessageBox, "information", staticmethod(lambda _p, title, *a, **k: boxes.append(title))
        )
        with qtbot.waitSignal(tab.exportFinished, timeout=5000):
            tab.start_export(ReportRequest("audit", batch=batch), tmp_path / "findings.csv")
        assert boxes == ["Export finished"]
        lines = (tmp_path / "findings.csv").read_text(encoding="utf-8-sig").splitlines()
        assert lines[0] == "asset_tag,status,expected_slot,found_slot,detail" and len(lines) == 6
        tab.jobs.stop_all()
    finally:
        store.close()


def test_the_page_s_letters_do_not_clash_and_its_models_are_sound(
    qtbot, qtmodeltester, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QAbstractButton

    def letter(text: str) -> str:
        return text[text.index("&") + 1].lower() if "&" in text else ""

    page = open_audit(qtbot, window)
    menus = {letter(a.text()) for a in window.menuBar().actions()}
    texts = [b.text() for b in page.findChildren(QAbstractButton) if b.text()]
    texts += [label.text() for label in page.findChildren(QLabel) if label.buddy() is not None]
    letters = [letter(t) for t in texts if letter(t)]
    assert len(letters) == len(set(letters)) and not set(letters) & menus
    scan(qtbot, window, "CART-A")
    for text in ("AT-SMOKE-0001", "CART-A/3", "AT-SMOKE-0004", "NOPE"):
        scan(qtbot, window, text)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.case_map.audit_model)
    page.by_slot.setChecked(True)
    qtmodeltester.check(page.model)


# -- retiring missing assets (issue 13's follow-up, with retirement) ----------------------------


def in_dialogs(qtbot, *steps) -> list[QWidget]:
    """Run each step in the next modal dialog that opens (a dialog opened from a dialog counts:
    the confirmation a dialog asks). Returns the dialogs, in order."""
    pending = list(steps)
    seen: list[QWidget] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (seen and dialog is seen[-1]):
            QTimer.singleShot(10, poll)
            return
        seen.append(dialog)
        step = pending.pop(0)
        if pending:
            QTimer.singleShot(0, poll)
        step(dialog)

    QTimer.singleShot(0, poll)
    return seen


def retire_events(db_path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT a.asset_tag, e.note, json_extract(e.details, '$.kind') FROM events e "
            "JOIN assets a ON a.id = e.asset_id WHERE e.event_type = 'RETIRE' ORDER BY a.asset_tag"
        ).fetchall()
    finally:
        conn.close()


def test_retire_the_selected_missing_assets_as_lost_after_asking(
    qtbot, window: MainWindow, db: Path
) -> None:
    page = open_audit(qtbot, window)
    assert not page.retire_button.isEnabled()  # no audit yet
    for text in ("CART-A", "AT-SMOKE-0001", "AT-SMOKE-0002"):
        scan(qtbot, window, text)
    assert page.retire_button.isEnabled()  # 0003 and 0004 are missing
    assert classes(page)[2:] == [("AT-SMOKE-0003", "missing"), ("AT-SMOKE-0004", "missing")]
    page.table.selectRow(2)  # AT-SMOKE-0003 only

    shown: dict[str, object] = {}

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, RetireDialog)
        shown["intro"] = dialog.findChild(QLabel, "retireIntro").text()
        shown["ticked"] = dialog.tags()
        shown["items"] = [dialog.assets.item(i).text() for i in range(dialog.assets.count())]
        # No reason yet: the engine's verdict is shown and Retire does nothing.
        shown["before"] = (dialog.retire_button.isEnabled(), dialog.problems.text())
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        assert dialog.isVisible()
        dialog.kind.setCurrentIndex(dialog.kind.findData("lost"))
        qtbot.keyClicks(dialog.reason, "not found at the stocktake")
        shown["preview"] = [
            (dialog.model.line(r).asset_tag, dialog.model.line(r).to, dialog.model.line(r).ok)
            for r in range(dialog.model.rowCount())
        ]
        shown["button"] = dialog.retire_button.text()
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Retire: asks first

    def agree(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown["question"] = box.text()
        qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)

    in_dialogs(qtbot, fill_in, agree)
    page.retire_button.click()
    qtbot.waitUntil(lambda: where(db, "AT-SMOKE-0003")[0] == "RETIRED", timeout=3000)
    assert shown["intro"] == (
        "Retire missing assets of CART-A: the 1 selected one ticked. "
        "Untick those to keep looking for."
    )
    assert shown["ticked"] == ["AT-SMOKE-0003"]
    assert shown["items"] == [
        "AT-SMOKE-0003 — expected in CART-A/3, ThinkPad T14",
        "AT-SMOKE-0004 — expected in CART-A/4, ThinkPad T14",
    ]
    assert shown["before"] == (False, "give a reason for the retirement")
    assert shown["preview"] == [("AT-SMOKE-0003", "RETIRED (LOST)", True)]
    assert shown["button"] == "&Retire 1 asset…"
    assert shown["question"] == "Retire 1 asset as lost?"
    assert where(db, "AT-SMOKE-0003") == ("RETIRED", None, None)  # its slot is vacated
    assert where(db, "AT-SMOKE-0004") == ("STORAGE", None, "CART-A/4")  # not ticked: kept
    assert retire_events(db) == [("AT-SMOKE-0003", "not found at the stocktake", "LOST")]
    assert "Retired 1 asset as lost, batch" in page.feedback.text()
    # Next time only AT-SMOKE-0004 is offered; nothing selected: all of them are ticked.
    page.table.clearSelection()
    offered: dict[str, object] = {}

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, RetireDialog)
        offered["ticked"] = dialog.tags()
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)

    in_dialogs(qtbot, look)
    page.retire_button.click()
    assert offered["ticked"] == ["AT-SMOKE-0004"]
    assert where(db, "AT-SMOKE-0004") == ("STORAGE", None, "CART-A/4")  # Esc: nothing


def test_retiring_missing_assets_is_refused_whole_if_the_database_changed(
    qtbot, window: MainWindow, db: Path
) -> None:
    page = open_audit(qtbot, window)
    for text in ("CART-A", "AT-SMOKE-0001", "AT-SMOKE-0002"):
        scan(qtbot, window, text)
    said: list[str] = []

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, RetireDialog)
        assert dialog.tags() == ["AT-SMOKE-0003", "AT-SMOKE-0004"]  # none selected: all
        dialog.kind.setCurrentIndex(dialog.kind.findData("broken"))
        qtbot.keyClicks(dialog.reason, "dropped")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    def meanwhile(box: QWidget) -> None:
        # Another station retires one of them while the question is open.
        with Store(db) as store:
            Engine(store, "other").commit_retire(["AT-SMOKE-0004"], "lost", "gone")
        qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)

    def refused(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        said.append(box.informativeText())
        qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)

    in_dialogs(qtbot, fill_in, meanwhile, refused)
    page.retire_button.click()
    qtbot.waitUntil(lambda: len(said) == 2, timeout=3000)
    assert said[0] == "Nothing was retired: the database changed since the preview."
    assert "AT-SMOKE-0004: " in said[1] and "already retired" in said[1]
    assert where(db, "AT-SMOKE-0003") == ("STORAGE", None, "CART-A/3")  # whole batch refused
    assert retire_events(db) == [("AT-SMOKE-0004", "gone", "LOST")]
