"""Scan feedback sounds: the bundled files, the fallbacks, and the on/off setting."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from assettrack_gui.qt import feedback
from assettrack_gui.qt.feedback import Feedback, sound_paths


@pytest.fixture
def beeps(monkeypatch, qapp) -> list[int]:
    count: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: count.append(1)))
    return count


def test_bundled_sounds_are_short_valid_and_different() -> None:
    paths = sound_paths()
    frames = {}
    for accepted, path in paths.items():
        with wave.open(str(path)) as sound:
            assert sound.getnchannels() == 1
            assert sound.getsampwidth() == 2
            duration = sound.getnframes() / sound.getframerate()
            assert 0.05 <= duration <= 0.5  # at once, and over before the next scan
            frames[accepted] = sound.readframes(sound.getnframes())
    assert frames[True] != frames[False]
    assert Path(paths[False]).stat().st_size > Path(paths[True]).stat().st_size  # a double buzz


def test_beep_fallback_beeps_once_for_accepted_twice_for_refused(qtbot, beeps) -> None:
    fb = Feedback(backend="beep")
    fb.on_scan(True, "AT-0001 OK")
    assert len(beeps) == 1
    fb.on_scan(False, "AT-0002 is in custody of Dana Reyes")
    qtbot.waitUntil(lambda: len(beeps) == 3)
    assert fb.played == [True, False]


def test_switched_off_plays_nothing(qtbot, beeps) -> None:
    fb = Feedback(enabled=False, backend="beep")
    fb.on_scan(False, "refused")
    qtbot.wait(feedback.SECOND_BEEP_MS + 50)
    assert beeps == []
    assert fb.played == []


def test_player_command_gets_the_right_file(qtbot, tmp_path, monkeypatch) -> None:
    log = tmp_path / "played.txt"
    player = tmp_path / "player"
    player.write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    player.chmod(0o755)
    monkeypatch.setattr(feedback, "_find_player", lambda: str(player))
    fb = Feedback(backend="command")
    assert fb.backend == "command"
    fb.play(True)
    qtbot.waitUntil(lambda: log.exists() and len(log.read_text().splitlines()) == 1)
    fb.play(False)
    qtbot.waitUntil(lambda: len(log.read_text().splitlines()) == 2)
    assert log.read_text().splitlines() == [str(p) for p in sound_paths().values()]


def test_without_a_player_the_command_backend_falls_back_to_beep(monkeypatch, qapp) -> None:
    monkeypatch.setattr(feedback, "_find_player", lambda: None)
    assert Feedback(backend="command").backend == "beep"


def test_automatic_choice_never_warns(qtbot) -> None:
    """Offscreen, with or without QtMultimedia and an audio device: a backend, no Qt warning."""
    fb = Feedback()
    assert fb.backend in feedback.BACKENDS
    if fb.backend == "qsoundeffect":
        fb.enabled = False  # do not make noise in a test run


def test_unknown_backend_is_refused(qapp) -> None:
    with pytest.raises(ValueError, match="backend must be one of"):
        Feedback(backend="speaker")
