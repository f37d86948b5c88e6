"""One slow core call at a time off the GUI thread, its answer handed back by signal.

Reading and checking a 10,000-row import, committing it after a backup, or drawing a thousand
labels takes seconds; run on the GUI thread it would freeze the window. The call runs in a plain
Python thread and must not touch a widget; a database it needs it opens itself (an SQLite
connection belongs to the thread that opened it). Its answer arrives on the thread that owns this
object (the GUI thread) as ``finished(job, result)`` or ``failed(job, error)``. A ``UserError``
or an ``OSError`` (a path or a disk) is a message a person must see (:func:`failure_text` gives
it); any other exception is a bug: it is reported by ``failed`` too (so the caller can stop
waiting) and then raised again on the GUI thread, where the app's excepthook logs it with its
traceback.

Job ids let the caller ignore the answer of a job it has since replaced. :meth:`Background.wait`
must be called before the owner goes away (a dialog's ``done``), so no thread ever signals a
deleted object.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal

from assettrack_gui.core.errors import UserError

__all__ = ["Background", "expected", "failure_text"]


def expected(exc: BaseException) -> bool:
    """A failure a person can act on (as the CLI sees it): a ``UserError``, or an ``OSError``
    for a path they gave or a disk (permissions, read-only media, disk full)."""
    return isinstance(exc, UserError | OSError)


def failure_text(exc: BaseException) -> str:
    """What to tell the person about a failed call: its message, or for a bug that it is
    logged."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return (
        f"An unexpected error stopped this ({type(exc).__name__}: {exc}); it is recorded in "
        "the log file."
    )


class Background(QObject):
    finished = Signal(int, object)  # job id, the call's result
    failed = Signal(int, object)  # job id, the exception it raised
    # From the worker thread to this object's thread, which then says it publicly.
    _answered = Signal(int, bool, object)  # job id, ok, result or exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: list[threading.Thread] = []
        self._waiting: set[int] = set()  # jobs whose answer has not been handed out yet
        self._last = 0
        self._answered.connect(self._hand_out)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.wait)

    def start(self, call: Callable[[], object], name: str = "background") -> int:
        """Run ``call()`` in a new thread; returns the job id its answer will carry."""
        self._last += 1
        job = self._last
        self._waiting.add(job)
        thread = threading.Thread(target=self._run, args=(job, call), name=name, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return job

    @property
    def last_job(self) -> int:
        return self._last

    @property
    def busy(self) -> bool:
        """A job is running, or its answer is on its way to this thread."""
        return bool(self._waiting)

    def wait(self, timeout: float = 120.0) -> None:
        """Let every running call end (they cannot be interrupted half-way)."""
        for thread in self._threads:
            thread.join(timeout)
        self._threads = [t for t in self._threads if t.is_alive()]

    def _run(self, job: int, call: Callable[[], object]) -> None:
        try:
            result = call()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread (a bug is raised there)
            self._answered.emit(job, False, exc)
        else:
            self._answered.emit(job, True, result)

    def _hand_out(self, job: int, ok: bool, answer: object) -> None:
        self._waiting.discard(job)
        if ok:
            self.finished.emit(job, answer)
            return
        assert isinstance(answer, Exception)
        self.failed.emit(job, answer)
        if not expected(answer):
            raise answer  # a bug: the excepthook logs it with its traceback
