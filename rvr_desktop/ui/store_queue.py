"""The evidence store's queue as the app runs it: one bundle at a time, off the GUI thread.

A small adapter over :mod:`rvr_desktop.evidence.store.queue`, which keeps the queue in the
vault: bundles join it from the export dialog or the case, are sent on the task runner
(each worker thread gets its own vault connection from the core), and end done with a
receipt, failed with a reason (Retry puts them back), or cancelled. Whatever was left
waiting or half-sent when the app stopped is sent when the vault is next unlocked, from
the parts the store already holds. Locking the vault pauses the upload rather than
cancelling it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, Signal

from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.progress import Cancelled, CancelToken, ProgressCallback
from rvr_desktop.evidence.store import queue
from rvr_desktop.evidence.store.access_key import stored_access_key
from rvr_desktop.evidence.store.client import make_client
from rvr_desktop.evidence.store.outbox import export_for_store
from rvr_desktop.evidence.store.settings import (
    StoreNotConfigured,
    StoreSettings,
    load_store_settings,
)
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.errors import log_unexpected
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.tasks import Task

log = logging.getLogger(__name__)

Submission = queue.Submission
SubmissionState = queue.SubmissionState


class StoreNotSetUp(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "Your force has not set up an evidence store on this computer, so the bundle "
            "cannot be submitted from here. Nothing was queued. Send the bundle as your force "
            "usually does, or ask your IT team to set up the evidence store (see the "
            "administrator's guide)."
        )


def force_store_settings() -> StoreSettings:
    """The force's store, as its IT set it in the settings file; :class:`StoreNotSetUp`
    when there is none (a wrongly set one raises the setting's own plain error)."""
    try:
        return load_store_settings()
    except StoreNotConfigured:
        raise StoreNotSetUp() from None


@dataclass(frozen=True)
class UploadProgress:
    """How far the bundle being sent has gone."""

    submission_id: int
    done: int
    total: int
    bytes_per_second: float
    """Measured over this attempt (parts the store already held are not counted)."""


class StoreQueue(QObject):
    """Runs the vault's submission queue on the task runner.

    Emits:
        changed(): a submission joined, changed state or left (read the queue again).
        progress(progress: UploadProgress): from time to time while a bundle is sent.
        queue_failed(error: BaseException): a bundle could not join the queue (the
            case's export for the store failed or was refused).
    """

    changed = Signal()
    progress = Signal(object)
    queue_failed = Signal(object)

    def __init__(self, services: Services, vault: Vault, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self._task: Task | None = None
        self._sending: int | None = None
        self._pause = CancelToken()
        self._given_up: set[int] = set()
        self._cancelling: set[int] = set()
        self._closed = False
        self._preparing: list[Task] = []
        self._started_at = 0.0
        self._first_done: int | None = None
        self.last_progress: UploadProgress | None = None

    # ---- what the officer sees -------------------------------------------------------

    def submissions(self, case_id: int | None = None) -> list[Submission]:
        """The queue, oldest first; cancelled submissions are left out."""
        return [
            s
            for s in queue.submissions(self._vault, case_id)
            if s.state is not SubmissionState.CANCELLED
        ]

    @property
    def sending(self) -> int | None:
        """The submission being sent now, if any."""
        return self._sending

    def stopped_unexpectedly(self, submission_id: int) -> bool:
        """An unexpected problem stopped this one; it waits for the officer's Retry."""
        return submission_id in self._given_up

    @property
    def preparing(self) -> bool:
        """A case's bundle is being exported for the store."""
        return bool(self._preparing)

    # ---- what the officer does -------------------------------------------------------

    def add_bundle(self, case_id: int, bundle: Path) -> Submission:
        """Queue a bundle .zip just exported from this vault, and start sending."""
        submission = queue.enqueue(self._vault, case_id, bundle, force_store_settings())
        self.changed.emit()
        self.resume()
        return submission

    def add_case(self, case_id: int) -> Task:
        """Export the case for the store (off the GUI thread), queue it, and start sending."""
        settings = force_store_settings()
        vault = self._vault
        timestamp_url = self._services.settings.timestamp_url

        def work(progress: ProgressCallback, cancel: CancelToken) -> Submission:
            bundle = export_for_store(
                vault,
                case_id,
                settings,
                timestamp_url=timestamp_url,
                progress=progress,
                cancel=cancel,
            )
            return queue.enqueue(vault, case_id, bundle, settings)

        task = self._services.tasks.start("export for the evidence store", work)
        self._preparing.append(task)
        task.succeeded.connect(lambda _s: self._after_preparing(task, None))
        task.failed.connect(lambda error: self._after_preparing(task, error))
        self.changed.emit()
        return task

    def retry(self, submission_id: int) -> None:
        """A failed submission back in the queue; it resumes from the parts already sent."""
        self._given_up.discard(submission_id)
        queue.retry(self._vault, submission_id)
        self.changed.emit()
        self.resume()

    def cancel(self, submission_id: int) -> None:
        """Take a submission out of the queue for good (the store drops any parts).

        The one being sent stops at its next part; the core marks it cancelled and records
        nothing. Another is cancelled on a worker, since the store may have to be told."""
        if submission_id == self._sending and self._task is not None:
            self._task.cancel()
            return
        self._cancelling.add(submission_id)  # never started while it is being cancelled
        vault = self._vault

        def work(progress: ProgressCallback, cancel: CancelToken) -> None:
            submission = queue.get_submission(vault, submission_id)
            client = None
            if submission.upload_id:
                client = make_client(submission.settings, stored_access_key(vault))
            queue.cancel_submission(vault, client, submission_id)

        task = self._services.tasks.start("cancel a submission", work)
        task.finished.connect(lambda: self._after_cancel(submission_id))
        task.failed.connect(self._report)

    def resume(self) -> None:
        """Send the next waiting (or interrupted) bundle, unless one is being sent."""
        if self._task is not None or self._pause.cancelled:
            return
        skipped = self._given_up | self._cancelling
        waiting = [s for s in queue.unfinished(self._vault) if s.id not in skipped]
        if not waiting:
            return
        self._send(waiting[0])

    def pause(self) -> None:
        """Stop sending before the vault locks; what was sent stays for the next unlock."""
        self._pause.cancel()
        for task in self._preparing:
            task.cancel()

    def close(self) -> None:
        """Pause, and ignore whatever the workers still report: the vault is going, and
        this object with it."""
        self.pause()
        self._closed = True

    # ---- inside ----------------------------------------------------------------------

    def _send(self, submission: Submission) -> None:
        vault = self._vault
        pause = self._pause

        def work(progress: ProgressCallback, cancel: CancelToken) -> object:
            client = make_client(submission.settings, stored_access_key(vault))
            return queue.submit(
                vault, submission, client, progress=progress, cancel=cancel, pause=pause
            )

        self._sending = submission.id
        self._started_at = time.monotonic()
        self._first_done = None
        self.last_progress = None
        task = self._services.tasks.start("submit to the evidence store", work)
        self._task = task
        task.progress.connect(lambda done, total: self._on_progress(submission.id, done, total))
        task.failed.connect(lambda error: self._on_failed(submission.id, error))
        task.finished.connect(self._on_finished)
        self.changed.emit()

    def _on_progress(self, submission_id: int, done: object, total: object) -> None:
        if self._closed:
            return
        done_i, total_i = int(str(done)), int(str(total))
        now = time.monotonic()
        if self._first_done is None:
            # Parts the store already held are reported at once: speed counts from here.
            self._first_done, self._started_at = done_i, now
        elapsed = now - self._started_at
        speed = (done_i - self._first_done) / elapsed if elapsed > 0 else 0.0
        self.last_progress = UploadProgress(submission_id, done_i, total_i, speed)
        self.progress.emit(self.last_progress)

    def _on_failed(self, submission_id: int, error: object) -> None:
        if self._closed:
            return
        error = cast(BaseException, error)
        if isinstance(error, (RvrError, Cancelled)):
            return  # the core kept the state and the reason in the vault; the panel shows it
        # A bug: do not try this one again until the officer asks.
        self._given_up.add(submission_id)
        log_unexpected(error, "submitting to the evidence store")

    def _on_finished(self) -> None:
        if self._closed:
            return
        self._task = None
        self._sending = None
        self.last_progress = None
        self.changed.emit()
        self.resume()

    def _after_preparing(self, task: Task, error: object) -> None:
        if self._closed:
            return
        if task in self._preparing:
            self._preparing.remove(task)
        if error is not None:
            self.queue_failed.emit(error)
        self.changed.emit()
        self.resume()

    def _after_cancel(self, submission_id: int) -> None:
        if self._closed:
            return
        self._cancelling.discard(submission_id)
        self.changed.emit()
        self.resume()

    def _report(self, error: object) -> None:
        if self._closed:
            return
        self._services.errors.report(None, cast(BaseException, error), "cancelling a submission")
