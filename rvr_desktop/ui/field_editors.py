"""One editor per field type, built from the template: no form is hand-built.

Each editor turns its widgets into the plain JSON answer the forms engine expects (see
``evidence/forms/answers.py``) and back. Text that does not parse (a number typed as
'ten') is passed on as typed, so the engine's validation names the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence import clock as clocks
from rvr_desktop.evidence.forms import uk_input
from rvr_desktop.evidence.forms.answers import SIGNATURE_METHODS
from rvr_desktop.evidence.forms.model import Field, FieldType

YES_NO_LABELS = (("", "—"), ("yes", "Yes"), ("no", "No"), ("not_known", "Not known"))
SIGNATURE_LABELS = {
    "typed_name": "Typed name",
    "drawn_signature": "Drawn signature",
    "recorded_on_call": "Confirmation recorded on the call",
}
PLACEHOLDERS = {
    FieldType.DATE: "e.g. 04/12/2026 or today",
    FieldType.TIME: "e.g. 14:05",
    FieldType.DATETIME: "e.g. 04/12/2026 14:05 or yesterday 23:30 (UK time)",
}


CHOICE_VALUE_ROLE = Qt.ItemDataRole.UserRole
"""The template's value (text) of the choice a multiple-choice row shows, as saved in the
answers; the row's text is the choice's label. Read by :class:`MultiChoiceEditor` to give
and take the answer. (The single-choice combo boxes keep their values as Qt's item data.)"""


class FieldEditor(QObject):
    """Emits:
    changed(): the officer changed the answer.
    """

    changed = Signal()

    clock: clocks.Clock = clocks.SystemClock()
    """What "today" and "yesterday" mean to a date field; :func:`make_editor` sets it."""

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = field
        self.widget = QWidget(parent)
        self.widget.setAccessibleName(field.label)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(parent)
        self.edit.setAccessibleName(field.label)
        self.edit.setPlaceholderText(PLACEHOLDERS.get(field.type, ""))
        self.edit.textEdited.connect(self.changed)
        self.widget = self.edit

    def value(self) -> Any:
        return self.edit.text() or None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class UkDateEditor(FieldEditor):
    """A date, time or date and time typed as a UK officer writes it.

    What the officer typed is read by ``evidence/forms/uk_input.py`` (UK local time, GMT or
    BST from the zone) and stored as the forms engine expects (a date, a time, or UTC);
    beside the box it says in words what was understood ('Friday 4 December 2026, 14:05
    GMT'), and when the officer leaves the box the text is written back the usual way
    (``today`` becomes ``05/12/2026``). Text that cannot be read is passed on as typed, so
    the form's own check names the problem.
    """

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        box = QWidget(parent)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(box)
        self.edit.setAccessibleName(field.label)
        self.edit.setPlaceholderText(PLACEHOLDERS.get(field.type, ""))
        self.reading = QLabel(box)
        self.reading.setObjectName("hint")
        self.reading.setAccessibleName(f"{field.label}: as understood")
        self.reading.setWordWrap(True)
        row.addWidget(self.edit, 1)
        row.addWidget(self.reading, 1)
        box.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._edited)
        self.edit.editingFinished.connect(self._tidy)
        self.widget = box

    def _read(self, text: str) -> tuple[str, str]:
        """(the answer to store, the words to show); raises NotUnderstood."""
        kind = self.field.type
        if kind is FieldType.DATE:
            day = uk_input.parse_date(text, today=uk_input.uk_today(self.clock))
            return day.isoformat(), uk_input.describe_date(day)
        if kind is FieldType.TIME:
            at = uk_input.parse_time(text)
            return f"{at:%H:%M}", f"{at:%H:%M} UK time"
        moment = uk_input.parse_datetime(text, clock=self.clock)
        return moment.answer, moment.described

    def _typed(self, answer: str) -> str:
        """How a stored answer is shown in the box."""
        kind = self.field.type
        if kind is FieldType.DATE:
            try:
                return uk_input.format_date_typed(date.fromisoformat(answer))
            except ValueError:
                return answer
        if kind is FieldType.DATETIME:
            moment = uk_input.stored_datetime(answer)
            return answer if moment is None else uk_input.format_datetime_typed(moment)
        return answer

    def _edited(self) -> None:
        self._show_reading()
        self.changed.emit()

    def _show_reading(self) -> None:
        text = self.edit.text()
        if not text.strip():
            self.reading.clear()
            return
        try:
            _answer, words = self._read(text)
        except uk_input.NotUnderstood as exc:
            # The form's own message says what a date looks like; here only the special
            # cases (a time the clocks skipped) add anything, so show those.
            self.reading.setText(str(exc) if "did not happen" in str(exc) else "")
            return
        self.reading.setText(words)

    def _tidy(self) -> None:
        text = self.edit.text()
        if not text.strip():
            return
        try:
            answer, _words = self._read(text)
        except uk_input.NotUnderstood:
            return
        typed = self._typed(answer)
        if typed != text:
            self.edit.setText(typed)

    def value(self) -> Any:
        text = self.edit.text()
        if not text.strip():
            return None
        try:
            answer, _words = self._read(text)
        except uk_input.NotUnderstood:
            return text
        return answer

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else self._typed(str(value)))
        self._show_reading()


