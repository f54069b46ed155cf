"""A new case from the call handler's referral."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.case import cases
from rvr_desktop.evidence.case.cases import Case, ReferenceNotValid, Referral, VictimNameMissing
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.style import error_label


class NewCaseDialog(QDialog):
    """Asks for the referral's details and creates the case when the officer presses OK.

    A rejected entry (a malformed incident number, a missing name) is explained inside the
    dialog, which stays open with everything typed so far.
    """

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self._vault = vault
        self.created: Case | None = None

        self.reference_field = QLineEdit(self)
        self.reference_field.setAccessibleName("Incident number")
        self.reference_field.setPlaceholderText("e.g. INC-2026-0042")
        self.victim_field = QLineEdit(self)
        self.victim_field.setAccessibleName("Victim's name")
        self.callback_field = QLineEdit(self)
        self.callback_field.setAccessibleName("Call-back number")
        self.platform_field = QLineEdit(self)
        self.platform_field.setAccessibleName("Video call ID")
        self.notes_field = QPlainTextEdit(self)
        self.notes_field.setAccessibleName("Notes from the call handler")
        self.notes_field.setTabChangesFocus(True)
        self.notes_field.setMinimumHeight(90)

        form = QFormLayout()
        form.addRow("&Incident number", self.reference_field)
        form.addRow("&Victim's name", self.victim_field)
        form.addRow("&Call-back number", self.callback_field)
        form.addRow("Video call I&D", self.platform_field)
        form.addRow("&Handler's notes", self.notes_field)

        self.message = error_label(self)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create case")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(460, 360)
        self._problem_field: QLineEdit | None = None
        for field in (self.reference_field, self.victim_field):
            field.textEdited.connect(lambda _text, f=field: self._corrected(f))
        self.reference_field.setFocus()

    def _corrected(self, field: QLineEdit) -> None:
        """The officer is correcting the field the message was about: the message goes."""
        if field is self._problem_field:
            self.message.hide()
            self._problem_field = None

    def _show_problem(self, message: str, field: QLineEdit | None) -> None:
        self.message.setText(message)
        self.message.show()
        self._problem_field = field
        if field is not None:
            field.setFocus()
            field.selectAll()

    def accept(self) -> None:
        try:
            self.created = cases.create_case(
                self._vault,
                self.reference_field.text(),
                self.victim_field.text(),
                call_platform_ref=self.platform_field.text(),
                referral=Referral(
                    callback_number=self.callback_field.text().strip(),
                    handler_notes=self.notes_field.toPlainText().strip(),
                ),
            )
        except ReferenceNotValid as exc:
            self._show_problem(str(exc), self.reference_field)
            return
        except VictimNameMissing as exc:
            self._show_problem(str(exc), self.victim_field)
            return
        except RvrError as exc:
            self._show_problem(str(exc), self.reference_field if "reference" in str(exc) else None)
            return
        super().accept()
