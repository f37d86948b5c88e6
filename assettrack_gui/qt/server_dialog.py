"""File → Connect to a server…: choose the database the app works on — a PostgreSQL server
shared by several counters, or (Use a local database file…) a SQLite file on this computer.

The address is a libpq URI (``postgresql://clerk@dbhost:5432/stockroom``, or a Unix socket as
``postgresql://clerk@/stockroom?host=/run/postgresql``), typed whole or built from the Host,
Port, Database and User fields (``core.backend.server_uri``); ``core.backend.parse`` decides
whether it can be used (a URI with a password is refused: there is no password field — the
password comes from ``~/.pgpass``, ``PGPASSWORD`` or a service file). *Connect* tries the server
off the GUI thread (``qt.background``) and, on an empty database, creates AssetTrack's schema,
as the app does at start. The choice is remembered in the settings (``database``: the URI, or
the file's path) through the one settings owner, and the app opens it at once: a new AssetTrack
starts on it and this window closes (the batch on screen stays with the database it was scanned
for, offered again when that database is opened).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core import backend, paths
from assettrack_gui.core.backend import ServerDatabase, Target
from assettrack_gui.core.errors import UsageError, UserError

from .background import Background, failure_text
from .dialogs import confirm, message, run_modal

if TYPE_CHECKING:
    from assettrack_gui.core.store import Store

    from .main_window import MainWindow

__all__ = ["ServerDialog", "check_server", "open_server_dialog", "server_down_at_start"]

PASSWORD_WORDS = (
    "There is no password field: AssetTrack never keeps a password. PostgreSQL reads it from "
    "~/.pgpass (a line host:port:database:user:password, readable by you only), from the "
    "PGPASSWORD variable, or from a service in ~/.pg_service.conf (address "
    "postgresql://?service=NAME)."
)


def check_server(target: ServerDatabase) -> ServerDatabase:
    """Connect once (creating AssetTrack's schema on an empty database, as the app's start
    does) and close again; a ``StoreError`` in words when that cannot be done. Runs in a
    worker thread: it opens and closes its own connection."""
    with backend.open_store(target, create=True, anchored=False):
        pass
    return target


class ServerDialog(QDialog):
    """``chosen`` is the database picked (a ``ServerDatabase`` or a file's ``Path``) once the
    dialog is accepted."""

    def __init__(self, current: Target, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle("Connect to a server")
        self.chosen: Target | None = None
        self._filling = False

        intro = QLabel(
            "Several counters share one PostgreSQL database on a server. Give its address, "
            "or fill in the fields below it."
        )
        intro.setWordWrap(True)
        self.address = QLineEdit()
        self.address.setObjectName("serverAddress")
        self.address.setPlaceholderText("postgresql://clerk@dbhost:5432/stockroom")
        self.host = QLineEdit()
        self.host.setObjectName("serverHost")
        self.host.setPlaceholderText("dbhost, or /run/postgresql for a local socket")
        self.port = QLineEdit()
        self.port.setObjectName("serverPort")
        self.port.setPlaceholderText("5432")
        self.dbname = QLineEdit()
        self.dbname.setObjectName("serverDatabase")
        self.user = QLineEdit()
        self.user.setObjectName("serverUser")
        form = QFormLayout()
        form.addRow("&Address:", self.address)
        form.addRow("&Host:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.dbname)
        form.addRow("&User:", self.user)
        passwords = QLabel(PASSWORD_WORDS)
        passwords.setObjectName("serverPasswordHelp")
        passwords.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("serverProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.connect_button = self.buttons.addButton(
            "&Connect", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setObjectName("serverConnect")
        self.connect_button.setDefault(True)
        self.file_button = QPushButton("Use a local database &file…")
        self.file_button.setObjectName("serverUseFile")
        self.buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        self.file_button.clicked.connect(self.choose_file)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(passwords)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        self.address.textEdited.connect(self._address_edited)
        for field in (self.host, self.port, self.dbname, self.user):
            field.textEdited.connect(self._fields_edited)
        if isinstance(current, ServerDatabase):
            self.address.setText(current.uri)
            self._address_edited(current.uri)
        self.current = current
        self._job = 0
        self._background = Background(self)
        self._background.finished.connect(self._checked)
        self._background.failed.connect(self._check_failed)
        self.address.setFocus()

    # -- the address and its fields --------------------------------------------------------

    def _say(self, text: str, ok: bool = False) -> None:
        self.problem.setText(text)
        self.problem.setStyleSheet("" if ok else "color: #b71c1c;")

    def _address_edited(self, text: str) -> None:
        """The whole address typed or pasted: the fields follow when libpq can read it."""
        try:
            fields = backend.server_fields(text) if text.strip() else dict.fromkeys(
                ("host", "port", "dbname", "user"), ""
            )
        except UsageError:
            return  # still being typed; Connect says what is wrong
        self._filling = True
        try:
            self.host.setText(fields["host"])
            self.port.setText(fields["port"])
            self.dbname.setText(fields["dbname"])
            self.user.setText(fields["user"])
        finally:
            self._filling = False
        self._say("")

    def _fields_edited(self) -> None:
        """A field changed: the address is built from all four."""
        if self._filling:
            return
        try:
            uri = backend.server_uri(
                self.host.text(), self.port.text(), self.dbname.text(), self.user.text()
            )
        except UsageError as exc:
            self._say(str(exc))
            return
        self.address.setText(uri)
        self._say("")

    # -- connect, or a file ----------------------------------------------------------------

    def try_connect(self) -> None:
        """Connect (the default button, Enter): the address checked, then the server tried off
        the GUI thread; the dialog closes once it answered."""
        if self._background.busy:
            return
        text = self.address.text().strip()
        if not text:
            self._say("Give the server's address, or fill in Host and Database.")
            self.address.setFocus()
            return
        try:
            target = backend.parse(text)
        except UsageError as exc:
            self._say(str(exc))
            self.address.setFocus()
            return
        if not isinstance(target, ServerDatabase):
            self._say(
                f"{text!r} is not a server address (postgresql://…). For a database file on "
                "this computer, choose Use a local database file…"
            )
            self.address.setFocus()
            return
        self._say(f"Connecting to {target.name}…", ok=True)
        self._busy(True)
        self._job = self._background.start(lambda: check_server(target), name="connect")

    def _checked(self, job: int, target: object) -> None:
        if job != self._job:
            return
        self._busy(False)
        assert isinstance(target, ServerDatabase)
        self.chosen = target
        self.accept()

    def _check_failed(self, job: int, exc: Exception) -> None:
        if job != self._job:
            return
        self._busy(False)
        self._say(failure_text(exc))
        self.address.setFocus()

    def _busy(self, busy: bool) -> None:
        for widget in (self.connect_button, self.file_button, self.address, self.host,
                       self.port, self.dbname, self.user):  # fmt: skip
            widget.setEnabled(not busy)
        if not busy:  # a disabled default button hands Enter to another (Cancel): take it back
            self.connect_button.setDefault(True)

    def choose_file(self) -> None:
        """Use a local database file…: an existing AssetTrack file, or a new one (created)."""
        default = paths.data_dir() / paths.DB_FILENAME
        start = self.current if isinstance(self.current, Path) else default
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Use a local database file",
            str(start),
            "AssetTrack databases (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not chosen:
            return
        path = Path(chosen)
        try:  # an AssetTrack file, or a new one: refused here, not by the next start
            with backend.open_store(path, create=True, anchored=False):
                pass
        except (UserError, OSError) as exc:
            self._say(failure_text(exc))
            return
        self.chosen = path
        self.accept()

    def done(self, result: int) -> None:
        self._background.wait(15)  # no thread may answer a deleted dialog
        super().done(result)


def open_server_dialog(window: MainWindow) -> None:
    """File → Connect to a server…: choose, remember in the settings, open it (a new
    AssetTrack on that database; this window closes, its batch kept with its database)."""
    current = window.store.path
    dialog = ServerDialog(current, window)
    run_modal(dialog)
    chosen = dialog.chosen
    dialog.deleteLater()
    window.page.refocus()
    if chosen is None:
        return
    owner = window.config
    try:
        owner.update(owner.current._replace(database=backend.remembered_value(chosen)))
    except OSError as exc:
        message(window, "Connect to a server", f"The choice could not be saved: {exc}")
        return
    overridden = os.environ.get(paths.DB_ENV_VAR)
    later = (
        f" Note: the ASSETTRACK_DB variable ({overridden}) names the database at start, so "
        "AssetTrack opens that one when started without --db."
        if overridden
        else " AssetTrack opens it at every start from now on."
    )
    if backend.storage_key(chosen) == backend.storage_key(current):
        window.show_status(f"Already working on {chosen}.{later}", ok=True)
        return
    rows = len(window.session.rows)
    kept = (
        f" The {rows} scan(s) on screen stay with {current} and are offered again when it is "
        "opened."
        if rows
        else ""
    )
    if not confirm(
        window,
        "Connect to a server",
        f"Open {chosen} now?",
        "Open it",
        f"This window closes and AssetTrack starts again on it.{kept}{later}",
    ):
        window.show_status(f"Remembered {chosen} for the next start.{later}", ok=True)
        return
    window.restart(chosen)


def server_down_at_start(target: ServerDatabase, error: Exception) -> Store | None:
    """The app's server cannot be opened at start: say why and offer to try again, to work on
    the local database file for now (the remembered server stays remembered), or to quit.
    Returns the opened store, or None to quit."""
    from PySide6.QtWidgets import QMessageBox

    while True:
        box = QMessageBox()
        box.setObjectName("serverDownDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("AssetTrack cannot open the database")
        box.setText(str(error))
        box.setInformativeText(
            "Try again once the server is running, or work on this computer's own database "
            "file for now (its scans do not reach the server; File → Connect to a server… "
            "switches back)."
        )
        again = box.addButton("&Try again", QMessageBox.ButtonRole.AcceptRole)
        local = box.addButton("Use the &local database file", QMessageBox.ButtonRole.ActionRole)
        quit_button = box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(again)
        box.setEscapeButton(quit_button)
        run_modal(box)
        clicked = box.clickedButton()
        try:
            if clicked is again:
                return backend.open_store(target, create=True)
            if clicked is local:
                return backend.open_store(backend.default_target(), create=True)
            return None
        except (UserError, OSError) as exc:
            error = exc
