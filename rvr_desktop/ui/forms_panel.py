"""The case's forms: start one from any template, fill it (autosaved), and finalise it."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case.cases import get_case
from rvr_desktop.evidence.case.signed_statement import signed_statements
from rvr_desktop.evidence.clock import format_local
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.forms import FormIncomplete, FormVersion, TemplateRegistry, prefill
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.field_editors import MultilineEditor
from rvr_desktop.ui.form_editor import FormEditor
from rvr_desktop.ui.risk_banner import RiskBanner
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.spell_highlighter import SpellHighlighter, attach_spell_check

AUTOSAVE_DELAY_MS = 400
GATE_TEMPLATE_ID = "safety-gate"


class FormsPanel(QWidget):
    """Every form of the case, each rendered from the template it was filled against.

    Emits:
        saved(version: FormVersion): after an autosave or a finalise.
    """

    saved = Signal(object)

    def __init__(
        self,
        services: Services,
        vault: Vault,
        case_id: int,
        registry: TemplateRegistry,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self._case_id = case_id
        self._registry = registry
        self.editors: dict[int, FormEditor] = {}
        self.spelling: list[SpellHighlighter] = []
        """The spell-check of each free-text box (the statement among them)."""
        self._pending: set[int] = set()
        self.signed_forms: set[int] = set()
        """Forms of signed statements: shown, never edited again."""
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.flush)

        self.form_choice = QComboBox(self)
        self.form_choice.setAccessibleName("The case's forms")
        self.form_choice.currentIndexChanged.connect(self._show_current)
        self.template_choice = QComboBox(self)
        self.template_choice.setAccessibleName("Template for a new form")
        for template in registry.all():
            if template.gate is None:
                self.template_choice.addItem(template.title, template.id)
        self.new_button = QPushButton("Start form", self)
        self.new_button.setAccessibleName("Start a new form from the chosen template")
        self.new_button.clicked.connect(self.start_selected)
        self.finalise_button = QPushButton("Finalise", self)
        self.finalise_button.setAccessibleName("Finalise this form")
        self.finalise_button.setToolTip("Check the answers and freeze this version")
        self.finalise_button.clicked.connect(self.finalise_current)
        self.status = QLabel("Start a form from a template.", self)
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.stack = QStackedWidget(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Form:", self))
        top.addWidget(self.form_choice, 1)
        top.addWidget(self.finalise_button)
        new_row = QHBoxLayout()
        new_row.addWidget(QLabel("New:", self))
        new_row.addWidget(self.template_choice, 1)
        new_row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(new_row)
        layout.addLayout(top)
        self.risk_banner = RiskBanner(self)
        layout.addWidget(self.risk_banner)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)
        for version in forms.forms_for_case(vault, case_id):
            if version.template.template_id != GATE_TEMPLATE_ID:
                self._add(version)
        for signed in signed_statements(vault, case_id):
            self.mark_signed(signed.form_id)
        self._update_buttons()

    # ---- forms --------------------------------------------------------------------

    def _add(self, version: FormVersion) -> FormEditor:
        editor = FormEditor(version.parsed_template(), self.stack, self._vault.clock)
        editor.set_answers(version.answers)
        for field_editor in editor.editors.values():
            if isinstance(field_editor, MultilineEditor):  # the statement and free-text notes
                self.spelling.append(attach_spell_check(field_editor.edit, self._services.tasks))
        editor.changed.connect(lambda fid=version.form_id: self._on_changed(fid))
        self.editors[version.form_id] = editor
        self.stack.addWidget(editor)
        self.form_choice.addItem(self._title(version), version.form_id)
        return editor

    def _title(self, version: FormVersion) -> str:
        """'Safeguarding and referrals (form 3, draft, version 2)': the template's title, not
        its internal name."""
        editor = self.editors.get(version.form_id)
        title = editor.template.title if editor is not None else version.template.template_id
        state = "final" if version.is_final else "draft"
        return f"{title} (form {version.form_id}, {state}, version {version.version})"

    def start_selected(self) -> None:
        template_id = self.template_choice.currentData()
        if template_id:
            self.start_form(str(template_id))

    def start_form(self, template_id: str) -> FormEditor | None:
        try:
            template = self._registry.get(template_id)
            earlier = forms.forms_for_case(self._vault, self._case_id)
            filled = prefill.prefills(template, earlier, get_case(self._vault, self._case_id))
            version = forms.create_form(
                self._vault, self._case_id, template, prefill.apply({}, filled)
            )
        except RvrError as exc:
            self._services.errors.report(self, exc, "starting the form")
            return None
        editor = self._add(version)
        for item in filled:
            editor.set_source(item.field_id, item.note)
        self.form_choice.setCurrentIndex(self.form_choice.count() - 1)
        self.status.setText(f"Started {template.title}; it saves as you type.")
        editor.focus_first_field()
        return editor

    @property
    def current_form_id(self) -> int | None:
        data = self.form_choice.currentData()
        return None if data is None else int(data)

    def current_editor(self) -> FormEditor | None:
        form_id = self.current_form_id
        return None if form_id is None else self.editors.get(form_id)

    def _show_current(self) -> None:
        editor = self.current_editor()
        if editor is not None:
            self.stack.setCurrentWidget(editor)
        self._show_risk()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.finalise_button.setEnabled(
            self.current_form_id is not None and self.current_form_id not in self.signed_forms
        )

    def mark_signed(self, form_id: int) -> None:
        """A signed statement's form never changes: shown, but no longer editable."""
        self.signed_forms.add(form_id)
        editor = self.editors.get(form_id)
        if editor is not None:
            editor.setEnabled(False)
            editor.setToolTip(
                "This statement was signed and never changes. For anything the witness adds "
                "or corrects, start a further statement (Statement tab)."
            )
        self._pending.discard(form_id)
        self._update_buttons()

    # ---- saving -------------------------------------------------------------------

    def _show_risk(self) -> None:
        editor = self.current_editor()
        if editor is None:
            self.risk_banner.show_for(None, {})
        else:
            self.risk_banner.show_for(editor.template, editor.answers())

    def _on_changed(self, form_id: int) -> None:
        self._show_risk()
        self._pending.add(form_id)
        self._autosave.start()

    def flush(self) -> None:
        """Save every form with unsaved changes now (also called before the vault locks)."""
        self._autosave.stop()
        pending, self._pending = self._pending, set()
        for form_id in sorted(pending):
            editor = self.editors[form_id]
            try:
                version = forms.save_draft(self._vault, form_id, editor.answers())
            except RvrError as exc:
                self._pending.add(form_id)  # kept, so the next change tries again
                self._services.errors.report(self, exc, "saving the form")
                continue
            self._after_save(version, "Saved")

    def _after_save(self, version: FormVersion, verb: str) -> None:
        index = self.form_choice.findData(version.form_id)
        if index >= 0:
            self.form_choice.setItemText(index, self._title(version))
        self.status.setText(
            f"{verb} version {version.version} at {format_local(version.saved_utc_ms)[11:19]}."
        )
        self.saved.emit(version)

    def show_saved(self, version: FormVersion) -> None:
        """Show a version saved elsewhere (the Statement tab), so an autosave cannot undo it."""
        editor = self.editors.get(version.form_id)
        if editor is None:
            self._add(version)
        else:
            editor.set_answers(version.answers)
        self._pending.discard(version.form_id)
        self._after_save(version, "Saved" if not version.is_final else "Finalised as")

    def select_or_start(self, template_id: str) -> FormEditor | None:
        """Show the case's latest form from ``template_id``, starting one if there is none."""
        for index in range(self.form_choice.count() - 1, -1, -1):
            editor = self.editors.get(int(self.form_choice.itemData(index)))
            if editor is not None and editor.template.id == template_id:
                self.form_choice.setCurrentIndex(index)
                return editor
        return self.start_form(template_id)

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self._pending)

    def finalise_current(self) -> None:
        form_id = self.current_form_id
        editor = self.current_editor()
        if form_id is None or editor is None:
            return
        self._pending.add(form_id)  # finalise exactly what is on screen
        self.flush()
        if form_id in self._pending:
            return  # the save failed and was reported
        try:
            version = forms.finalise(self._vault, form_id)
        except FormIncomplete as exc:
            editor.show_all_problems()
            self._services.dialogs.show_error(self, "RVR Desktop", str(exc))
            return
        except RvrError as exc:
            self._services.errors.report(self, exc, "finalising the form")
            return
        self._after_save(version, "Finalised as")
