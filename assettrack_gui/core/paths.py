"""Where AssetTrack keeps its files: one place, so tests redirect everything with XDG_* variables."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "AssetTrack"
DB_FILENAME = "assettrack.db"
DEMO_FILENAME = "demo.db"
SETTINGS_FILENAME = "settings.json"
DB_ENV_VAR = "ASSETTRACK_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def log_dir() -> Path:
    """Where ``assettrack.log`` goes (Linux: ``$XDG_STATE_HOME/AssetTrack/log``)."""
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
