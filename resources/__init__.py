"""Files the app ships: fonts, sounds, icons, the .desktop file.

The folder sits at the top of the source tree (``resources/``) and is installed as the package
``assettrack_gui.resources``, so the running app finds the same files from a checkout, an editable
install or a wheel.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """The path of a bundled file, e.g. ``resource_path("sounds/accepted.wav")``."""
    path = ROOT / name
    if not path.is_file():
        raise FileNotFoundError(f"bundled resource missing: {name}")
    return path
