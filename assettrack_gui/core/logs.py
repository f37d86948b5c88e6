"""AssetTrack's log file: where unexpected errors go, so a clerk has something to send.

One rotating file, ``assettrack.log`` in the platform user log dir (``paths.log_dir()``: on Linux
``~/.local/state/AssetTrack/log``), shared by the window and ``assettrack-admin``. Errors a clerk
can act on (a busy or read-only database, a refused scan) are shown, not logged; the log is for
bugs: ``log_unexpected`` writes the traceback and returns the file's path so the caller can say
where it is.

No Qt here: the window installs its own excepthook (``assettrack_gui.__main__``) on top of
``log_unexpected``; the admin CLI can call ``install_cli_excepthook()`` at the start of ``main``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from . import paths

if TYPE_CHECKING:
    import logging.handlers

__all__ = [
    "LOG_FILENAME",
    "install_cli_excepthook",
    "log_path",
    "log_unexpected",
    "setup_logging",
    "stop_logging",
]

LOG_FILENAME = "assettrack.log"
MAX_BYTES = 1_000_000  # about 5,000 tracebacks; then assettrack.log.1 … .3 keep the older ones
BACKUP_COUNT = 3
FORMAT = "%(asctime)s %(levelname)s [%(process)d %(name)s] %(message)s"

logger = logging.getLogger("assettrack_gui")

_handler: logging.handlers.RotatingFileHandler | None = None


def log_path() -> Path:
    """The current log file (its folder may not exist yet)."""
    return paths.log_dir() / LOG_FILENAME


def setup_logging(program: str = "assettrack") -> Path:
    """Send log records (INFO and up) to the rotating log file; returns the file's path.

    Called again, it keeps the handler unless the log dir has moved (tests give each run its own
    dir), in which case the old file is closed first.
    """
    global _handler
    path = log_path()
    if _handler is not None and Path(_handler.baseFilename) == path.resolve():
        return path
    stop_logging()
    import logging.handlers  # socket, pickle, queue…: only once a log file is wanted

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter(FORMAT))
    logging.getLogger().addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    _handler = handler
    logger.info("%s started (Python %s)", program, sys.version.split()[0])
    return path


def stop_logging() -> None:
    """Close the log file and detach its handler (at exit, and between tests)."""
    global _handler
    if _handler is None:
        return
    logging.getLogger().removeHandler(_handler)
    _handler.close()
    _handler = None


def log_unexpected(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    where: str = "",
) -> Path:
    """Write an unexpected error with its traceback to the log file; returns the file's path.

    Starts the log file if nobody has yet (the CLI only opens it when something goes wrong).
    """
    path = setup_logging()
    suffix = f" in {where}" if where else ""
    logger.critical("Unexpected error%s", suffix, exc_info=(exc_type, exc, tb))
    if _handler is not None:
        _handler.flush()
    return path


def install_cli_excepthook(program: str = "assettrack-admin") -> None:
    """Log any uncaught exception to the log file, then print it as Python would, plus where the
    log is. For ``assettrack-admin``: call it first thing in ``main``.

    Ctrl+C and ``SystemExit`` are not errors and are left alone.
    """

    def hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            path: Path | None = log_unexpected(exc_type, exc, tb, where=program)
        except OSError:
            path = None  # a read-only home: the traceback on stderr must still come out
        sys.__excepthook__(exc_type, exc, tb)
        if path is not None:
            print(f"{program}: unexpected error; details were written to {path}", file=sys.stderr)

    sys.excepthook = hook
