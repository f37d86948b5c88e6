"""The status bar's database server line, and connecting again by itself when the server is back.

On a PostgreSQL database (``core.pg_store.PgStore``) the window shows "Server: NAME — connected"
or, in red, "Server: NAME — not reachable — reconnecting…". The loss is noticed by the Scan
page's once-a-second poll (``PgStore.data_version`` reads the socket) or by a transaction that
fails; this watcher then tries a new connection every ``RETRY_MS`` in a plain thread
(``qt.background``: connecting may wait for a network timeout, the window must not) and hands it
to the store on the GUI thread (``PgStore.adopt``). The store's change counter moves, so the poll
re-checks the batch on screen against whatever happened meanwhile. While it is down, the store
refuses reads and commits at once ("cannot be reached … your batch is kept") instead of each
waiting for the server (``PgStore.background_reconnect``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from .background import Background

if TYPE_CHECKING:
    from assettrack_gui.core.pg_store import PgStore

__all__ = ["CHECK_MS", "RETRY_MS", "ServerWatch", "server_text"]

CHECK_MS = 500  # how often the line looks at the store's connection
RETRY_MS = 2000  # between two attempts to connect again
CONNECTED, UNREACHABLE = "connected", "unreachable"
BAD_STYLE = "color: #b71c1c; font-weight: bold;"


def server_text(name: str, state: str) -> str:
    if state == CONNECTED:
        return f"Server: {name} — connected"
    return f"Server: {name} — not reachable — reconnecting…"


class ServerWatch(QObject):
    """Keeps ``label`` saying the server's state and reconnects ``store`` when it comes back.

    ``stateChanged(state, words)`` tells the window (its status line) when the state changes:
    ``"unreachable"`` with why, ``"connected"`` once the server answers again."""

    stateChanged = Signal(str, str)

    def __init__(self, store: PgStore, label: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.label = label
        self.name = store.target.name
        self.state = ""
        self._trying = False
        self._next_try = 0.0
        store.background_reconnect = True
        label.setToolTip(f"The database server: {store.target}")
        self._background = Background(self)
        self._background.finished.connect(self._connected)
        self._background.failed.connect(self._not_connected)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.check()

    def check(self) -> None:
        """Show the state; when the connection is lost, start an attempt unless one is running
        or the last one failed less than ``RETRY_MS`` ago."""
        if self.store.connected:
            self._show(CONNECTED, "")
            return
        self._show(
            UNREACHABLE,
            f"The database server {self.name} is not reachable; AssetTrack connects again by "
            "itself. Nothing is lost: the batch on screen is kept — commit it once the status "
            "bar says connected.",
        )
        if self._trying or time.monotonic() < self._next_try:
            return
        self._trying = True
        self._background.start(self.store.new_connection, name="reconnect")

    def _connected(self, job: int, conn: Any) -> None:
        self._trying = False
        self.store.adopt(conn)  # or closes it: a commit connected again meanwhile
        self._show(CONNECTED, f"Connected to the database server {self.name} again.")

    def _not_connected(self, job: int, exc: Exception) -> None:
        self._trying = False
        self.store.connection_failed()
        self._next_try = time.monotonic() + RETRY_MS / 1000
        self.label.setToolTip(f"The database server: {self.store.target}\n{exc}")

    def _show(self, state: str, words: str) -> None:
        if state == self.state:
            return
        first = not self.state
        self.state = state
        self.label.setText(server_text(self.name, state))
        self.label.setStyleSheet("" if state == CONNECTED else BAD_STYLE)
        if not first:
            self.stateChanged.emit(state, words)

    def stop(self) -> None:
        """The window is closing: no more checks; a running attempt is waited for."""
        self.timer.stop()
        self._background.wait(5)
