"""A slow core call off the GUI thread: its answer, a person's error or a bug, comes back on the
GUI thread."""

from __future__ import annotations

import threading

import pytest

from assettrack_gui.core.errors import UsageError
from assettrack_gui.qt.background import Background, failure_text


def test_the_answer_arrives_on_the_gui_thread_with_its_job_id(qtbot) -> None:
    worker = Background()
    threads: list[str] = []

    def call() -> int:
        threads.append(threading.current_thread().name)
        return 42

    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        job = worker.start(call, name="answer")
        assert worker.busy and worker.last_job == job
    assert blocker.args == [job, 42]
    assert threads == ["answer"] and not worker.busy
    worker.wait()


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (UsageError("no such file: x.csv"), "no such file: x.csv"),
        (PermissionError(13, "Permission denied", "/media/ro/x.pdf"), "Permission denied (/media/ro/x.pdf)"),
    ],
)
def test_a_persons_error_is_a_message(qtbot, error: Exception, text: str) -> None:
    worker = Background()

    def call() -> None:
        raise error

    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.start(call)
    assert failure_text(blocker.args[1]) == text and not worker.busy


def test_a_bug_is_reported_and_raised_on_the_gui_thread(qtbot) -> None:
    worker = Background()

    def call() -> None:
        raise KeyError("oops")

    with qtbot.captureExceptions() as caught:
        with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
            worker.start(call)
        qtbot.wait(10)
    assert "KeyError" in failure_text(blocker.args[1]) and "log file" in failure_text(blocker.args[1])
    assert [kind for kind, _value, _tb in caught] == [KeyError]  # for the excepthook's log
    assert not worker.busy
