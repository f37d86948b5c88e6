"""Where AssetTrack keeps its files: one place, so tests redirect everything with XDG_* variables.

The directories are platformdirs' (``appauthor=False``, no version). On Linux the common case —
``$XDG_*_HOME`` an absolute path, or else an absolute ``$HOME`` — is answered here with the rule
platformdirs applies there, because importing platformdirs costs ~5 ms at every start of the app
and of ``assettrack-admin`` (its Unix module loads tempfile, shutil, random, bz2 and lzma);
anything else (another platform, no usable home) asks platformdirs. ``tests/core/test_paths.py``
checks that both give the same directories.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "AssetTrack"
DB_FILENAME = "assettrack.db"
DEMO_FILENAME = "demo.db"
SETTINGS_FILENAME = "settings.json"
DB_ENV_VAR = "ASSETTRACK_DB"

# platformdirs' user_*_dir on Linux: the XDG variable, else this folder under the home directory.
_XDG_HOMES = {
    "data": ("XDG_DATA_HOME", ".local/share"),
    "config": ("XDG_CONFIG_HOME", ".config"),
    "state": ("XDG_STATE_HOME", ".local/state"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def _user_dir(kind: str) -> Path:
    """platformdirs' ``user_<kind>_dir`` for AssetTrack (data, config, state or cache)."""
    if sys.platform == "linux":
        variable, below_home = _XDG_HOMES[kind]
        base = os.environ.get(variable, "")
        if not os.path.isabs(base):
            home = os.environ.get("HOME", "")
            base = f"{home.rstrip('/')}/{below_home}" if os.path.isabs(home) else ""
        if base:
            return Path(base, APP_DIR_NAME)
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_DIR_NAME, appauthor=False))


def data_dir() -> Path:
    return _user_dir("data")


def config_dir() -> Path:
    return _user_dir("config")


def state_dir() -> Path:
    """Per-machine state: the pending batch (core.pending), the log anchors (core.anchor)."""
    return _user_dir("state")


def cache_dir() -> Path:
    """Files that may be deleted any time (receipts opened for viewing)."""
    return _user_dir("cache")


def log_dir() -> Path:
    """Where ``assettrack.log`` goes (Linux: ``$XDG_STATE_HOME/AssetTrack/log``)."""
    if sys.platform == "linux":
        return state_dir() / "log"  # platformdirs' user_log_dir there
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database used when no --db is given: $ASSETTRACK_DB, else the platform user data dir."""
    env = os.environ.get(DB_ENV_VAR)
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILENAME


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILENAME


def demo_db_path() -> Path:
    """The demo stockroom (core/demo.py): its own file in the platform data dir, beside the
    default database, whichever database the app was started on."""
    return data_dir() / DEMO_FILENAME
