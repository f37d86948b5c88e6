"""The main window: modes, the scan entry, the batch preview, the commit, the case map.

Every scan, whoever delivers it (the scan entry's Enter, the keyboard-wedge event filter, the
serial reader), goes through :meth:`MainWindow.on_scan`, which hands it to the core
:class:`~assettrack_gui.core.session.Session` and emits :attr:`MainWindow.scanHandled` exactly
once with the verdict. Widgets never touch SQLite: the session and the engine do.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QFont, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core import rules
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, StoreError, UserError
from assettrack_gui.core.matching import visible
from assettrack_gui.core.model import MODE_TITLES, Mode, Operation, plural
from assettrack_gui.core.pending import PendingBatch, load_pending
from assettrack_gui.core.session import Session
from assettrack_gui.core.settings import SettingsOwner
from assettrack_gui.core.store import Store

from .dialogs import KeyboardHome, ShortcutsDialog, bring_to_front, confirm, message, run_modal
from .preview_model import EventsModel, PreviewModel
from .settings_signal import SettingsSignal
from .widgets import Banner, CaseChooser, CaseMapView, CustodianPicker, ScanEntry

APP_NAME = "AssetTrack"
DB_POLL_MS = 1000
MODE_SHORTCUTS = {Mode.STOCK_OUT: "Ctrl+1", Mode.STOCK_IN: "Ctrl+2", Mode.PLACE: "Ctrl+3", Mode.LOOKUP: "Ctrl+4"}
MODE_HINTS = {
    Mode.STOCK_OUT: "Scan the custodian's badge (or choose below), then scan the assets.",
    Mode.STOCK_IN: "Scan returned assets: each goes back to the slot it left, or to the return case.",
    Mode.PLACE: "Scan or choose a case and position (or scan a slot label such as CART-A/3), then scan the asset.",
    Mode.LOOKUP: "Scan anything: an asset, a badge or a case.",
}
SCANNER_STATES = {
    "connected": "Scanner: serial connected",
    "disconnected": "Scanner: serial DISCONNECTED",
    # The reader says "disconnected" and "reconnecting" back to back: the second must still say
    # that the scanner is gone, or nobody ever sees it.
    "reconnecting": "Scanner: serial DISCONNECTED — reconnecting…",
    "stopped": "Scanner: serial stopped",
    "wedge": "Scanner: keyboard",
}


class MainWindow(QMainWindow):
    """The clerk's window. ``store`` belongs to the GUI thread; the window does not close it."""

    scanHandled = Signal(bool, str)
    # Set by __main__: the object that owns the keyboard-wedge filter and the serial reader.
    scanner_hub: object | None = None

    def __init__(
        self,
        store: Store,
        operator: str | None = None,
        settings: QSettings | None = None,
        serial_port_override: str | None = None,
        config: SettingsOwner | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        # The one settings owner of this window: the engine, the scanners and the Reports page
        # read it; the Qt signal tells widgets when it changes.
        self.config = config if config is not None else SettingsOwner()
        self.config_signal = SettingsSignal(self.config, self)
        self.engine = Engine(store, operator, settings=self.config)
        self.session = Session(self.engine, store.path)
        self.qsettings = settings if settings is not None else QSettings()
        self.serial_port_override = serial_port_override
        self._held_scans: list[tuple[str, str]] = []
        self._in_commit = False
        self._pending_offer_due = False
        self._receipt_batch = ""
        self._fitted_rows: list[tuple[str, str, int] | None] = []  # what each row's height fits
        self._data_version = self._safe_data_version()

        self.setWindowTitle(f"AssetTrack — {store.path.name}")
        self.setObjectName("mainWindow")
        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self.reload_lists()

        self._poll = QTimer(self)
        self._poll.setInterval(DB_POLL_MS)
        self._poll.timeout.connect(self._check_database_changed)
        self._poll.start()
        # Whatever dialog closes (ours, a file dialog, a progress dialog), the keyboard comes
        # back here, also on an X server without a window manager.
        self.keyboard_home = KeyboardHome(self)

        geometry = self.qsettings.value("window/geometry")
        restored = isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(geometry)
        if not restored:
            self.resize(1200, 800)
        last = self.qsettings.value("window/mode", Mode.STOCK_OUT)
        self.set_mode(Mode(str(last)) if last in tuple(Mode) else Mode.STOCK_OUT)
        self.scan_entry.setFocus()

    # -- building -------------------------------------------------------------------------------

    def _action(
        self, text: str, slot: object, shortcut: str | QKeySequence | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.mode_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for mode in tuple(Mode):
            action = self._action(
                f"{MODE_TITLES[mode]}",
                lambda _=False, m=mode: self.set_mode(m),
                MODE_SHORTCUTS[mode],
            )
            action.setCheckable(True)
            action.setToolTip(f"{MODE_TITLES[mode]} ({MODE_SHORTCUTS[mode]})")
            action.setObjectName(f"mode_{mode}")
            group.addAction(action)
            self.mode_actions[mode] = action
        self.commit_action = self._action("&Commit batch…", self.commit)
        self.commit_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.clear_action = self._action("C&lear batch…", self.clear_batch, "Ctrl+Shift+Delete")
        self.undo_action = self._action("Remove &last scan", self.remove_last_scan, "Ctrl+Z")
        self.delete_action = QAction("&Remove selected rows", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.remove_selected_rows)
        self.focus_scan_action = self._action("Go to &scan field", self.focus_scan_entry, "Ctrl+L")
        self.focus_custodian_action = self._action(
            "Choose &custodian", self.focus_custodian, "Ctrl+K"
        )
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.operator_action = self._action("&Operator…", self.change_operator)
        self.scanner_settings_action = QAction("&Scanner settings…", self)
        self.scanner_settings_action.setObjectName("scannerSettingsAction")
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.about_action = self._action("&About AssetTrack", self.show_about)
        self.receipt_action = self._action(
            "&Receipt of the last batch…", self._last_receipt, "Ctrl+R"
        )
        self.receipt_action.setEnabled(False)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.commit_action)
        file_menu.addAction(self.clear_action)
        file_menu.addAction(self.receipt_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.delete_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.focus_scan_action)
        edit_menu.addAction(self.focus_custodian_action)
        mode_menu = bar.addMenu("&Mode")
        for mode in tuple(Mode):
            mode_menu.addAction(self.mode_actions[mode])
        self.settings_menu = bar.addMenu("Se&ttings")  # Alt+S is the Scan field
        self.settings_menu.addAction(self.operator_action)
        self.settings_menu.addAction(self.scanner_settings_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

        self.mode_bar = QToolBar("Modes", self)
        self.mode_bar.setObjectName("modeBar")
        self.mode_bar.setMovable(False)
        self.mode_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for mode in tuple(Mode):
            action = self.mode_actions[mode]
            self.mode_bar.addAction(action)
            action.setIconText(f"{MODE_TITLES[mode]}   {MODE_SHORTCUTS[mode]}")
            button = self.mode_bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setMinimumHeight(36)
        self.mode_bar.setStyleSheet(
            "QToolButton { padding: 6px 14px; font-size: 11pt; }"
            "QToolButton:checked { background: #1565c0; color: white; border-radius: 4px; }"
        )
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.mode_bar)

    def _big_font(self, scale: float, bold: bool = True) -> QFont:
        font = QFont(self.font())
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * scale)
        font.setBold(bold)
        return font

    def _build_central(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("pages")
        self.setCentralWidget(self.tabs)
        work = QWidget()
        work.setObjectName("workArea")
        self.tabs.addTab(work, "Scan")
        layout = QVBoxLayout(work)

        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeTitle")
        self.mode_label.setFont(self._big_font(1.6))
        self.mode_hint = QLabel()
        self.mode_hint.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.mode_label)
        head.addWidget(self.mode_hint, 1)
        layout.addLayout(head)

        entry_row = QHBoxLayout()
        scan_label = QLabel("&Scan:")
        self.scan_entry = ScanEntry()
        self.scan_entry.setObjectName("scanEntry")
        self.scan_entry.setPlaceholderText("Scan or type a tag, badge or case code and press Enter")
        self.scan_entry.setFont(self._big_font(1.3, bold=False))
        self.scan_entry.setClearButtonEnabled(True)
        self.scan_entry.returnPressed.connect(self._entry_return)
        scan_label.setBuddy(self.scan_entry)
        entry_row.addWidget(scan_label)
        entry_row.addWidget(self.scan_entry, 1)
        layout.addLayout(entry_row)
        self.scan_feedback = QLabel(" ")
        self.scan_feedback.setObjectName("scanFeedback")
        self.scan_feedback.setFont(self._big_font(1.1))
        self.scan_feedback.setWordWrap(True)
        layout.addWidget(self.scan_feedback)

        # Per-mode controls
        self.context_stack = QStackedWidget()
        self.context_stack.setObjectName("modeControls")
        self.context_stack.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # Stock-Out: the custodian
        out_page = QWidget()
        out_form = QFormLayout(out_page)
        out_form.setContentsMargins(0, 0, 0, 0)
        self.custodian_picker = CustodianPicker()
        self.custodian_picker.holderChanged.connect(self._custodian_chosen)
        self.custodian_label = QLabel()
        self.custodian_label.setObjectName("custodianLabel")
        self.custodian_label.setFont(self._big_font(1.8))
        picker_label = QLabel("&Custodian:")
        picker_label.setBuddy(self.custodian_picker)
        out_form.addRow(picker_label, self.custodian_picker)
        out_form.addRow("Handing over to:", self.custodian_label)
        # Stock-In: the return case
        in_page = QWidget()
        in_form = QFormLayout(in_page)
        in_form.setContentsMargins(0, 0, 0, 0)
        self.return_case_combo = CaseChooser("(none: each asset only back to the slot it left)")
        self.return_case_combo.setObjectName("returnCaseCombo")
        self.return_case_combo.caseChanged.connect(self._return_case_chosen)
        return_label = QLabel("&Return to case:")
        return_label.setBuddy(self.return_case_combo)
        in_form.addRow(return_label, self.return_case_combo)
        in_form.addRow(
            QLabel("Used only for assets whose own slot is taken. Scanning a case code sets it.")
        )
        # Put-away / Move: case, position, operation
        place_page = QWidget()
        place_form = QFormLayout(place_page)
        place_form.setContentsMargins(0, 0, 0, 0)
        self.place_case_combo = CaseChooser("(choose or scan a case)")
        self.place_case_combo.setObjectName("placeCaseCombo")
        self.place_case_combo.caseChanged.connect(self._place_case_chosen)
        self.position_spin = QSpinBox()
        self.position_spin.setObjectName("positionSpin")
        self.position_spin.setRange(0, 10_000)
        self.position_spin.setSpecialValueText("—")
        self.position_spin.valueChanged.connect(self._position_chosen)
        self.place_op_combo = QComboBox()
        self.place_op_combo.setObjectName("placeOperationCombo")
        self.place_op_combo.addItem("Put away (asset has no slot yet)", Operation.PUT_AWAY)
        self.place_op_combo.addItem("Move (asset is in another slot)", Operation.MOVE)
        self.place_op_combo.currentIndexChanged.connect(self._place_operation_chosen)
        case_label = QLabel("C&ase:")
        case_label.setBuddy(self.place_case_combo)
        pos_label = QLabel("&Position:")
        pos_label.setBuddy(self.position_spin)
        op_label = QLabel("&Operation:")
        op_label.setBuddy(self.place_op_combo)
        place_form.addRow(case_label, self.place_case_combo)
        place_form.addRow(pos_label, self.position_spin)
        place_form.addRow(op_label, self.place_op_combo)
        self.context_stack.addWidget(out_page)
        self.context_stack.addWidget(in_page)
        self.context_stack.addWidget(place_page)
        self.context_stack.addWidget(QWidget())
        layout.addWidget(self.context_stack)

        self.banner = Banner()
        self.banner.receiptRequested.connect(self.open_receipt)
        self.banner.close_button.clicked.connect(self._refocus)
        layout.addWidget(self.banner)

        # The batch (or the lookup result) and the case map side by side
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_stack = QStackedWidget()
        self.preview_model = PreviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.preview_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # A refused row grows to show its whole reason (word-wrapped in the Verdict column,
        # which takes the width the case map leaves); OK rows keep one line.
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        vheader = self.table.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(28)
        hheader = self.table.horizontalHeader()
        hheader.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hheader.setStretchLastSection(True)
        for col, width in enumerate((36, 120, 170, 140, 190)):
            self.table.setColumnWidth(col, width)
        hheader.sectionResized.connect(self._verdict_width_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_selected)
        self.table.addAction(self.delete_action)
        self.main_stack.addWidget(self.table)
        self.main_stack.addWidget(self._build_lookup_page())
        self.splitter.addWidget(self.main_stack)
        self.case_map = CaseMapView()
        self.case_map.slotChosen.connect(self._case_map_slot_chosen)
        self.splitter.addWidget(self.case_map)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([880, 320])
        layout.addWidget(self.splitter, 1)

        bottom = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("batchSummary")
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.remove_button = QPushButton("Remove selected (Delete)")
        self.remove_button.clicked.connect(self.remove_selected_rows)
        self.clear_button = QPushButton("Clear batch…")
        self.clear_button.setObjectName("clearButton")
        self.clear_button.clicked.connect(self.clear_batch)
        self.commit_button = QPushButton("Commit  (Ctrl+Return)")
        self.commit_button.setObjectName("commitButton")
        self.commit_button.setFont(self._big_font(1.15))
        self.commit_button.setMinimumHeight(40)
        self.commit_button.clicked.connect(self.commit)
        bottom.addWidget(self.remove_button)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.commit_button)
        layout.addLayout(bottom)

    def _build_lookup_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("lookupPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lookup_title = QLabel("Scan something to look it up.")
        self.lookup_title.setObjectName("lookupTitle")
        self.lookup_title.setFont(self._big_font(1.5))
        self.lookup_title.setWordWrap(True)
        layout.addWidget(self.lookup_title)
        self.lookup_facts = QLabel()
        self.lookup_facts.setObjectName("lookupFacts")
        self.lookup_facts.setTextFormat(Qt.TextFormat.PlainText)
        self.lookup_facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lookup_facts.setFont(self._big_font(1.1, bold=False))
        layout.addWidget(self.lookup_facts)
        layout.addWidget(QLabel("Last events (oldest first):"))
        self.events_model = EventsModel(self)
        self.events_view = QTableView()
        self.events_view.setObjectName("lookupEvents")
        self.events_view.setModel(self.events_model)
        self.events_view.verticalHeader().setVisible(False)
        self.events_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.events_view, 1)
        return page

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(f"Database: {self.store.path}")
        self.db_label.setObjectName("dbLabel")
        self.scanner_label = QLabel(SCANNER_STATES["wedge"])
        self.scanner_label.setObjectName("scannerLabel")
        self.operator_label = QLabel()
        self.operator_label.setObjectName("operatorLabel")
        for label in (self.db_label, self.scanner_label, self.operator_label):
            bar.addPermanentWidget(label)
        self.scanner_state = "wedge"
        self._show_operator()

    # -- integration points -----------------------------------------------------------------

    def add_page(self, widget: QWidget, title: str, shortcut: str | None = None) -> int:
        """Add a page (e.g. Reports) beside the scan work area; returns its tab index.

        With ``shortcut`` (e.g. "Ctrl+5") that key combination shows the page and gives it the
        keyboard; Ctrl+1..4 come back to the scan work area.
        """
        index = self.tabs.addTab(widget, title)

        def show_page() -> None:
            self.tabs.setCurrentWidget(widget)
            target = widget.focusWidget() or next(
                (
                    child
                    for child in widget.findChildren(QWidget)
                    if child.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and child.isEnabled()
                    and child.isVisibleTo(widget)
                ),
                widget,
            )
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)

        if shortcut is not None:
            self.tabs.setTabToolTip(index, f"{title.replace('&', '')} ({shortcut})")
            self._action(f"{title}", show_page, shortcut).setObjectName(f"page_{index}")
        return index

    def set_scanner_state(self, state: str, message: str = "") -> None:
        """Show the scanner's state: connected / disconnected / reconnecting / stopped / wedge."""
        if state == "reconnecting" and self.scanner_state == "disconnected":
            # Keep why it was lost next to what it waits for.
            lost = self.scanner_label.toolTip()
            message = f"{lost} {message}".strip() if lost and lost != message else message
        self.scanner_state = state
        text = SCANNER_STATES.get(state, f"Scanner: {state}")
        self.scanner_label.setText(text)
        self.scanner_label.setToolTip(message)
        bad = state in ("disconnected", "reconnecting")
        self.scanner_label.setStyleSheet("color: #b71c1c; font-weight: bold;" if bad else "")
        if message:
            self.statusBar().showMessage(message, 8000)

    def open_receipt(self, batch_id: str) -> None:
        """Open the PDF receipt of a batch (hand-over or return)."""
        from assettrack_gui.qt.receipts import open_receipt

        open_receipt(self, self.store, batch_id)
        self._refocus()

    def on_scan(self, text: str, source: str = "manual") -> None:
        """The one entry point for every scan (entry line, keyboard wedge, serial reader)."""
        if self._in_commit:
            self._held_scans.append((text, source))
            return
        if self.tabs.currentIndex() != 0:  # a scan on another page: show the batch it joins
            self.tabs.setCurrentIndex(0)
            self.scan_entry.setFocus()
        try:
            outcome = self.session.scan(text)
        except StoreError as exc:
            self._show_status(f"Database problem: {exc}", ok=False)
            self._show_scan_feedback(str(exc), ok=False)
            self.scanHandled.emit(False, str(exc))
            return
        except UserError as exc:
            self._show_status(str(exc), ok=False)
            self.scanHandled.emit(False, str(exc))
            return
        self.refresh_view()
        if outcome.lookup is not None:
            self._show_lookup()
        if outcome.row is not None and outcome.row < self.preview_model.rowCount():
            index = self.preview_model.index(outcome.row, 0)
            self.table.selectRow(outcome.row)
            self.table.scrollTo(index)
        self._show_status(outcome.message, ok=outcome.accepted)
        self._show_scan_feedback(outcome.message, ok=outcome.accepted)
        if outcome.added:
            self._batch_edited()
        self.scanHandled.emit(outcome.accepted, outcome.message)

    # -- modes --------------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        return self.session.mode

    def set_mode(self, mode: str) -> None:
        mode = Mode(mode)
        try:
            self.session.set_mode(mode)
        except StoreError as exc:
            self._show_status(str(exc), ok=False)
        self.mode_actions[mode].setChecked(True)
        self.mode_label.setText(MODE_TITLES[mode])
        self.mode_hint.setText(MODE_HINTS[mode])
        self.context_stack.setCurrentIndex(tuple(Mode).index(mode))
        if self.banner.mode != mode:  # the banner is about another mode's batch
            self.banner.hide()
        for i in range(self.context_stack.count()):  # the stack takes the current page's height
            page = self.context_stack.widget(i)
            policy = (
                QSizePolicy.Policy.Preferred
                if i == tuple(Mode).index(mode)
                else QSizePolicy.Policy.Ignored
            )
            if page is not None:
                page.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.context_stack.updateGeometry()
        self.context_stack.setVisible(mode != Mode.LOOKUP)
        self.main_stack.setCurrentIndex(1 if mode == Mode.LOOKUP else 0)
        for w in (self.commit_button, self.clear_button, self.remove_button):
            w.setVisible(mode != Mode.LOOKUP)
        self.qsettings.setValue("window/mode", mode)
        self.refresh_view()
        self.tabs.setCurrentIndex(0)
        self.scan_entry.setFocus()

    # -- state → widgets ----------------------------------------------------------------------

    def reload_lists(self) -> None:
        """Holders and cases from the database (at start and when another station changed them)."""
        try:
            holders = self.engine.active_holders()
            cases = self.engine.cases()
        except StoreError as exc:
            self._show_status(str(exc), ok=False)
            return
        except Exception as exc:  # sqlite3 errors on a broken connection
            self._show_status(f"Cannot read holders and cases: {exc}", ok=False)
            return
        self.custodian_picker.set_holders(holders)
        s = self.session
        self.return_case_combo.set_cases(cases, s.return_case.id if s.return_case else None)
        self.place_case_combo.set_cases(cases, s.place_case.id if s.place_case else None)

    def refresh_view(self) -> None:
        s = self.session
        preview = s.preview
        lines = preview.lines if preview is not None and s.mode != Mode.LOOKUP else []
        self.preview_model.set_lines(lines)
        self._fit_rows()
        # custodian
        self.custodian_picker.select_holder(s.custodian.id if s.custodian else None, emit=False)
        if s.custodian is not None:
            self.custodian_label.setText(s.custodian.label)
            self.custodian_label.setStyleSheet("color: #0d47a1;")
        else:
            self.custodian_label.setText("nobody yet — scan a badge")
            self.custodian_label.setStyleSheet("color: #9e9e9e;")
        self.return_case_combo.select_case(s.return_case.id if s.return_case else None)
        self.place_case_combo.select_case(s.place_case.id if s.place_case else None)
        self.position_spin.blockSignals(True)
        size = s.place_case.size if s.place_case else 0
        self.position_spin.setMaximum(max(size, 0))
        self.position_spin.setValue(s.place_position or 0)
        self.position_spin.blockSignals(False)
        self.place_op_combo.blockSignals(True)
        self.place_op_combo.setCurrentIndex(0 if s.place_operation == Operation.PUT_AWAY else 1)
        self.place_op_combo.blockSignals(False)
        self._refresh_case_map()
        if (
            self.banner.kind == "refused"
            and self.banner.mode == s.mode
            and preview is not None
            and preview.ok
        ):
            self.banner.hide()  # nothing is refused any more (e.g. another station gave it back)
        # summary and commit
        if s.mode == Mode.LOOKUP:
            self.summary_label.setText("")
        else:
            n = len(lines)
            ok = sum(1 for line in lines if line.ok)
            parts = [plural(n, "scan"), f"{ok} OK"]
            if n - ok:
                parts.append(f"{n - ok} refused")
            text = " · ".join(parts)
            problems = list(preview.problems) if preview is not None else []
            if problems:
                text += "  —  " + "; ".join(str(p) for p in problems)
            elif n and n - ok:
                text += "  —  remove or fix the refused rows to commit"
            self.summary_label.setText(text)
        can = s.can_commit and not self._in_commit
        self.commit_button.setEnabled(can)
        self.commit_action.setEnabled(can)
        has_rows = bool(lines)
        self.clear_button.setEnabled(has_rows)
        self.remove_button.setEnabled(has_rows)
        self.undo_action.setEnabled(has_rows)

    def _fit_rows(self) -> None:
        """Refused rows as tall as their wrapped reason; the others back to one line."""
        one_line = self.table.verticalHeader().defaultSectionSize()
        width = self.table.columnWidth(PreviewModel.VERDICT)
        lines = self.preview_model.lines
        fitted = self._fitted_rows[: len(lines)]
        for row, line in enumerate(lines):
            key = (line.scan, line.reason, width) if not line.ok else None
            if row < len(fitted) and fitted[row] == key:
                continue  # a 1,000-row batch re-measures only what changed
            if key is not None:
                self.table.setRowHeight(row, max(one_line, self.table.sizeHintForRow(row) + 6))
            elif self.table.rowHeight(row) != one_line:
                self.table.setRowHeight(row, one_line)
            if row < len(fitted):
                fitted[row] = key
            else:
                fitted.append(key)
        self._fitted_rows = fitted

    def _verdict_width_changed(self, column: int, _old: int, _new: int) -> None:
        if column == PreviewModel.VERDICT:
            self._fit_rows()

    def _row_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The selected row's verdict in full under the scan field (the table may be narrow)."""
        if not current.isValid() or current.row() >= self.preview_model.rowCount():
            return
        line = self.preview_model.line(current.row())
        tag = line.asset_tag or visible(line.scan)
        if line.ok:
            self._show_scan_feedback(
                f"Row {current.row() + 1} · {tag}: {line.now} → {line.to}", True
            )
        else:
            self._show_scan_feedback(f"Row {current.row() + 1} · {tag}: {line.reason}", False)

    def _refresh_case_map(self) -> None:
        s = self.session
        case = {Mode.STOCK_IN: s.return_case, Mode.PLACE: s.place_case, Mode.LOOKUP: s.lookup_case}.get(s.mode)
        self.case_map.setVisible(s.mode in (Mode.STOCK_IN, Mode.PLACE) or case is not None)
        if not self.case_map.isVisible():
            return
        try:
            slots = self.engine.case_slots(case.id) if case is not None else []
        except Exception:  # noqa: BLE001 - the map is a convenience; the status bar says more
            slots = []
        self.case_map.choosing = s.mode == Mode.PLACE
        self.case_map.show_case(case, slots)
        if s.mode == Mode.PLACE:
            self.case_map.select_position(s.place_position)
        else:
            self.case_map.model.set_target(None)

    def _show_lookup(self) -> None:
        result = self.session.last_lookup
        if result is None:
            return
        self.lookup_title.setText(result.title)
        self.lookup_facts.setText("\n".join(f"{k}: {v}" for k, v in result.facts))
        self.events_model.set_events(result.events)
        self.events_view.resizeColumnsToContents()

    def _show_scan_feedback(self, text: str, ok: bool) -> None:
        """The last scan's result in large type under the scan field, green ✓ or red ✗."""
        self.scan_feedback.setText(f"✓  {text}" if ok else f"✗  {text}")
        self.scan_feedback.setStyleSheet(f"color: {'#1b5e20' if ok else '#b71c1c'};")

    def _show_status(self, text: str, ok: bool) -> None:
        self.statusBar().setStyleSheet("" if ok else "QStatusBar { color: #b71c1c; }")
        self.statusBar().showMessage(text, 0 if not ok else 15000)

    def _show_operator(self) -> None:
        self.operator_label.setText(f"Operator: {self.engine.operator}")

    # -- user actions ----------------------------------------------------------------------

    def _entry_return(self) -> None:
        text = self.scan_entry.text()
        self.scan_entry.clear()
        if text.strip():
            self.on_scan(text, "manual")

    def _custodian_chosen(self, holder_id: int | None) -> None:
        self._session_call(self.session.set_custodian, holder_id)

    def _return_case_chosen(self, case_id: int | None) -> None:
        self._session_call(self.session.set_return_case, case_id)

    def _place_case_chosen(self, case_id: int | None) -> None:
        self._session_call(self.session.set_place_case, case_id)

    def _position_chosen(self, value: int) -> None:
        self.session.set_place_position(value or None)
        self.case_map.select_position(value or None)
        self._warn_if_taken(value or None)

    def _warn_if_taken(self, position: int | None) -> bool:
        """Say so when the put-away target is an occupied slot (nothing can go there)."""
        case = self.session.place_case
        try:
            occupant = self.session.slot_occupant(position)
        except StoreError:
            return False
        if case is None or position is None or occupant is None:
            return False
        taken = rules.slot_taken(f"{case.case_code}/{position}", occupant).message
        text = f"{taken[:1].upper()}{taken[1:]}: choose an empty slot"
        self._show_status(text, ok=False)
        self._show_scan_feedback(text, ok=False)
        return True

    def _place_operation_chosen(self, index: int) -> None:
        self._session_call(self.session.set_place_operation, self.place_op_combo.itemData(index))

    def _case_map_slot_chosen(self, position: int) -> None:
        """Enter or a click on a slot of the map: the next asset goes there, if it is empty."""
        s = self.session
        if self.mode != Mode.PLACE or position == s.place_position or s.place_case is None:
            return
        try:
            verdict = s.choose_position(s.place_case, position)
        except StoreError as exc:
            self._show_status(str(exc), ok=False)
            return
        if verdict is not None:
            text = s.refusal_text(verdict)
            self._show_status(text, ok=False)
            self._show_scan_feedback(text, ok=False)
            return
        s.set_place_position(position)
        self.position_spin.blockSignals(True)
        self.position_spin.setValue(position)
        self.position_spin.blockSignals(False)
        self.case_map.select_position(position)
        text = f"Slot {s.place_case.case_code}/{position}: the next asset goes here"
        self._show_status(text, ok=True)
        self._show_scan_feedback(text, ok=True)

    def _session_call(self, fn: object, *args: object) -> None:
        try:
            fn(*args)  # type: ignore[operator]
        except StoreError as exc:
            self._show_status(str(exc), ok=False)
        self.refresh_view()

    def focus_scan_entry(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.scan_entry.setFocus()

    def focus_custodian(self) -> None:
        if self.mode != Mode.STOCK_OUT:
            self.set_mode(Mode.STOCK_OUT)
        self.custodian_picker.setFocus()
        line = self.custodian_picker.lineEdit()
        if line is not None:
            line.selectAll()

    def _batch_edited(self) -> None:
        """A "not committed" banner is about a batch that has changed since: take it away."""
        if self.banner.isVisible() and not self.banner.batch_id:
            self.banner.hide()

    def _last_receipt(self) -> None:
        if self._receipt_batch:
            self.open_receipt(self._receipt_batch)

    def remove_selected_rows(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows:
            return
        self.preview_model.remove_rows(rows)
        self._session_call(self.session.remove_rows, rows)
        self._batch_edited()
        self._show_status(f"Removed {plural(len(rows), 'row')}", ok=True)

    def remove_last_scan(self) -> None:
        if self.mode == Mode.LOOKUP or not self.session.rows:
            return
        self._session_call(self.session.undo_last)
        self._batch_edited()
        self._show_status("Removed the last scan", ok=True)

    def clear_batch(self) -> None:
        n = len(self.session.rows)
        if self.mode == Mode.LOOKUP or n == 0:
            return
        sure = confirm(
            self,
            "Clear batch",
            f"Remove all {plural(n, 'scan')} from the {MODE_TITLES[self.mode]} batch?",
            "Clear batch",
            "Nothing in the database changes.",
        )
        self._refocus()
        if sure:
            self._session_call(self.session.clear)
            self._batch_edited()
            self._show_status("Batch cleared", ok=True)

    def commit(self) -> None:
        s = self.session
        if self._in_commit or not s.can_commit:
            return
        self._in_commit = True
        try:
            text = s.confirmation_text()
            sure = confirm(
                self, "Commit batch", text + "?", "Commit", "Enter commits, Esc cancels."
            )
            self._refocus()
            if not sure:
                self._show_status("Commit cancelled; the batch is unchanged", ok=True)
                return
            try:
                result = s.commit()
            except Refused as exc:
                self.refresh_view()
                self.banner.show_problem(
                    "Not committed: the database changed since these scans were checked. "
                    "The refused rows are marked; remove them and commit again.",
                    kind="refused",
                    mode=s.mode,
                )
                message(
                    self,
                    "Batch refused",
                    "Nothing was changed: the database refused the batch.",
                    details="\n".join(exc.reasons[:20]),
                )
                self._refocus()
                return
            except StoreError as exc:
                self.banner.show_problem(f"Not committed: {exc} The batch is kept.", mode=s.mode)
                message(
                    self,
                    "Could not save",
                    str(exc),
                    QMessageBox.Icon.Critical,
                    "Your batch is kept; commit again when the problem is solved.",
                )
                self._refocus()
                return
            done = f"{text}: done. Batch {result.batch_id} · {plural(result.count, 'asset')}"
            has_receipt = s.mode in (Mode.STOCK_OUT, Mode.STOCK_IN)
            self.banner.show_success(done, result.batch_id, receipt=has_receipt, mode=s.mode)
            self._receipt_batch = result.batch_id if has_receipt else ""
            self.receipt_action.setEnabled(has_receipt)
            self._show_status(f"Committed batch {result.batch_id}", ok=True)
            self._data_version = self._safe_data_version()
            self.reload_lists()
        finally:
            self._in_commit = False
            self.refresh_view()
            self._release_held_scans()

    def _release_held_scans(self) -> None:
        held, self._held_scans = self._held_scans, []
        for text, source in held:
            self.on_scan(text, source)

    def change_operator(self) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("operatorDialog")
        dialog.setWindowTitle("Operator")
        dialog.setLabelText("Name recorded on every event from this station:")
        dialog.setTextValue(self.engine.operator)
        accepted = run_modal(dialog)
        self._refocus()
        name = dialog.textValue().strip()
        if accepted and name:
            try:
                self.engine.operator = name  # refuses control characters (core rule)
            except UserError as exc:
                self._show_status(str(exc), ok=False)
                return
            self._show_operator()
            self._show_status(f"Operator is now {self.engine.operator}", ok=True)

    def show_shortcuts(self) -> None:
        run_modal(ShortcutsDialog(self))
        self._refocus()

    def show_about(self) -> None:
        message(
            self,
            "About AssetTrack",
            "AssetTrack — offline-first stockroom custody.",
            QMessageBox.Icon.Information,
            f"Database: {self.store.path}",
        )
        self._refocus()

    def offer_pending_batch_when_active(self, fallback_ms: int = 2000) -> None:
        """At start: ask about a left-over batch once this window has the keyboard.

        Asking before that could put the question on screen just as the window is given the
        keyboard (on an X server without a window manager nobody hands it on to the dialog, and
        the clerk's Enter would be lost). If the window is never activated, ask anyway.
        """
        self._pending_offer_due = True
        QTimer.singleShot(fallback_ms, self._offer_if_due)
        if self.isActiveWindow():
            QTimer.singleShot(0, self._offer_if_due)

    def _offer_if_due(self) -> None:
        if self._pending_offer_due:
            self._pending_offer_due = False
            self.offer_pending_batch()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() != QEvent.Type.ActivationChange or not self.isActiveWindow():
            return
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not self:
            # The keyboard came here while a dialog is open (on X11 without a window manager
            # anything can focus this window). Qt drops every key sent to a window a modal
            # dialog blocks, so scans would vanish and Enter/Esc would do nothing: give the
            # keyboard back to the dialog, where scans are held until it closes.
            QTimer.singleShot(0, self._return_keyboard_to_dialog)
        elif self._pending_offer_due:
            QTimer.singleShot(0, self._offer_if_due)

    def _return_keyboard_to_dialog(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not self and modal.isVisible():
            bring_to_front(modal)

    def offer_pending_batch(self) -> bool:
        """If the last session left uncommitted scans, ask whether to take them back."""
        batch = load_pending(self.store.path)
        if batch is None:
            return False
        parts = []
        if batch.stock_out:
            who = f" for {batch.custodian}" if batch.custodian else ""
            parts.append(f"Stock-Out: {plural(len(batch.stock_out), 'scan')}{who}")
        if batch.stock_in:
            parts.append(f"Stock-In: {plural(len(batch.stock_in), 'scan')}")
        if batch.placements:
            parts.append(f"Put-away / Move: {plural(len(batch.placements), 'scan')}")
        when = batch.saved_at.replace("T", " ")[:19] + " UTC" if batch.saved_at else "earlier"
        restore = confirm(
            self,
            "Restore batch",
            f"An uncommitted batch was left from {when}. Restore it?",
            "Restore",
            "\n".join(parts) + "\n\nCancel discards it. Restored scans are checked again.",
        )
        self._refocus()
        if restore:
            self.restore_pending(batch)
        else:
            self.session.discard_pending()
        return restore

    def restore_pending(self, batch: PendingBatch) -> None:
        try:
            self.session.restore(batch)
        except StoreError as exc:
            self._show_status(str(exc), ok=False)
        self.set_mode(self.session.mode)
        self._show_status(f"Restored {plural(batch.scan_count, 'scan')}", ok=True)

    # -- database changes by other stations ---------------------------------------------------

    def _safe_data_version(self) -> int:
        try:
            return self.session.data_version()
        except Exception:  # noqa: BLE001 - polled; a broken connection shows up on the next action
            return -1

    def _check_database_changed(self) -> None:
        if self._in_commit or QApplication.activeModalWidget() is not None:
            return
        version = self._safe_data_version()
        if version == self._data_version:
            return
        self._data_version = version
        self.reload_lists()
        try:
            self.session.refresh()
        except StoreError as exc:
            self._show_status(str(exc), ok=False)
        self.refresh_view()

    # -- focus and shutdown -------------------------------------------------------------------

    def _refocus(self) -> None:
        """After a dialog: keyboard focus back to this window and its scan entry."""
        bring_to_front(self)
        self.scan_entry.setFocus(Qt.FocusReason.OtherFocusReason)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/mode", self.mode)
        self.qsettings.sync()
        self._poll.stop()
        super().closeEvent(event)


def app_icon() -> QIcon:
    try:
        from assettrack_gui.resources import resource_path

        return QIcon(str(resource_path("icons/assettrack.png")))
    except (FileNotFoundError, ImportError):
        return QIcon()


__all__ = ["APP_NAME", "MainWindow", "app_icon"]
