"""The Reports tab with real widgets over a real database seeded through the custody engine."""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from assettrack_gui.core.csvout import SIDECAR_SUFFIX
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.eventlog import log_head
from assettrack_gui.core.model import NewHolder
from assettrack_gui.core.report_requests import ReportRequest
from assettrack_gui.core.settings import Settings
from assettrack_gui.core.store import Store
from assettrack_gui.qt import report_jobs
from assettrack_gui.qt.report_model import FLAG_ROLE, ReportFilterProxy, ReportTableModel
from assettrack_gui.qt.reports_tab import ReportsTab

from .reports_seed import Seeded, seed

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 10_000


@pytest.fixture
def seeded(store: Store, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    return seed(store, monkeypatch)


@pytest.fixture
def tab(qtbot, store: Store, seeded: Seeded) -> Iterator[ReportsTab]:
    widget = ReportsTab(store, Settings(overdue_days=14))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.refresh()
    qtbot.waitUntil(lambda: not widget.is_loading(), timeout=WAIT_MS)
    yield widget
    widget.jobs.stop_all()


def run(qtbot, tab: ReportsTab, kind: str | None = None, **fields: str) -> None:
    """Choose a report (and fill text fields), then wait until its rows are in."""
    if kind is not None and tab.current_kind() != kind:
        tab.set_kind(kind)
    for name, value in fields.items():
        widget = getattr(tab, name)
        if hasattr(widget, "setEditText"):
            widget.setEditText(value)
        else:
            widget.setText(value)
    tab.refresh()
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=WAIT_MS)


def column(tab: ReportsTab, name: str) -> list[str]:
    """The displayed values of one column, in view order (after sorting and filtering)."""
    c = tab.model.column(name)
    assert c is not None, name
    return [tab.proxy.index(r, c).data() for r in range(tab.proxy.rowCount())]


def select_row(tab: ReportsTab, row: int) -> None:
    index = tab.proxy.index(row, 0)
    tab.table.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


# -- each report ---------------------------------------------------------------------------------


def test_custody_report_shows_who_holds_what_with_overdue_marked(qtbot, tab: ReportsTab) -> None:
    assert tab.current_kind() == "custody"
    assert sorted(column(tab, "asset_tag")) == ["AT-0001", "AT-0002", "AT-0003"]
    rows = {r[0]: r for r in (tab.model.row_values(i) for i in range(tab.model.rowCount()))}
    assert rows["AT-0001"][3:5] == ("Dana Reyes", "B-1001")
    assert rows["AT-0003"][3] == "=HYPERLINK(evil)"
    assert "3 rows" in tab.status.text() and "2 overdue" in tab.status.text()

    flag = tab.model.flag_column
    assert flag is not None
    for r in range(tab.proxy.rowCount()):
        tag = tab.proxy.index(r, 0).data()
        overdue = tag in ("AT-0001", "AT-0002")
        first, last = tab.proxy.index(r, 0), tab.proxy.index(r, flag)
        assert first.data(FLAG_ROLE) is overdue
        # Not colour alone: text in its own column, an icon and a tooltip too.
        assert last.data() == ("OVERDUE" if overdue else "")
        assert (first.data(Qt.ItemDataRole.BackgroundRole) is not None) is overdue
        assert (first.data(Qt.ItemDataRole.DecorationRole) is not None) is overdue
        assert (first.data(Qt.ItemDataRole.ToolTipRole) or "") == (
            "Held longer than 14 days" if overdue else ""
        )
    # Local time shown, UTC kept for export but hidden.
    assert tab.table.isColumnHidden(tab.model.column("since_utc"))
    assert not tab.table.isColumnHidden(tab.model.column("since_local"))


def test_custody_for_one_holder_and_overdue_days(qtbot, tab: ReportsTab) -> None:
    run(qtbot, tab, custody_holder="B-1002")
    assert column(tab, "asset_tag") == ["AT-0003"]
    tab.custody_holder.setEditText("All holders")
    tab.custody_days.setValue(40)
    run(qtbot, tab)
    assert tab.model.flagged_count() == 0
    tab.custody_days.setValue(0)
    run(qtbot, tab)
    assert tab.model.flagged_count() == 3


