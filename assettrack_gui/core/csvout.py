"""CSV export that is safe to open in Excel and never leaves a half file behind.

Why each rule exists:

* Formula injection (OWASP, CWE-1236): a text cell starting with ``=``, ``+``, ``-``, ``@``, Tab, CR
  or LF is run as a formula by spreadsheets, so such cells get a leading apostrophe. Real numbers
  (``int``/``float``, not ``bool``) stay numbers so sums still work. Tags and serials are always
  ``str`` and are written exactly as stored, so ``00123`` keeps its zeros; a tag ``-123`` is text
  and is written ``'-123``.
* Excel reads UTF-8 reliably only with a BOM, so files (and stdout) are ``utf-8-sig``, CRLF lines.
* Rows are streamed: a 1,000,000-event export holds one row at a time, never the list.
* The CSV is written to a hidden temp file next to the destination (mode 0o666 minus the umask),
  fsynced and renamed into place, so a crash or a cancel never leaves a partial CSV under the
  final name. A symlink is followed first; a FIFO or device is written to directly.

Event-log head sidecar
----------------------
An auditor needs to know which state of the hash-chained event log a report was taken from, but
an extra line inside the CSV would break every spreadsheet and script reading it. So when
``log_head=(event_count, head_hash)`` is given and the destination is ``X.csv``, a small text file
``X.csv.loghead.txt`` (see :func:`sidecar_path`) is written next to it::

    events: 1234
    head_hash: <64 hex digits of the newest event's hash>
    exported_at: 2026-11-24T18:30:12.123Z
    file: X.csv
    rows: 1000
    sha256: <sha256 of the CSV file's bytes, BOM included>

When the destination is ``-`` (stdout) the same lines go to stderr (with ``file: -``).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

from .atomic import fsync_dir, write_temp
from .errors import UsageError, UserError
from .eventlog import LogHead, utc_now

__all__ = [
    "ExportCancelled",
    "SIDECAR_SUFFIX",
    "is_stream",
    "resolve_dest",
    "neutralise",
    "sidecar_path",
    "write_csv",
]

SIDECAR_SUFFIX = ".loghead.txt"
# How often (in rows) progress is reported and the cancel flag is polled.
CHECK_EVERY = 1000

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


class ExportCancelled(Exception):
    """The export was cancelled; no file was left under the destination name."""


def neutralise(value: Any) -> str | int | float:
    """A cell value that a spreadsheet shows as the data, never runs as a formula.

    ``int``/``float`` come back unchanged (written as plain numbers); ``None`` becomes an empty
    cell; everything else is text and gets a ``'`` prefix if it starts like a formula.
    Non-finite floats (``nan``, ``-inf``) are not numbers to Excel, so they are treated as text.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            value = str(value)
        else:
            return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def resolve_dest(dest: str | os.PathLike[str]) -> str:
    """Where an export really goes: ``-`` stays ``-``; a symlink is followed to its target.

    Following the link first means the temp-file-and-rename lands on the target (and the sidecar
    beside it) instead of replacing the link itself with a regular file.
    """
    if isinstance(dest, str) and dest == "-":
        return dest
    path = Path(dest).expanduser()
    if path.is_symlink() and not is_stream(path):
        real = os.path.realpath(path)
        # /dev/stdout -> /proc/self/fd/1 -> "pipe:[…]" or a redirected file: keep writing
        # through the link, never replace what the shell opened.
        if not real.startswith(("/proc/", "/dev/")):
            path = Path(real)
    return str(path)


def is_stream(dest: str | os.PathLike[str]) -> bool:
    """True for ``-`` and for an existing destination that is not a regular file.

    A FIFO, a terminal or a device (``/dev/stdout``, ``/dev/null``) must be written to, never
    replaced by a renamed temp file, and gets no sidecar beside it: its log head goes to stderr.
    """
    if isinstance(dest, str) and dest == "-":
        return True
    try:
        mode = os.stat(dest).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        return False
    if not stat.S_ISREG(mode):
        return True
    # A regular file reached through /dev/stdout or /proc/self/fd/N is the shell's redirection.
    return os.path.realpath(Path(dest).expanduser()).startswith("/proc/") or str(dest).startswith(
        ("/dev/", "/proc/")
    )


def check_destination(dest: str, *, force: bool, what: str = "the file") -> str:
    """The one rule for a file named on the command line (``--csv``, ``--pdf``, ``backup``):
    never write through a symbolic link, never replace an existing regular file unless
    ``force``; a FIFO or device (``/dev/stdout``, even through its link) is written into.
    Returns where to write; raises ``UsageError`` saying why not."""
    if dest == "-":
        return dest
    path = Path(dest).expanduser()
    if is_stream(path):
        return str(path)
    if path.is_symlink():
        raise UsageError(
            f"{path} is a symbolic link (to {os.path.realpath(path)}): AssetTrack never writes "
            f"{what} through a link; name the file itself."
        )
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for {what}.")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; add --force to replace it.")
    if not path.parent.is_dir():
        raise UsageError(f"No folder {path.parent} for {path.name}.")
    return str(path)


