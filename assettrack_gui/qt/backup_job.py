"""The automatic backup at app start (at most one a day), made off the GUI thread.

The copy, its integrity check and its head file take a few seconds on a big database, so they
run in a worker thread with its own connection (a connection belongs to the thread that opened
it); the result comes back to the GUI thread by signal. A damaged file found on the way marks
the window's own store damaged too, so nothing more is written to it (``Store.damaged``).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from assettrack_gui.core.errors import CorruptDatabase, UserError


class DailyBackup(QObject):
    """``start()`` once; ``finished(path)`` ("" if today's backup already exists) or
    ``failed(message, damaged)`` arrive on the GUI thread."""

    finished = Signal(str)
    failed = Signal(str, bool)

    def __init__(self, db_path: Path, keep: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.keep = keep
        self._thread: threading.Thread | None = None
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.wait)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="daily-backup", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = 30.0) -> None:
        """Let a backup in progress finish (on quit), so no temp file is left behind."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        from assettrack_gui.core.backups import auto_backup
        from assettrack_gui.core.store import Store

        try:
            with Store(self.db_path, create=False) as store:
                made = auto_backup(store, "start", self.keep, daily=True)
        except CorruptDatabase as exc:
            self.failed.emit(str(exc), True)
        except (UserError, OSError) as exc:
            self.failed.emit(f"The daily backup was not made: {exc}", False)
        else:
            self.finished.emit(str(made.path) if made is not None else "")
