"""The call's identity in the case header: the video call ID and the call-back number.

Both stay in sight in the compact side panel, and the number can be copied (the main
window puts it on the clipboard through the guard that clears it when the vault locks).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from rvr_desktop.evidence.case.cases import Case


class CaseIdentity(QWidget):
    """Emits:
    copy_requested(text: str): the officer asked to copy the call-back number.
    """

    copy_requested = Signal(str)

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("The call's identity")
        call_id = case.call_platform_ref.strip()
        number = case.referral.callback_number.strip()
        self.number = number
        self.call_id_label = QLabel(f"Video call ID: {call_id or 'not given'}", self)
        self.call_id_label.setAccessibleName("Video call ID")
        self.call_id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.callback_label = QLabel(f"Call-back: {number or 'none given'}", self)
        self.callback_label.setAccessibleName("Call-back number")
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setAccessibleName("Copy the call-back number")
        self.copy_button.setToolTip("Copy the call-back number (cleared when the vault locks)")
        self.copy_button.setEnabled(bool(number))
        self.copy_button.clicked.connect(lambda: self.copy_requested.emit(self.number))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.call_id_label)
        layout.addWidget(self.callback_label)
        layout.addWidget(self.copy_button)
        layout.addStretch(1)
