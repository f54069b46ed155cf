"""The evidence store's queue as the officer sees it: each bundle waiting, uploading (with
progress and speed), done (with its receipt) or failed (with the reason and Retry).

Every row and button is reachable by keyboard: the list takes focus, arrows choose a
bundle, and Retry and Cancel act on the chosen one. The details below the list say
everything about it in words, selectable for copying.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.store.receipt import Receipt, save_receipt
from rvr_desktop.ui.errors import unexpected_message
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.store_queue import StoreQueue, Submission, SubmissionState, UploadProgress

STATE_TEXT = {
    SubmissionState.WAITING: "Waiting",
    SubmissionState.UPLOADING: "Uploading",
    SubmissionState.DONE: "Done",
    SubmissionState.FAILED: "Failed",
    SubmissionState.CANCELLED: "Cancelled",
}


def receipt_text(receipt: Receipt) -> str:
    """The receipt in full, one fact a line, for the queue and the case."""
    hold = "yes" if receipt.legal_hold else "no"
    return (
        f"Bucket: {receipt.bucket}\n"
        f"Key: {receipt.key}\n"
        f"Version: {receipt.version_id}\n"
        f"SHA-256: {receipt.sha256}\n"
        f"Retained ({receipt.retention_mode}) until: {receipt.retain_until:%Y-%m-%d %H:%M} UTC\n"
        f"Legal hold: {hold}"
    )


def speed_text(bytes_per_second: float) -> str:
    if bytes_per_second >= 1024 * 1024:
        return f"{bytes_per_second / (1024 * 1024):.1f} MB/s"
    return f"{bytes_per_second / 1024:.0f} KB/s"


class StoreQueuePanel(QWidget):
    """The queue: a list of submissions, the chosen one's details, Retry and Cancel."""

    def __init__(
        self, services: Services, store_queue: StoreQueue, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._queue = store_queue
        self.setAccessibleName("Evidence store queue")
        self._rows: list[Submission] = []

        self.summary = QLabel(self)
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.list = QTreeWidget(self)
        self.list.setAccessibleName("Bundles for the evidence store")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["State", "Bundle"])
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.list.currentItemChanged.connect(self._show_chosen)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Upload progress")
        self.bar.setRange(0, 1000)
        self.speed = QLabel(self)
        self.speed.setAccessibleName("Upload speed")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.bar, 1)
        progress_row.addWidget(self.speed)
        # Read-only text, wrapped anywhere: keys and SHA-256 values are long, and the
        # officer may select and copy them.
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.detail.setAccessibleName("The chosen bundle in full")
        self.detail.setMaximumHeight(150)
        self.retry_button = QPushButton("&Retry", self)
        self.retry_button.setAccessibleName("Retry sending the chosen bundle")
        self.retry_button.clicked.connect(self.retry_chosen)
        self.cancel_button = QPushButton("Ca&ncel", self)
        self.cancel_button.setAccessibleName("Cancel sending the chosen bundle")
        self.cancel_button.clicked.connect(self.cancel_chosen)
        self.save_receipt_button = QPushButton("Sa&ve receipt…", self)
        self.save_receipt_button.setAccessibleName("Save the chosen bundle's receipt as JSON")
        self.save_receipt_button.clicked.connect(self.save_chosen_receipt)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_receipt_button)
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.setMinimumWidth(380)
        layout.addLayout(progress_row)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)

        store_queue.changed.connect(self.refresh)
        store_queue.progress.connect(self._on_progress)
        self.refresh()

    # ---- reading the queue -----------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.chosen()
        chosen_id = None if chosen is None else chosen.id
        try:
            self._rows = self._queue.submissions()
        except RvrError:
            self._rows = []  # the vault is locking: the panel is about to be cleared
        self.list.clear()
        current = None
        for submission in self._rows:
            item = QTreeWidgetItem([self.state_text(submission), submission.bundle_name])
            item.setData(0, Qt.ItemDataRole.UserRole, submission.id)
            self.list.addTopLevelItem(item)
            if submission.id == chosen_id or (
                chosen_id is None and submission.id == self._queue.sending
            ):
                current = item
        if current is None and self.list.topLevelItemCount():
            current = self.list.topLevelItem(self.list.topLevelItemCount() - 1)
        if current is not None:
            self.list.setCurrentItem(current)
        self._summarise()
        self._show_chosen()

    def state_text(self, submission: Submission) -> str:
        if self._queue.stopped_unexpectedly(submission.id):
            return STATE_TEXT[SubmissionState.FAILED]
        if submission.id == self._queue.sending:
            return STATE_TEXT[SubmissionState.UPLOADING]
        if submission.state is SubmissionState.UPLOADING:
            return STATE_TEXT[SubmissionState.WAITING]  # interrupted: waits to resume
        return STATE_TEXT[submission.state]

    def rows(self) -> list[tuple[str, str]]:
        """(bundle, state) of every row, as shown."""
        found = []
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None:
                found.append((item.text(1), item.text(0)))
        return found

    def detail_text(self) -> str:
        return self.detail.toPlainText()

    def chosen(self) -> Submission | None:
        item = self.list.currentItem()
        if item is None:
            return None
        wanted = item.data(0, Qt.ItemDataRole.UserRole)
        return next((s for s in self._rows if s.id == wanted), None)

    def _summarise(self) -> None:
        counts = {state: 0 for state in SubmissionState}
        for submission in self._rows:
            counts[submission.state] += 1
        waiting = counts[SubmissionState.WAITING] + counts[SubmissionState.UPLOADING]
        parts = []
        if self._queue.preparing:
            parts.append("preparing a bundle")
        if waiting:
            parts.append(f"{waiting} to send")
        if counts[SubmissionState.FAILED]:
            parts.append(f"{counts[SubmissionState.FAILED]} failed")
        if counts[SubmissionState.DONE]:
            parts.append(f"{counts[SubmissionState.DONE]} stored")
        self.summary.setText(
            ("Evidence store: " + ", ".join(parts) + ".")
            if parts
            else "Nothing has been submitted to the evidence store from this vault."
        )

    def _show_chosen(self) -> None:
        submission = self.chosen()
        sending = submission is not None and submission.id == self._queue.sending
        self.bar.setVisible(sending)
        self.speed.setVisible(sending)
        if sending:
            progress = self._queue.last_progress
            if progress is None:
                self.bar.setValue(0)
                self.speed.setText("starting…")
            else:
                self._on_progress(progress)
        self.retry_button.setEnabled(submission is not None and self._can_retry(submission))
        self.save_receipt_button.setEnabled(
            submission is not None and submission.receipt is not None
        )
        self.cancel_button.setEnabled(
            submission is not None
            and submission.state in (SubmissionState.WAITING, SubmissionState.UPLOADING)
        )
        self.detail.setPlainText("" if submission is None else self._describe(submission))

    def _can_retry(self, submission: Submission) -> bool:
        return submission.state is SubmissionState.FAILED or self._queue.stopped_unexpectedly(
            submission.id
        )

    def _describe(self, submission: Submission) -> str:
        where = f"{submission.settings.bucket}/{submission.key}"
        if self._queue.stopped_unexpectedly(submission.id):
            return unexpected_message("sending this bundle") + " Press Retry to try again."
        if submission.state is SubmissionState.DONE and submission.receipt is not None:
            return "Stored and locked, read back as sent.\n" + receipt_text(submission.receipt)
        if submission.state is SubmissionState.FAILED:
            return f"Not stored. {submission.error}\nPress Retry once the problem is put right."
        if submission.id == self._queue.sending:
            return f"Sending to {where} ({submission.size_bytes:,} bytes)."
        if submission.state is SubmissionState.UPLOADING:
            return f"Interrupted; resumes from the parts already sent, to {where}."
        return f"Waiting to be sent to {where} ({submission.size_bytes:,} bytes)."

    def _on_progress(self, progress: object) -> None:
        progress = cast(UploadProgress, progress)
        chosen = self.chosen()
        if chosen is None or chosen.id != progress.submission_id:
            return
        if progress.total > 0:
            self.bar.setValue(min(1000, progress.done * 1000 // progress.total))
        self.speed.setText(speed_text(progress.bytes_per_second))

    # ---- acting on the chosen bundle -------------------------------------------------

    def retry_chosen(self) -> None:
        submission = self.chosen()
        if submission is not None and self._can_retry(submission):
            self._queue.retry(submission.id)

    def save_chosen_receipt(self) -> None:
        """Save the receipt as JSON, for the evidence officer (``rvr-verify --receipt``)."""
        submission = self.chosen()
        if submission is None or submission.receipt is None:
            return
        start = self._services.settings.export_folder or Path.home()
        suggested = start / (submission.bundle_name.removesuffix(".zip") + "-receipt.json")
        target = self._services.dialogs.pick_save_file(
            self, "Save the receipt", suggested, "Receipt (*.json)"
        )
        if target is None:
            return
        try:
            save_receipt(submission.receipt, target)
        except RvrError as exc:
            self._services.errors.report(self, exc, "saving the receipt")

    def cancel_chosen(self) -> None:
        submission = self.chosen()
        if submission is not None and submission.state in (
            SubmissionState.WAITING,
            SubmissionState.UPLOADING,
        ):
            self.cancel_button.setEnabled(False)
            self._queue.cancel(submission.id)
