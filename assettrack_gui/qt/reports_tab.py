"""The Reports tab: custody, holder, history, occupancy and events tables, CSV export, receipts.

Constructor (the main window adds it with ``window.add_page(ReportsTab(store, settings), "Reports")``)::

    ReportsTab(store: Store, settings: Settings, parent: QWidget | None = None)

``store`` is the GUI thread's open database; it is used for the small reads the tab needs in the
GUI thread (holder and case pickers, receipts). Report rows and CSV exports are produced by
worker threads, each opening its own ``Store(store.path, create=False)`` (an SQLite connection
belongs to the thread that opened it), so ``store`` must be a file database, not ``:memory:``.
``settings.overdue_days`` is the starting value of "Overdue after N days".

Nothing is queried until the tab is first shown (so a 100,000-row custody report does not load
while the clerk scans on another tab) or ``refresh()`` is called. Each time the tab is shown
again it re-runs the report if the event log has grown since, so it never shows stale custody.
F5 (``refresh_all()``) also re-reads the holder and case pickers. Useful public members for the
main window and tests: ``set_kind(kind)``, ``refresh()``, ``refresh_all()``, ``is_loading()``,
the signals ``loadFinished(int)``, ``loadFailed(str)``, ``exportFinished(str)``, and
``stop_all_jobs()`` (module level; also hooked to ``QCoreApplication.aboutToQuit``). The tab runs
on its own with ``python -m assettrack_gui.qt.reports_tab [--db PATH]``.

Why it is built this way:

* Rows arrive in chunks from a worker (:class:`_LoadJob`) and are appended with
  ``beginInsertRows``, so the first rows show at once and 100,000 rows never freeze the window.
* Sorting is done by the source model (one Python ``sort`` with a key per column: numbers as
  numbers, text case-insensitively, local times by their UTC value), not by
  ``QSortFilterProxyModel.lessThan``, which would call back into Python millions of times for
  100,000 rows. The proxy (:class:`ReportFilterProxy`) only filters: the filter box matches any
  visible column (case-insensitive substring) against text precomputed by the worker, and
  "Only overdue rows" keeps the rows whose report flag is set.
* Overdue rows are tinted, carry a warning icon and read "OVERDUE" in their own column, so the
  state is never told by colour alone.
* Times are shown in local time; the stored UTC columns stay in the model and in exports but are
  hidden in the table.
* "Export CSV…" re-runs the shown report (same parameters, "Only overdue rows" included; the
  filter box is a viewing aid and does not limit exports) in an export worker through
  ``core.csvout.write_csv``, which writes a temp file and renames it into place, so Cancel
  leaves no file behind. The event-log head is read in the same snapshot as the rows and
  written to the sidecar ``<file>.loghead.txt``.
* In the events and history reports, a selected STOCK_OUT/STOCK_IN row enables
  "Receipt for this batch…" (:func:`assettrack_gui.qt.receipts.open_receipt`) and
  "Save receipt as…".

Keyboard: Alt+R report, F5 refresh, Ctrl+F filter box, Alt+O only overdue, Ctrl+E or Alt+X export,
Alt+C receipt, Alt+V save receipt; every control is reachable with Tab; in the table,
Ctrl+Shift+S sorts by the current cell's column (again: the other way round) and Enter or a
double click on a stock-out/stock-in row opens its receipt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core import reports
from ..core.csvout import ExportCancelled, sidecar_path, write_csv
from ..core.engine import Engine
from ..core.errors import UserError
from ..core.eventlog import LogHead, log_head
from ..core.reports import EVENT_TYPES, Report, Row
from ..core.settings import RANGES, Settings, SettingsOwner, as_owner
from ..core.store import Store
from .receipts import open_receipt, save_receipt_as
from .settings_signal import SettingsSignal
from .wedge_filter import SCAN_AS_TEXT

__all__ = [
    "FLAG_ROLE",
    "REPORT_KINDS",
    "ReportFilterProxy",
    "ReportRequest",
    "ReportTableModel",
    "ReportsTab",
    "build_report",
    "report_rows",
]

REPORT_KINDS = ("custody", "holder", "history", "occupancy", "events")
_KIND_LABELS = {
    "custody": "Custody — who holds what",
    "holder": "Holder — everything one holder has",
    "history": "History — every event of one asset",
    "occupancy": "Occupancy — cases and slots",
    "events": "Events — the event log",
}

FLAG_ROLE = Qt.ItemDataRole.UserRole + 1  # bool: the report's flag (overdue) is set on this row

RECEIPT_EVENT_TYPES = ("STOCK_OUT", "STOCK_IN")
FIRST_CHUNK_ROWS = 500
CHUNK_ROWS = 5000
CHUNK_SECONDS = 0.1
FILTER_AT_ONCE_ROWS = 20_000  # more rows than this: filter after a pause in typing
FILTER_PAUSE_MS = 250
YIELD_EVERY = 250  # rows (FIRST_CHUNK_ROWS and CHUNK_ROWS are multiples)
YIELD_SECONDS = 0.0005

_TITLES = {
    "asset_tag": "Asset tag",
    "badge_code": "Badge",
    "since_local": "Since",
    "days_held": "Days held",
    "created_at_local": "Time",
    "event_id": "Event",
    "event_type": "Type",
    "batch_id": "Batch",
    "case_code": "Case",
    "case_name": "Case name",
    "position": "Slot",
}
_OVERDUE_BACKGROUND = QColor(255, 214, 153)  # amber; text forced black so dark themes stay legible
_OVERDUE_FOREGROUND = QColor(0, 0, 0)


# -- what to run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRequest:
    """One report and its parameters, as chosen in the tab (empty string = not given)."""

    kind: str
    holder: str = ""
    overdue_days: int = 14
    overdue_only: bool = False  # keep only rows whose flag (overdue) is set
    scan: str = ""
    case: str = ""
    since: str = ""
    until: str = ""
    event_type: str = ""
    operator: str = ""
    batch: str = ""

    def missing(self) -> str | None:
        """What must be filled in before this report can run, as a hint; None if complete."""
        if self.kind == "holder" and not self.holder.strip():
            return "Pick a holder or scan a badge, then press Refresh."
        if self.kind == "history" and not self.scan.strip():
            return "Scan or type an asset tag, then press Enter."
        return None


def build_report(conn: Any, request: ReportRequest, settings: Settings | None = None) -> Report:
    """The core report for ``request`` (raises ``UserError`` for unknown holders, bad dates …)."""
    holder = request.holder.strip() or None
    if request.kind == "custody":
        return reports.custody_report(conn, holder=holder, overdue_days=request.overdue_days)
    if request.kind == "holder":
        return reports.holder_report(conn, request.holder, overdue_days=request.overdue_days)
    if request.kind == "history":
        return reports.history_report(conn, request.scan, settings=settings)
    if request.kind == "occupancy":
        return reports.occupancy_report(conn, case=request.case.strip() or None)
    if request.kind == "events":
        return reports.events_report(
            conn,
            since=request.since.strip() or None,
            until=request.until.strip() or None,
            event_type=request.event_type or None,
            holder=holder,
            operator=request.operator.strip() or None,
            batch=request.batch.strip() or None,
        )
    raise ValueError(f"unknown report {request.kind!r}")


def report_rows(report: Report, request: ReportRequest) -> Iterator[Row]:
    """The report's rows, only the flagged (overdue) ones if the request asks for that."""
    flag = report.flag_column
    if request.overdue_only and flag is not None:
        return (row for row in report.rows() if row[flag])
    return report.rows()


