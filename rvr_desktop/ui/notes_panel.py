"""Contemporaneous notes: type, press Enter, and the note is saved and shown at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.disclosure.case_values import restricted_values_for_case
from rvr_desktop.evidence.disclosure.finder import RestrictedValue, note_remark
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.records.timeline_entry import EntryKind
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.note_input import NoteInput
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.spell_highlighter import attach_spell_check
from rvr_desktop.ui.timeline_model import AUTHOR, ELAPSED, TEXT, TIME, TimelineModel


class NotesPanel(QWidget):
    """The case's timeline, and the box to add to it."""

    def __init__(
        self, services: Services, vault: Vault, case_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self._case_id = case_id
        self.model = TimelineModel()

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Timeline of notes and call events")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in (TIME, ELAPSED, AUTHOR):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        # The time, call time and author columns fit what they hold, measured again as rows
        # arrive (a header sized while the table was empty would cut the times off).
        self.model.rowsInserted.connect(lambda *_: self._fit_columns())
        self.model.modelReset.connect(self._fit_columns)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(lambda _index: self.amend_selected())

        self.input = NoteInput(self)
        self.input.submitted.connect(self.add_note)
        self.spelling = attach_spell_check(self.input, services.tasks)
        self.add_button = QPushButton("Add note", self)
        self.add_button.setAccessibleName("Add the note")
        self.add_button.setToolTip("Add the note (Enter)")
        self.add_button.clicked.connect(lambda: self.add_note(self.input.toPlainText()))
        self.amend_button = QPushButton("Amend…", self)
        self.amend_button.setAccessibleName("Amend the selected note")
        self.amend_button.setToolTip(
            "Correct the selected note, or the latest one if none is selected; the original "
            "stays (Ctrl+E)"
        )
        self.amend_button.clicked.connect(self.amend_selected)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search the notes (Ctrl+Shift+F)")
        self.search.setAccessibleName("Search the case's notes")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search_status = QLabel(self)
        self.search_status.setObjectName("hint")
        self.search_shortcut = QShortcut(QKeySequence("Ctrl+Shift+F"), self)
        self.search_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.search_shortcut.activated.connect(self.focus_search)
        self.model.rowsInserted.connect(lambda *_: self._filter(self.search.text()))
        self.model.modelReset.connect(lambda: self._filter(self.search.text()))

        self.hint = QLabel("Notes cannot be deleted; amend a note to correct it.", self)
        self.hint.setObjectName("hint")
        self.restricted_remark = QLabel("", self)
        """Shown while the note being typed holds one of the victim's restricted details."""
        self.restricted_remark.setObjectName("hint")
        self.restricted_remark.setWordWrap(True)
        self.restricted_remark.setAccessibleName("Restricted detail in this note")
        self.restricted_remark.hide()
        self._restricted: tuple[RestrictedValue, ...] = ()
        self.input.textChanged.connect(self._update_remark)

        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.amend_button)
        buttons.addStretch(1)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.input, 1)
        entry_row.addLayout(buttons)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(entry_row)
        layout.addWidget(self.restricted_remark)
        layout.addWidget(self.hint)
        self.reload()

    def reload(self) -> None:
        self.model.set_entries(timeline.entries(self._vault, self._case_id))
        self.table.scrollToBottom()
        self.refresh_restricted_details()

    def show_entry(self, entry: TimelineEntry) -> None:
        """Add an entry recorded elsewhere (a call event) without reloading the timeline."""
        self.model.add(entry)
        self.table.scrollToBottom()
        self.refresh_restricted_details()

    def refresh_restricted_details(self) -> None:
        """Read the case's restricted details again (a gate or a form may have added one)."""
        try:
            self._restricted = restricted_values_for_case(self._vault, self._case_id)
        except RvrError:  # the remark is a courtesy: never stop a note over it
            self._restricted = ()
        self._update_remark()

    def _update_remark(self) -> None:
        remark = note_remark(self.input.toPlainText(), self._restricted)
        self.restricted_remark.setText(remark)
        self.restricted_remark.setVisible(bool(remark))

    def set_compact(self, compact: bool) -> None:
        self.table.setColumnHidden(AUTHOR, compact)
        self.hint.setVisible(not compact)

    def focus_input(self) -> None:
        self.input.setFocus()

    def _fit_columns(self) -> None:
        for column in (TIME, ELAPSED, AUTHOR):
            self.table.resizeColumnToContents(column)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _filter(self, text: str) -> None:
        """Show only the entries (notes, amendments, call events) whose text, reason or
        author holds every word searched for. Nothing is removed, only hidden."""
        words = text.lower().split()
        shown = 0
        for row in range(self.model.rowCount()):
            entry = self.model.entry_at(row)
            haystack = "" if entry is None else f"{entry.text} {entry.reason or ''} {entry.author}"
            match = all(word in haystack.lower() for word in words)
            self.table.setRowHidden(row, not match)
            shown += match
        self.search_status.setText(f"{shown} of {self.model.rowCount()} shown" if words else "")

    def add_note(self, text: str) -> None:
        if not text.strip():
            self.input.setFocus()
            return
        try:
            entry = timeline.append_note(self._vault, self._case_id, text)
        except RvrError as exc:  # the text stays in the box, so no word is lost
            self._services.errors.report(self, exc, "saving the note")
            return
        self.input.clear_after_save(text)
        self.model.add(entry)
        self.table.scrollToBottom()
        self.refresh_restricted_details()

    def selected_entry(self) -> TimelineEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry_at(rows[0].row()) if rows else None

    def select_entry(self, entry_id: int) -> None:
        row = self.model.row_of(entry_id)
        if row >= 0:
            self.table.selectRow(row)

    def amend_selected(self) -> None:
        """Amend the selected note, or the latest one when none is selected (Ctrl+E straight
        after typing a note corrects it); the caret then goes back to the note box."""
        entry = self.selected_entry() or self.model.latest_note()
        if entry is None:
            self._services.dialogs.show_info(
                self, "Amend note", "There is no note to amend yet: type one and press Enter."
            )
            return
        if entry.kind is EntryKind.EVENT:
            self._services.dialogs.show_info(
                self,
                "Amend note",
                "Call events are recorded automatically and cannot be amended. Add a note "
                "explaining what happened instead.",
            )
            return
        dialog = AmendDialog(self._vault, entry, self, restricted=self._restricted)
        try:
            if self._services.dialogs.run(dialog) and dialog.amendment is not None:
                self.model.add(dialog.amendment)
                self.select_entry(dialog.amendment.id)
        finally:
            dialog.deleteLater()
            self.input.setFocus()
