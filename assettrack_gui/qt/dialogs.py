"""Modal dialogs of the main window.

Every dialog is shown with ``exec()`` so ``QApplication.activeModalWidget()`` reveals it (the
keyboard-wedge filter holds scans while one is open), and is activated explicitly once shown: on
an X server without a window manager a new top-level window does not get keyboard focus by itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+1", "Stock-Out mode: scan a badge, then assets"),
    ("Ctrl+2", "Stock-In mode: scan returned assets"),
    ("Ctrl+3", "Put-away / Move mode: scan a case (and position), then assets"),
    ("Ctrl+4", "Lookup mode: scan anything to see what and where it is"),
    ("Ctrl+5", "Reports tab: custody, holder, history, occupancy, events; CSV export"),
    ("Ctrl+6", "People: add, rename, change badge, deactivate; what each holds; scan a badge"),
    ("Ctrl+7", "Cases: create, rename, resize; the case map and its printable PDF"),
    ("Ctrl+8", "Devices: register, change serial or description, retire, reinstate"),
    ("Ctrl+9", "Audit page: a stocktake of one case (scan the case, then what is in it)"),
    ("Ctrl+F / Enter", "On People, Cases, Devices: the search box / open the selected item"),
    ("Enter", "In the scan field: take the typed scan"),
    ("Ctrl+Return", "Commit the batch (asks for confirmation)"),
    ("Enter / Esc", "In the confirmation: commit / cancel"),
    ("Delete", "Remove the selected rows (in the table)"),
    ("Ctrl+Z", "Remove the last scan"),
    ("Ctrl+Shift+Delete", "Clear the batch (asks first)"),
    ("Ctrl+R", "Open the receipt of the last stock-out or stock-in"),
    ("Ctrl+I", "Import holders, cases or assets from a CSV or Excel file (preview first)"),
    ("Ctrl+P", "Print barcode labels (PDF): assets, cases, slots of a case, badges"),
    ("Ctrl+Shift+P", "In the case map: print labels for the slots of the case shown"),
    ("F5", "Reports tab: run the report again; Import: read the file again"),
    ("Ctrl+L", "Put the cursor in the scan field"),
    ("Ctrl+K", "Choose the custodian (Stock-Out)"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit (the uncommitted batch is kept for next time)"),
)


def bring_to_front(window: QWidget) -> None:
    """Raise and activate a top-level window (the offscreen test platform cannot raise)."""
    if QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()


class KeyboardHome(QObject):
    """Gives the keyboard back to ``window`` whenever one of the app's dialogs closes.

    Any dialog counts — our own, a QFileDialog, a QProgressDialog, a message box from the
    Reports tab. With a window manager this is what the user expects anyway; on an X server
    without one (a kiosk, the end-to-end tests) nobody else does it, and keys would go nowhere
    until someone clicked. If another modal dialog is still open, that one gets the keyboard.
    Installed on the QApplication; it only reacts to Hide events of dialog windows.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            event.type() == QEvent.Type.Hide
            and isinstance(watched, QDialog)
            and watched.isWindow()
            and watched is not self.window
        ):
            QTimer.singleShot(0, self.give_back)
        return False

    def give_back(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.isVisible():
            if QApplication.activeWindow() is not modal:
                bring_to_front(modal)
            return
        window = self.window
        if not window.isVisible() or QApplication.activeWindow() is window:
            return
        if QApplication.activePopupWidget() is not None:
            return
        bring_to_front(window)


def run_modal(dialog: QDialog) -> int:
    """``exec()`` the dialog after making sure it gets the keyboard once it is on screen."""

    def activate() -> None:
        if dialog.isVisible():
            bring_to_front(dialog)

    QTimer.singleShot(0, activate)
    return dialog.exec()


def confirm(parent: QWidget, title: str, text: str, yes: str, informative: str = "") -> bool:
    """A question whose default button (Enter) is ``yes`` and whose Esc is Cancel."""
    box = QMessageBox(parent)
    box.setObjectName("confirmDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(ok)
    box.setEscapeButton(cancel)
    run_modal(box)
    return box.clickedButton() is ok


def ask(
    parent: QWidget, title: str, text: str, yes: str, no: str, informative: str = ""
) -> bool:
    """A yes/no question: Enter answers ``yes`` (the default button), Esc answers ``no``.

    Like every dialog here it is modal, so scans arriving while it is open are held (the
    keyboard-wedge filter keeps a burst's keys and its Enter away from it) and delivered after
    it closes: a scanner never answers it.
    """
    box = QMessageBox(parent)
    box.setObjectName("questionDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.setEscapeButton(no_button)
    run_modal(box)
    return box.clickedButton() is yes_button


def message(
    parent: QWidget,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
    details: str = "",
) -> None:
    box = QMessageBox(parent)
    box.setObjectName("messageDialog")
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.setEscapeButton(QMessageBox.StandardButton.Ok)
    run_modal(box)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts — AssetTrack")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Everything in AssetTrack works from the keyboard:"))
        table = QTableWidget(len(SHORTCUTS), 2, self)
        table.setHorizontalHeaderLabels(["Keys", "What it does"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(what))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMinimumSize(560, 420)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.table = table