def test_holder_report_needs_a_holder_and_lists_what_they_have(qtbot, tab: ReportsTab) -> None:
    tab.set_kind("holder")
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=WAIT_MS)
    assert tab.model.rowCount() == 0
    assert "Pick a holder" in tab.status.text()
    assert not tab.export_button.isEnabled()
    # Picking from the list uses the badge behind the label.
    tab.holder_holder.setCurrentIndex(tab.holder_holder.findData("B-1001"))
    run(qtbot, tab)
    assert column(tab, "asset_tag") == ["AT-0001", "AT-0002"]
    assert tab.export_button.isEnabled()
    run(qtbot, tab, holder_holder="Nobody Here")
    assert tab.model.rowCount() == 0
    assert "no holder" in tab.status.text()


def test_history_report_lists_one_assets_events_oldest_first(
    qtbot, tab: ReportsTab, seeded: Seeded
) -> None:
    run(qtbot, tab, "history", history_scan="AT-0004")
    assert column(tab, "event_type") == ["RECEIVE", "STOCK_OUT", "STOCK_IN"]
    assert column(tab, "batch_id")[-1] == seeded.back_in
    run(qtbot, tab, history_scan="B-1001")
    assert tab.model.rowCount() == 0
    assert "badge of Dana Reyes" in tab.status.text()


def test_occupancy_report_counts_slots(qtbot, tab: ReportsTab) -> None:
    run(qtbot, tab, "occupancy")
    assert tab.model.rowCount() == 10
    assert set(column(tab, "used")) == {"3"}  # AT-0004…0006; 0001…0003 are out
    assert set(column(tab, "free")) == {"7"}
    assert column(tab, "asset_tag")[3:6] == ["AT-0004", "AT-0005", "AT-0006"]
    assert column(tab, "asset_tag")[:3] == ["", "", ""]
    run(qtbot, tab, occupancy_case="NO-SUCH")
    assert "no such case" in tab.status.text()


def test_assets_report_says_where_each_one_is_retired_ones_included(
    qtbot, tab: ReportsTab, store: Store, save_to, tmp_path: Path
) -> None:
    Engine(store, "clerk.ann").commit_retire(["AT-0007"], "lost", "not found at the stocktake")
    index = tab.kind_combo.findData("assets")
    assert tab.kind_combo.itemText(index) == "Assets (where each one is)"
    tab.kind_combo.setFocus()
    with qtbot.waitSignal(tab.loadFinished, timeout=WAIT_MS):
        tab.kind_combo.setCurrentIndex(index)  # choosing it runs it
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=WAIT_MS)
    assert tab.current_request() == ReportRequest("assets")
    assert column(tab, "asset_tag") == [f"AT-000{n}" for n in range(1, 8)]
    assert column(tab, "location") == [
        "Dana Reyes (B-1001)",
        "Dana Reyes (B-1001)",
        "=HYPERLINK(evil) (B-1002)",
        "CART-A/4",
        "CART-A/5",
        "CART-A/6",
        "RETIRED (LOST)",
    ]
    assert column(tab, "status")[-1] == "RETIRED"
    assert not tab.overdue_only.isEnabled()
    # Only retired assets (Alt+I): the report runs again with just them.
    tab.assets_retired.setFocus()
    with qtbot.waitSignal(tab.loadFinished, timeout=WAIT_MS):
        qtbot.keyClick(tab.assets_retired, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=WAIT_MS)
    assert column(tab, "asset_tag") == ["AT-0007"]
    # Its CSV: the same Excel-safe rules and log-head sidecar as every report.
    tab.assets_retired.setChecked(False)
    qtbot.waitUntil(lambda: not tab.is_loading() and tab.model.rowCount() == 7, timeout=WAIT_MS)
    dest = tmp_path / "assets.csv"
    save_to(dest)
    with qtbot.waitSignal(tab.exportFinished, timeout=WAIT_MS):
        qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    rows = read_csv(dest)
    assert rows[0] == ["asset_tag", "serial", "description", "status", "location"]
    assert rows[3][4] == "'=HYPERLINK(evil) (B-1002)"
    assert rows[6][1:3] == ["'-SN6", "'=SUM(1+1)"]
    assert rows[7] == ["AT-0007", "007", "Spare", "RETIRED", "RETIRED (LOST)"]
    assert dest.with_name(dest.name + SIDECAR_SUFFIX).exists()


