"""A bug in the window: logged with its traceback, and the clerk is told where the log is."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from assettrack_gui.__main__ import install_excepthook


@pytest.fixture
def shown(monkeypatch) -> list[tuple[str, str, str]]:
    """Message boxes that would have been shown: (title, text, informative text)."""
    boxes: list[tuple[str, str, str]] = []

    def fake_exec(box: QMessageBox) -> int:
        boxes.append((box.windowTitle(), box.text(), box.informativeText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    return boxes


def raise_bug(message: str) -> None:
    raise ZeroDivisionError(message)


def test_an_unexpected_error_is_logged_and_the_message_names_the_log(
    qapp: QApplication, shown: list[tuple[str, str, str]], private_dirs: Path, capsys
) -> None:
    hook = install_excepthook(qapp)
    assert sys.excepthook is hook
    try:
        raise_bug("slot count was zero")
    except ZeroDivisionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    log_file = private_dirs / "log" / "assettrack.log"
    assert len(shown) == 1
    title, text, details = shown[0]
    assert title == "AssetTrack: unexpected error"
    assert "pending batch is saved after every change" in text
    assert str(log_file) in details and "ZeroDivisionError: slot count was zero" in details
    logged = log_file.read_text("utf-8")
    assert "Traceback (most recent call last)" in logged and "in raise_bug" in logged
    assert "ZeroDivisionError: slot count was zero" in capsys.readouterr().err


def test_an_error_in_a_worker_thread_is_shown_from_the_gui_thread(
    qtbot, qapp: QApplication, shown: list[tuple[str, str, str]], private_dirs: Path
) -> None:
    install_excepthook(qapp)
    worker = threading.Thread(target=raise_bug, args=("in a worker",))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
    assert "ZeroDivisionError: in a worker" in shown[0][2]
    assert "in a worker" in (private_dirs / "log" / "assettrack.log").read_text("utf-8")


def test_ctrl_c_is_not_reported_as_a_bug(
    qapp: QApplication, shown: list[tuple[str, str, str]], private_dirs: Path
) -> None:
    hook = install_excepthook(qapp)
    hook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert shown == [] and not (private_dirs / "log" / "assettrack.log").exists()
