"""The Reports page's worker threads, and the object that owns them while they run.

Each job opens its own database connection through ``core.report_requests`` (given the database
path: an SQLite connection belongs to the thread that opened it), never touches a widget, and
reports back by signal, every signal carrying its job id so a superseded job's late rows are
ignored. ``ended(job_id)`` is always a job's last signal.

:class:`ReportJobs` (one per Reports tab) keeps each running job referenced until it has ended,
so a ``QThread`` is never destroyed while it runs, and :meth:`ReportJobs.stop_all` cancels and
waits for them (at quit, when its owner goes away, and in tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..core.csvout import ExportCancelled, sidecar_path
from ..core.errors import UserError
from ..core.report_requests import (
    ReportRequest,
    export_report,
    open_report,
    row_text,
    visible_columns,
)
from ..core.reports import Row
from ..core.settings import Settings

__all__ = [
    "CHUNK_ROWS",
    "CHUNK_SECONDS",
    "FIRST_CHUNK_ROWS",
    "ExportJob",
    "LoadJob",
    "ReportJobs",
]

FIRST_CHUNK_ROWS = 500
CHUNK_ROWS = 5000
CHUNK_SECONDS = 0.1
YIELD_EVERY = 250  # rows (FIRST_CHUNK_ROWS and CHUNK_ROWS are multiples)
YIELD_SECONDS = 0.0005


def describe(exc: BaseException) -> str:
    """A message for the clerk, never a traceback."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"{type(exc).__name__}: {exc}"


class _ReportJob(QThread):
    """One report request run in its own thread and connection; ``cancel`` asks it to stop."""

    failed = Signal(int, str)  # job id, message
    ended = Signal(int)  # job id; always the last signal

    def __init__(
        self, job_id: int, db_path: Path, request: ReportRequest, settings: Settings
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.db_path = db_path
        self.request = request
        self.settings = settings  # the owner's current settings when the job was started
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()


class LoadJob(_ReportJob):
    """Runs one report in its own connection and sends its rows in chunks."""

    began = Signal(int, str, object, object, object)  # job id, title, header, flag column, head
    chunk = Signal(int, object, object)  # job id, rows, filter texts
    completed = Signal(int, int)  # job id, rows

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.failed.emit(self.job_id, describe(exc))
        finally:
            self.ended.emit(self.job_id)

    def _run(self) -> None:
        with open_report(self.db_path, self.request, self.settings) as (report, head):
            header = list(report.header)
            flag = report.flag_column
            visible = visible_columns(header)
            self.began.emit(self.job_id, report.title, header, flag, head)
            rows: list[Row] = []
            texts: list[str] = []
            total = 0
            limit = FIRST_CHUNK_ROWS
            last = time.monotonic()
            for row in report.rows():
                rows.append(row)
                texts.append(row_text(row, visible, flag))
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


class ExportJob(_ReportJob):
    """Writes one report to CSV (plus the log-head sidecar) in its own connection."""

    progressed = Signal(int, int)  # job id, rows written
    succeeded = Signal(int, str, str, int)  # job id, csv path, sidecar path, rows
    was_cancelled = Signal(int)

    def __init__(
        self, job_id: int, db_path: Path, request: ReportRequest, settings: Settings, dest: Path
    ) -> None:
        super().__init__(job_id, db_path, request, settings)
        self.dest = dest
        # Tests wrap the row stream here (e.g. to hold the export at a known row).
        self.wrap_rows: Callable[[Iterator[Row]], Iterable[Row]] | None = None

    def run(self) -> None:
        try:
            count = export_report(
                self.db_path,
                self.request,
                self.dest,
                self.settings,
                progress=lambda n: self.progressed.emit(self.job_id, n),
                cancelled=self._stop.is_set,
                wrap_rows=self.wrap_rows,
            )
        except ExportCancelled:
            self.was_cancelled.emit(self.job_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.failed.emit(self.job_id, describe(exc))
        else:
            self.succeeded.emit(self.job_id, str(self.dest), str(sidecar_path(self.dest)), count)
        finally:
            self.ended.emit(self.job_id)


Job = LoadJob | ExportJob


def _stop(jobs: dict[int, Job], timeout_ms: int) -> None:
    for job in list(jobs.values()):
        job.cancel()
    for job in list(jobs.values()):
        job.wait(timeout_ms)
    jobs.clear()


class ReportJobs(QObject):
    """The running jobs of one Reports tab: numbered, kept alive until they end, stoppable."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._next_id = 0
        self._running: dict[int, Job] = {}
        # If the owner goes away first (its tab is deleted), stop the threads before their
        # QThread objects can be destroyed; the callback holds the dict, not this object.
        running = self._running
        self.destroyed.connect(lambda *_: _stop(running, 5000))

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def start(self, job: Job) -> None:
        """Keep ``job`` until its ``ended`` signal, then start it (connect its signals first)."""
        self._running[job.job_id] = job
        job.ended.connect(self._ended)
        job.start()

    def get(self, job_id: int) -> Job | None:
        return self._running.get(job_id)

    def cancel(self, job_id: int) -> None:
        job = self._running.get(job_id)
        if job is not None:
            job.cancel()

    def running(self) -> list[int]:
        return sorted(self._running)

    @Slot()
    def stop_all(self, timeout_ms: int = 5000) -> None:
        """Cancel every running load/export and wait for the threads (at quit, and in tests)."""
        _stop(self._running, timeout_ms)

    @Slot(int)
    def _ended(self, job_id: int) -> None:
        job = self._running.pop(job_id, None)
        if job is not None:
            job.wait()
            job.deleteLater()