def test_events_report_filters(qtbot, tab: ReportsTab, seeded: Seeded) -> None:
    run(qtbot, tab, "events")
    assert tab.model.rowCount() == 16
    tab.events_type.setCurrentIndex(tab.events_type.findData("STOCK_OUT"))
    run(qtbot, tab)
    assert column(tab, "asset_tag") == ["AT-0001", "AT-0002", "AT-0003", "AT-0004"]
    run(qtbot, tab, events_holder="B-1001")
    assert column(tab, "asset_tag") == ["AT-0001", "AT-0002"]
    tab.events_type.setCurrentIndex(0)
    run(qtbot, tab, events_holder="All holders", events_batch=seeded.back_in)
    assert column(tab, "event_type") == ["STOCK_IN"]
    run(qtbot, tab, events_batch="", events_operator="someone.else")
    assert tab.model.rowCount() == 0
    # The month-old stock-out is outside "since yesterday".
    yesterday = time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400))
    run(qtbot, tab, events_operator="", events_since=yesterday)
    assert tab.model.rowCount() == 14
    run(qtbot, tab, events_since="31/12/2026")
    assert "cannot read the date" in tab.status.text()


# -- filter box, sorting, overdue filter ---------------------------------------------------------


def test_filter_box_matches_any_visible_column(qtbot, tab: ReportsTab) -> None:
    run(qtbot, tab, "events")
    qtbot.keyClicks(tab.filter_edit, "dana")
    assert column(tab, "asset_tag") == ["", "AT-0001", "AT-0002"]  # HOLDER_ADD + 2 stock-outs
    assert "showing 3" in tab.status.text()
    tab.filter_edit.clear()
    qtbot.keyClicks(tab.filter_edit, "CART-a/4")
    assert column(tab, "event_type") == ["RECEIVE", "STOCK_OUT", "STOCK_IN"]
    tab.filter_edit.clear()
    qtbot.keyClicks(tab.filter_edit, "T18:")  # hidden UTC text is not searched
    assert tab.proxy.rowCount() == 0 or all(
        "T18:" not in v for v in column(tab, "created_at_local")
    )
    tab.filter_edit.clear()
    assert tab.proxy.rowCount() == 16


def test_clicking_headers_sorts_numbers_as_numbers(qtbot, tab: ReportsTab) -> None:
    run(qtbot, tab, "occupancy")
    with qtbot.waitExposed(tab):
        tab.show()
    header = tab.table.horizontalHeader()
    position = tab.model.column("position")

    def click() -> None:
        x = header.sectionViewportPosition(position) + header.sectionSize(position) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    click()
    assert column(tab, "position") == [str(n) for n in range(1, 11)]
    click()
    assert column(tab, "position") == [str(n) for n in range(10, 0, -1)]  # not 9, 8, …, 10, 1
    # Text sorts case-insensitively, empty cells last.
    tab.table.sortByColumn(tab.model.column("asset_tag"), Qt.SortOrder.AscendingOrder)
    assert column(tab, "asset_tag")[:4] == ["AT-0004", "AT-0005", "AT-0006", ""]
    # A refresh keeps the chosen order.
    run(qtbot, tab)
    assert column(tab, "asset_tag")[:3] == ["AT-0004", "AT-0005", "AT-0006"]


