"""A sound for every scan: one short high beep when it is accepted, a low double buzz when refused.

The clerk looks at the shelf, not at the screen, so the two must be told apart by ear. The
sounds are the bundled ``resources/sounds/accepted.wav`` and ``refused.wav`` (made by
``scripts/make_sounds.py``). Backends, best first:

* ``qsoundeffect``: QtMultimedia's QSoundEffect (PySide6-Addons), when it is installed and Qt
  sees an audio output (asked before creating any effect, so no "no audio device" warnings);
* ``winsound``: the standard library player on Windows;
* ``command``: ``paplay``/``pw-play``/``aplay`` (Linux) or ``afplay`` (macOS), started detached;
* ``beep``: ``QApplication.beep()``, once for accepted and twice for refused.

Off when ``Settings.sound_enabled`` is false (:attr:`Feedback.enabled`).
"""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QTimer, QUrl, Slot
from PySide6.QtWidgets import QApplication

from assettrack_gui.resources import resource_path

__all__ = ["BACKENDS", "Feedback", "sound_paths"]

BACKENDS = ("qsoundeffect", "winsound", "command", "beep")
PLAYERS = ("paplay", "pw-play", "aplay", "afplay")
SECOND_BEEP_MS = 180


def sound_paths() -> dict[bool, Path]:
    """The bundled sound for accepted (True) and refused (False) scans."""
    return {True: resource_path("sounds/accepted.wav"), False: resource_path("sounds/refused.wav")}


class Feedback(QObject):
    """Plays the accepted/refused sound; connect ``scanHandled(bool, str)`` to :meth:`on_scan`."""

    def __init__(
        self, enabled: bool = True, backend: str | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._paths = sound_paths()
        self._effects: dict[bool, Any] = {}
        self._player: str | None = None
        self.backend = backend or self._pick_backend()
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        if self.backend == "qsoundeffect" and not self._effects and not self._load_effects():
            self.backend = "beep"
        if self.backend == "command" and self._player is None:
            self._player = _find_player()
            if self._player is None:
                self.backend = "beep"
        self.played: list[bool] = []  # what was played, oldest first (for tests and the log)

    @Slot(bool, str)
    def on_scan(self, accepted: bool, message: str = "") -> None:
        self.play(accepted)

    def play(self, accepted: bool) -> None:
        if not self.enabled:
            return
        self.played.append(accepted)
        del self.played[:-50]
        play: Callable[[bool], None] = getattr(self, f"_play_{self.backend}")
        play(accepted)

    # --- backends --------------------------------------------------------------------------------

    def _pick_backend(self) -> str:
        if self._load_effects():
            return "qsoundeffect"
        if sys.platform == "win32":
            return "winsound"
        self._player = _find_player()
        if self._player is not None:
            return "command"
        return "beep"

    def _load_effects(self) -> bool:
        """Create the QSoundEffects, but only when QtMultimedia is there and has an output."""
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError:
            return False
        if not QMediaDevices.audioOutputs():
            return False
        for accepted, path in self._paths.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.8)
            self._effects[accepted] = effect
        return True

    def _play_qsoundeffect(self, accepted: bool) -> None:
        self._effects[accepted].play()

    def _play_winsound(self, accepted: bool) -> None:
        winsound: Any = importlib.import_module("winsound")  # Windows only

        flags = winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT
        winsound.PlaySound(str(self._paths[accepted]), flags)

    def _play_command(self, accepted: bool) -> None:
        assert self._player is not None
        if not QProcess.startDetached(self._player, [str(self._paths[accepted])])[0]:
            self._play_beep(accepted)

    def _play_beep(self, accepted: bool) -> None:
        QApplication.beep()
        if not accepted:
            QTimer.singleShot(SECOND_BEEP_MS, QApplication.beep)


def _find_player() -> str | None:
    for name in PLAYERS:
        found = shutil.which(name)
        if found:
            return found
    return None
