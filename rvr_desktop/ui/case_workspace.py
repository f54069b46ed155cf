"""One open case: the call, the notes and the evidence, laid out to sit beside a video call."""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ..evidence.cases import Case
from ..evidence.forms import TemplateRegistry
from ..evidence.timeline import TimelineEntry
from ..evidence.vault import Vault
from .attachments_panel import AttachmentsPanel
from .call_panel import CallPanel, GateDialogFactory
from .forms_panel import FormsPanel
from .notes_panel import NotesPanel
from .services import Services

NOTES_TAB, ATTACHMENTS_TAB, FORMS_TAB = 0, 1, 2


class CaseWorkspace(QWidget):
    """Header, call panel and tabs for one case. Everything in it is case content, so the
    main window destroys it (rather than hiding it) when the vault locks."""

    def __init__(
        self,
        services: Services,
        vault: Vault,
        case: Case,
        gate_dialog: GateDialogFactory | None = None,
        registry: TemplateRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.case = case
        self.setAccessibleName(f"Case {case.reference}")

        self.title = QLabel(f"{case.reference}  ·  {case.victim_name}", self)
        self.title.setObjectName("screenTitle")
        referral = case.referral
        self.referral_label = QLabel(
            f"Call-back {referral.callback_number or '—'}  ·  "
            f"Handler: {referral.handler_notes or 'no notes'}",
            self,
        )
        self.referral_label.setObjectName("hint")
        self.referral_label.setWordWrap(True)

        self.call_panel = CallPanel(services, vault, case, gate_dialog, self)
        self.notes = NotesPanel(services, vault, case.id, self)
        self.attachments = AttachmentsPanel(services, vault, case.id, self)
        self.call_panel.entry_recorded.connect(self._on_entry_recorded)

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

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.referral_label)
        layout.addWidget(self.call_panel)
        layout.addWidget(self.tabs, 1)

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
        self.show_tab(ATTACHMENTS_TAB)
        self.attachments.capture_screen()

    def flush(self) -> None:
        """Save anything typed but not yet saved (before the vault locks)."""
        if self.forms is not None:
            self.forms.flush()

    def set_compact(self, compact: bool) -> None:
        self.referral_label.setVisible(not compact)
        self.notes.set_compact(compact)
