"""Scanner and workflow settings shared by the GUI and the admin CLI.

They live in one JSON file in the platform config dir (``paths.settings_path()``) so that a
prefix configured in the GUI's Scanner settings dialog also applies to ``assettrack-admin``.
Window geometry and the last mode are per-machine UI state and stay in QSettings.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from . import paths

TERMINATORS = ("enter", "tab", "crlf")
MAX_OVERDUE_DAYS = 36500  # a hundred years; beyond that date arithmetic overflows
SERIAL_TERMINATORS = ("CR", "LF", "CRLF", "auto")  # auto: any of CR, LF, CRLF


@dataclass
class Settings:
    # Scan normalisation (core.matching.normalize_scan)
    strip_aim: bool = True
    prefix: str = ""
    suffix: str = ""
    # Keyboard wedge burst detection
    wedge_max_interval_ms: int = 35
    wedge_min_length: int = 4
    wedge_terminator: str = "enter"
    # Serial scanner
    serial_port: str = ""
    serial_vid_pid: str = ""
    serial_baudrate: int = 9600
    serial_terminator: str = "CR"
    # Feedback and reports
    sound_enabled: bool = True
    overdue_days: int = 14

    def validated(self) -> Settings:
        """Clamp values a hand-edited file may have broken, so a bad file never stops scanning."""
        if self.wedge_terminator not in TERMINATORS:
            self.wedge_terminator = "enter"
        if self.serial_terminator not in SERIAL_TERMINATORS:
            self.serial_terminator = "CR"
        self.wedge_max_interval_ms = max(1, min(int(self.wedge_max_interval_ms), 1000))
        self.wedge_min_length = max(1, min(int(self.wedge_min_length), 100))
        self.serial_baudrate = max(300, int(self.serial_baudrate))
        self.overdue_days = max(0, min(int(self.overdue_days), MAX_OVERDUE_DAYS))
        return self


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing or unreadable file gives the defaults."""
    return load_settings_checked(path)[0]


def load_settings_checked(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings, and one line per problem found in the file (naming the file).

    A broken file never stops scanning: what cannot be used falls back to its default, and the
    caller shows the problems (the CLI on stderr) so a typo does not go unnoticed. A missing
    file is not a problem: it means "all defaults".
    """
    path = path or paths.settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return Settings(), [f"{path}: cannot read the settings ({reason}); using the defaults"]
    try:
        raw = json.loads(text)
    except ValueError as exc:
        return Settings(), [f"{path}: not valid JSON ({exc}); using the default settings"]
    if not isinstance(raw, dict):
        return Settings(), [f"{path}: expected a JSON object; using the default settings"]
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    problems: list[str] = []
    defaults = Settings()
    for name, value in raw.items():
        if name not in known:
            continue  # a setting of another version: not a mistake
        default = getattr(defaults, name)
        if type(value) is type(default):
            values[name] = value
        else:
            problems.append(
                f"{path}: {name} should be {type(default).__name__}, not {json.dumps(value)}; "
                f"using {json.dumps(default)}"
            )
    try:
        settings = Settings(**values)
        given = asdict(settings)
        settings.validated()
    except (TypeError, ValueError) as exc:
        return Settings(), [*problems, f"{path}: {exc}; using the default settings"]
    for name, value in asdict(settings).items():
        if value != given[name]:
            problems.append(
                f"{path}: {name} {json.dumps(given[name])} is out of range; using {json.dumps(value)}"
            )
    return settings, problems


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a settings file."""
    path = path or paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(settings), fh, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
