"""What to do next after the call was interrupted (the suspect walked in, the line dropped).

The interruption is already stamped in the timeline before this dialog appears.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.clock import format_local
from rvr_desktop.ui.held_words import HeldWords


class DangerChoice(StrEnum):
    RESUME = "resume"
    END = "end"
    WAIT = "wait"


GUIDANCE = (
    "1. If you believe the victim is in immediate danger, ask control to send officers now.",
    "2. Do not call back unless the agreed call-back plan says it is safe.",
    "3. If the victim comes back, check the safe word before going on.",
    "4. Write down what you saw and heard while it is fresh.",
)


def callback_details(case: Case, gate_answers: Mapping[str, Any] | None) -> str:
    """What was agreed before the call (from the last safety gate) and the referral's number,
    as rich text with every value escaped."""
    agreed = gate_answers or {}
    rows = []
    for key, label in (
        ("safe_word", "Safe word or sign agreed"),
        ("callback_plan", "Agreed call-back plan"),
        ("safe_word_action", "If the safe word or sign was used"),
        ("callback_number", "Safe call-back number (agreed at the gate)"),
    ):
        value = str(agreed.get(key, "") or "").strip()
        if value:
            rows.append(f"{label}: <b>{html.escape(value)}</b>")
    if not rows:
        rows.append("No call-back plan was recorded at the safety gate.")
    callback = case.referral.callback_number or "none given"
    rows.append(f"Call-back number from the referral: <b>{html.escape(callback)}</b>")
    rows.append(f"Handler's notes: {html.escape(case.referral.handler_notes or 'none')}")
    return "<br>".join(rows)


class DangerDialog(QDialog):
    """Guidance, the agreed call-back plan and details, and a choice: resume, end, or wait."""

    def __init__(
        self,
        case: Case,
        stamped_utc_ms: int,
        parent: QWidget | None = None,
        gate_answers: Mapping[str, Any] | None = None,
        call_time: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Call interrupted")
        self.choice = DangerChoice.WAIT
        self._case_id = case.id

        into = f", {call_time} into the call" if call_time else ""
        self.stamp = stamp = QLabel(
            f"<b>Interruption recorded at {format_local(stamped_utc_ms)[11:23]}{into}.</b>", self
        )
        stamp.setObjectName("dangerTitle")
        guidance = QLabel("\n".join(GUIDANCE), self)
        guidance.setWordWrap(True)
        self.details = QLabel(callback_details(case, gate_answers), self)
        self.details.setAccessibleName("Call-back plan and details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.note_field = QLineEdit(self)
        self.note_field.setAccessibleName("What happened")
        self.note_field.setPlaceholderText("What happened? (added to the notes)")

        self.resume_button = QPushButton("&Resume call", self)
        self.resume_button.setAccessibleName("Resume the call")
        self.end_button = QPushButton("&End call", self)
        self.end_button.setAccessibleName("End the call")
        self.wait_button = QPushButton("&Keep waiting", self)
        self.wait_button.setAccessibleName("Keep the call interrupted")
        self.wait_button.setDefault(True)
        self.resume_button.clicked.connect(lambda: self._choose(DangerChoice.RESUME))
        self.end_button.clicked.connect(lambda: self._choose(DangerChoice.END))
        self.wait_button.clicked.connect(lambda: self._choose(DangerChoice.WAIT))

        buttons = QHBoxLayout()
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.end_button)
        buttons.addStretch(1)
        buttons.addWidget(self.wait_button)

        layout = QVBoxLayout(self)
        layout.addWidget(stamp)
        layout.addWidget(guidance)
        layout.addWidget(self.details)
        layout.addWidget(self.note_field)
        layout.addLayout(buttons)
        self.resize(560, 460)
        self.note_field.setFocus()

    @property
    def note(self) -> str:
        return self.note_field.text().strip()

    def held_words(self) -> HeldWords | None:
        return HeldWords(self._case_id, self.note) if self.note else None

    def _choose(self, choice: DangerChoice) -> None:
        self.choice = choice
        self.accept()
