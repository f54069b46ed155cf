"""The call bar: while a call runs it stays in sight wherever the officer goes.

The clock, the case, the call-back number (copied through the clipboard guard, which
clears it when the vault locks), the danger button (F12) and a way back to the call.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.case.timeline import CallState
from rvr_desktop.evidence.clock import Clock, format_elapsed
from rvr_desktop.ui.clipboard_guard import ClipboardGuard


class CallBar(QWidget):
    """Shows the running call while the officer is away from its case (on the case itself
    the call panel shows the same); hidden when no call runs.

    Emits:
        danger_requested(): the officer pressed Interrupted (the same as F12).
        return_requested(): the officer asked to go back to the call's case.
    """

    danger_requested = Signal()
    return_requested = Signal()

    def __init__(self, clipboard: ClipboardGuard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callBar")
        self.setAccessibleName("Call bar")
        self._clipboard = clipboard
        self._clock: Clock | None = None
        self.case: Case | None = None
        self.state = CallState(False, False, False, None)

        self.clock_label = QLabel("0:00:00", self)
        self.clock_label.setObjectName("callClock")
        self.clock_label.setAccessibleName("Call clock")
        self.case_label = QLabel(self)
        self.case_label.setAccessibleName("Call in progress")
        self.callback_label = QLabel(self)
        self.callback_label.setAccessibleName("Call-back number")
        self.copy_button = QPushButton("Copy number", self)
        self.copy_button.setAccessibleName("Copy the call-back number")
        self.copy_button.setToolTip("Copy the call-back number (cleared when the vault locks)")
        self.copy_button.clicked.connect(self.copy_callback)
        self.back_button = QPushButton("Back to the call", self)
        self.back_button.setAccessibleName("Back to the call's case")
        self.back_button.clicked.connect(self.return_requested)
        self.danger_button = QPushButton("Interrupted (F12)", self)
        self.danger_button.setObjectName("dangerButton")
        self.danger_button.setAccessibleName("Call interrupted or danger")
        self.danger_button.setToolTip("Stamp the interruption now, from anywhere (F12)")
        self.danger_button.clicked.connect(self.danger_requested)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.case_label)
        layout.addWidget(self.callback_label)
        layout.addWidget(self.copy_button)
        layout.addStretch(1)
        layout.addWidget(self.back_button)
        layout.addWidget(self.danger_button)

        self._ticker = QTimer(self)
        self._ticker.setInterval(500)
        self._ticker.timeout.connect(self.update_clock)
        self.hide()

    @property
    def callback_number(self) -> str:
        return "" if self.case is None else self.case.referral.callback_number

    def show_call(self, case: Case, state: CallState, clock: Clock, *, on_case: bool) -> None:
        """Show ``case``'s call as ``state`` says; ``on_case`` while its case is on screen."""
        self.case, self.state, self._clock = case, state, clock
        if not state.running:
            self.clear()
            return
        where = "interrupted" if state.interrupted else "running"
        self.case_label.setText(f"Call {where}: {case.reference}")
        number = self.callback_number
        self.callback_label.setText(f"Call-back {number}" if number else "No call-back number")
        self.copy_button.setEnabled(bool(number))
        self.danger_button.setEnabled(not state.interrupted)
        self.update_clock()
        self._ticker.start()
        self.setVisible(not on_case)

    def clear(self) -> None:
        """No call runs (or the vault locked): forget the case and hide."""
        self._ticker.stop()
        self.case = None
        self.state = CallState(False, False, False, None)
        for label in (self.case_label, self.callback_label):
            label.clear()  # no case text stays in a widget after the lock
        self.clock_label.setText("0:00:00")
        self.hide()

    def update_clock(self) -> None:
        if self._clock is None:
            return
        elapsed = self.state.elapsed_ms(self._clock.utc_now_ms())
        self.clock_label.setText(format_elapsed(elapsed or 0))

    def copy_callback(self) -> None:
        if self.callback_number:
            self._clipboard.copy_case_text(self.callback_number)