def hidden_columns(header: Sequence[str]) -> set[int]:
    """UTC columns that have a local-time sibling: kept for export, hidden in the table."""
    names = set(header)
    return {
        i
        for i, name in enumerate(header)
        if name.endswith("_utc") and name[: -len("_utc")] + "_local" in names
    }


def column_title(name: str) -> str:
    return _TITLES.get(name) or name.replace("_", " ").capitalize()


def display_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def _row_text(row: Row, columns: Sequence[int], flag: int | None) -> str:
    """The lower-case text the filter box searches: every visible cell, as displayed."""
    parts = []
    for i in columns:
        value = row[i]
        if i == flag:
            parts.append("overdue" if value else "")
        else:
            parts.append(display_value(value))
    return "\x1f".join(parts).casefold()


_EMPTY = 2


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers (and bools) by value, then text case-insensitively; ``_EMPTY`` marks blanks."""
    if value is None or value == "":
        return (_EMPTY, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).casefold())


# -- the table model -----------------------------------------------------------------------------


class ReportTableModel(QAbstractTableModel):
    """Rows of one report, appended chunk by chunk; sorts itself (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.header: list[str] = []
        self.flag_column: int | None = None
        self.flag_tooltip = ""
        self._rows: list[Row] = []
        self._texts: list[str] = []
        self._seq: list[int] = []  # load order, to restore it
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._sorted_rows = 0  # rows in the order ``_sort`` describes (appends come unsorted)
        self._icon: QIcon | None = None

    # -- filling

    def reset(self, header: Sequence[str], flag_column: int | None, flag_tooltip: str = "") -> None:
        self.beginResetModel()
        self.header = list(header)
        self.flag_column = flag_column
        self.flag_tooltip = flag_tooltip
        self._rows, self._texts, self._seq = [], [], []
        self._sorted_rows = 0
        self.endResetModel()

    def append(self, rows: Sequence[Row], texts: Sequence[str] | None = None) -> None:
        if not rows:
            return
        if texts is None:
            visible = [i for i in range(len(self.header)) if i not in hidden_columns(self.header)]
            texts = [_row_text(r, visible, self.flag_column) for r in rows]
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._texts.extend(texts)
        self._seq.extend(range(first, first + len(rows)))
        self.endInsertRows()

    # -- reading

    def row_values(self, row: int) -> Row:
        return self._rows[row]

    def row_text(self, row: int) -> str:
        return self._texts[row]

    def is_flagged(self, row: int) -> bool:
        return self.flag_column is not None and bool(self._rows[row][self.flag_column])

    def flagged_count(self) -> int:
        flag = self.flag_column
        return 0 if flag is None else sum(1 for r in self._rows if r[flag])

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.header)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.header):
            if role == Qt.ItemDataRole.DisplayRole:
                return column_title(self.header[section])
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.header[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < len(self.header)):
            return None
        value = self._rows[r][c]
        flag = self.flag_column
        if role == Qt.ItemDataRole.DisplayRole:
            if c == flag:
                return "OVERDUE" if value else ""
            return display_value(value)
        if role == FLAG_ROLE:
            return flag is not None and bool(self._rows[r][flag])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if flag is None or not self._rows[r][flag]:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_OVERDUE_FOREGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.flag_tooltip or "Overdue"
        if role == Qt.ItemDataRole.DecorationRole and c == 0:
            if self._icon is None:
                self._icon = QApplication.style().standardIcon(
                    QStyle.StandardPixmap.SP_MessageBoxWarning
                )
            return self._icon
        return None

    # -- sorting

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort

    def _sort_keys(self, column: int) -> tuple[list[Any], list[bool]]:
        """(sort key, is empty) per row; plain list comprehensions for the common column types."""
        name = self.header[column]
        if name.endswith("_local"):
            utc = self.column(name[: -len("_local")] + "_utc")
            if utc is not None:
                column = utc  # "2026-03-29 02:30" local is ambiguous; its UTC value is not
        values = [row[column] for row in self._rows]
        kinds = {type(v) for v in values}
        if kinds <= {int, float}:
            return values, [False] * len(values)
        if kinds == {str}:
            return [v.casefold() for v in values], [v == "" for v in values]
        keys = [_sort_key(v) for v in values]
        return keys, [k[0] == _EMPTY for k in keys]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # QTableView.sortByColumn can ask twice in a row; 100,000 rows are not sorted twice.
        if (column, order) == self._sort and self._sorted_rows == len(self._rows):
            return
        self._sort = (column, order)
        self._sorted_rows = len(self._rows)
        if not self._rows:
            return
        n = len(self._rows)
        by_load = sorted(range(n), key=self._seq.__getitem__)
        if 0 <= column < len(self.header):
            keys, empty = self._sort_keys(column)
            # Python's sort is stable in both directions: equal keys keep the load order.
            # Empty cells go last either way, as in a spreadsheet.
            perm = [i for i in by_load if not empty[i]]
            perm.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
            perm += [i for i in by_load if empty[i]]
        else:
            perm = by_load
        self.layoutAboutToBeChanged.emit()
        self._rows = [self._rows[i] for i in perm]
        self._texts = [self._texts[i] for i in perm]
        self._seq = [self._seq[i] for i in perm]
        old_indexes = self.persistentIndexList()
        if old_indexes:
            new_place = [0] * n
            for new, old in enumerate(perm):
                new_place[old] = new
            self.changePersistentIndexList(
                old_indexes,
                [self.index(new_place[i.row()], i.column()) for i in old_indexes],
            )
        self.layoutChanged.emit()


