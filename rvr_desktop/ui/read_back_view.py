"""Read-back on screen: exactly the statement being read to the witness, large, followed
paragraph by paragraph, with the witness's confirmation taken at the end of it.

The text is the MG11's latest saved version, and its SHA-256 is kept: the read-back is
recorded only if the vault still holds that very text (see :attr:`ReadBackView.text_sha256`).
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.ui.style import error_label

READING_FONT_PT = 18
CONFIRM_METHODS = (
    ("typed_name", "The witness said their name to confirm"),
    ("recorded_on_call", "Confirmation recorded on the call"),
)


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line block of ``text``, in characters."""
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


class ReadingText(QPlainTextEdit):
    """The statement, read-only and large; Space or Down moves the reading on one paragraph,
    Up or Shift+Space back one, and the view follows."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setPlainText(text)
        self.setAccessibleName("Statement being read back")
        # A style sheet of its own: the application's sets the size of every text box.
        self.setStyleSheet(f"font-size: {READING_FONT_PT}pt; line-height: 140%;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.spans = paragraphs_of(text)
        self.current = 0
        self.show_current()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        back = event.key() == Qt.Key.Key_Up or (
            event.key() == Qt.Key.Key_Space
            and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        )
        if back:
            self.move_to(self.current - 1)
        elif event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Down):
            self.move_to(self.current + 1)
        else:
            super().keyPressEvent(event)

    def move_to(self, index: int) -> None:
        if self.spans:
            self.current = max(0, min(index, len(self.spans) - 1))
            self.show_current()

    def show_current(self) -> None:
        """Highlight the paragraph being read and scroll it into the middle of the view."""
        if not self.spans:
            return
        start, end = self.spans[self.current]
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        highlight = QTextEdit.ExtraSelection()
        highlight.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#fff1c2"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        highlight.format = fmt
        self.setExtraSelections([highlight])
        caret = QTextCursor(self.document())
        caret.setPosition(end)
        self.setTextCursor(caret)
        self.centerCursor()

    @property
    def current_paragraph(self) -> str:
        if not self.spans:
            return ""
        start, end = self.spans[self.current]
        return self.toPlainText()[start:end]


class ReadBackView(QDialog):
    """What is read back and how the witness confirmed it; the statement panel records both.

    Accepted with :attr:`confirm` False: record the read-back only. With :attr:`confirm`
    True: record it, then the witness's confirmation (:attr:`method`, :attr:`name`).
    """

    def __init__(self, text: str, witness_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Read the statement back")
        self.text_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        """SHA-256 of exactly the text shown (compared with what the read-back records)."""
        self.confirm = False
        guide = QLabel(
            "Read this to the witness, exactly as it stands. Space or Down moves on one "
            "paragraph, Up goes back. At the end, ask whether it is true and take their "
            "confirmation here.",
            self,
        )
        guide.setWordWrap(True)
        self.reading = ReadingText(text, self)
        self.name_field = QLineEdit(witness_name, self)
        self.name_field.setAccessibleName("Witness's name as confirmed")
        self.method_choice = QComboBox(self)
        self.method_choice.setAccessibleName("How the witness confirmed")
        for method, label in CONFIRM_METHODS:
            self.method_choice.addItem(label, method)
        self.confirm_button = QPushButton("Read back and &confirmed by the witness", self)
        self.confirm_button.setAccessibleName("Record the read-back and the confirmation")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(lambda: self._done(confirm=True))
        self.read_only_button = QPushButton("Record read-back &only", self)
        self.read_only_button.clicked.connect(lambda: self._done(confirm=False))
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        self.message = error_label(self)

        confirm_row = QHBoxLayout()
        name_label = QLabel("&Name:", self)
        name_label.setBuddy(self.name_field)
        confirm_row.addWidget(name_label)
        confirm_row.addWidget(self.name_field, 1)
        confirm_row.addWidget(self.method_choice)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.read_only_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(guide)
        layout.addWidget(self.reading, 1)
        layout.addLayout(confirm_row)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(900, 680)
        self.reading.setFocus()

    @property
    def name(self) -> str:
        return " ".join(self.name_field.text().split())

    @property
    def method(self) -> str:
        return str(self.method_choice.currentData())

    def _done(self, *, confirm: bool) -> None:
        if confirm and not self.name:
            self.message.setText("Type the witness's name as they confirmed it.")
            self.message.show()
            self.name_field.setFocus()
            return
        self.confirm = confirm
        self.accept()