class NumberEditor(TextEditor):
    def value(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number


class MultilineEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        self.edit = QPlainTextEdit(parent)
        self.edit.setAccessibleName(field.label)
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(70)
        self._text = ""
        self.edit.textChanged.connect(self._text_changed)
        self.widget = self.edit

    def _text_changed(self) -> None:
        # Qt also reports a change when only the look of the text changes (the spell-check
        # underlining a word): that must not save a new version of the form.
        text = self.edit.toPlainText()
        if text != self._text:
            self._text = text
            self.changed.emit()

    def value(self) -> Any:
        return self.edit.toPlainText() or None

    def set_value(self, value: Any) -> None:
        self._text = "" if value is None else str(value)
        self.edit.setPlainText(self._text)


class ComboEditor(FieldEditor):
    """Choice and yes / no / not known (with an optional note beside it)."""

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox(parent)
        self.combo.setAccessibleName(field.label)
        options = (
            YES_NO_LABELS
            if field.type is FieldType.YES_NO_UNKNOWN
            else (("", "—"), *((c.value, c.label) for c in field.choices))
        )
        for value, label in options:
            self.combo.addItem(label, value)
        self.combo.currentIndexChanged.connect(self.changed)
        self.note: QLineEdit | None = None
        if field.with_note:
            box = QWidget(parent)
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            self.note = QLineEdit(box)
            self.note.setPlaceholderText("Note")
            self.note.setAccessibleName(f"{field.label}: note")
            self.note.textEdited.connect(self.changed)
            row.addWidget(self.combo)
            row.addWidget(self.note, 1)
            self.widget = box
        else:
            self.widget = self.combo

    def value(self) -> Any:
        chosen = self.combo.currentData() or None
        if self.note is not None and self.note.text().strip():
            return {"answer": chosen, "note": self.note.text()}
        return chosen

    def set_value(self, value: Any) -> None:
        answer, note = (
            (value.get("answer"), value.get("note", "")) if isinstance(value, dict) else (value, "")
        )
        index = self.combo.findData(answer or "")
        self.combo.setCurrentIndex(max(index, 0))
        if self.note is not None:
            self.note.setText(str(note or ""))


class MultiChoiceEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        self.list = QListWidget(parent)
        self.list.setAccessibleName(field.label)
        for choice in field.choices:
            item = QListWidgetItem(choice.label, self.list)
            item.setData(CHOICE_VALUE_ROLE, choice.value)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.list.setMaximumHeight(24 * max(len(field.choices), 1) + 8)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.widget = self.list

    def value(self) -> Any:
        chosen = [
            str(self.list.item(i).data(CHOICE_VALUE_ROLE))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]
        return chosen or None

    def set_value(self, value: Any) -> None:
        wanted = set(value) if isinstance(value, list) else set()
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            checked = item.data(CHOICE_VALUE_ROLE) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)