class ReportFilterProxy(QSortFilterProxyModel):
    """Filters a :class:`ReportTableModel` by text (any visible column) and by its flag.

    Sorting is forwarded to the source model, which sorts 100,000 rows in one Python ``sort``.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._flagged_only = False
        self._model = ReportTableModel(self)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        assert isinstance(model, ReportTableModel)
        self._model = model  # filterAcceptsRow runs per row: no per-call lookups
        super().setSourceModel(model)

    def source(self) -> ReportTableModel:
        return self._model

    def set_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle))

    def set_flagged_only(self, on: bool) -> None:
        if on != self._flagged_only:
            self._refilter(lambda: setattr(self, "_flagged_only", on))

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._needle and not self._flagged_only:
            return True
        model = self._model
        if self._flagged_only and not model.is_flagged(source_row):
            return False
        return not self._needle or self._needle in model.row_text(source_row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)


# -- worker threads ------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"{type(exc).__name__}: {exc}"


class _LoadJob(QThread):
    """Runs one report in its own connection and sends its rows in chunks."""

    began = Signal(int, str, object, object, object)  # job id, title, header, flag column, head
    chunk = Signal(int, object, object)  # job id, rows, filter texts
    completed = Signal(int, int)  # job id, rows
    failed = Signal(int, str)  # job id, message
    ended = Signal(int)  # job id; always the last signal

    def __init__(
        self, job_id: int, db_path: Path, request: ReportRequest, settings: Settings
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.db_path = db_path
        self.request = request
        self.settings = settings
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.failed.emit(self.job_id, _describe(exc))
        finally:
            self.ended.emit(self.job_id)

    def _run(self) -> None:
        store = Store(self.db_path, create=False, migrate=False)
        try:
            with store.read() as conn:
                report = build_report(conn, self.request, self.settings)
                header = list(report.header)
                flag = report.flag_column
                visible = [i for i in range(len(header)) if i not in hidden_columns(header)]
                head = log_head(conn)  # same snapshot as the rows
                self.began.emit(self.job_id, report.title, header, flag, head)
                rows: list[Row] = []
                texts: list[str] = []
                total = 0
                limit = FIRST_CHUNK_ROWS
                last = time.monotonic()
                for row in report.rows():
                    rows.append(row)
                    texts.append(_row_text(row, visible, flag))
                    if len(rows) % YIELD_EVERY:
                        continue
                    # Hand the GIL to the GUI thread now and then, so painting and typing
                    # never wait behind a whole chunk of row building.
                    time.sleep(YIELD_SECONDS)
                    if len(rows) >= limit or time.monotonic() - last > CHUNK_SECONDS:
                        if self._stop.is_set():
                            return
                        total += len(rows)
                        self.chunk.emit(self.job_id, rows, texts)
                        rows, texts, limit, last = [], [], CHUNK_ROWS, time.monotonic()
                if self._stop.is_set():
                    return
                if rows:
                    total += len(rows)
                    self.chunk.emit(self.job_id, rows, texts)
                self.completed.emit(self.job_id, total)
        finally:
            store.close()


class _ExportJob(QThread):
    """Writes one report to CSV (plus the log-head sidecar) in its own connection."""

    progressed = Signal(int, int)  # job id, rows written
    succeeded = Signal(int, str, str, int)  # job id, csv path, sidecar path, rows
    was_cancelled = Signal(int)
    failed = Signal(int, str)
    ended = Signal(int)

    def __init__(
        self, job_id: int, db_path: Path, request: ReportRequest, settings: Settings, dest: Path
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.db_path = db_path
        self.request = request
        self.settings = settings
        self.dest = dest
        self._stop = threading.Event()
        # Tests wrap the row stream here (e.g. to hold the export at a known row).
        self.wrap_rows: Callable[[Iterator[Row]], Iterable[Row]] | None = None

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            store = Store(self.db_path, create=False, migrate=False)
            try:
                with store.read() as conn:
                    report = build_report(conn, self.request, self.settings)
                    head = log_head(conn)
                    rows: Iterable[Row] = report_rows(report, self.request)
                    if self.wrap_rows is not None:
                        rows = self.wrap_rows(iter(rows))
                    count = write_csv(
                        self.dest,
                        report.header,
                        rows,
                        log_head=head,
                        progress=lambda n: self.progressed.emit(self.job_id, n),
                        cancelled=self._stop.is_set,
                    )
            finally:
                store.close()
        except ExportCancelled:
            self.was_cancelled.emit(self.job_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.failed.emit(self.job_id, _describe(exc))
        else:
            self.succeeded.emit(self.job_id, str(self.dest), str(sidecar_path(self.dest)), count)
        finally:
            self.ended.emit(self.job_id)


# Jobs are kept alive here (not parented to a widget) so a QThread is never destroyed while it
# runs, even if its tab goes away; aboutToQuit cancels and waits for all of them.
_LIVE_JOBS: dict[int, QThread] = {}
_next_job_id = 0


def _new_job_id() -> int:
    global _next_job_id
    _next_job_id += 1
    return _next_job_id


EXPORT_KEYS = QKeySequence("Ctrl+E")


def _takes_scans_as_text(widget: QWidget) -> None:
    """A scan made while this field has the keyboard fills the field (badge, tag, case code)
    instead of joining the batch on the Scan page."""
    widget.setProperty(SCAN_AS_TEXT, True)
    edit = widget.lineEdit() if isinstance(widget, QComboBox) else None
    if edit is not None:
        edit.setProperty(SCAN_AS_TEXT, True)


def stop_all_jobs(timeout_ms: int = 5000) -> None:
    """Cancel every running load/export and wait for the threads (at quit, and in tests)."""
    for job in list(_LIVE_JOBS.values()):
        cancel = getattr(job, "cancel", None)
        if cancel is not None:
            cancel()
    for job in list(_LIVE_JOBS.values()):
        job.wait(timeout_ms)
    _LIVE_JOBS.clear()


# -- the tab -------------------------------------------------------------------------------------


class ReportsTab(QWidget):
    """Pick a report and its parameters, browse, sort and filter its rows, export them to CSV."""

    loadFinished = Signal(int)  # rows loaded (emitted when a load completes)
    loadFailed = Signal(str)
    exportFinished = Signal(str)  # "done", "cancelled" or "failed"

    def __init__(
        self,
        store: Store,
        settings: Settings | SettingsOwner | SettingsSignal,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        # The window's settings signal (or an owner / plain Settings in tests): never a copy.
        self.config = (
            settings
            if isinstance(settings, SettingsSignal)
            else SettingsSignal(as_owner(settings), self)
        )
        self.config.changed.connect(self._settings_changed)
        self.model = ReportTableModel(self)
        self.proxy = ReportFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._load_id = 0
        self._load_started = 0.0
        self._shown: ReportRequest | None = None
        self._loading: ReportRequest | None = None
        self._title = ""
        self._loaded_rows = 0
        self._export_id = 0
        self.export_progress: QProgressDialog | None = None
        self.last_export_message = ""
        self.last_load_seconds = 0.0
        self._loaded_head: LogHead | None = None

        self._build_ui()
        for edit in self.findChildren(QLineEdit):  # incl. the editable combo boxes' fields
            edit.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._shutdown)
        self.reload_pickers()
        self.params.setCurrentWidget(self._pages[self.current_kind()])
        self._ran = False  # the first report runs when the tab is first shown (or on refresh())
        self._show_status("Choose a report; it loads when this tab is shown (F5 refreshes).")

    @property
    def settings(self) -> Settings:
        return self.config.current

    def _settings_changed(self, settings: Settings) -> None:
        for spin in (self.custody_days, self.holder_days):
            spin.setValue(settings.overdue_days)

    # -- layout

    def _build_ui(self) -> None:
        self.kind_combo = QComboBox()
        for kind in REPORT_KINDS:
            self.kind_combo.addItem(_KIND_LABELS[kind], kind)
        kind_label = QLabel("&Report:")
        kind_label.setBuddy(self.kind_combo)

        self.params = QStackedWidget()
        self._pages: dict[str, QWidget] = {}

        # custody
        self.custody_holder = self._holder_combo(all_item=True)
        self.custody_days = self._days_spin()
        self._add_page(
            "custody", [("Hol&der:", self.custody_holder), ("Overdue &after:", self.custody_days)]
        )
        # holder
        self.holder_holder = self._holder_combo(all_item=False)
        self.holder_days = self._days_spin()
        self._add_page(
            "holder", [("Hol&der:", self.holder_holder), ("Overdue &after:", self.holder_days)]
        )
        # history
        self.history_scan = QLineEdit()
        self.history_scan.setPlaceholderText("Scan or type an asset tag, then Enter")
        self.history_scan.setClearButtonEnabled(True)
        self.history_scan.returnPressed.connect(self.refresh)
        _takes_scans_as_text(self.history_scan)
        self._add_page("history", [("&Asset:", self.history_scan)])
        # occupancy
        self.occupancy_case = QComboBox()
        self.occupancy_case.setEditable(True)
        self.occupancy_case.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.occupancy_case.activated.connect(self._param_changed)
        _takes_scans_as_text(self.occupancy_case)
        self._add_page("occupancy", [("C&ase:", self.occupancy_case)])
        # events
        self.events_since = self._date_edit("from, e.g. 2026-11-01")
        self.events_until = self._date_edit("to (inclusive)")
        self.events_type = QComboBox()
        self.events_type.addItem("Any type", "")
        for kind in EVENT_TYPES:
            self.events_type.addItem(kind, kind)
        self.events_type.activated.connect(self._param_changed)
        self.events_holder = self._holder_combo(all_item=True)
        self.events_operator = self._date_edit("any operator")
        self.events_batch = self._date_edit("any batch")
        self._add_page(
            "events",
            [
                ("&Since:", self.events_since),
                ("&Until:", self.events_until),
                ("&Type:", self.events_type),
                ("Hol&der:", self.events_holder),
                ("O&perator:", self.events_operator),
                ("&Batch:", self.events_batch),
            ],
        )

        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Run the report again (F5)")
        self.refresh_button.clicked.connect(self.refresh_all)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh_all)

        top = QHBoxLayout()
        top.addWidget(kind_label)
        top.addWidget(self.kind_combo)
        top.addWidget(self.params, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Type to filter the rows below (any column)")
        self.filter_edit.setClearButtonEnabled(True)
        _takes_scans_as_text(self.filter_edit)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.returnPressed.connect(self._apply_filter)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_PAUSE_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter_edit)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_filter)
        self.overdue_only = QCheckBox("Only &overdue rows")
        self.overdue_only.toggled.connect(self._overdue_toggled)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bar = QHBoxLayout()
        bar.addWidget(filter_label)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.overdue_only)
        bar.addWidget(self.status, 1)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        horizontal = self.table.horizontalHeader()
        horizontal.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        horizontal.setSortIndicatorClearable(True)
        self.table.setSortingEnabled(True)
        horizontal.setStretchLastSection(True)
        # Column widths from the first rows only: measuring 100,000 rows would stall the window.
        horizontal.setResizeContentsPrecision(100)
        vertical.setResizeContentsPrecision(100)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self._row_activated)
        self.table.installEventFilter(self)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self.table, self._sort_current_column)

        self.export_button = QPushButton("E&xport CSV…")  # Alt+E is the Edit menu
        self.export_button.setToolTip("Write this report to a CSV file (Ctrl+E)")
        self.export_button.clicked.connect(self.export_csv)
        QShortcut(EXPORT_KEYS, self, self.export_csv)
        self.receipt_button = QPushButton("Re&ceipt for this batch…")
        self.receipt_button.setToolTip(
            "Open the hand-over (stock-out) or return (stock-in) receipt of the selected row's batch"
        )
        self.receipt_button.clicked.connect(self.open_selected_receipt)
        self.save_receipt_button = QPushButton("Sa&ve receipt as…")
        self.save_receipt_button.clicked.connect(self.save_selected_receipt)

        bottom = QHBoxLayout()
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(self.receipt_button)
        bottom.addWidget(self.save_receipt_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._update_buttons()

    def _add_page(self, kind: str, fields: list[tuple[str, QWidget]]) -> None:
        """Label/field pairs, three to a line, so the events filters fit above the table."""
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, (text, widget) in enumerate(fields):
            label = QLabel(text)
            label.setBuddy(widget)
            row, pair = divmod(n, 3)
            grid.addWidget(label, row, pair * 2)
            grid.addWidget(widget, row, pair * 2 + 1)
            grid.setColumnStretch(pair * 2 + 1, 1)
        self._pages[kind] = page
        self.params.addWidget(page)

    def _holder_combo(self, *, all_item: bool) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setProperty("all_item", all_item)
        edit = combo.lineEdit()
        assert edit is not None
        edit.setPlaceholderText("name, or scan a badge")
        edit.returnPressed.connect(self.refresh)
        combo.activated.connect(self._param_changed)
        _takes_scans_as_text(combo)
        return combo

    def _days_spin(self) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(*RANGES["overdue_days"])
        spin.setSuffix(" days")
        spin.setValue(self.settings.overdue_days)
        spin.setToolTip("Rows held longer than this are overdue")
        spin.editingFinished.connect(self._days_changed)
        return spin

    def _date_edit(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.returnPressed.connect(self.refresh)
        return edit

    # -- pickers

    def reload_pickers(self) -> None:
        """Re-read holders and cases for the pickers (keeps what is typed in them)."""
        try:
            engine = Engine(self.store, operator="reports", settings=self.settings)
            with self.store.read():
                holders = engine.all_holders()
                cases = engine.cases()
        except UserError as exc:
            self._show_status(str(exc), error=True)
            return
        for combo in (self.custody_holder, self.holder_holder, self.events_holder):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            if combo.property("all_item"):
                combo.addItem("All holders", "")
            for h in holders:
                combo.addItem(h.label + ("" if h.active else " — inactive"), h.badge_code)
            combo.setCurrentIndex(-1 if not combo.property("all_item") else 0)
            if text:
                combo.setEditText(text)
            combo.blockSignals(False)
        text = self.occupancy_case.currentText()
        self.occupancy_case.blockSignals(True)
        self.occupancy_case.clear()
        self.occupancy_case.addItem("All cases", "")
        for c in cases:
            self.occupancy_case.addItem(
                f"{c.case_code} — {c.name}" if c.name else c.case_code, c.case_code
            )
        if text:
            self.occupancy_case.setEditText(text)
        self.occupancy_case.blockSignals(False)

    @staticmethod
    def _combo_ref(combo: QComboBox) -> str:
        """The chosen item's code, or what was typed/scanned into the box."""
        text = combo.currentText().strip()
        index = combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return str(combo.itemData(index) or "")
        return text

    # -- requests

    def current_kind(self) -> str:
        return str(self.kind_combo.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(REPORT_KINDS.index(kind))

    def current_request(self) -> ReportRequest:
        kind = self.current_kind()
        base = ReportRequest(kind, overdue_only=self.overdue_only.isChecked())
        if kind == "custody":
            return replace(
                base,
                holder=self._combo_ref(self.custody_holder),
                overdue_days=self.custody_days.value(),
            )
        if kind == "holder":
            return replace(
                base,
                holder=self._combo_ref(self.holder_holder),
                overdue_days=self.holder_days.value(),
            )
        if kind == "history":
            return replace(base, scan=self.history_scan.text())
        if kind == "occupancy":
            return replace(base, case=self._combo_ref(self.occupancy_case))
        return replace(
            base,
            since=self.events_since.text(),
            until=self.events_until.text(),
            event_type=str(self.events_type.currentData() or ""),
            holder=self._combo_ref(self.events_holder),
            operator=self.events_operator.text(),
            batch=self.events_batch.text(),
        )

    # -- loading

    @Slot()
    def refresh(self) -> None:
        """Run the chosen report with the parameters as they are now."""
        self._ran = True
        self._cancel_load()
        request = self.current_request()
        hint = request.missing()
        if hint:
            self._shown = None
            self.model.reset([], None)
            self._show_status(hint)
            self._update_buttons()
            return
        if str(self.store.path) == ":memory:":
            self._show_status("Reports need a database file.", error=True)
            return
        self._load_id = job_id = _new_job_id()
        self._loading = request
        self._loaded_rows = 0
        self._load_started = time.perf_counter()
        job = _LoadJob(job_id, self.store.path, replace(request, overdue_only=False), self.settings)
        job.began.connect(self._load_began)
        job.chunk.connect(self._load_chunk)
        job.completed.connect(self._load_completed)
        job.failed.connect(self._load_failed)
        job.ended.connect(self._job_ended)
        _LIVE_JOBS[job_id] = job
        self._show_status("Loading…")
        self._update_buttons()
        job.start()

    def _cancel_load(self) -> None:
        job = _LIVE_JOBS.get(self._load_id)
        if isinstance(job, _LoadJob):
            job.cancel()
        self._load_id = 0
        self._loading = None

    def is_loading(self) -> bool:
        return self._loading is not None

    @Slot(int, str, object, object, object)
    def _load_began(
        self, job_id: int, title: str, header: object, flag: object, head: object
    ) -> None:
        if job_id != self._load_id:
            return
        self._loaded_head = head if isinstance(head, LogHead) else None
        assert isinstance(header, list)
        request = self._loading
        tooltip = ""
        if request is not None and request.kind in ("custody", "holder"):
            tooltip = f"Held longer than {request.overdue_days} days"
        self.model.reset(header, flag if isinstance(flag, int) else None, tooltip)
        self._title = title
        self._shown = request
        hidden = hidden_columns(header)
        for column in range(len(header)):
            self.table.setColumnHidden(column, column in hidden)
        self.overdue_only.setEnabled(self.model.flag_column is not None)

    @Slot(int, object, object)
    def _load_chunk(self, job_id: int, rows: object, texts: object) -> None:
        if job_id != self._load_id:
            return
        assert isinstance(rows, list) and isinstance(texts, list)
        first = self.model.rowCount() == 0
        self.model.append(rows, texts)
        self._loaded_rows = self.model.rowCount()
        if first:
            self.table.resizeColumnsToContents()
        self._show_status(f"Loading… {self._loaded_rows:,} rows")

    @Slot(int, int)
    def _load_completed(self, job_id: int, count: int) -> None:
        if job_id != self._load_id:
            return
        self._loading = None
        column, order = (
            self.table.horizontalHeader().sortIndicatorSection(),
            self.table.horizontalHeader().sortIndicatorOrder(),
        )
        if column >= 0:
            self.model.sort(column, order)
        self.last_load_seconds = time.perf_counter() - self._load_started
        if self.model.rowCount() and self.model.rowCount() <= FIRST_CHUNK_ROWS:
            self.table.resizeColumnsToContents()
        self._update_status()
        self._update_buttons()
        self.loadFinished.emit(count)

    @Slot(int, str)
    def _load_failed(self, job_id: int, message: str) -> None:
        if job_id != self._load_id:
            return
        self._loading = None
        self._shown = None
        self.model.reset([], None)
        self._show_status(message, error=True)
        self._update_buttons()
        self.loadFailed.emit(message)

    @Slot(int)
    def _job_ended(self, job_id: int) -> None:
        job = _LIVE_JOBS.pop(job_id, None)
        if job is not None:
            job.wait()
            job.deleteLater()

    @Slot()
    def refresh_all(self) -> None:
        """Refresh (F5): re-read the holder and case pickers, then run the report again."""
        self.reload_pickers()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Coming back to the tab after stock-outs elsewhere: show the new state, not the old."""
        super().showEvent(event)
        if not self._ran:
            self.refresh()
            return
        if self._shown is None or self.is_loading() or self._loaded_head is None:
            return
        try:
            with self.store.read() as conn:
                head = log_head(conn)
        except UserError:
            return
        if head != self._loaded_head:
            self.refresh_all()

    def _shutdown(self) -> None:
        stop_all_jobs()

    # -- status

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(("⚠ " + text) if error else text)
        self.status.setStyleSheet("color: #b00020; font-weight: bold;" if error else "")
        self.status.setToolTip(text)

    def _update_status(self) -> None:
        if self._shown is None or self.is_loading():
            return
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        parts = [self._title, f"{total:,} rows"]
        if self.model.flag_column is not None:
            parts.append(f"{self.model.flagged_count():,} overdue")
        if shown != total:
            parts.append(f"showing {shown:,}")
        self._show_status(" · ".join(parts))

    # -- parameters and filters

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.current_kind()
        self.params.setCurrentWidget(self._pages[kind])
        # Another report has other columns: start it in its own order, not "sorted by column 6".
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.overdue_only.setEnabled(kind in ("custody", "holder"))
        self.refresh()

    @Slot()
    def _param_changed(self) -> None:
        self.refresh()

    @Slot()
    def _days_changed(self) -> None:
        if self._shown is None or self._shown.overdue_days != self.current_request().overdue_days:
            self.refresh()

    @Slot(str)
    def _filter_changed(self, text: str) -> None:
        # Filtering 100,000 rows takes ~0.1 s: with that many, wait for a pause in typing.
        if self.model.rowCount() > FILTER_AT_ONCE_ROWS:
            self._filter_timer.start()
        else:
            self._apply_filter()

    @Slot()
    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        self.proxy.set_text(self.filter_edit.text())
        self._update_status()
        self._update_buttons()

    @Slot(bool)
    def _overdue_toggled(self, on: bool) -> None:
        self.proxy.set_flagged_only(on)
        self._update_status()
        self._update_buttons()

    @Slot()
    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    @Slot()
    def _sort_current_column(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        header = self.table.horizontalHeader()
        order = Qt.SortOrder.AscendingOrder
        if header.sortIndicatorSection() == index.column():
            order = (
                Qt.SortOrder.DescendingOrder
                if header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                else Qt.SortOrder.AscendingOrder
            )
        self.table.sortByColumn(index.column(), order)

    # -- selection and receipts

    def selected_batch(self) -> str | None:
        """The batch of the selected row if it is a stock-out or stock-in, else None."""
        index = self.table.currentIndex()
        if not index.isValid() or self.model.rowCount() == 0:
            return None
        type_col, batch_col = self.model.column("event_type"), self.model.column("batch_id")
        if type_col is None or batch_col is None:
            return None
        row = self.model.row_values(self.proxy.mapToSource(index).row())
        if row[type_col] not in RECEIPT_EVENT_TYPES:
            return None
        return str(row[batch_col])

    @Slot()
    def _current_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        batch = self.selected_batch()
        for button in (self.receipt_button, self.save_receipt_button):
            button.setEnabled(batch is not None)
        self.export_button.setEnabled(self._shown is not None and not self.is_loading())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a stock-out/stock-in row in the table opens its receipt; Ctrl+E exports
        even from a text field (a line edit would otherwise take it as "end of line")."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QLineEdit)
            and QKeySequence(event.keyCombination()) == EXPORT_KEYS
        ):
            event.ignore()
            return True
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.selected_batch() is not None
        ):
            self.open_selected_receipt()
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def _row_activated(self) -> None:
        if self.selected_batch() is not None:
            self.open_selected_receipt()

    @Slot()
    def open_selected_receipt(self) -> Path | None:
        batch = self.selected_batch()
        if batch is None:
            return None
        return open_receipt(self, self.store, batch)

    @Slot()
    def save_selected_receipt(self) -> Path | None:
        batch = self.selected_batch()
        if batch is None:
            return None
        return save_receipt_as(self, self.store, batch)

    # -- export

    @Slot()
    def export_csv(self) -> None:
        """Ask for a file and write the shown report there off the GUI thread."""
        request = self._shown
        if request is None or self.is_loading() or self._export_id:
            return
        request = replace(request, overdue_only=self.overdue_only.isChecked())
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        suggested = Path.home() / f"assettrack-{request.kind}-{stamp}.csv"
        name, _ = QFileDialog.getSaveFileName(
            self, "Export report as CSV", str(suggested), "CSV files (*.csv);;All files (*)"
        )
        if not name:
            return
        dest = Path(name)
        if not dest.suffix:
            dest = dest.with_suffix(".csv")
        self.start_export(request, dest)

    def start_export(self, request: ReportRequest, dest: Path) -> _ExportJob:
        self._export_id = job_id = _new_job_id()
        job = _ExportJob(job_id, self.store.path, request, self.settings, dest)
        expected = self.model.flagged_count() if request.overdue_only else self.model.rowCount()
        dialog = QProgressDialog(f"Writing {dest.name}…", "Cancel", 0, max(expected, 0), self)
        dialog.setWindowTitle("Export CSV")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(job.cancel)
        self.export_progress = dialog
        job.progressed.connect(self._export_progressed)
        job.succeeded.connect(self._export_succeeded)
        job.was_cancelled.connect(self._export_cancelled)
        job.failed.connect(self._export_failed)
        job.ended.connect(self._job_ended)
        _LIVE_JOBS[job_id] = job
        self.export_button.setEnabled(False)
        job.start()
        return job

    def _close_progress(self) -> None:
        self._export_id = 0
        if self.export_progress is not None:
            self.export_progress.close()
            self.export_progress.deleteLater()
            self.export_progress = None
        self._update_buttons()

    @Slot(int, int)
    def _export_progressed(self, job_id: int, rows: int) -> None:
        dialog = self.export_progress
        if job_id != self._export_id or dialog is None or dialog.wasCanceled():
            return
        if rows > dialog.maximum():
            dialog.setMaximum(0)  # more rows than loaded (the database grew): busy indicator
        else:
            dialog.setValue(rows)
        dialog.setLabelText(f"{rows:,} rows written…")

    @Slot(int, str, str, int)
    def _export_succeeded(self, job_id: int, path: str, sidecar: str, rows: int) -> None:
        if job_id != self._export_id:
            return
        self._close_progress()
        self.exportFinished.emit("done")
        self.last_export_message = (
            f"Wrote {rows:,} rows to {path}.\n\n"
            f"The event-log head at export time (events, head hash) is in {Path(sidecar).name} "
            f"next to it; keep the two files together."
        )
        QMessageBox.information(self, "Export finished", self.last_export_message)

    @Slot(int)
    def _export_cancelled(self, job_id: int) -> None:
        if job_id != self._export_id:
            return
        self._close_progress()
        self._show_status("Export cancelled; no file was written.")
        self.exportFinished.emit("cancelled")

    @Slot(int, str)
    def _export_failed(self, job_id: int, message: str) -> None:
        if job_id != self._export_id:
            return
        self._close_progress()
        self.exportFinished.emit("failed")
        QMessageBox.warning(self, "Export failed", f"The CSV was not written:\n{message}")

    def cancel_export(self) -> None:
        if self.export_progress is not None:
            self.export_progress.cancel()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m assettrack_gui.qt.reports_tab [--db PATH]``: the tab alone in a window."""
    import argparse
    import sys

    from ..core import paths
    from ..core.settings import load_settings

    parser = argparse.ArgumentParser(description="AssetTrack reports, without the main window")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: the app's)")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        store = Store(args.db or paths.default_db_path(), create=False)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 1
    tab = ReportsTab(store, load_settings())
    tab.setWindowTitle("AssetTrack — Reports")
    tab.resize(1200, 800)
    tab.show()
    code = app.exec()
    stop_all_jobs()
    store.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
