"""The main window: a shell around the Scan page, its controller and the other pages.

The window owns what every page shares: the actions and their shortcuts, the menus, the mode
bar, the tabs (:meth:`MainWindow.add_page`), the status bar, the window's size and last mode,
closing, and the About and Keyboard-shortcuts dialogs. The clerk's work lives in
:class:`~assettrack_gui.qt.scan_page.ScanPage` (what is shown) and
:class:`~assettrack_gui.qt.scan_controller.ScanController` (what a scan, a choice or a commit
does); every scan goes through :meth:`MainWindow.on_scan` to the controller, and
:attr:`MainWindow.scanHandled` says once what became of it. Widgets never touch SQLite: the
session and the engine do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.model import MODE_TITLES, Mode
from assettrack_gui.core.pending import PendingBatch
from assettrack_gui.core.session import Session
from assettrack_gui.core.settings import SettingsOwner
from assettrack_gui.core.store import Store

from .dialogs import KeyboardHome, ShortcutsDialog, bring_to_front, confirm, message, run_modal
from .preview_model import EventsModel, PreviewModel
from .scan_controller import ScanController
from .scan_page import ScanPage
from .settings_signal import SettingsSignal
from .widgets import Banner, CaseChooser, CaseMapView, CustodianPicker, ScanEntry

if TYPE_CHECKING:
    from assettrack_gui.core.backend import Target

    from .audit_controller import AuditController
    from .first_run import FirstRun
    from .server_status import ServerWatch

APP_NAME = "AssetTrack"
DEMO_TITLE = "AssetTrack — DEMO stockroom (not your real data)"
IMPORT_SHORTCUT, LABELS_SHORTCUT = "Ctrl+I", "Ctrl+P"
MODE_SHORTCUTS = {Mode.STOCK_OUT: "Ctrl+1", Mode.STOCK_IN: "Ctrl+2", Mode.PLACE: "Ctrl+3", Mode.LOOKUP: "Ctrl+4"}
SCANNER_STATES = {
    "connected": "Scanner: serial connected",
    "disconnected": "Scanner: serial DISCONNECTED",
    # The reader says "disconnected" and "reconnecting" back to back: the second must still say
    # that the scanner is gone, or nobody ever sees it.
    "reconnecting": "Scanner: serial DISCONNECTED — reconnecting…",
    "stopped": "Scanner: serial stopped",
    "wedge": "Scanner: keyboard",
}

W = TypeVar("W")


class _OnPage(Generic[W]):
    """``window.<name>`` is the Scan page's ``<name>``: kept for callers of the one-piece window."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, window: None, owner: type | None = None) -> _OnPage[W]: ...
    @overload
    def __get__(self, window: MainWindow, owner: type | None = None) -> W: ...
    def __get__(self, window: MainWindow | None, owner: type | None = None) -> W | _OnPage[W]:
        if window is None:  # looked up on the class (introspection, mocks)
            return self
        return getattr(window.page, self.name)  # type: ignore[no-any-return]


