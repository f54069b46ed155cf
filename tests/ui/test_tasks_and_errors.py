"""Background work and the one error boundary."""

from __future__ import annotations

import logging
import threading

import pytest
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.progress import Cancelled, CancelToken, ProgressCallback
from rvr_desktop.ui.errors import ErrorReporter
from rvr_desktop.ui.tasks import TaskRunner
from tests.ui.conftest import ScriptedDialogs


def test_work_runs_off_the_gui_thread_and_its_result_arrives_on_it(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gui_thread = threading.get_ident()
    seen: dict[str, int] = {}

    def work(progress: ProgressCallback, cancel: CancelToken) -> str:
        seen["worker"] = threading.get_ident()
        progress(10, 10)
        return "done"

    task = runner.start("sample", work)
    task.succeeded.connect(lambda _r: seen.setdefault("delivered", threading.get_ident()))
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == ["done"]
    assert seen["worker"] != gui_thread
    assert seen["delivered"] == gui_thread
    runner.wait_for_workers()


def test_cancelling_a_task_delivers_cancelled(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()

    def work(progress: ProgressCallback, cancel: CancelToken) -> None:
        started.set()
        while True:
            cancel.raise_if_cancelled("The sample")
            progress(1, 0)

    task = runner.start("endless", work)
    started.wait(5)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.cancel()
    assert isinstance(blocker.args[0], Cancelled)
    runner.wait_for_workers()
    assert runner.running == []


def test_our_errors_are_shown_word_for_word(dialogs: ScriptedDialogs) -> None:
    ErrorReporter(dialogs).report(None, InvalidInput("Enter the victim's name."), "saving")
    assert dialogs.errors == ["Enter the victim's name."]


def test_an_unexpected_error_shows_a_calm_message_and_logs_no_content(
    dialogs: ScriptedDialogs, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise ValueError("Victim Priya said the suspect is at 12 Acacia Avenue")
    except ValueError as exc:
        error = exc
    with caplog.at_level(logging.INFO):
        ErrorReporter(dialogs).report(None, error, "saving the note")
    assert "Something unexpected went wrong while saving the note" in dialogs.errors[0]
    assert "Acacia" not in dialogs.errors[0]
    assert "ValueError" in caplog.text
    assert "Acacia" not in caplog.text and "Priya" not in caplog.text


def test_a_cancelled_task_is_not_shown_as_an_error(dialogs: ScriptedDialogs) -> None:
    ErrorReporter(dialogs).report(None, Cancelled("The import"), "importing")
    assert dialogs.errors == []
