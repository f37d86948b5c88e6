"""``core.paths`` gives platformdirs' directories, also where it answers them itself (Linux)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from assettrack_gui.core import paths

# Taken before the autouse ``private_dirs`` fixture replaces paths.log_dir for the tests.
LOG_DIR = paths.log_dir

APP = paths.APP_DIR_NAME


def platformdirs_dirs() -> dict[str, Path]:
    return {
        "data": Path(platformdirs.user_data_dir(APP, appauthor=False)),
        "config": Path(platformdirs.user_config_dir(APP, appauthor=False)),
        "state": Path(platformdirs.user_state_dir(APP, appauthor=False)),
        "cache": Path(platformdirs.user_cache_dir(APP, appauthor=False)),
        "log": Path(platformdirs.user_log_dir(APP, appauthor=False)),
    }


def our_dirs() -> dict[str, Path]:
    return {
        "data": paths.data_dir(),
        "config": paths.config_dir(),
        "state": paths.state_dir(),
        "cache": paths.cache_dir(),
        "log": LOG_DIR(),
    }


XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        ("{tmp}/xdg", "{tmp}/home"),  # the test set-up: every XDG variable set
        ("{tmp}/xdg/", "{tmp}/home"),  # with a trailing slash
        (None, "{tmp}/home"),  # unset: under the home directory
        (None, "{tmp}/home/"),
        ("", "{tmp}/home"),  # empty counts as unset
        ("relative/dir", "{tmp}/home"),  # relative: ignored, as the XDG spec says
        (None, "/"),  # home is the root
        (None, "relative-home"),  # no usable home: platformdirs decides (the user database)
        (None, None),
    ],
)
def test_the_same_directories_as_platformdirs(monkeypatch, tmp_path, xdg, home) -> None:
    for variable in XDG:
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg.format(tmp=tmp_path))
    if home is None:
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv("HOME", home.format(tmp=tmp_path))
    assert our_dirs() == platformdirs_dirs()


@pytest.mark.skipif(sys.platform != "linux", reason="answered by platformdirs elsewhere")
def test_linux_answers_without_importing_platformdirs(monkeypatch) -> None:
    monkeypatch.delitem(sys.modules, "platformdirs", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_Refuse("platformdirs"), *sys.meta_path])
    assert paths.settings_path().name == paths.SETTINGS_FILENAME
    assert paths.default_db_path().name == paths.DB_FILENAME
    assert LOG_DIR().name == "log"


class _Refuse:
    """An import hook that fails the test if ``name`` is imported."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        assert fullname.partition(".")[0] != self.name, f"{fullname} was imported"
