"""One open case: the call, the notes and the evidence, laid out to sit beside a video call."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget, QVBoxLayout, QWidget

from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.forms import TemplateRegistry
from rvr_desktop.evidence.signing.identity_store import stored_identity
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.attachments_panel import AttachmentsPanel
from rvr_desktop.ui.call_panel import CallPanel, GateDialogFactory
from rvr_desktop.ui.case_identity import CaseIdentity
from rvr_desktop.ui.case_store_panel import CaseStorePanel
from rvr_desktop.ui.export_dialog import ExportDialog
from rvr_desktop.ui.forms_panel import FormsPanel
from rvr_desktop.ui.notes_panel import NotesPanel
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.signing_identity_panel import TEST_BANNER_TEXT
from rvr_desktop.ui.statement_panel import StatementPanel
from rvr_desktop.ui.store_queue import StoreQueue

NOTES_TAB, ATTACHMENTS_TAB, FORMS_TAB, STATEMENT_TAB = 0, 1, 2, 3


class CaseWorkspace(QWidget):
    """Header, call panel and tabs for one case. Everything in it is case content, so the
    main window destroys it (rather than hiding it) when the vault locks.

    Emits:
        store_queued(): the case's bundle joined the evidence store's queue (the main
            window shows the queue).
    """

    store_queued = Signal()

    def __init__(
        self,
        services: Services,
        vault: Vault,
        case: Case,
        gate_dialog: GateDialogFactory | None = None,
        registry: TemplateRegistry | None = None,
        parent: QWidget | None = None,
        store_queue: StoreQueue | None = None,
    ) -> None:
        super().__init__(parent)
        self.case = case
        self._services = services
        self._vault = vault
        self._store_queue = store_queue
        self.setAccessibleName(f"Case {case.reference}")

        self.test_banner = QLabel(
            f"{TEST_BANNER_TEXT}: this vault signs with a TEST identity (training only).", self
        )
        self.test_banner.setObjectName("testBanner")
        self.test_banner.setAccessibleName("Test identity warning")

        self.title = QLabel(f"{case.reference}  ·  {case.victim_name}", self)
        self.title.setObjectName("screenTitle")
        referral = case.referral
        self.identity = CaseIdentity(case, self)
        self.referral_label = QLabel(f"Handler: {referral.handler_notes or 'no notes'}", self)
        self.referral_label.setObjectName("hint")
        self.referral_label.setWordWrap(True)

        self.call_panel = CallPanel(services, vault, case, gate_dialog, self)
        self.notes = NotesPanel(services, vault, case.id, self)
        self.attachments = AttachmentsPanel(services, vault, case.id, self)
        self.call_panel.entry_recorded.connect(self._on_entry_recorded)
        self.attachments.note_added.connect(self._on_entry_recorded)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Case sections")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.notes, "&Notes")
        self.tabs.addTab(self.attachments, "&Attachments")
        self.tabs.setTabToolTip(NOTES_TAB, "Notes (Ctrl+1)")
        self.tabs.setTabToolTip(ATTACHMENTS_TAB, "Attachments (Ctrl+2)")
        self.forms: FormsPanel | None = None
        if registry is not None:
            self.forms = FormsPanel(services, vault, case.id, registry, self)
            self.add_tab(self.forms, "&Forms")
        self.statement = StatementPanel(services, vault, case.id, self.forms, self)
        self.statement.export_requested.connect(self.export_bundle)
        self.statement.interpreter_requested.connect(self.show_interpreter_form)
        self.add_tab(self.statement, "&Statement")

        layout = QVBoxLayout(self)
        layout.addWidget(self.test_banner)
        layout.addWidget(self.title)
        layout.addWidget(self.identity)
        layout.addWidget(self.referral_label)
        layout.addWidget(self.call_panel)
        layout.addWidget(self.tabs, 1)
        self.store_panel: CaseStorePanel | None = None
        if store_queue is not None:
            self.store_panel = CaseStorePanel(store_queue, case.id, self)
            self.store_panel.submit_button.clicked.connect(self.submit_to_store)
            layout.addWidget(self.store_panel)

        self.refresh_identity()

    def refresh_identity(self) -> None:
        """Show the TEST banner while the vault signs with a TEST identity."""
        try:
            identity = stored_identity(self._vault)
        except RvrError:
            identity = None  # a damaged credential is reported when it is used
        self.test_banner.setVisible(identity is not None and identity.is_test_identity)

    def _on_entry_recorded(self, entry: object) -> None:
        self.notes.show_entry(cast(TimelineEntry, entry))

    def add_tab(self, widget: QWidget, label: str) -> int:
        index = self.tabs.addTab(widget, label)
        self.tabs.setTabToolTip(index, f"{label.replace('&', '')} (Ctrl+{index + 1})")
        return index

    # ---- what the main window's actions do --------------------------------------------

    def show_tab(self, index: int) -> None:
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def new_note(self) -> None:
        self.show_tab(NOTES_TAB)
        self.notes.focus_input()

    def amend_note(self) -> None:
        self.show_tab(NOTES_TAB)
        self.notes.amend_selected()

    def attach_files(self) -> None:
        self.show_tab(ATTACHMENTS_TAB)
        self.attachments.pick_files()

    def capture_screen(self) -> None:
        """Capture without leaving the officer's place: a note half typed stays in view
        with the caret in it, and the capture's own note joins the notes once it is saved."""
        focused = QApplication.focusWidget()
        self.attachments.capture_screen()
        if focused is not None and focused.isVisible() and focused.window() is self.window():
            focused.setFocus()

    def show_interpreter_form(self) -> None:
        if self.forms is not None:
            self.show_tab(self.tabs.indexOf(self.forms))
            self.forms.select_or_start("interpreter")

    def export_bundle(self) -> None:
        """Open the export dialog for this case (the core refuses while anything is missing)."""
        self.flush()
        self.show_tab(self.tabs.indexOf(self.statement))
        readiness = self.statement.refresh()
        if not readiness.ready:
            self._services.dialogs.show_error(
                self,
                "Not ready to export",
                "The statement cannot be signed yet:\n" + "\n".join(readiness.problems),
            )
            return
        dialog = ExportDialog(self._services, self._vault, self.case, self, self._store_queue)
        dialog.store_queued.connect(self.store_queued.emit)
        try:
            self._services.dialogs.run(dialog)
        finally:
            dialog.deleteLater()

    def submit_to_store(self) -> None:
        """Export the case for the force's evidence store and queue it (off the GUI thread)."""
        if self._store_queue is None:
            return
        self.flush()
        readiness = self.statement.refresh()
        if not readiness.ready:
            self._services.dialogs.show_error(
                self,
                "Not ready to submit",
                "The statement cannot be signed yet:\n" + "\n".join(readiness.problems),
            )
            return
        try:
            self._store_queue.add_case(self.case.id)
        except RvrError as exc:
            self._services.errors.report(self, exc, "submitting to the evidence store")
            return
        self.store_queued.emit()

    def flush(self) -> None:
        """Save anything typed but not yet saved (before the vault locks)."""
        if self.forms is not None:
            self.forms.flush()

    def set_compact(self, compact: bool) -> None:
        self.referral_label.setVisible(not compact)
        if self.store_panel is not None:
            self.store_panel.setVisible(not compact)
        self.notes.set_compact(compact)
