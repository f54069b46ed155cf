"""The pre-call safety gate, rendered from its template; records passed or failed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rvr_desktop.evidence.case.safety_gate import record_safety_gate
from rvr_desktop.evidence.case.timeline import TimelineEntry
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.forms import GateResult, Template, evaluate_gate
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.form_editor import FormEditor
from rvr_desktop.ui.style import error_label


class SafetyGateDialog(QDialog):
    """Asks the gate's questions; the template's rule says whether the call may start.

    A failed gate is recorded too, with why it failed and what was done instead.
    ``recorded`` holds the timeline entry once one was stamped.
    """

    def __init__(
        self, vault: Vault, case_id: int, template: Template, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(template.title)
        self._vault = vault
        self._case_id = case_id
        self.template = template
        self.recorded: TimelineEntry | None = None
        self.editor = FormEditor(template, self, vault.clock)
        self.editor.changed.connect(self._update)
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Safety gate result")
        self.message = error_label(self)
        self.pass_button = QPushButton("Record: gate passed", self)
        self.pass_button.setObjectName("startButton")
        self.pass_button.setAccessibleName("Record that the safety gate passed")
        self.pass_button.clicked.connect(lambda: self._record(passed=True))
        self.fail_button = QPushButton("Record: gate failed", self)
        self.fail_button.setAccessibleName("Record that the safety gate failed")
        self.fail_button.clicked.connect(lambda: self._record(passed=False))
        cancel = QPushButton("Cancel", self)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fail_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.pass_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.verdict)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(620, 720)
        self._update()
        self.editor.focus_first_field()

    def _update(self) -> GateResult:
        result = evaluate_gate(self.template, self.editor.answers())
        if result.passed:
            text = "The gate passes: the call may start."
        elif result.failed:
            text = "The gate fails: " + " ".join(result.reasons)
            if not result.action_instead:
                text += " Record what was done instead, then record the failed gate."
        else:
            text = f"{len(result.missing)} answer(s) still needed before the call can start."
        self.verdict.setText(text)
        self.pass_button.setEnabled(result.passed)
        # A failed gate needs why and what was done instead, not every other answer.
        self.fail_button.setEnabled(result.failed and bool(result.action_instead))
        return result

    def _record(self, *, passed: bool) -> None:
        """Ask the core to record the gate; it decides passed or failed from the answers."""
        result = self._update()
        if result.passed != passed:
            return  # the answers changed under the button; it is now disabled
        try:
            _, self.recorded = record_safety_gate(
                self._vault, self._case_id, self.template, self.editor.answers()
            )
        except RvrError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        self.accept()
