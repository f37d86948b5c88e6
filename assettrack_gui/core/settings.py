"""Scanner and workflow settings shared by the GUI and the admin CLI.

They live in one JSON file in the platform config dir (``paths.settings_path()``) so that a
prefix configured in the GUI's Scanner settings dialog also applies to ``assettrack-admin``.
Window geometry and the last mode are per-machine UI state and stay in QSettings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from . import paths

TERMINATORS = ("enter", "tab", "crlf")  # what ends a keyboard-wedge scan (core.wedge)
SERIAL_TERMINATORS = ("CR", "LF", "CRLF", "auto")  # auto: any of CR, LF, CRLF

# The one allowed range of every numeric setting: the file is clamped to it, the GUI's spin boxes
# and the CLI's options take their limits from here.
RANGES: dict[str, tuple[int, int]] = {
    "wedge_max_interval_ms": (1, 1000),
    "wedge_min_length": (1, 100),
    "serial_baudrate": (300, 4_000_000),
    "overdue_days": (0, 36500),  # a hundred years; beyond that date arithmetic overflows
    "backups_keep": (1, 365),  # automatic backups kept (core.backups)
}
MAX_OVERDUE_DAYS = RANGES["overdue_days"][1]


def clamp(name: str, value: int) -> int:
    low, high = RANGES[name]
    return max(low, min(int(value), high))


class Settings(NamedTuple):
    """One value of every setting. Immutable: ``settings._replace(prefix="X")`` makes a changed
    copy, and ``SettingsOwner.update`` makes it current. A named tuple, not a dataclass, so that
    reading the settings does not load the ``dataclasses`` module (start-up time of the CLI)."""

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
    # Automatic backups (at app start once a day, before imports and accept-rollback)
    backups_keep: int = 14
    # The app's database when neither --db nor ASSETTRACK_DB names one (File → Connect to a
    # server…): a postgresql:// URI without password, a file's path, or "" for the default file.
    # Read by the app only (core.backend.app_target); the admin CLI names its database itself.
    database: str = ""

    def validated(self) -> Settings:
        """These settings with what a hand-edited file may have broken clamped or reset, so a
        bad file never stops scanning."""
        fixed: dict[str, Any] = {name: clamp(name, getattr(self, name)) for name in RANGES}
        if self.wedge_terminator not in TERMINATORS:
            fixed["wedge_terminator"] = "enter"
        if self.serial_terminator not in SERIAL_TERMINATORS:
            fixed["serial_terminator"] = "CR"
        return self._replace(**fixed)


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
    import json  # only when there is a file: start-up without one skips the module

    try:
        raw = json.loads(text)
    except ValueError as exc:
        return Settings(), [f"{path}: not valid JSON ({exc}); using the default settings"]
    if not isinstance(raw, dict):
        return Settings(), [f"{path}: expected a JSON object; using the default settings"]
    known = set(Settings._fields)
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
        given = Settings(**values)
        settings = given.validated()
    except (TypeError, ValueError) as exc:
        return Settings(), [*problems, f"{path}: {exc}; using the default settings"]
    for name, value in settings._asdict().items():
        if value != getattr(given, name):
            problems.append(
                f"{path}: {name} {json.dumps(getattr(given, name))} is out of range; "
                f"using {json.dumps(value)}"
            )
    return settings, problems


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a settings file."""
    path = path or paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    import json

    from .atomic import atomic_write_text

    atomic_write_text(path, json.dumps(settings._asdict(), indent=2, sort_keys=True))


Listener = Callable[[Settings], None]


class SettingsOwner:
    """The one owner of a process's settings: the engine, reports, scanners and the CLI read
    :attr:`current`; :meth:`update` validates, saves and tells every listener.

    ``current`` is replaced, never changed in place, so a reader holding the old object sees a
    consistent set. ``path=None`` with ``persist=False`` gives an in-memory owner (tests, tools).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        path: Path | None = None,
        persist: bool = True,
    ) -> None:
        self.path = path
        self.persist = persist
        self.problems: list[str] = []
        if settings is None:
            settings, self.problems = load_settings_checked(path) if persist else (Settings(), [])
        self._current = settings.validated()
        self._listeners: list[Listener] = []

    @classmethod
    def fixed(cls, settings: Settings | None = None) -> SettingsOwner:
        """An owner that never reads or writes the settings file."""
        return cls(settings or Settings(), persist=False)

    @property
    def current(self) -> Settings:
        return self._current

    def update(self, new: Settings) -> Settings:
        """Validate ``new``, save it (if persistent) and notify listeners; returns what is now current."""
        settings = new.validated()
        if self.persist:
            save_settings(settings, self.path)
        self._current = settings
        for listener in list(self._listeners):
            listener(settings)
        return settings

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)


def as_owner(settings: Settings | SettingsOwner | None) -> SettingsOwner:
    """Accept a plain Settings (fixed, not saved), an owner, or None (the settings file)."""
    if isinstance(settings, SettingsOwner):
        return settings
    if settings is None:
        return SettingsOwner()
    return SettingsOwner.fixed(settings)
