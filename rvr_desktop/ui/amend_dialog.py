"""Amend a note: the new text and the reason; the original stays on record."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.disclosure.finder import RestrictedValue, note_remark
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.held_words import HeldWords
from rvr_desktop.ui.style import error_label


class AmendDialog(QDialog):
    """Saves the amendment when accepted; a refusal is explained inside the dialog."""

    def __init__(
        self,
        vault: Vault,
        original: TimelineEntry,
        parent: QWidget | None = None,
        *,
        restricted: tuple[RestrictedValue, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Amend note")
        self._vault = vault
        self._original = original
        self._restricted = restricted
        self.amendment: TimelineEntry | None = None

        intro = QLabel("The original stays in the record, struck through but legible.", self)
        intro.setWordWrap(True)
        self.original_label = QLabel(original.text, self)
        self.original_label.setWordWrap(True)
        font = QFont(self.original_label.font())
        font.setStrikeOut(True)
        self.original_label.setFont(font)
        self.original_label.setAccessibleName("Original note")

        self.text_field = QPlainTextEdit(original.text, self)
        self.text_field.setAccessibleName("Amended text")
        self.text_field.setTabChangesFocus(True)
        self.reason_field = QLineEdit(self)
        self.reason_field.setAccessibleName("Reason for the amendment")
        self.reason_field.setPlaceholderText("e.g. victim corrected the time")

        self.restricted_remark = QLabel(self)
        """Shown while the amendment or its reason holds a restricted detail of the victim."""
        self.restricted_remark.setObjectName("hint")
        self.restricted_remark.setWordWrap(True)
        self.restricted_remark.setAccessibleName("Restricted detail in this amendment")
        self.restricted_remark.hide()
        self.text_field.textChanged.connect(self._update_remark)
        self.reason_field.textChanged.connect(self._update_remark)

        self.message = error_label(self)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save amendment")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Original:", self))
        layout.addWidget(self.original_label)
        text_label = QLabel("&Amended text:", self)
        text_label.setBuddy(self.text_field)
        reason_label = QLabel("&Reason:", self)
        reason_label.setBuddy(self.reason_field)
        layout.addWidget(text_label)
        layout.addWidget(self.text_field)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_field)
        layout.addWidget(self.restricted_remark)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(480, 320)
        self.text_field.setFocus()
        self.text_field.selectAll()
        self._update_remark()

    def held_words(self) -> HeldWords | None:
        text = self.text_field.toPlainText().strip()
        reason = self.reason_field.text().strip()
        if text == self._original.text.strip() and not reason:
            return None
        because = f" Reason: {reason}" if reason else ""
        return HeldWords(
            self._original.case_id,
            f"(Amendment typed when the vault locked, not saved) {text}{because}",
        )

    def _update_remark(self) -> None:
        typed = self.text_field.toPlainText() + "\n" + self.reason_field.text()
        remark = note_remark(typed, self._restricted).replace("This note", "This amendment")
        self.restricted_remark.setText(remark)
        self.restricted_remark.setVisible(bool(remark))

    def accept(self) -> None:
        try:
            self.amendment = timeline.amend_note(
                self._vault,
                self._original.id,
                self.text_field.toPlainText(),
                self.reason_field.text(),
            )
        except RvrError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        super().accept()
