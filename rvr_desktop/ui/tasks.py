"""The one way the app runs long work off the GUI thread.

A core function runs on a pool thread with a progress callback and a
:class:`~rvr_desktop.evidence.progress.CancelToken`; its progress, result and failure
arrive back on the GUI thread as Qt signals. Workers never touch a widget. The vault
gives each thread its own database connection, so a worker may call the core freely.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from rvr_desktop.evidence.progress import CancelToken, ProgressCallback

log = logging.getLogger(__name__)

Work = Callable[[ProgressCallback, CancelToken], Any]
"""A unit of work: called on a pool thread with a progress callback and a cancel token."""

# Progress is forwarded at most this often, so a fast import cannot flood the event loop.
_PROGRESS_INTERVAL_S = 0.05


class _WorkerSignals(QObject):
    """Carries results from the pool thread; connected to a Task living on the GUI thread."""

    progress = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(object)


class Task(QObject):
    """A running (or finished) unit of work, owned by the GUI thread.

    Emits:
        progress(done: int, total: int): from time to time while the work runs;
            ``total`` is 0 when unknown.
        succeeded(result: object): once, with the work's return value.
        failed(error: BaseException): once, with what the work raised (including
            :class:`~rvr_desktop.evidence.progress.Cancelled`).
        finished(): once, after ``succeeded`` or ``failed``.
    """

    progress = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.token = CancelToken()
        self.done = False
        self._signals = _WorkerSignals()
        # The Task lives on the GUI thread, so these connections are queued onto it.
        self._signals.progress.connect(self._on_progress)
        self._signals.succeeded.connect(self._on_succeeded)
        self._signals.failed.connect(self._on_failed)

    def cancel(self) -> None:
        """Ask the work to stop at its next check; ``failed`` then carries ``Cancelled``."""
        self.token.cancel()

    @Slot(object, object)
    def _on_progress(self, done: object, total: object) -> None:
        if not self.done:
            self.progress.emit(done, total)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self.done = True
        self.succeeded.emit(result)
        self.finished.emit()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self.done = True
        self.failed.emit(error)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: _WorkerSignals, token: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._signals = signals
        self._token = token
        self._last_progress = 0.0

    def _report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self._last_progress >= _PROGRESS_INTERVAL_S:
            self._last_progress = now
            self._signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self._work(self._report, self._token)
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self._signals.failed.emit(exc)
        else:
            self._signals.succeeded.emit(result)


class TaskRunner(QObject):
    """Starts work on a thread pool and keeps track of what is still running."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool(self)
        self._running: list[Task] = []

    def start(self, name: str, work: Work) -> Task:
        """Run ``work`` on a pool thread; connect to the returned Task's signals at once.

        Results are delivered through the event loop, so connections made right after
        this call returns never miss a signal.
        """
        # Python owns the Task (no Qt parent): it lives while the runner or a caller holds it.
        task = Task(name)
        self._running.append(task)
        task.finished.connect(lambda: self._forget(task))
        log.info("task started: %s", name)
        self._pool.start(_Runnable(work, task._signals, task.token))
        return task

    def _forget(self, task: Task) -> None:
        if task in self._running:
            self._running.remove(task)
            log.info("task finished: %s", task.name)

    @property
    def running(self) -> list[Task]:
        return list(self._running)

    def cancel_all(self) -> None:
        for task in self._running:
            task.cancel()

    def wait_for_workers(self, timeout_ms: int = 10_000) -> bool:
        """Block until the pool threads are idle (used before the vault locks)."""
        return bool(self._pool.waitForDone(timeout_ms))
