"""The box where the officer types a note: Enter adds it, Shift+Enter starts a new line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class NoteInput(QPlainTextEdit):
    """Emits:
    submitted(text: str): Enter was pressed with text in the box. The box is cleared only
        once the note is saved (see :meth:`clear_after_save`), so no word is lost on error.
    """

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Type a note and press Enter (Shift+Enter for a new line)")
        self.setAccessibleName("New note")
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            if self.toPlainText().strip():
                self.submitted.emit(self.toPlainText())
            event.accept()
            return
        super().keyPressEvent(event)

    def clear_after_save(self, saved_text: str) -> None:
        # Only clear if nothing new was typed while the note was being saved.
        if self.toPlainText() == saved_text:
            self.clear()
