"""The case's bundles in the force's evidence store: each receipt (bucket, key, version,
SHA-256, retain-until, legal hold), what is still on its way, and the button that sends
the case's bundle to the store."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.ui.store_queue import StoreQueue, Submission, SubmissionState
from rvr_desktop.ui.store_queue_panel import STATE_TEXT


def case_line(submission: Submission) -> str:
    """One line for the case: the receipt when stored, else where it stands."""
    receipt = submission.receipt
    if submission.state is SubmissionState.DONE and receipt is not None:
        hold = "legal hold" if receipt.legal_hold else "no legal hold"
        return (
            f"Stored: {receipt.bucket}/{receipt.key} · version {receipt.version_id} · "
            f"SHA-256 {receipt.sha256} · {receipt.retention_mode} until "
            f"{receipt.retain_until:%Y-%m-%d} · {hold}"
        )
    if submission.state is SubmissionState.FAILED:
        return f"Failed: {submission.bundle_name}: {submission.error}"
    shown = SubmissionState.WAITING if submission.state is SubmissionState.UPLOADING else None
    return f"{STATE_TEXT[shown or submission.state]}: {submission.bundle_name}"


class CaseStorePanel(QWidget):
    """The case's submissions to the evidence store, refreshed as the queue changes.

    Its Submit button asks the main window to queue the case (it owns the queue's view)."""

    def __init__(
        self, store_queue: StoreQueue, case_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._queue = store_queue
        self._case_id = case_id
        self.setAccessibleName("Evidence store receipts")
        self.heading = QLabel("Evidence store", self)
        self.heading.setObjectName("hint")
        self.submit_button = QPushButton("Submit to the evidence &store…", self)
        self.submit_button.setAccessibleName("Submit this case's bundle to the evidence store")
        self.list = QListWidget(self)
        self.list.setAccessibleName("This case's receipts from the evidence store")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(90)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        store_queue.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        try:
            mine = self._queue.submissions(self._case_id)
        except RvrError:
            mine = []  # the vault is locking: the case view is about to go
        self.list.clear()
        for submission in mine:
            self.list.addItem(case_line(submission))
        self.list.setVisible(bool(mine))
        stored = sum(1 for s in mine if s.state is SubmissionState.DONE)
        self.heading.setText(
            f"Evidence store: {stored} stored" if mine else "Evidence store: not submitted"
        )

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
