"""Contemporaneous notes: type, press Enter, and the note is saved and shown at once."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
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
from rvr_desktop.ui.tasks import Task
from rvr_desktop.ui.timeline_model import AUTHOR, ELAPSED, TEXT, TIME, TimelineModel
from rvr_desktop.ui.timeline_table import TimelineTable

_FITTED_COLUMNS = (TIME, ELAPSED, AUTHOR)


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

        self.table = TimelineTable(self)
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
        # The time, call time and author columns fit what they hold: measured when the
        # timeline is loaded, widened when a new row needs more (a header sized while the
        # table was empty would cut the times off). Rows fit their text as they come into
        # view (TimelineTable).
        self.model.rowsInserted.connect(self._widen_columns_for)
        self.model.modelReset.connect(self._fit_columns)
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
        self._shown = 0
        """Rows the search shows (counted while it holds words)."""
        self.model.rowsInserted.connect(self._filter_new_rows)
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
        self._restricted_task: Task | None = None
        self._restricted_stale = False
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
        """Read the case's restricted details again (a gate or a form may have added one).

        Read off the GUI thread (it reads the case's forms and templates), so a note is
        shown without waiting for it; the remark follows as soon as the read ends. Asked
        again while a read runs, it reads once more after it.
        """
        if self._restricted_task is not None:
            self._restricted_stale = True
            return
        vault, case_id = self._vault, self._case_id
        task = self._services.tasks.start(
            "Reading the case's restricted details",
            lambda _progress, _cancel: restricted_values_for_case(vault, case_id),
        )
        # Bound methods, not lambdas: Qt drops the connections if the panel is destroyed
        # first (the vault locked while the read ran).
        task.succeeded.connect(self._restricted_read)
        task.failed.connect(self._restricted_read_failed)
        task.finished.connect(self._restricted_read_ended)
        self._restricted_task = task

    def _restricted_read(self, values: object) -> None:
        self._restricted = values if isinstance(values, tuple) else ()
        self._update_remark()

    def _restricted_read_failed(self, _error: object) -> None:
        # The remark is a courtesy: a failed read never stops a note; no remark is shown.
        self._restricted_read(())

    def _restricted_read_ended(self) -> None:
        self._restricted_task = None
        if self._restricted_stale:
            self._restricted_stale = False
            self.refresh_restricted_details()

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
        for column in _FITTED_COLUMNS:
            self.table.resizeColumnToContents(column)
        self.table.fit_rows_in_view()

    def _widen_columns_for(
        self, _parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        # Only the new rows are measured: measuring the whole column for each note took
        # longer than a frame in a long timeline.
        grid = 1 if self.table.showGrid() else 0
        for column in _FITTED_COLUMNS:
            needed = max(
                self.table.sizeHintForIndex(self.model.index(row, column)).width() + grid
                for row in range(first, last + 1)
            )
            if needed > self.table.columnWidth(column):
                self.table.setColumnWidth(column, needed)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _filter(self, text: str) -> None:
        """Show only the entries (notes, amendments, call events) whose text, reason or
        author holds every word searched for. Nothing is removed, only hidden."""
        self._shown = self._filter_rows(text.lower().split(), range(self.model.rowCount()))
        self._show_search_status()
        self.table.fit_rows_in_view()

    def _filter_new_rows(
        self, _parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        # A new row is shown unless a search is on; only the new rows need looking at.
        words = self.search.text().lower().split()
        if words:
            self._shown += self._filter_rows(words, range(first, last + 1))
        self._show_search_status()

    def _filter_rows(self, words: list[str], rows: range) -> int:
        shown = 0
        for row in rows:
            entry = self.model.entry_at(row)
            haystack = "" if entry is None else f"{entry.text} {entry.reason or ''} {entry.author}"
            match = all(word in haystack.lower() for word in words)
            if self.table.isRowHidden(row) == match:
                self.table.setRowHidden(row, not match)
            shown += match
        return shown

    def _show_search_status(self) -> None:
        searching = bool(self.search.text().split())
        total = self.model.rowCount()
        self.search_status.setText(f"{self._shown} of {total} shown" if searching else "")

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
        self.input.setFocus()  # after a click on Add note too: the next words are a note
        self.model.add(entry)
        self.table.scrollToBottom()
        # A note adds no restricted detail, but a form or gate saved since may have.
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
        # Read now rather than from the last background read, which may not have ended:
        # an amendment is rare, and its remark must know every detail already recorded.
        try:
            self._restricted = restricted_values_for_case(self._vault, self._case_id)
        except RvrError:  # the remark is a courtesy: never stop an amendment over it
            self._restricted = ()
        dialog = AmendDialog(self._vault, entry, self, restricted=self._restricted)
        try:
            if self._services.dialogs.run(dialog) and dialog.amendment is not None:
                self.model.add(dialog.amendment)
                self.select_entry(dialog.amendment.id)
        finally:
            dialog.deleteLater()
            self.input.setFocus()