class MainWindow(QMainWindow):
    """The clerk's window. ``store`` belongs to the GUI thread; the window does not close it."""

    scanHandled = Signal(bool, str)
    # Set by __main__: the object that owns the keyboard-wedge filter and the serial reader.
    scanner_hub: object | None = None
    # Set by __main__ after the first screen: the day's automatic backup (qt.backup_job).
    daily_backup: object | None = None

    # The Scan page's widgets, as the window had them before the page was its own class.
    scan_entry = _OnPage[ScanEntry]()
    scan_feedback = _OnPage[QLabel]()
    custodian_picker = _OnPage[CustodianPicker]()
    custodian_label = _OnPage[QLabel]()
    return_case_combo = _OnPage[CaseChooser]()
    place_case_combo = _OnPage[CaseChooser]()
    position_spin = _OnPage[QSpinBox]()
    place_op_combo = _OnPage[QComboBox]()
    banner = _OnPage[Banner]()
    splitter = _OnPage[QSplitter]()
    table = _OnPage[QTableView]()
    preview_model = _OnPage[PreviewModel]()
    case_map = _OnPage[CaseMapView]()
    lookup_title = _OnPage[QLabel]()
    lookup_facts = _OnPage[QLabel]()
    events_model = _OnPage[EventsModel]()
    summary_label = _OnPage[QLabel]()
    remove_button = _OnPage[QPushButton]()
    clear_button = _OnPage[QPushButton]()
    commit_button = _OnPage[QPushButton]()

    def __init__(
        self,
        store: Store,
        operator: str | None = None,
        settings: QSettings | None = None,
        serial_port_override: str | None = None,
        config: SettingsOwner | None = None,
        *,
        load_lists: bool = True,
        real_db: Target | None = None,
    ) -> None:
        """``load_lists=False`` leaves the custodian and case pickers empty until
        ``controller.reload_lists()`` and the keyboard-home filter uninstalled until
        ``keyboard_home.install()`` (the app does both right after the first paint).

        ``real_db`` makes this the demo stockroom's window (``store`` is the demo database):
        the title, a banner and the status bar say DEMO, and File → Leave the demo opens
        ``real_db`` (which this window never opens itself)."""
        super().__init__()
        self.store = store
        self.real_db = real_db
        # The one settings owner of this window: the engine, the scanners and the Reports page
        # read it; the Qt signal tells widgets when it changes.
        self.config = config if config is not None else SettingsOwner()
        self.config_signal = SettingsSignal(self.config, self)
        self.engine = Engine(store, operator, settings=self.config)
        self.session = Session(self.engine, store.path)
        self.qsettings = settings if settings is not None else QSettings()
        self.serial_port_override = serial_port_override

        self.setWindowTitle(DEMO_TITLE if self.is_demo else f"AssetTrack — {store.path.name}")
        self.setObjectName("mainWindow")
        self.page = ScanPage()
        self.controller = ScanController(self.session, self.page, self)
        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self._wire()
        self._build_audit_page()
        if load_lists:
            self.controller.reload_lists()

        # Whatever dialog closes (ours, a file dialog, a progress dialog), the keyboard comes
        # back here, also on an X server without a window manager.
        self.keyboard_home = KeyboardHome(self, install=load_lists)

        geometry = self.qsettings.value("window/geometry")
        restored = isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(geometry)
        if not restored:
            self.resize(1200, 800)
        last = self.qsettings.value("window/mode", Mode.STOCK_OUT)
        self.set_mode(Mode(str(last)) if last in tuple(Mode) else Mode.STOCK_OUT)
        self.scan_entry.setFocus()
        self.first_run: FirstRun | None = None
        self._welcome_if_empty()

    @property
    def is_demo(self) -> bool:
        """This window shows the demo stockroom (``core.demo``), not a real database."""
        return self.real_db is not None

    def _welcome_if_empty(self) -> None:
        """An empty database shows the welcome panel (``qt.first_run``) instead of the batch."""
        from assettrack_gui.core.errors import UserError
        from assettrack_gui.core.first_run import stockroom_is_empty

        try:
            empty = stockroom_is_empty(self.store)
        except UserError:
            return  # a database problem: the banner (check_database_state) says what it is
        if empty:
            from .first_run import FirstRun

            self.first_run = FirstRun(self)
            self.first_run.panel.setFocus()

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
        c = self.controller
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
        self.commit_action = self._action("&Commit batch…", c.commit)
        self.commit_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.clear_action = self._action("C&lear batch…", c.clear_batch, "Ctrl+Shift+Delete")
        self.undo_action = self._action("Remove &last scan", c.remove_last_scan, "Ctrl+Z")
        self.delete_action = QAction("&Remove selected rows", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(c.remove_selected_rows)
        self.focus_scan_action = self._action("Go to &scan field", self.focus_scan_entry, "Ctrl+L")
        self.focus_custodian_action = self._action(
            "Choose &custodian", self.focus_custodian, "Ctrl+K"
        )
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.restore_action = self._action("Restore from &backup…", c.restore_from_backup)
        self.demo_action = self._action("Open the &demo stockroom", self.open_demo)
        self.demo_action.setObjectName("openDemoAction")
        self.leave_demo_action = self._action("&Leave the demo", self.leave_demo)
        self.leave_demo_action.setObjectName("leaveDemoAction")
        self.fresh_demo_action = self._action("Start the demo &afresh…", self.start_demo_afresh)
        self.fresh_demo_action.setObjectName("freshDemoAction")
        self.operator_action = self._action("&Operator…", c.change_operator)
        self.report_settings_action = self._action("&Reports and backups…", self.edit_settings)
        self.scanner_settings_action = QAction("&Scanner settings…", self)
        self.scanner_settings_action.setObjectName("scannerSettingsAction")
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.about_action = self._action("&About AssetTrack", self.show_about)
        self.receipt_action = self._action(
            "&Receipt of the last batch…", c.open_last_receipt, "Ctrl+R"
        )
        self.receipt_action.setEnabled(False)
        self.import_action = self._action(
            "&Import…", lambda: self.open_import_dialog(), IMPORT_SHORTCUT
        )
        self.labels_action = self._action(
            "Print &labels…", lambda: self.open_labels_dialog(), LABELS_SHORTCUT
        )
        # server (issue 14): which database this station works on (qt/server_dialog.py)
        self.server_action = self._action("Co&nnect to a server…", self.open_server_dialog)
        self.server_action.setObjectName("connectServerAction")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.commit_action)
        file_menu.addAction(self.clear_action)
        file_menu.addAction(self.receipt_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.labels_action)
        file_menu.addSeparator()
        file_menu.addAction(self.server_action)  # server (issue 14)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        if self.is_demo:
            file_menu.addAction(self.leave_demo_action)
            file_menu.addAction(self.fresh_demo_action)
        else:
            file_menu.addAction(self.demo_action)
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
        self.mode_menu = mode_menu  # audit: the Audit page's entry follows
        self.settings_menu = bar.addMenu("Se&ttings")  # Alt+S is the Scan field
        self.settings_menu.addAction(self.operator_action)
        self.settings_menu.addAction(self.scanner_settings_action)
        self.settings_menu.addAction(self.report_settings_action)
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

    def _build_central(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("pages")
        self.tabs.addTab(self.page, "Scan")
        self.page.table.addAction(self.delete_action)
        if not self.is_demo:
            self.setCentralWidget(self.tabs)
            return
        # The demo says so above every page, with the way back.
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        strip = QWidget(central)
        strip.setObjectName("demoBanner")
        strip.setStyleSheet(
            "#demoBanner { background: #ef6c00; } #demoBanner QLabel { color: white; }"
        )
        row = QHBoxLayout(strip)
        row.setContentsMargins(12, 6, 12, 6)
        self.demo_label = QLabel(
            "<b>DEMO stockroom</b> — made-up people and devices in a separate file "
            f"({self.store.path.name}). Nothing you do here touches your real database."
        )
        self.demo_label.setObjectName("demoLabel")
        row.addWidget(self.demo_label, 1)
        leave = QPushButton("Leave the demo")
        leave.setObjectName("leaveDemoButton")
        leave.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        leave.clicked.connect(self.leave_demo)
        row.addWidget(leave)
        layout.addWidget(strip)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(f"Database: {self.store.path}")
        self.db_label.setObjectName("dbLabel")
        self.scanner_label = QLabel(SCANNER_STATES["wedge"])
        self.scanner_label.setObjectName("scannerLabel")
        self.operator_label = QLabel()
        self.operator_label.setObjectName("operatorLabel")
        if self.is_demo:
            self.db_label.setText(f"DEMO database: {self.store.path}")
            self.db_label.setStyleSheet("color: #e65100; font-weight: bold;")
        for label in (self.db_label, self.scanner_label, self.operator_label):
            bar.addPermanentWidget(label)
        self.scanner_state = "wedge"
        self._show_operator(self.engine.operator)
        # server (issue 14): on PostgreSQL the database line is the server's state, and the
        # connection is made again by itself (qt/server_status.py)
        self.server_watch: ServerWatch | None = None
        if getattr(self.store, "backend", "sqlite") == "postgresql":
            from .server_status import ServerWatch

            self.server_watch = ServerWatch(self.store, self.db_label, self)  # type: ignore[arg-type]
            self.server_watch.stateChanged.connect(
                lambda state, words: self.show_status(words, ok=state == "connected")
            )

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

    # issue 12: the administration pages, built when first shown (LazyPage) -------------------

    ADMIN_PAGES = (
        ("people_page", "PeoplePage", "People", "Ctrl+6"),
        ("cases_page", "CasesPage", "Cases", "Ctrl+7"),
        ("devices_page", "DevicesPage", "Devices", "Ctrl+8"),
    )

    def add_admin_pages(self, lazy: bool = True) -> None:
        """People (Ctrl+6), Cases (Ctrl+7) and Devices (Ctrl+8). With ``lazy`` each page's
        module is imported and the page built the first time it is shown (or when the app
        builds the pages left for later), so the first screen does not wait for them."""
        from importlib import import_module

        from .lazy_page import LazyPage

        for module, cls, title, key in self.ADMIN_PAGES:

            def build(module: str = module, cls: str = cls) -> QWidget:
                page: QWidget = getattr(import_module(f"{__package__}.{module}"), cls)(
                    self.engine
                )
                return page

            self.add_page(LazyPage(build) if lazy else build(), title, key)

    def _scan_taker(self) -> QWidget | None:
        """The current page if it takes scans itself (People, Cases, Devices), else None."""
        from .lazy_page import LazyPage

        current = self.tabs.currentWidget()
        page = current.content if isinstance(current, LazyPage) else current
        return page if page is not None and hasattr(page, "take_scan") else None

    # -- the Audit page (qt/audit_page.py, qt/audit_controller.py) ------------------------------

    AUDIT_SHORTCUT = "Ctrl+9"

    def _build_audit_page(self) -> None:
        """The Audit tab, built the first time it is shown (or after the first screen), with
        its entry in the Mode menu; while it is shown, scans go to it (``on_scan``)."""
        from .lazy_page import LazyPage

        self.audit: AuditController | None = None

        def build() -> QWidget:
            from .audit_controller import AuditController
            from .audit_page import AuditPage

            page = AuditPage()
            self.audit = AuditController(self.engine, self.store.path, page, self)
            self.audit.scanHandled.connect(self.scanHandled)
            self.audit.statusShown.connect(self.show_status)
            return page

        self.audit_tab = LazyPage(build)
        index = self.add_page(self.audit_tab, "Audit")
        self.tabs.setTabToolTip(index, f"Audit: a stocktake of one case ({self.AUDIT_SHORTCUT})")
        self.audit_action = self._action(
            "&Audit (stocktake)", self.show_audit_page, self.AUDIT_SHORTCUT
        )
        self.audit_action.setObjectName("mode_AUDIT")
        self.mode_menu.addSeparator()
        self.mode_menu.addAction(self.audit_action)

    def show_audit_page(self) -> None:
        self.tabs.setCurrentWidget(self.audit_tab)
        if self.audit is not None:
            self.audit.page.scan_entry.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _wire(self) -> None:
        """The controller's news to the window: status line, actions, mode, the Scan tab."""
        c = self.controller
        c.scanHandled.connect(self.scanHandled)
        c.statusShown.connect(self.show_status)
        c.modeChanged.connect(self._mode_changed)
        c.scanPageWanted.connect(self.show_scan_page)
        c.commandsChanged.connect(self._commands_changed)
        c.receiptChanged.connect(self._receipt_changed)
        c.operatorChanged.connect(self._show_operator)
        c.restartWanted.connect(self.restart)
        # followup: the batch actions act only while the Scan page is current (any other page,
        # now or added later, leaves the hidden batch alone; see _update_batch_actions).
        self.tabs.currentChanged.connect(lambda _index: self._update_batch_actions())
        self.page.case_map.slotLabelsRequested.connect(
            lambda code: self.open_labels_dialog("slots", case=code)
        )

    def edit_settings(self) -> None:
        """Settings → Reports and backups…: saved through the one settings owner."""
        from .dialogs import run_modal
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.config, self)
        run_modal(dialog)
        dialog.deleteLater()
        self.controller.page.refocus()

    def open_import_dialog(self, kind: str | None = None) -> None:
        """File → Import… (also the first-run panel): ``kind`` "holders", "cases" or "assets"."""
        from .import_dialog import open_import_dialog  # loaded when first used

        open_import_dialog(self, kind)

    def open_labels_dialog(
        self, kind: str | None = None, codes: list[str] | None = None, case: str | None = None
    ) -> None:
        """File → Print labels… (also the case map and the pages), preset as given."""
        from .labels_dialog import open_labels_dialog  # loaded when first used

        open_labels_dialog(self, kind, codes, case)

    def open_server_dialog(self) -> None:
        """File → Connect to a server… (or back to a local file): qt/server_dialog.py."""
        from .server_dialog import open_server_dialog  # loaded when first used

        open_server_dialog(self)

    def restart(self, db: Target | None = None) -> None:
        """Open the database afresh after a restore (or ``db``, another database chosen in
        File → Connect to a server…, which also leaves the demo): start a new AssetTrack on it
        with the same operator, then close this window (its pending batch is saved and offered
        again)."""
        self.reopen(demo=self.is_demo and db is None, db=db)

    def reopen(
        self, *, demo: bool, new_demo: bool = False, db: Target | None = None
    ) -> bool:
        """Open a database afresh: start a new AssetTrack (same operator and serial port) on
        the demo stockroom (``demo``) or on the real database, then close this window (its
        pending batch is saved and offered again when that database is opened next).

        The demo and the real database are never open in the same process: each window has
        one, and this is how it goes from one to the other. ``db`` names another real database
        (a server chosen in File → Connect to a server…). False if nothing could be started
        (this window then stays)."""
        real = db if db is not None else self.real_db if self.real_db is not None else None
        where = str(real if real is not None else self.store.path)
        args = ["-m", "assettrack_gui", "--db", where, "--operator", self.engine.operator]
        if demo:
            args.append("--new-demo" if new_demo else "--demo")
        if self.serial_port_override:
            args += ["--serial", self.serial_port_override]
        if not start_assettrack(args):
            message(
                self,
                "AssetTrack",
                "AssetTrack could not be started again; this window stays open.",
                details=f"Tried: python {' '.join(args)}",
            )
            self._refocus()
            return False
        self.close()
        return True

    def open_demo(self) -> None:
        """File → Open the demo stockroom (and the welcome panel's button): make the demo
        database if there is none yet, then open it in place of this window."""
        from assettrack_gui.core.demo import ensure_demo
        from assettrack_gui.core.errors import UserError

        if self.is_demo:
            return
        real = self.store.path if isinstance(self.store.path, Path) else None  # a server: apart
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            ensure_demo(real=real)
        except (UserError, OSError) as exc:
            QApplication.restoreOverrideCursor()
            message(self, "Open the demo stockroom", f"The demo stockroom cannot be opened: {exc}")
            self._refocus()
            return
        QApplication.restoreOverrideCursor()
        self.show_status("Opening the demo stockroom…", ok=True)
        self.reopen(demo=True)

    def leave_demo(self) -> None:
        """File → Leave the demo: open the real database again (the demo file stays as it is)."""
        if self.is_demo:
            self.reopen(demo=False)

    def start_demo_afresh(self) -> None:
        """File → Start the demo afresh…: the demo as it was first made (the real database is
        not touched)."""
        if not self.is_demo:
            return
        sure = confirm(
            self,
            "Start the demo afresh",
            "Throw away what was done in the demo stockroom and start it again as new?",
            "Start afresh",
            "Only the demo file is replaced; your real database is not touched.",
        )
        self._refocus()
        if sure:
            self.reopen(demo=True, new_demo=True)

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

    # -- the controller's news ----------------------------------------------------------------

    def show_status(self, text: str, ok: bool) -> None:
        """A line in the status bar: red and kept when something is wrong, else 15 s."""
        self.statusBar().setStyleSheet("" if ok else "QStatusBar { color: #b71c1c; }")
        self.statusBar().showMessage(text, 0 if not ok else 15000)

    def _show_operator(self, name: str) -> None:
        self.operator_label.setText(f"Operator: {name}")

    def _mode_changed(self, mode: str) -> None:
        self.mode_actions[mode].setChecked(True)
        self.qsettings.setValue("window/mode", mode)

    def _receipt_changed(self, batch_id: str) -> None:
        self.receipt_action.setEnabled(bool(batch_id))

    def _commands_changed(self, can_commit: bool, has_rows: bool) -> None:
        self._batch_state = (can_commit, has_rows)
        self._update_batch_actions()

    # followup: one place decides whether the Scan page's batch actions may act.
    _batch_state: tuple[bool, bool] = (True, True)  # (can commit, has rows), as last told

    def _update_batch_actions(self) -> None:
        """Ctrl+Return, Ctrl+Z, Delete and Ctrl+Shift+Delete act on the Scan page's batch: only
        while that page is current. On any other page (Audit, Reports, pages added later) they
        are disabled, so the keys reach that page's own fields instead of the hidden batch."""
        on_scan_page = self.tabs.currentWidget() is self.page
        can_commit, has_rows = self._batch_state
        self.commit_action.setEnabled(on_scan_page and can_commit)
        self.undo_action.setEnabled(on_scan_page and has_rows)
        self.clear_action.setEnabled(on_scan_page)
        self.delete_action.setEnabled(on_scan_page)

    def show_scan_page(self, focus_entry: bool = True) -> None:
        """The Scan tab in front; the keyboard to its scan entry if asked or if it was hidden."""
        if self.tabs.currentWidget() is not self.page:
            self.tabs.setCurrentWidget(self.page)
            focus_entry = True
        if focus_entry:
            self.scan_entry.setFocus()

    # -- the Scan page, as callers of the one-piece window know it -----------------------------

    @property
    def mode(self) -> Mode:
        return self.session.mode

    def set_mode(self, mode: str) -> None:
        self.controller.set_mode(mode)

    def on_scan(self, text: str, source: str = "manual") -> None:
        """The one entry point for every scan (entry line, keyboard wedge, serial reader): to the
        Audit page while it is shown; to the People, Cases or Devices page while one of them is
        (a badge selects its person, …); else to the Scan page's batch."""
        if self.audit is not None and self.tabs.currentWidget() is self.audit_tab:
            self.audit.on_scan(text, source)
            return
        page = self._scan_taker()
        if page is not None:
            ok, said = page.take_scan(text)  # type: ignore[attr-defined]
            self.show_status(said, ok)
            self.scanHandled.emit(ok, said)
            return
        self.controller.on_scan(text, source)

    def open_receipt(self, batch_id: str) -> None:
        """Open the PDF receipt of a batch (hand-over or return)."""
        self.controller.open_receipt(batch_id)

    def offer_pending_batch(self) -> bool:
        """If the last session left uncommitted scans, ask whether to take them back."""
        return self.controller.offer_pending_batch()

    def offer_pending_batch_when_active(self, fallback_ms: int = 2000) -> None:
        """At start: ask about a left-over batch once this window has the keyboard."""
        self.controller.offer_pending_batch_when_active(fallback_ms)

    def restore_pending(self, batch: PendingBatch) -> None:
        self.controller.restore_pending(batch)

    def focus_scan_entry(self) -> None:
        self.show_scan_page(True)

    def focus_custodian(self) -> None:
        self.controller.focus_custodian()

    # -- dialogs, activation and shutdown -----------------------------------------------------

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
        elif self.controller.pending_offer_due:
            QTimer.singleShot(0, self.controller.offer_if_due)

    def _return_keyboard_to_dialog(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not self and modal.isVisible():
            bring_to_front(modal)

    def _refocus(self) -> None:
        """After a dialog: keyboard focus back to this window and its scan entry."""
        self.page.refocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/mode", self.mode)
        self.qsettings.sync()
        self.controller.stop()
        if self.first_run is not None:
            self.first_run.stop()
        if self.server_watch is not None:  # server (issue 14)
            self.server_watch.stop()
        super().closeEvent(event)


def start_assettrack(args: list[str]) -> bool:
    """Start another AssetTrack process (``python ARGS``), detached from this one."""
    import sys

    from PySide6.QtCore import QProcess

    started = QProcess.startDetached(sys.executable, args)
    return bool(started[0] if isinstance(started, tuple) else started)


def app_icon() -> QIcon:
    try:
        from assettrack_gui.resources import resource_path

        return QIcon(str(resource_path("icons/assettrack.png")))
    except (FileNotFoundError, ImportError):
        return QIcon()


__all__ = ["APP_NAME", "DEMO_TITLE", "MainWindow", "app_icon", "start_assettrack"]