def test_sorting_keeps_the_selection_and_sorts_local_times_by_utc(qtbot, tab: ReportsTab) -> None:
    run(qtbot, tab, "events")
    tab.table.sortByColumn(tab.model.column("event_id"), Qt.SortOrder.DescendingOrder)
    assert column(tab, "event_id")[:3] == ["16", "15", "14"]
    select_row(tab, 0)
    tab.table.sortByColumn(tab.model.column("created_at_local"), Qt.SortOrder.AscendingOrder)
    ids = column(tab, "event_id")
    assert ids[:2] == ["12", "13"]  # the month-old stock-out first
    current = tab.table.currentIndex()
    assert tab.model.row_values(tab.proxy.mapToSource(current).row())[0] == 16


def test_only_overdue_rows(qtbot, tab: ReportsTab) -> None:
    with qtbot.waitExposed(tab):
        tab.show()
    assert tab.overdue_only.isEnabled()
    qtbot.mouseClick(tab.overdue_only, Qt.MouseButton.LeftButton)
    assert tab.overdue_only.isChecked()
    assert sorted(column(tab, "asset_tag")) == ["AT-0001", "AT-0002"]
    qtbot.keyClicks(tab.filter_edit, "overdue")
    assert tab.proxy.rowCount() == 2
    tab.overdue_only.setChecked(False)
    assert tab.proxy.rowCount() == 2  # the word "overdue" matches the flag column's text
    tab.set_kind("events")
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=WAIT_MS)
    assert not tab.overdue_only.isEnabled()


def test_models_pass_qtmodeltester(qtmodeltester, qtbot, tab: ReportsTab) -> None:
    qtmodeltester.check(tab.model, force_py=True)
    run(qtbot, tab, "events")
    qtmodeltester.check(tab.model, force_py=True)
    tab.filter_edit.setText("stock")
    qtmodeltester.check(tab.proxy, force_py=True)


def test_model_sort_and_filter_without_a_view(qtmodeltester) -> None:
    model = ReportTableModel()
    model.reset(["tag", "n", "when_utc", "when_local", "late"], flag_column=4)
    model.append(
        [
            ("b", 10, "2026-01-02T00:00:00.000Z", "x", False),
            ("A", 9, "2026-01-01T00:00:00.000Z", "y", True),
            ("c", None, "", "", False),
        ]
    )
    proxy = ReportFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model, force_py=True)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["A", "b", "c"]
    proxy.sort(3, Qt.SortOrder.DescendingOrder)  # local column sorts by its UTC sibling
    assert [proxy.index(r, 0).data() for r in range(3)] == ["b", "A", "c"]
    proxy.sort(-1)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["b", "A", "c"]
    proxy.set_flagged_only(True)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["A"]
    proxy.set_flagged_only(False)
    proxy.set_text("  B ")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["b"]
    proxy.set_text("when")  # hidden UTC columns are not searched, nor header names
    assert proxy.rowCount() == 0


