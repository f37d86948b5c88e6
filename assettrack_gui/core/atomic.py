"""The one way AssetTrack replaces a file: write a temp file beside it, fsync, rename, fsync the folder.

A crash, a full disk or a cancel at any moment leaves either the old file or the new one, never
half of either. Every writer of a whole file (settings, pending batches, CSV exports and their
sidecars, receipts, backups) goes through here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable; not possible (or needed) on every platform."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_beside(dest: Path, mode: int = 0o666) -> tuple[Path, BinaryIO]:
    """A new hidden file in dest's folder (same filesystem, so the final rename is atomic).

    Created with ``mode`` minus the umask (like any file the user saves), not 0o600 as
    ``tempfile.mkstemp`` would make it.
    """
    while True:
        tmp = dest.with_name(f".{dest.name}.{os.urandom(6).hex()}.part")
        try:
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode
            )
        except FileExistsError:
            continue
        return tmp, os.fdopen(fd, "wb")


def write_temp(dest: Path, produce: Callable[[BinaryIO], T], mode: int = 0o666) -> tuple[Path, T]:
    """Run ``produce(file)`` on a temp file beside ``dest``; return (temp path, its result).

    The temp file is flushed, fsynced and closed but not yet renamed (see :func:`commit_temp`);
    on any failure it is deleted and the error propagates.
    """
    tmp, fh = temp_beside(dest, mode)
    try:
        with fh:
            result = produce(fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp, result


def commit_temp(tmp: Path, dest: Path) -> None:
    """Rename a finished temp file over ``dest`` and make the rename durable."""
    try:
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(dest.parent)


def atomic_write(
    dest: str | os.PathLike[str], produce: Callable[[BinaryIO], T], *, mode: int = 0o666
) -> T:
    """Replace ``dest`` with what ``produce(file)`` writes, all or nothing; returns its result."""
    path = Path(dest)
    tmp, result = write_temp(path, produce, mode)
    commit_temp(tmp, path)
    return result


def atomic_write_bytes(dest: str | os.PathLike[str], data: bytes, *, mode: int = 0o666) -> None:
    atomic_write(dest, lambda fh: fh.write(data), mode=mode)


def atomic_write_text(
    dest: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", mode: int = 0o666
) -> None:
    atomic_write_bytes(dest, text.encode(encoding), mode=mode)


@contextmanager
def atomic_path(dest: str | os.PathLike[str], *, mode: int = 0o666) -> Iterator[Path]:
    """For writers that need a file name (SQLite's backup, a PDF library): yield a temp path
    beside ``dest``; when the block ends without error it is fsynced and renamed over ``dest``,
    otherwise deleted."""
    path = Path(dest)
    tmp, fh = temp_beside(path, mode)
    fh.close()
    try:
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    commit_temp(tmp, path)
