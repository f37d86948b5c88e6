"""Root test configuration: every test runs offscreen and with private data/config/log dirs."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from assettrack_gui.core import logs, paths  # noqa: E402


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory, monkeypatch):
    """Point platformdirs (and QSettings) at a temp dir so nothing touches the real user dirs.

    The log dir is also set directly: on macOS and Windows platformdirs ignores XDG_*.
    """
    base = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = base / var.lower()
        path.mkdir()
        monkeypatch.setenv(var, str(path))
    monkeypatch.delenv("ASSETTRACK_DB", raising=False)
    monkeypatch.setattr(paths, "log_dir", lambda: base / "log")
    yield base
    logs.stop_logging()
