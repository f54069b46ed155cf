"""A whole template rendered as a form, with live validation beside each field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.clock import Clock
from rvr_desktop.evidence.forms.model import Template
from rvr_desktop.evidence.forms.validate import Problem, validate_form
from rvr_desktop.evidence.forms.visibility import is_visible
from rvr_desktop.ui.field_editors import FieldEditor, MultilineEditor, make_editor
from rvr_desktop.ui.style import error_label


class FormEditor(QScrollArea):
    """Shows every section and field of ``template``; the engine decides what is visible
    and what is wrong.

    Emits:
        changed(): an answer changed (after visibility and messages were updated).
    """

    changed = Signal()

    def __init__(
        self, template: Template, parent: QWidget | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(parent)
        self.template = template
        self.setWidgetResizable(True)
        self.setAccessibleName(template.title)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.editors: dict[str, FieldEditor] = {}
        self.messages: dict[str, QLabel] = {}
        self.sources: dict[str, QLabel] = {}
        """Under a field filled in from elsewhere, where its answer came from."""
        self._rows: dict[str, list[QWidget]] = {}
        self._loading = False
        self._touched: set[str] = set()
        self._show_all = False
        for section in template.sections:
            box = QGroupBox(section.title, body)
            box_layout = QVBoxLayout(box)
            if section.help:
                help_label = QLabel(section.help, box)
                help_label.setObjectName("hint")
                help_label.setWordWrap(True)
                box_layout.addWidget(help_label)
            for field in section.fields:
                label = QLabel(field.label + (" *" if field.required else ""), box)
                label.setWordWrap(True)
                editor = make_editor(field, box, clock)
                label.setBuddy(editor.widget)
                message = error_label(box, f"{field.label}: problem")
                source = QLabel(box)
                source.setObjectName("hint")
                source.setWordWrap(True)
                source.setAccessibleName(f"{field.label}: where the answer came from")
                source.hide()
                self.sources[field.id] = source
                parts: list[QWidget] = [label, editor.widget, source]
                if field.help:
                    hint = QLabel(field.help, box)
                    hint.setObjectName("hint")
                    hint.setWordWrap(True)
                    parts.append(hint)
                for part in parts:
                    box_layout.addWidget(part)
                box_layout.addWidget(message)
                self.editors[field.id] = editor
                self.messages[field.id] = message
                self._rows[field.id] = parts
                editor.changed.connect(lambda fid=field.id: self._on_changed(fid))
                if isinstance(editor, MultilineEditor):
                    editor.edit.cursorPositionChanged.connect(
                        lambda edit=editor.edit: self._keep_caret_in_view(edit)
                    )
            layout.addWidget(box)
        layout.addStretch(1)
        self.setWidget(body)
        self.problems: list[Problem] = []
        self.refresh()

    def answers(self) -> dict[str, Any]:
        """The visible, answered fields (hidden answers are never kept unseen)."""
        raw = {fid: e.value() for fid, e in self.editors.items()}
        raw = {k: v for k, v in raw.items() if v is not None}
        return {
            k: v for k, v in raw.items() if is_visible(self.template, self.template.field(k), raw)
        }

    def set_answers(self, answers: dict[str, Any]) -> None:
        """Show ``answers`` (a saved version); any note of where an answer came from goes."""
        for source in self.sources.values():
            source.clear()
        self._touched |= set(answers)
        self._loading = True
        try:
            for field_id, editor in self.editors.items():
                editor.set_value(answers.get(field_id))
        finally:
            self._loading = False
        self.refresh()

    def _on_changed(self, field_id: str) -> None:
        if self._loading:
            return
        self._touched.add(field_id)
        self.sources[field_id].clear()
        self.refresh()
        self.changed.emit()

    def refresh(self) -> None:
        raw = {fid: e.value() for fid, e in self.editors.items()}
        raw = {k: v for k, v in raw.items() if v is not None}
        for field in self.template.fields():
            visible = is_visible(self.template, field, raw)
            source = self.sources[field.id]
            for part in self._rows[field.id]:
                part.setVisible(visible and (part is not source or bool(source.text())))
        self.problems = validate_form(self.template, self.answers())
        by_field: dict[str, list[str]] = {}
        for problem in self.problems:
            top = problem.path.split("[", 1)[0].split(".", 1)[0]
            by_field.setdefault(top, []).append(problem.message)
        for field_id, label in self.messages.items():
            found = by_field.get(field_id, [])
            # A field's problems show once it was touched, or after a refused finalise, so a
            # fresh form is not a wall of red.
            shown = found if (self._show_all or field_id in self._touched) else []
            label.setText("\n".join(shown))
            label.setVisible(bool(shown) and not self._rows[field_id][0].isHidden())

    def set_source(self, field_id: str, note: str) -> None:
        """Say under a field where its answer came from (a pre-filled answer)."""
        label = self.sources[field_id]
        label.setText(note)
        label.setVisible(bool(note) and not self._rows[field_id][0].isHidden())

    def show_all_problems(self) -> None:
        """Show every problem and take the officer to the first field that has one."""
        self._show_all = True
        self.refresh()
        self.focus_first_problem()

    def focus_first_problem(self) -> bool:
        """Put the caret in the first field (in the form's order) with a problem."""
        wrong = {problem.path.split("[", 1)[0].split(".", 1)[0] for problem in self.problems}
        for field_id, editor in self.editors.items():
            if field_id in wrong and editor.widget.isVisibleTo(self):
                return self._focus(editor)
        return False

    def focus_first_field(self) -> bool:
        """Put the caret in the form's first visible field (a dialog opens there)."""
        for editor in self.editors.values():
            if editor.widget.isVisibleTo(self) and self._focus(editor):
                return True
        return False

    def _focus(self, editor: FieldEditor) -> bool:
        widget = editor.widget.focusProxy() or editor.widget
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            # A box of several widgets: its first one that takes the keyboard.
            widget = next(
                (
                    child
                    for child in widget.findChildren(QWidget)
                    if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isVisibleTo(self)
                ),
                widget,
            )
        widget.setFocus()
        self.ensureWidgetVisible(editor.widget)
        return True

    def _keep_caret_in_view(self, edit: QPlainTextEdit) -> None:
        """While the officer types in a long box (the statement), the form scrolls with the
        caret, so the line being typed never drops below the window."""
        body = self.widget()
        if body is None or self._loading or edit.window().focusWidget() is not edit:
            return  # answers being loaded, or the box is not where the officer is typing
        caret = edit.cursorRect()
        where = edit.viewport().mapTo(body, caret.center())
        self.ensureVisible(where.x(), where.y(), 20, caret.height() + 20)

    def message_for(self, field_id: str) -> str:
        return self.messages[field_id].text()