class SignatureEditor(FieldEditor):
    """The method the CPS accepts and the signer's name; stamped when the name is given."""

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        self._extra: dict[str, Any] = {}
        box = QWidget(parent)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.method = QComboBox(box)
        self.method.setAccessibleName(f"{field.label}: how it was signed")
        self.method.addItem("—", "")
        for method in SIGNATURE_METHODS:
            if method != "drawn_signature":  # drawn signatures come with statement read-back
                self.method.addItem(SIGNATURE_LABELS[method], method)
        self.name = QLineEdit(box)
        self.name.setAccessibleName(f"{field.label}: name of the person signing")
        self.name.setPlaceholderText("Name of the person signing")
        self.signed_at = ""
        self.method.currentIndexChanged.connect(self._stamp)
        self.name.textEdited.connect(self._stamp)
        row.addWidget(self.method)
        row.addWidget(self.name, 1)
        self.widget = box

    def _stamp(self) -> None:
        self.signed_at = datetime.now().astimezone().isoformat(timespec="seconds")
        self.changed.emit()

    def value(self) -> Any:
        method = self.method.currentData() or ""
        name = self.name.text()
        if not method and not name.strip():
            return None
        answer: dict[str, Any] = {**self._extra, "method": method, "name": name}
        if self.signed_at:
            answer["signed_at"] = self.signed_at
        return answer

    def set_value(self, value: Any) -> None:
        if not isinstance(value, dict):
            self.method.setCurrentIndex(0)
            self.name.clear()
            self.signed_at = ""
            self._extra = {}
            return
        self._extra = {k: v for k, v in value.items() if k == "image_png_base64"}
        method = value.get("method", "")
        if self.method.findData(method) < 0 and method in SIGNATURE_LABELS:
            # A drawn signature taken on the Statement tab shows (and is kept) here too.
            self.method.addItem(SIGNATURE_LABELS[method], method)
        self.method.blockSignals(True)
        self.method.setCurrentIndex(max(self.method.findData(method), 0))
        self.method.blockSignals(False)
        self.name.setText(str(value.get("name", "")))
        self.signed_at = str(value.get("signed_at", ""))


class GroupEditor(FieldEditor):
    """A repeating group: rows of the group's own fields, added and removed by the officer."""

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        box = QWidget(parent)
        self._layout = QVBoxLayout(box)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.rows: list[tuple[QFrame, dict[str, FieldEditor]]] = []
        item = field.item_label or "row"
        self.add_button = QPushButton(f"Add {item.lower()}", box)
        self.add_button.setAccessibleName(f"Add {item.lower()} to {field.label}")
        self.add_button.clicked.connect(lambda: self.add_row(emit=True))
        self._layout.addWidget(self.add_button)
        self.widget = box

    def add_row(self, *, emit: bool = False) -> dict[str, FieldEditor]:
        frame = QFrame(self.widget)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(frame)
        editors: dict[str, FieldEditor] = {}
        for child in self.field.fields:
            editor = make_editor(child, frame, self.clock)
            editor.changed.connect(self.changed)
            layout.addWidget(QLabel(child.label + (" *" if child.required else ""), frame))
            layout.addWidget(editor.widget)
            editors[child.id] = editor
        remove = QPushButton("Remove", frame)
        remove.setAccessibleName(f"Remove this {(self.field.item_label or 'row').lower()}")
        remove.clicked.connect(lambda: self._remove(frame))
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignRight)
        self._layout.insertWidget(self._layout.count() - 1, frame)
        self.rows.append((frame, editors))
        if emit:
            self.changed.emit()
        return editors

    def _remove(self, frame: QFrame) -> None:
        self.rows = [(f, e) for f, e in self.rows if f is not frame]
        frame.hide()
        frame.deleteLater()
        self.changed.emit()

    def value(self) -> Any:
        rows = [{k: e.value() for k, e in editors.items()} for _, editors in self.rows]
        return [{k: v for k, v in row.items() if v is not None} for row in rows] or None

    def set_value(self, value: Any) -> None:
        for frame, _ in self.rows:
            frame.hide()
            frame.deleteLater()
        self.rows = []
        for row in value if isinstance(value, list) else []:
            editors = self.add_row()
            for key, editor in editors.items():
                editor.set_value(row.get(key) if isinstance(row, dict) else None)


_FACTORIES: dict[FieldType, Callable[[Field, QWidget], FieldEditor]] = {
    FieldType.TEXT: TextEditor,
    FieldType.DATE: UkDateEditor,
    FieldType.TIME: UkDateEditor,
    FieldType.DATETIME: UkDateEditor,
    FieldType.NUMBER: NumberEditor,
    FieldType.MULTILINE: MultilineEditor,
    FieldType.YES_NO_UNKNOWN: ComboEditor,
    FieldType.CHOICE: ComboEditor,
    FieldType.MULTI_CHOICE: MultiChoiceEditor,
    FieldType.SIGNATURE: SignatureEditor,
    FieldType.GROUP: GroupEditor,
}


def make_editor(field: Field, parent: QWidget, clock: clocks.Clock | None = None) -> FieldEditor:
    """The editor for ``field``; ``clock`` says what "today" is (the vault's clock)."""
    editor = _FACTORIES[field.type](field, parent)
    if clock is not None:
        editor.clock = clock
    return editor
