"""The log file: rotating, in the (test-private) log dir, with unexpected errors and tracebacks."""

from __future__ import annotations

import logging
import logging.handlers
import subprocess
import sys
from pathlib import Path

from assettrack_gui.core import logs, paths


def raised() -> tuple[type[BaseException], BaseException, object]:
    try:
        {}["missing slot"]  # noqa: B018 - the bug under test
    except KeyError as exc:
        return type(exc), exc, exc.__traceback__
    raise AssertionError("unreachable")


def test_log_lives_in_the_private_log_dir(private_dirs: Path) -> None:
    assert paths.log_dir() == private_dirs / "log"
    path = logs.setup_logging("test")
    assert path == private_dirs / "log" / "assettrack.log"
    assert logs.setup_logging("test") == path  # again: the same handler, not a second one
    handlers = [
        h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(handlers) == 1
    assert handlers[0].maxBytes == logs.MAX_BYTES and handlers[0].backupCount == logs.BACKUP_COUNT


def test_an_unexpected_error_is_logged_with_its_traceback(private_dirs: Path) -> None:
    exc_type, exc, tb = raised()
    path = logs.log_unexpected(exc_type, exc, tb, where="unit test")  # type: ignore[arg-type]
    assert path.parent == private_dirs / "log" and path.is_file()
    text = path.read_text("utf-8")
    assert "CRITICAL" in text and "Unexpected error in unit test" in text
    assert "Traceback (most recent call last)" in text
    assert "in raised" in text and "KeyError: 'missing slot'" in text


def test_the_log_rotates(private_dirs: Path, monkeypatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    path = logs.setup_logging("test")
    for i in range(60):
        logs.logger.warning("line %d %s", i, "x" * 60)
    logs.stop_logging()
    rotated = sorted(p.name for p in path.parent.iterdir())
    assert rotated == ["assettrack.log", "assettrack.log.1", "assettrack.log.2", "assettrack.log.3"]


def test_cli_excepthook_logs_and_says_where(private_dirs: Path, tmp_path: Path) -> None:
    """A bug in an admin command: traceback on stderr as usual, plus the log file's path."""
    script = (
        "from assettrack_gui.core import logs\n"
        "logs.install_cli_excepthook()\n"
        "raise RuntimeError('bug in a command')\n"
    )
    log_dir = tmp_path / "cli-log"
    code = f"from assettrack_gui.core import paths; paths.log_dir = lambda: __import__('pathlib').Path({str(log_dir)!r})\n"
    proc = subprocess.run(
        [sys.executable, "-c", code + script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1
    log_file = log_dir / "assettrack.log"
    assert "RuntimeError: bug in a command" in proc.stderr
    assert f"details were written to {log_file}" in proc.stderr
    assert "RuntimeError: bug in a command" in log_file.read_text("utf-8")