# -- export ----------------------------------------------------------------------------------


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Answer the Save dialog with a path; collect information/warning boxes instead of showing."""
    boxes: list[tuple[str, str]] = []

    def answer(path: Path) -> list[tuple[str, str]]:
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
        )
        return boxes

    def box(parent, title, text, *a, **k):
        boxes.append((title, text))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "information", staticmethod(box))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(box))
    return answer


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_export_writes_neutralised_csv_and_sidecar(
    qtbot, tab: ReportsTab, save_to, tmp_path: Path, store: Store
) -> None:
    run(qtbot, tab, "occupancy")
    dest = tmp_path / "occupancy"
    boxes = save_to(dest)
    with qtbot.waitSignal(tab.exportFinished, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["done"]
    written = dest.with_suffix(".csv")
    rows = read_csv(written)
    assert rows[0][:3] == ["case_code", "case_name", "slots"]
    assert len(rows) == 11
    six = next(r for r in rows if r[6] == "AT-0006")
    assert six[7] == "'-SN6" and six[8] == "'=SUM(1+1)"
    sidecar = written.with_name(written.name + SIDECAR_SUFFIX)
    head = log_head(store.conn)
    text = sidecar.read_text()
    assert f"events: {head.count}" in text and head.head_hash in text
    assert boxes and boxes[0][0] == "Export finished"
    assert sidecar.name in boxes[0][1]


def test_export_of_custody_neutralises_holder_and_respects_only_overdue(
    qtbot, tab: ReportsTab, save_to, tmp_path: Path
) -> None:
    dest = tmp_path / "custody.csv"
    save_to(dest)
    with qtbot.waitSignal(tab.exportFinished, timeout=WAIT_MS):
        tab.export_csv()
    rows = read_csv(dest)
    assert "'=HYPERLINK(evil)" in [r[3] for r in rows]
    tab.overdue_only.setChecked(True)
    with qtbot.waitSignal(tab.exportFinished, timeout=WAIT_MS):
        tab.export_csv()
    rows = read_csv(dest)
    assert [r[0] for r in rows[1:]] == ["AT-0001", "AT-0002"]
    assert all(r[8] == "True" for r in rows[1:])


def test_export_into_a_missing_folder_is_a_message(
    qtbot, tab: ReportsTab, save_to, tmp_path: Path
) -> None:
    boxes = save_to(tmp_path / "no" / "such" / "dir.csv")
    with qtbot.waitSignal(tab.exportFinished, timeout=WAIT_MS) as blocker:
        tab.export_csv()
    assert blocker.args == ["failed"]
    assert boxes[0][0] == "Export failed"
    assert "Traceback" not in boxes[0][1]


def test_export_cancel_dialog_choice_writes_nothing(
    qtbot, tab: ReportsTab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    tab.export_csv()
    assert tab.export_progress is None
    assert list(tmp_path.glob("*.csv")) == []


def _add_events(store: Store, count: int) -> None:
    """Append ``count`` RECEIVE-looking events fast (not a valid hash chain; reports don't care)."""
    conn = store.conn
    asset = conn.execute("SELECT id FROM assets ORDER BY id LIMIT 1").fetchone()[0]
    start = conn.execute("SELECT max(id) FROM events").fetchone()[0] + 1
    with store.write():
        conn.executemany(
            "INSERT INTO events (id, batch_id, event_type, asset_id, operator, created_at, "
            "note, prev_hash, hash) VALUES (?, 'bulk', 'RECEIVE', ?, 'bulk', "
            "'2026-11-01T10:00:00.000Z', ?, '', ?)",
            (
                (i, asset, "=1+1" if i % 2 else "-note", f"{i:064x}")
                for i in range(start, start + count)
            ),
        )


def test_cancel_during_a_large_export_leaves_no_file_and_gui_responds(
    qtbot, tab: ReportsTab, store: Store, save_to, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_events(store, 50_000)
    run(qtbot, tab, "events")
    assert tab.model.rowCount() == 50_016
    # Hold the worker at row 20,000 until the test has pressed Cancel, so the cancel is not a race
    # against a fast disk; the worker itself never touches the GUI.
    gate = threading.Event()
    original = report_jobs.ExportJob.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)

        def held(rows):
            for n, row in enumerate(rows):
                if n == 20_000:
                    gate.wait(WAIT_MS / 1000)
                yield row

        self.wrap_rows = held

    monkeypatch.setattr(report_jobs.ExportJob, "__init__", init)
    dest = tmp_path / "events.csv"
    save_to(dest)
    tab.export_csv()
    dialog = tab.export_progress
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.value() >= 10_000, timeout=WAIT_MS)
    # The GUI answers while the export runs: typing filters the table (after a pause in typing,
    # with this many rows).
    qtbot.keyClicks(tab.filter_edit, "stock_in")
    qtbot.waitUntil(lambda: tab.proxy.rowCount() == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(tab.exportFinished, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.findChild(type(tab.export_button)), Qt.MouseButton.LeftButton)
        gate.set()
    assert blocker.args == ["cancelled"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "assettrack.db") == [
        p.name for p in sorted(tmp_path.glob("assettrack.db-*"))
    ]
    assert not dest.exists()
    assert "cancelled" in tab.status.text()


def test_large_report_arrives_in_chunks_without_blocking(
    qtbot, tab: ReportsTab, store: Store
) -> None:
    _add_events(store, 50_000)
    sizes: list[int] = []
    tab.model.rowsInserted.connect(lambda *a: sizes.append(tab.model.rowCount()))
    tab.set_kind("events")
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=WAIT_MS)
    assert tab.model.rowCount() == 50_016
    assert len(sizes) > 3 and sizes[0] <= report_jobs.FIRST_CHUNK_ROWS


