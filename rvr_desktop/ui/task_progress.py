"""A progress bar with Cancel that follows one running Task, hidden while nothing runs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from rvr_desktop.ui.tasks import Task


class TaskProgress(QWidget):
    """Shows how far the followed task is; Cancel asks it to stop.

    Emits:
        cancel_requested(): the officer pressed Cancel (the task was asked to stop).
    """

    cancel_requested = Signal()

    def __init__(self, doing: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task: Task | None = None
        self.label = QLabel(f"{doing}…", self)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName(f"{doing}: progress")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName(f"Cancel {doing.lower()}")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def busy(self) -> bool:
        return self._task is not None

    @property
    def task(self) -> Task | None:
        return self._task

    def follow(self, task: Task) -> None:
        self._task = task
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        self.cancel_button.setEnabled(True)
        task.progress.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        self.show()

    def cancel(self) -> None:
        if self._task is not None and not self._task.token.cancelled:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_requested.emit()

    def _on_progress(self, done: object, total: object) -> None:
        done_i, total_i = int(str(done)), int(str(total))
        if total_i > 0:
            # QProgressBar holds a 32-bit int: show per mille rather than bytes.
            self.bar.setRange(0, 1000)
            self.bar.setValue(min(1000, done_i * 1000 // total_i))

    def _on_finished(self) -> None:
        self._task = None
        self.hide()
