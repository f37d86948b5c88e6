"""The Reports page: pick a report and its parameters, browse, sort and filter its rows, export
them to CSV, open a batch's receipt.

Constructor (the main window adds it with ``window.add_page(ReportsTab(store, settings), "Reports")``)::

    ReportsTab(store: Store, settings: Settings | SettingsOwner | SettingsSignal,
               parent: QWidget | None = None)

``store`` is the GUI thread's open database; the tab hands it to ``core.report_requests`` for the
small reads it needs in the GUI thread (holder and case pickers, receipts, the event-log head)
and never opens a snapshot itself. Report rows and CSV exports are produced by worker threads
(:mod:`.report_jobs`), each opening its own connection from ``store.path``, so ``store`` must be
a file database, not ``:memory:``. ``settings`` is read through the one owner every time: the
"Overdue after N days" boxes follow its ``overdue_days``, and each job gets the settings current
when it starts.

Nothing is queried until the tab is first shown (so a 100,000-row custody report does not load
while the clerk scans on another tab, and 5,000 holders are not read at start) or ``refresh()``
is called. Each time the tab is shown again it re-runs the report if the event log has grown
since, so it never shows stale custody. F5 (``refresh_all()``) also re-reads the holder and case
pickers. Useful public members for the main window and tests: ``set_kind(kind)``, ``refresh()``,
``refresh_all()``, ``is_loading()``, ``jobs`` (its :class:`ReportJobs`: ``jobs.stop_all()``;
also hooked to ``QCoreApplication.aboutToQuit``), the signals ``loadFinished(int)``,
``loadFailed(str)``, ``exportFinished(str)``.

* Times are shown in local time; the stored UTC columns stay in the model and in exports but are
  hidden in the table.
* "Export CSV…" re-runs the shown report (same parameters, "Only overdue rows" included; the
  filter box is a viewing aid and does not limit exports) in an export worker through
  ``core.report_requests.export_report``, which writes a temp file and renames it into place, so
  Cancel leaves no file behind. The event-log head is read in the same snapshot as the rows and
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

import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.engine import Engine
from ..core.errors import UserError
from ..core.eventlog import LogHead
from ..core.model import CUSTODY_EVENTS, VOIDABLE_EVENTS
from ..core.report_requests import (
    REPORT_KINDS,
    ReportRequest,
    current_log_head,
    hidden_columns,
    pickers,
)
from ..core.reports import EVENT_TYPES
from ..core.settings import RANGES, Settings, SettingsOwner, as_owner
from ..core.store import Store
from .audit_report_panel import AuditFindingsPanel
from .receipts import open_receipt, save_receipt_as
from .report_jobs import FIRST_CHUNK_ROWS, ExportJob, LoadJob, ReportJobs
from .report_model import FLAG_ROLE, PickerModel, ReportFilterProxy, ReportTableModel
from .settings_signal import SettingsSignal
from .void_dialog import undo_batch
from .wedge_filter import SCAN_AS_TEXT

__all__ = [
    "FLAG_ROLE",
    "REPORT_KINDS",
    "ReportFilterProxy",
    "ReportRequest",
    "ReportTableModel",
    "ReportsTab",
]

_KIND_LABELS = {
    "custody": "Custody — who holds what",
    "holder": "Holder — everything one holder has",
    "history": "History — every event of one asset",
    "occupancy": "Occupancy — cases and slots",
    "events": "Events — the event log",
    "audits": "Audits — stocktakes of cases",  # audit: findings in AuditFindingsPanel
    "assets": "Assets (where each one is)",  # every asset: slot, holder, storage, RETIRED (…)
}

RECEIPT_EVENT_TYPES = tuple(t.value for t in CUSTODY_EVENTS)
VOIDABLE_TYPES = tuple(t.value for t in VOIDABLE_EVENTS)  # rows whose batch can be undone
FILTER_AT_ONCE_ROWS = 20_000  # more rows than this: filter after a pause in typing
FILTER_PAUSE_MS = 250

EXPORT_KEYS = QKeySequence("Ctrl+E")


def _takes_scans_as_text(widget: QWidget) -> None:
    """A scan made while this field has the keyboard fills the field (badge, tag, case code)
    instead of joining the batch on the Scan page."""
    widget.setProperty(SCAN_AS_TEXT, True)
    edit = widget.lineEdit() if isinstance(widget, QComboBox) else None
    if edit is not None:
        edit.setProperty(SCAN_AS_TEXT, True)


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
        engine: Engine | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        # The window's engine (its operator is recorded on an undo); None: no Undo button.
        self.engine = engine
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
        self.jobs = ReportJobs(self)
        # Picker items: filled by reload_pickers() when the tab is first shown or a report runs.
        self.holders_model = PickerModel(self)  # "All holders" first
        self.holder_choices = PickerModel(self)  # one holder must be picked
        self.cases_model = PickerModel(self)  # "All cases" first
        self._pickers_loaded = False
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
            app.aboutToQuit.connect(self.jobs.stop_all)
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
        self.occupancy_case.setModel(self.cases_model)
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

        # audits (audit_report_panel): the case picker; the selected audit's findings below
        self.audits_case = QComboBox()
        self.audits_case.setEditable(True)
        self.audits_case.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.audits_case.setModel(self.cases_model)
        self.audits_case.activated.connect(self._param_changed)
        _takes_scans_as_text(self.audits_case)
        self._add_page("audits", [("C&ase:", self.audits_case)])
        self.audit_findings = AuditFindingsPanel(self.store, self.start_export, self)
        # assets: every asset and where it is; retired ones included (or only they)
        self.assets_retired = QCheckBox("Only ret&ired assets")
        self.assets_retired.setToolTip("List only the assets retired as lost, broken or disposed")
        self.assets_retired.toggled.connect(self._param_changed)
        self._add_page("assets", [("", self.assets_retired)])
        self.audit_findings.hide()

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

        self.undo_button = QPushButton("&Undo this batch…")
        self.undo_button.setToolTip(
            "Put every asset of the selected row's batch back where it was before it "
            "(a new batch records the undo; the history keeps both)"
        )
        self.undo_button.clicked.connect(self.undo_selected_batch)
        self.undo_button.setVisible(self.engine is not None)

        bottom = QHBoxLayout()
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.receipt_button)
        bottom.addWidget(self.save_receipt_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.audit_findings, 1)  # audit: only with the Audits report
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
        combo.setModel(self.holders_model if all_item else self.holder_choices)
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
            holders, cases = pickers(self.store)
        except UserError as exc:
            self._show_status(str(exc), error=True)
            return
        self._pickers_loaded = True
        holder_items = [
            (h.label + ("" if h.active else " — inactive"), h.badge_code) for h in holders
        ]
        case_items = [
            (f"{c.case_code} — {c.name}" if c.name else c.case_code, c.case_code) for c in cases
        ]
        combos = (
            self.custody_holder,
            self.holder_holder,
            self.events_holder,
            self.occupancy_case,
            self.audits_case,
        )
        typed = [combo.currentText() for combo in combos]
        for combo in combos:
            combo.blockSignals(True)
        try:
            self.holders_model.set_items([("All holders", ""), *holder_items])
            self.holder_choices.set_items(holder_items)
            self.cases_model.set_items([("All cases", ""), *case_items])
            for combo, text in zip(combos, typed, strict=True):
                combo.setCurrentIndex(0 if combo.model() is not self.holder_choices else -1)
                if text:
                    combo.setEditText(text)
        finally:
            for combo in combos:
                combo.blockSignals(False)

    def _ensure_pickers(self) -> None:
        """Read the pickers the first time they are needed, not at start (most clerks never
        open this page, and a big stockroom has thousands of holders)."""
        if not self._pickers_loaded:
            self.reload_pickers()

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
        if kind == "audits":
            return replace(base, case=self._combo_ref(self.audits_case))
        if kind == "assets":
            return replace(base, retired_only=self.assets_retired.isChecked())
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
        self._ensure_pickers()
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
        self._load_id = job_id = self.jobs.new_id()
        self._loading = request
        self._loaded_rows = 0
        self._load_started = time.perf_counter()
        # The settings as they are now (a scanner prefix changed a minute ago applies).
        job = LoadJob(job_id, self.store.path, replace(request, overdue_only=False), self.settings)
        job.began.connect(self._load_began)
        job.chunk.connect(self._load_chunk)
        job.completed.connect(self._load_completed)
        job.failed.connect(self._load_failed)
        self._show_status("Loading…")
        self._update_buttons()
        self.jobs.start(job)

    def _cancel_load(self) -> None:
        self.jobs.cancel(self._load_id)
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
        self.audit_findings.show_batch(None)  # audit: the rows (and the selection) are new
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

    @Slot()
    def refresh_all(self) -> None:
        """Refresh (F5): re-read the holder and case pickers, then run the report again."""
        self.reload_pickers()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Coming back to the tab after stock-outs elsewhere: show the new state, not the old."""
        super().showEvent(event)
        self._ensure_pickers()
        if not self._ran:
            self.refresh()
            return
        if self._shown is None or self.is_loading() or self._loaded_head is None:
            return
        try:
            head = current_log_head(self.store)
        except UserError:
            return
        if head != self._loaded_head:
            self.refresh_all()

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
        self.audit_findings.setVisible(kind == "audits")
        self.audit_findings.show_batch(None)
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

    def selected_batch(self, kinds: tuple[str, ...] = RECEIPT_EVENT_TYPES) -> str | None:
        """The batch of the selected row if its event type is one of ``kinds`` (by default a
        stock-out or stock-in: the batches with a receipt), else None."""
        index = self.table.currentIndex()
        if not index.isValid() or self.model.rowCount() == 0:
            return None
        type_col, batch_col = self.model.column("event_type"), self.model.column("batch_id")
        if type_col is None or batch_col is None:
            return None
        row = self.model.row_values(self.proxy.mapToSource(index).row())
        if row[type_col] not in kinds:
            return None
        return str(row[batch_col])

    @Slot()
    def undo_selected_batch(self) -> None:
        """Undo (void) the selected row's batch after showing what goes back where."""
        batch = self.selected_batch(VOIDABLE_TYPES)
        if batch is None or self.engine is None:
            return
        if undo_batch(self, self.engine, batch) is not None:
            self.refresh()

    @Slot()
    def _current_changed(self) -> None:
        self._update_buttons()
        if self.audit_findings.isVisibleTo(self):
            self.audit_findings.show_batch(self.selected_audit())

    def selected_audit(self) -> str | None:
        """The batch of the selected row of the Audits report (audit_report_panel), or None."""
        index = self.table.currentIndex()
        batch_col = self.model.column("batch_id")
        if (
            self._shown is None
            or self._shown.kind != "audits"
            or not index.isValid()
            or batch_col is None
        ):
            return None
        return str(self.model.row_values(self.proxy.mapToSource(index).row())[batch_col])

    def _update_buttons(self) -> None:
        batch = self.selected_batch()
        for button in (self.receipt_button, self.save_receipt_button):
            button.setEnabled(batch is not None)
        self.undo_button.setEnabled(self.selected_batch(VOIDABLE_TYPES) is not None)
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

    def start_export(self, request: ReportRequest, dest: Path) -> ExportJob:
        self._export_id = job_id = self.jobs.new_id()
        job = ExportJob(job_id, self.store.path, request, self.settings, dest)
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
        self.export_button.setEnabled(False)
        self.jobs.start(job)
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
