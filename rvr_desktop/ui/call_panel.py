"""The call: safety gate, Start call, the call clock, End call and Call interrupted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.case.timeline import CallState, TimelineEntry
from rvr_desktop.evidence.clock import document_time, format_elapsed
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.interruption import interrupt_call
from rvr_desktop.ui.safety_gate_dialog import SafetyGateDialog
from rvr_desktop.ui.services import Services

GateDialogFactory = Callable[[QWidget], SafetyGateDialog]
"""Builds the safety-gate dialog; it records the gate's outcome itself when accepted."""


class CallPanel(QWidget):
    """Shows where the call stands and records its events.

    Emits:
        entry_recorded(entry: TimelineEntry): a call event or note was stamped here.
        state_changed(state: CallState): after any event, with the new state.
    """

    entry_recorded = Signal(object)
    state_changed = Signal(object)

    def __init__(
        self,
        services: Services,
        vault: Vault,
        case: Case,
        gate_dialog: GateDialogFactory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self._case = case
        self._gate_dialog = gate_dialog
        self.state = CallState(False, False, False, None)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("callStatus")
        self.status_label.setAccessibleName("Call status")
        self.clock_label = QLabel("0:00:00", self)
        self.clock_label.setObjectName("callClock")
        self.clock_label.setAccessibleName("Call clock")

        self.gate_button = QPushButton("Safety gate…", self)
        self.gate_button.setAccessibleName("Safety gate")
        self.gate_button.setToolTip("Answer the safety questions before a call (Ctrl+Shift+G)")
        self.gate_button.clicked.connect(self.open_safety_gate)
        self.start_button = QPushButton("Start call", self)
        self.start_button.setObjectName("startButton")
        self.start_button.setAccessibleName("Start call")
        self.start_button.setToolTip("Start the call clock (Ctrl+Shift+S)")
        self.start_button.clicked.connect(self.start_call)
        self.end_button = QPushButton("End call", self)
        self.end_button.setAccessibleName("End call")
        self.end_button.setToolTip("End the call (Ctrl+Shift+E)")
        self.end_button.clicked.connect(self.end_call)
        self.resume_button = QPushButton("Resume", self)
        self.resume_button.setAccessibleName("Resume the call")
        self.resume_button.setToolTip("The victim is back on the call")
        self.resume_button.clicked.connect(self.resume_call)
        self.danger_button = QPushButton("Interrupted / danger", self)
        self.danger_button.setObjectName("dangerButton")
        self.danger_button.setAccessibleName("Call interrupted or danger")
        self.danger_button.setToolTip(
            "The suspect walked in or the line dropped: stamp it now (F12)"
        )
        self.danger_button.clicked.connect(self.interrupt)
        # Tab never lands on the two buttons that change the call: an officer tabbing out
        # of a form must not end the call with Space. Their keys are Ctrl+Shift+E and F12.
        for button in (self.end_button, self.danger_button):
            button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        top = QHBoxLayout()
        top.addWidget(self.clock_label)
        top.addWidget(self.status_label, 1)
        buttons = QHBoxLayout()
        for button in (
            self.gate_button,
            self.start_button,
            self.resume_button,
            self.end_button,
            self.danger_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(buttons)

        self._ticker = QTimer(self)
        self._ticker.setInterval(500)
        self._ticker.timeout.connect(self.update_clock)
        self.refresh()

    # ---- showing the state ----------------------------------------------------------

    def refresh(self) -> None:
        self.state = timeline.call_state(self._vault, self._case.id)
        state = self.state
        if state.running and state.interrupted:
            text = "Call interrupted: resume when the victim is back, or end the call."
        elif state.running:
            text = "Call running."
        elif state.gate_passed:
            text = "Safety gate passed: ready to start the call."
        else:
            text = "Safety gate not yet passed: answer it before starting the call."
        self.status_label.setText(text)
        self.status_label.setProperty("alert", state.interrupted)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        self.gate_button.setEnabled(not state.running and self._gate_dialog is not None)
        self.start_button.setEnabled(state.gate_passed and not state.running)
        self.end_button.setEnabled(state.running)
        self.danger_button.setEnabled(state.running and not state.interrupted)
        self.resume_button.setVisible(state.running and state.interrupted)
        if state.running:
            self._ticker.start()
        else:
            self._ticker.stop()
        self.update_clock()
        self._show_ended()
        self.state_changed.emit(state)

    def update_clock(self) -> None:
        elapsed = self.state.elapsed_ms(self._vault.clock.utc_now_ms())
        if elapsed is None:
            self.clock_label.setText("0:00:00")
            return
        seconds = max(elapsed, 0) // 1000
        self.clock_label.setText(f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}")

    # ---- recording events -----------------------------------------------------------

    def _record(self, event: CallEvent, text: str) -> TimelineEntry | None:
        try:
            entry = timeline.record_event(self._vault, self._case.id, event, text)
        except RvrError as exc:
            self._services.errors.report(self, exc, "recording the call event")
            self.refresh()
            return None
        self.entry_recorded.emit(entry)
        self.refresh()
        return entry

    def open_safety_gate(self) -> None:
        if self._gate_dialog is None or self.state.running:
            return
        dialog = self._gate_dialog(self)
        try:
            self._services.dialogs.run(dialog)
            if dialog.recorded is not None:
                self.entry_recorded.emit(dialog.recorded)
        finally:
            dialog.deleteLater()
        self.refresh()

    def start_call(self) -> None:
        if self.state.running:
            return
        self._record(CallEvent.CALL_STARTED, "Call started")

    def end_call(self) -> None:
        """Ask first, then stamp the end and show how long the call lasted; the notes and
        forms stay as they are. (Ending from the danger dialog is recorded there.)"""
        if not self.state.running:
            return
        if not self._services.dialogs.confirm(
            self,
            "End the call?",
            "End the call now? The end is stamped in the notes and the clock stops; "
            "a new call needs the safety gate again.",
        ):
            return
        self._record(CallEvent.CALL_ENDED, "Call ended")

    def _show_ended(self) -> None:
        """After a call, and when the case is opened again later: when the last call ended
        and how long it lasted, until a new safety gate is passed."""
        ended = self.state.last_ended
        if ended is None or self.state.running or self.state.gate_passed:
            return
        when = document_time(ended.recorded_utc_ms)
        if ended.elapsed_ms is None:
            self.status_label.setText(
                f"Last call ended {when}. A new call needs the safety gate again."
            )
            return
        length = format_elapsed(ended.elapsed_ms)
        self.clock_label.setText(length)
        self.status_label.setText(
            f"Call ended after {length} ({when}). A new call needs the safety gate again."
        )

    def resume_call(self) -> None:
        if self.state.interrupted:
            self._record(CallEvent.CALL_RESUMED, "Call resumed")

    def interrupt(self, parent: QWidget | None = None) -> None:
        """Stamp the interruption first, then ask what to do next (over ``parent``, the
        window the officer is in, when F12 came from another window)."""
        if not self.state.running or self.state.interrupted:
            return
        done = interrupt_call(self._services, self._vault, self._case, parent or self)
        if self._vault.is_locked:
            return  # locked while the dialog was open: this panel is gone with the case
        self.refresh()
        if done is None:
            return
        for entry in (done.stamped, done.note, done.follow_up):
            if entry is not None:
                self.entry_recorded.emit(entry)
