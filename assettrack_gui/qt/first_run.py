"""First run: the welcome panel an empty database shows, and its three ways in.

While the database has no holder, case or asset (``core.first_run.stockroom_is_empty``) the
Scan page shows :class:`WelcomePanel` instead of the batch table: **Import from CSV/Excel
files…** (with **Save template files…**), **Add a case and people by hand…** (the small
:class:`ByHandDialog`: one case, then people one by one, through ``Engine.create_case`` and
``Engine.add_holder``) and **Open a demo stockroom** (``MainWindow.open_demo``). The panel goes
for good as soon as the database has anything in it — added here, imported, or by another
station (:class:`FirstRun` looks once a second while it is shown).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, UserError
from assettrack_gui.core.first_run import existing_templates, save_templates, stockroom_is_empty
from assettrack_gui.core.model import CaseInfo, HolderInfo

from .dialogs import bring_to_front, confirm, message, run_modal
from .wedge_filter import SCAN_AS_TEXT

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["POLL_MS", "ByHandDialog", "FirstRun", "WelcomePanel"]

POLL_MS = 1000  # while the panel shows: has someone filled the database meanwhile?


def _big(widget: QWidget, scale: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * scale)
    font.setBold(bold)
    return font


class WelcomePanel(QFrame):
    """Three ways into an empty stockroom; each button says what it does beside it."""

    importRequested = Signal()
    templatesRequested = Signal()
    byHandRequested = Signal()
    demoRequested = Signal()

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        title = QLabel("Welcome to AssetTrack")
        title.setObjectName("welcomeTitle")
        title.setFont(_big(self, 1.7, bold=True))
        layout.addWidget(title)
        intro = QLabel(
            "This database is empty: no people, cases or devices yet. Choose how to start — "
            "Tab moves between the choices, Enter (or the underlined letter with Alt) picks one."
        )
        intro.setWordWrap(True)
        intro.setFont(_big(self, 1.1))
        layout.addWidget(intro)
        layout.addSpacing(12)

        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(14)
        grid.setColumnStretch(1, 1)
        self.import_button = self._button("&Import from CSV/Excel files…", "importButton")
        self.import_button.clicked.connect(self.importRequested)
        self.templates_button = self._button("Save temp&late files…", "templatesButton")
        self.templates_button.setMinimumHeight(30)
        self.templates_button.clicked.connect(self.templatesRequested)
        self.hand_button = self._button("Add a case and people by ha&nd…", "byHandButton")
        self.hand_button.clicked.connect(self.byHandRequested)
        self.demo_button = self._button("Open a demo stoc&kroom", "demoButton")
        self.demo_button.clicked.connect(self.demoRequested)
        texts = (
            "Bring in your lists of people (holders), cases and devices (assets) from .csv or "
            ".xlsx files — the same files <tt>assettrack-admin import</tt> reads.",
            "Three example files (holders.csv, cases.csv, assets.csv) in exactly that format, "
            "to fill in with a spreadsheet.",
            "Create one case (rows × columns of slots), then add people with their badge codes. "
            "Devices follow by import.",
            "Try AssetTrack on made-up people and devices in a separate demo database, clearly "
            "marked DEMO. This database stays as it is; File → Leave the demo comes back here.",
        )
        buttons = (self.import_button, self.templates_button, self.hand_button, self.demo_button)
        for row, (button, text) in enumerate(zip(buttons, texts, strict=True)):
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(grid)
        layout.addStretch(1)
        where = QLabel(f"Database: {db_path}")
        where.setObjectName("welcomeDatabase")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setStyleSheet("color: #616161;")
        layout.addWidget(where)
        self.setFocusProxy(self.import_button)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setMinimumHeight(40)
        button.setMinimumWidth(280)
        button.setAutoDefault(True)  # Enter presses the button that has the keyboard
        button.setFont(_big(self, 1.05, bold=True))
        return button

    def choices(self) -> list[QPushButton]:
        return [self.import_button, self.templates_button, self.hand_button, self.demo_button]


class ByHandDialog(QDialog):
    """Create one case and add people one by one, each saved at once through the engine.

    Enter creates the case while the keyboard is in the case's fields, and adds the person
    while it is in the person's; a refusal is shown in the dialog (in the engine's words) and
    the fields keep what was typed. Esc or Close ends it.
    """

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.cases_made: list[CaseInfo] = []
        self.people_added: list[HolderInfo] = []
        self.setObjectName("byHandDialog")
        self.setWindowTitle("Add a case and people — AssetTrack")
        layout = QVBoxLayout(self)

        self.case_box = QGroupBox("A case: a cart, shelf or locker bank with numbered slots")
        case_form = QFormLayout(self.case_box)
        self.case_code = QLineEdit()
        self.case_code.setObjectName("caseCode")
        self.case_code.setPlaceholderText("e.g. CART-A (what its label's barcode says)")
        self.case_name = QLineEdit()
        self.case_name.setObjectName("caseName")
        self.case_name.setPlaceholderText("e.g. Laptop charging cart A")
        self.case_rows = QSpinBox()
        self.case_rows.setObjectName("caseRows")
        self.case_rows.setRange(1, 100)
        self.case_rows.setValue(4)
        self.case_cols = QSpinBox()
        self.case_cols.setObjectName("caseCols")
        self.case_cols.setRange(1, 100)
        self.case_cols.setValue(8)
        size = QHBoxLayout()
        size.addWidget(self.case_rows)
        size.addWidget(QLabel("rows ×"))
        size.addWidget(self.case_cols)
        size.addWidget(QLabel("columns"))
        size.addStretch(1)
        self.case_button = QPushButton("Create &case")
        self.case_button.setObjectName("createCaseButton")
        self.case_button.clicked.connect(self.create_case)
        self._form_row(case_form, "Case co&de:", self.case_code)
        self._form_row(case_form, "Na&me:", self.case_name)
        case_form.addRow("Size:", size)
        case_form.addRow("", self.case_button)
        layout.addWidget(self.case_box)

        self.people_box = QGroupBox("People who take devices (holders)")
        people_form = QFormLayout(self.people_box)
        self.person_name = QLineEdit()
        self.person_name.setObjectName("personName")
        self.person_name.setPlaceholderText("e.g. Dana Reyes")
        self.person_badge = QLineEdit()
        self.person_badge.setObjectName("personBadge")
        self.person_badge.setPlaceholderText("e.g. B-1001 (scan their badge, or type it)")
        self.person_button = QPushButton("Add &person")
        self.person_button.setObjectName("addPersonButton")
        self.person_button.clicked.connect(self.add_person)
        self.people_list = QListWidget()
        self.people_list.setObjectName("peopleAdded")
        self.people_list.setMaximumHeight(120)
        self._form_row(people_form, "&Name:", self.person_name)
        self._form_row(people_form, "&Badge:", self.person_badge)
        people_form.addRow("", self.person_button)
        people_form.addRow("Added:", self.people_list)
        layout.addWidget(self.people_box)

        self.feedback = QLabel(" ")
        self.feedback.setObjectName("byHandFeedback")
        self.feedback.setWordWrap(True)
        layout.addWidget(self.feedback)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        for button in (self.case_button, self.person_button):
            button.setAutoDefault(False)  # Enter is handled per group (keyPressEvent)
        layout.addWidget(buttons)
        # A badge scanned into the badge field (or a code into the code field) is text here,
        # ended by the scanner's Enter, which adds the person: not a scan for the batch.
        for field in (self.case_code, self.case_name, self.person_name, self.person_badge):
            field.setProperty(SCAN_AS_TEXT, True)
        self.case_code.setFocus()
        self.resize(560, self.sizeHint().height())

    @staticmethod
    def _form_row(form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(field)
        form.addRow(label, field)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if focus is not None and self.case_box.isAncestorOf(focus):
                self.create_case()
                return
            if focus is not None and self.people_box.isAncestorOf(focus):
                self.add_person()
                return
        super().keyPressEvent(event)

    def _say(self, text: str, ok: bool) -> None:
        mark = "✓" if ok else "✗"
        self.feedback.setText(f"{mark}  {text}")
        self.feedback.setStyleSheet("color: #1b5e20;" if ok else "color: #b71c1c;")

    def _refusal(self, exc: UserError) -> str:
        reasons = exc.reasons if isinstance(exc, Refused) else [str(exc)]
        return "; ".join(reasons) or str(exc)

    def create_case(self) -> None:
        code, name = self.case_code.text().strip(), self.case_name.text().strip()
        rows, cols = self.case_rows.value(), self.case_cols.value()
        try:
            case = self.engine.create_case(code, name or code, rows, cols)
        except UserError as exc:
            self._say(f"Case not created: {self._refusal(exc)}", ok=False)
            self.case_code.setFocus()
            return
        self.cases_made.append(case)
        self._say(
            f"Case {case.case_code} created: {case.rows} × {case.cols} = {case.size} slots. "
            "Now add the people who take devices.",
            ok=True,
        )
        for field in (self.case_code, self.case_name):
            field.clear()
        self.person_name.setFocus()

    def add_person(self) -> None:
        name, badge = self.person_name.text().strip(), self.person_badge.text().strip()
        try:
            holder = self.engine.add_holder(name, badge)
        except UserError as exc:
            self._say(f"Not added: {self._refusal(exc)}", ok=False)
            (self.person_badge if name else self.person_name).setFocus()
            return
        self.people_added.append(holder)
        self.people_list.addItem(holder.label)
        self.people_list.scrollToBottom()
        self._say(f"Added {holder.label}. Add the next person, or Close (Esc).", ok=True)
        self.person_name.clear()
        self.person_badge.clear()
        self.person_name.setFocus()


class FirstRun(QObject):
    """Shows the welcome panel on the window's Scan page while the database is empty."""

    finished = Signal()  # the database has something now: the panel is gone for good

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = WelcomePanel(window.store.path)
        self.panel.importRequested.connect(self.import_files)
        self.panel.templatesRequested.connect(self.save_templates)
        self.panel.byHandRequested.connect(self.by_hand)
        self.panel.demoRequested.connect(window.open_demo)
        window.page.show_welcome(self.panel)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self.check)
        self.poll.start()

    @classmethod
    def start_if_empty(cls, window: MainWindow) -> FirstRun | None:
        try:
            empty = stockroom_is_empty(window.store)
        except UserError:
            return None  # a database problem is the banner's business, not a welcome
        return cls(window) if empty else None

    @property
    def showing(self) -> bool:
        return self.poll.isActive()

    def stop(self) -> None:
        """Stop looking at the database (the window is closing)."""
        self.poll.stop()

    def check(self) -> bool:
        """Take the panel away once the database has anything; True while it stays."""
        if not self.showing:
            return False
        try:
            empty = stockroom_is_empty(self.window.store)
        except UserError:
            return True  # try again on the next tick
        if empty:
            return True
        self.poll.stop()
        page = self.window.page
        had_keyboard = self.panel.isAncestorOf(self.window.focusWidget())
        page.show_welcome(None)
        self.window.controller.reload_lists()
        self.window.controller.refresh_view()
        if had_keyboard:
            page.scan_entry.setFocus()
        self.finished.emit()
        return False

    def _parent(self) -> QWidget:
        return self.window

    def _back_to(self, button: QPushButton) -> None:
        """After a dialog: the keyboard on the window again, on the way in just used."""
        bring_to_front(self.window)
        button.setFocus(Qt.FocusReason.OtherFocusReason)

    def import_files(self) -> None:
        self.window.open_import_dialog()
        if self.check():
            self._back_to(self.panel.import_button)
        else:
            self.window.page.refocus()

    def by_hand(self) -> None:
        dialog = ByHandDialog(self.window.engine, self._parent())
        run_modal(dialog)
        dialog.deleteLater()
        if self.check():
            self._back_to(self.panel.hand_button)
        else:
            self.window.page.refocus()  # the Scan field: the people can be scanned now

    def save_templates(self) -> None:
        """Ask for a folder, then write holders.csv, cases.csv and assets.csv there (asking
        before replacing any file of those names)."""
        folder = QFileDialog.getExistingDirectory(
            self._parent(), "Save template files in which folder?", str(Path.home())
        )
        button = self.panel.templates_button
        if not folder:
            self._back_to(button)
            return
        replace = False
        if found := existing_templates(folder):
            names = ", ".join(p.name for p in found)
            replace = confirm(
                self._parent(),
                "Save template files",
                f"{folder} already has {names}. Replace {'it' if len(found) == 1 else 'them'}?",
                "Replace",
                "Cancel keeps the files that are there; nothing is saved.",
            )
            if not replace:
                self._back_to(button)
                return
        try:
            written = save_templates(folder, replace=replace)
        except UserError as exc:
            message(self._parent(), "Save template files", str(exc))
            self._back_to(button)
            return
        message(
            self._parent(),
            "Save template files",
            f"Saved {', '.join(p.name for p in written)} in {folder}.",
            QMessageBox.Icon.Information,
            "Fill them in with a spreadsheet (keep the header line), save as CSV or .xlsx, then "
            "import them in this order: holders, cases, assets.",
        )
        self._back_to(button)