# -- receipts from the events report -------------------------------------------------------------


def test_receipt_for_the_selected_stock_out_batch(
    qtbot, tab: ReportsTab, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    run(qtbot, tab, "events")
    types = column(tab, "event_type")
    select_row(tab, types.index("RECEIVE"))
    assert not tab.receipt_button.isEnabled()
    select_row(tab, types.index("STOCK_OUT"))
    assert tab.receipt_button.isEnabled() and tab.save_receipt_button.isEnabled()
    assert tab.selected_batch() == seeded.old_out
    qtbot.mouseClick(tab.receipt_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    text = "\n".join(p.extract_text() for p in PdfReader(opened[0].toLocalFile()).pages)
    assert "Hand-over receipt" in text
    for needle in ("Dana Reyes", "B-1001", "AT-0001", "AT-0002"):
        assert needle in text
    # Keyboard: Enter on a stock-in row opens its return receipt.
    select_row(tab, types.index("STOCK_IN"))
    with qtbot.waitExposed(tab):
        tab.show()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert len(opened) == 2
    assert "Return receipt" in PdfReader(opened[1].toLocalFile()).pages[0].extract_text()


# -- showing the tab, keyboard -----------------------------------------------------------------


def test_first_load_waits_until_shown_and_showing_again_picks_up_new_events(
    qtbot, store: Store, seeded: Seeded
) -> None:
    from assettrack_gui.core.engine import Engine

    widget = ReportsTab(store, Settings())
    qtbot.addWidget(widget)
    assert widget._shown is None and not widget.is_loading()  # nothing queried yet
    with qtbot.waitSignal(widget.loadFinished, timeout=WAIT_MS):
        widget.show()
    assert widget.model.rowCount() == 3
    widget.hide()
    Engine(store, operator="clerk.bo", settings=Settings()).commit_stock_out(["AT-0005"], "B-1003")
    with qtbot.waitSignal(widget.loadFinished, timeout=WAIT_MS):
        widget.show()
    assert "AT-0005" in column(widget, "asset_tag")
    widget.hide()
    with qtbot.assertNotEmitted(widget.loadFinished, wait=100):
        widget.show()  # nothing changed: no reload
    widget.jobs.stop_all()


def test_every_control_is_reachable_by_keyboard(qtbot, tab: ReportsTab) -> None:
    from PySide6.QtWidgets import (
        QCheckBox,
        QComboBox,
        QLineEdit,
        QPushButton,
        QSpinBox,
        QTableView,
    )

    # (Line edits' clear buttons and the table's corner button are mouse extras.)
    kinds = (QPushButton, QCheckBox, QComboBox, QLineEdit, QSpinBox, QTableView)
    controls = [w for w in tab.findChildren(QWidget) if isinstance(w, kinds)]
    assert len(controls) > 15
    for widget in controls:
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
            continue  # the combo box takes the focus
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, widget
    with qtbot.waitExposed(tab):
        tab.show()
    with qtbot.waitActive(tab):
        tab.activateWindow()
    tab.table.setFocus()
    qtbot.keyClick(tab, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.filter_edit.hasFocus()
    with qtbot.waitSignal(tab.loadFinished, timeout=WAIT_MS):
        qtbot.keyClick(tab.filter_edit, Qt.Key.Key_F5)
    tab.table.setFocus()
    select_row(tab, 0)
    tab.table.setCurrentIndex(tab.proxy.index(0, tab.model.column("days_held")))
    qtbot.keyClick(
        tab.table,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert column(tab, "days_held") == ["0", "30", "30"]
    qtbot.keyClick(
        tab.table,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert column(tab, "days_held") == ["30", "30", "0"]


# -- pickers, settings and jobs --------------------------------------------------------------------


def test_pickers_are_read_when_the_tab_is_first_shown_not_at_construction(
    qtbot, store: Store, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assettrack_gui.qt import reports_tab

    calls: list[object] = []
    real = reports_tab.pickers
    monkeypatch.setattr(reports_tab, "pickers", lambda *a: calls.append(a) or real(*a))
    widget = ReportsTab(store, Settings())
    qtbot.addWidget(widget)
    assert calls == [] and widget.custody_holder.count() == 0
    with qtbot.waitSignal(widget.loadFinished, timeout=WAIT_MS):
        widget.show()
    assert len(calls) == 1
    labels = [widget.custody_holder.itemText(i) for i in range(widget.custody_holder.count())]
    assert labels == [
        "All holders",
        "=HYPERLINK(evil) (B-1002)",
        "Dana Reyes (B-1001)",
        "Lee Park (B-1003)",
    ]
    assert widget.custody_holder.currentText() == "All holders"
    assert widget.holder_holder.count() == 3 and widget.holder_holder.currentIndex() == -1
    assert widget.occupancy_case.itemText(1) == "CART-A — Laptop cart A"
    assert widget.occupancy_case.itemData(1) == "CART-A"
    widget.hide()
    widget.show()
    assert len(calls) == 1  # shown again: the pickers are not read again (F5 does)
    widget.jobs.stop_all()


def test_refresh_all_rereads_pickers_and_keeps_what_was_typed(
    qtbot, tab: ReportsTab, store: Store
) -> None:
    from assettrack_gui.core.engine import Engine

    tab.set_kind("holder")
    tab.holder_holder.setEditText("B-1003")
    Engine(store, operator="clerk.bo", settings=Settings()).add_holders(
        [NewHolder("New Hire", "B-2000")]
    )
    with qtbot.waitSignal(tab.loadFinished, timeout=WAIT_MS):
        tab.refresh_all()
    assert tab.holder_holder.findData("B-2000") >= 0
    assert tab.holder_holder.currentText() == "B-1003"
    assert tab.current_request().holder == "B-1003"


def test_picker_model_passes_qtmodeltester(qtmodeltester, tab: ReportsTab) -> None:
    from assettrack_gui.qt.report_model import CODE_ROLE, PickerModel

    qtmodeltester.check(tab.holders_model, force_py=True)
    model = PickerModel()
    model.set_items([("Dana Reyes (B-1001)", "B-1001"), ("All", "")])
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 0).data(CODE_ROLE) == "B-1001"
    assert model.index(0, 0).data() == "Dana Reyes (B-1001)"


def test_jobs_get_the_settings_current_when_they_start(qtbot, store: Store, seeded: Seeded) -> None:
    from assettrack_gui.core.settings import SettingsOwner

    owner = SettingsOwner.fixed(Settings())
    widget = ReportsTab(store, owner)
    qtbot.addWidget(widget)
    owner.update(Settings(prefix="X:", overdue_days=3))
    assert widget.custody_days.value() == 3
    run(qtbot, widget, "history", history_scan="X:AT-0004")
    assert column(widget, "event_type") == ["RECEIVE", "STOCK_OUT", "STOCK_IN"]
    widget.jobs.stop_all()


def test_each_tab_owns_its_jobs(qtbot, tab: ReportsTab, store: Store) -> None:
    _add_events(store, 50_000)
    other = ReportsTab(store, Settings())
    qtbot.addWidget(other)
    tab.set_kind("events")
    assert tab.jobs.running() and not other.jobs.running()
    other.jobs.stop_all()
    assert tab.is_loading() and tab.jobs.running()  # another tab's stop leaves this one's jobs
    tab.jobs.stop_all()
    assert tab.jobs.running() == []


def test_deleting_a_tab_while_it_loads_stops_its_threads(
    qtbot, store: Store, seeded: Seeded
) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    _add_events(store, 50_000)
    widget = ReportsTab(store, Settings())
    widget.set_kind("events")
    jobs = [widget.jobs.get(i) for i in widget.jobs.running()]
    assert jobs and all(j is not None and j.isRunning() for j in jobs)
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert all(j is not None and j.isFinished() for j in jobs)


def test_undo_this_batch_voids_the_selected_stock_out(
    qtbot, store: Store, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undo this batch… shows what goes back where, and the confirmed undo is a new batch: the
    asset is back in its slot and the history keeps both batches."""
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.qt import void_dialog

    asked: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(
        void_dialog, "confirm", lambda parent, title, text, yes, informative="": asked.append(
            informative
        )
        or True,
    )
    monkeypatch.setattr(void_dialog, "message", lambda parent, title, text, **kw: told.append(text))
    widget = ReportsTab(store, Settings(), engine=Engine(store, "supervisor", settings=Settings()))
    qtbot.addWidget(widget)
    run(qtbot, widget, "events")
    batches = column(widget, "batch_id")
    row = batches.index(seeded.new_out)
    select_row(widget, row)
    assert widget.undo_button.isEnabled()
    qtbot.mouseClick(widget.undo_button, Qt.MouseButton.LeftButton)
    assert asked and "AT-0003:" in asked[0] and "→ CART-A/3" in asked[0]
    assert told and told[0].startswith(f"Batch {seeded.new_out} was undone by batch ")
    qtbot.waitUntil(lambda: not widget.is_loading(), timeout=WAIT_MS)
    (place,) = store.conn.execute(
        "SELECT c.case_code || '/' || s.position FROM assets a JOIN slots s ON s.asset_id = a.id "
        "JOIN cases c ON c.id = s.case_id WHERE a.asset_tag = 'AT-0003'"
    ).fetchone()
    assert place == "CART-A/3"
    notes = store.conn.execute("SELECT note FROM events WHERE note <> ''").fetchall()
    assert notes == [(f"voids batch {seeded.new_out}",)]
    widget.jobs.stop_all()


def test_a_batch_that_changed_since_is_not_undone(
    qtbot, store: Store, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AT-0004 went to Lee and came back since: undoing that stock-out is refused, in words."""
    from assettrack_gui.core.engine import Engine
    from assettrack_gui.qt import void_dialog

    told: list[tuple[str, str]] = []
    monkeypatch.setattr(
        void_dialog,
        "message",
        lambda parent, title, text, **kw: told.append((text, kw.get("details", ""))),
    )
    monkeypatch.setattr(void_dialog, "confirm", lambda *a, **kw: pytest.fail("nothing to confirm"))
    widget = ReportsTab(store, Settings(), engine=Engine(store, "supervisor", settings=Settings()))
    qtbot.addWidget(widget)
    run(qtbot, widget, "events")
    rows = list(zip(column(widget, "event_type"), column(widget, "asset_tag"), strict=True))
    select_row(widget, rows.index(("STOCK_OUT", "AT-0004")))
    before = log_head(store.conn)
    qtbot.mouseClick(widget.undo_button, Qt.MouseButton.LeftButton)
    assert len(told) == 1 and told[0][0].endswith("cannot be undone; nothing was changed.")
    assert "AT-0004" in told[0][1]
    assert log_head(store.conn) == before
    select_row(widget, rows.index(("RECEIVE", "AT-0001")))
    assert not widget.undo_button.isEnabled()  # a registration is not undone this way
    widget.jobs.stop_all()