def _stream_into(
    dest: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    log_head: tuple[int, str] | LogHead | None,
    progress: Callable[[int], object] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    """Write straight into a non-regular destination; a write error is a message, not a traceback."""
    try:
        with open(dest, "wb") as fh:
            count, digest = _write_rows(cast(BinaryIO, fh), header, rows, progress, cancelled)
            fh.flush()
    except ExportCancelled:
        raise
    except OSError as exc:
        raise UserError(f"Cannot write the CSV to {dest}: {exc.strerror or exc}") from None
    if log_head is not None:
        sys.stderr.write(_head_lines(log_head, dest, count, digest))
        sys.stderr.flush()
    return count


def sidecar_path(dest: str | os.PathLike[str]) -> Path:
    """``X.csv`` -> ``X.csv.loghead.txt``, next to the CSV."""
    dest = Path(dest)
    return dest.with_name(dest.name + SIDECAR_SUFFIX)


class _HashingSink(io.BufferedIOBase):
    """Passes bytes through to ``sink`` and hashes them, so the sidecar's sha256 costs no re-read."""

    def __init__(self, sink: BinaryIO) -> None:
        super().__init__()
        self._sink = sink
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.sha256.update(data)
        self._sink.write(data)
        return len(data)

    def flush(self) -> None:
        if not self.closed:
            self._sink.flush()


def _head_lines(log_head: tuple[int, str] | LogHead, file_name: str, rows: int, sha256: str) -> str:
    count, head_hash = (
        (log_head.count, log_head.head_hash) if isinstance(log_head, LogHead) else log_head
    )
    return (
        f"events: {count}\n"
        f"head_hash: {head_hash}\n"
        f"exported_at: {utc_now()}\n"
        f"file: {file_name}\n"
        f"rows: {rows}\n"
        f"sha256: {sha256}\n"
    )


def _write_rows(
    sink: BinaryIO,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    progress: Callable[[int], object] | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[int, str]:
    """Write header and rows to ``sink``; return (data rows written, sha256 hex of the bytes)."""
    hashing = _HashingSink(sink)
    text = io.TextIOWrapper(cast(BinaryIO, hashing), encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)  # default dialect: CRLF line ends, minimal quoting
        writer.writerow([neutralise(h) for h in header])
        count = 0
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
            count += 1
            if count % CHECK_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise ExportCancelled(f"export cancelled after {count} rows")
                if progress is not None:
                    progress(count)
        text.flush()
    finally:
        # Detach rather than close: closing would close the sink (stdout, or our file handle).
        text.detach()
        hashing.close()
    if progress is not None and count % CHECK_EVERY != 0:
        progress(count)
    return count, hashing.sha256.hexdigest()


def write_csv(
    dest: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    log_head: tuple[int, str] | LogHead | None = None,
    progress: Callable[[int], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Stream ``header`` and ``rows`` to ``dest`` (a path, or ``"-"`` for stdout).

    Returns the number of data rows written. ``progress(n)`` is called every 1,000 rows and once
    at the end; ``cancelled()`` is polled every 1,000 rows and, when true, the partial file is
    deleted and :class:`ExportCancelled` raised (on stdout, output just stops: what was already
    written cannot be taken back, and no log-head lines are printed). An existing file at
    ``dest`` is replaced only when the new one is complete; a symlink is followed to its target.
    An existing FIFO or device (see :func:`is_stream`) is written to directly, with the log head
    on stderr as for ``-``, and a failed write there raises :class:`UserError`. Raises ``OSError``
    if the folder does not exist or cannot be written.
    """
    if isinstance(dest, str) and dest == "-":
        sys.stdout.flush()
        count, digest = _write_rows(sys.stdout.buffer, header, rows, progress, cancelled)
        sys.stdout.buffer.flush()
        if log_head is not None:
            sys.stderr.write(_head_lines(log_head, "-", count, digest))
            sys.stderr.flush()
        return count

    dest = resolve_dest(dest)
    if is_stream(dest):
        return _stream_into(str(dest), header, rows, log_head, progress, cancelled)
    dest = Path(dest)
    tmp, (count, digest) = write_temp(
        dest, lambda fh: _write_rows(fh, header, rows, progress, cancelled)
    )
    side_tmp: Path | None = None
    try:
        if log_head is not None:
            lines = _head_lines(log_head, dest.name, count, digest).encode("utf-8")
            side_tmp, _ = write_temp(sidecar_path(dest), lambda fh: fh.write(lines))
        os.replace(tmp, dest)
        if side_tmp is not None:
            os.replace(side_tmp, sidecar_path(dest))
    except BaseException:
        for leftover in (tmp, side_tmp):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink()
        raise
    fsync_dir(dest.parent)
    return count
