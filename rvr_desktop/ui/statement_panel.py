"""The statement's last steps: read it back, take the witness's confirmation, sign, export.

What is still missing comes from the core (:func:`statement_readiness`) in plain words.
The statement is signed as soon as the witness has confirmed it (off the GUI thread: a
time-stamping service may be slow) and kept in the vault as the one original every export
carries; a change after that is a further statement. Export stays disabled until a
statement is signed or ready to be.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case.mg11 import (
    INTERPRETER_TEMPLATE_ID,
    MG11_TEMPLATE_ID,
    StatementReadiness,
    latest_form_of,
    read_back_of,
    record_read_back,
    statement_readiness,
)
from rvr_desktop.evidence.case.signed_statement import (
    SignedStatement,
    sign_statement,
    signed_statements,
    start_further_statement,
)
from rvr_desktop.evidence.clock import format_local
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.forms import FormIncomplete, FormVersion
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback
from rvr_desktop.evidence.signing.errors import TimestampServiceFailed
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.forms_panel import FormsPanel
from rvr_desktop.ui.read_back_view import ReadBackView
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.signature_pad import SignaturePad

METHODS = (
    ("typed_name", "Typed name (the witness said their name to confirm)"),
    ("recorded_on_call", "Confirmation recorded on the call"),
    ("drawn_signature", "Drawn signature (shared from the witness's device)"),
)


class StatementPanel(QWidget):
    """Read-back, the witness's confirmation, and whether the statement is ready.

    Emits:
        export_requested(): Export was pressed (only possible when ready).
        interpreter_requested(): the officer wants the interpreter form.
        statement_signed(signed: SignedStatement): a statement was signed and kept.
    """

    export_requested = Signal()
    interpreter_requested = Signal()
    statement_signed = Signal(object)

    def __init__(
        self,
        services: Services,
        vault: Vault,
        case_id: int,
        forms_panel: FormsPanel | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self._case_id = case_id
        self._forms = forms_panel
        self.readiness: StatementReadiness | None = None
        self.signed: list[SignedStatement] = []
        self.signing = False

        self.ready_label = QLabel(self)
        self.ready_label.setObjectName("readyText")
        self.ready_label.setAccessibleName("Is the statement ready")
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("What is still missing")
        self.export_button = QPushButton("Export signed bundle…", self)
        self.export_button.setObjectName("startButton")
        self.export_button.setAccessibleName("Export the signed evidence bundle")
        self.export_button.clicked.connect(self.export_requested)

        read_box = QGroupBox("1. Read the statement back", self)
        read_help = QLabel(
            "Read the final statement text to the witness over the video, then record it. "
            "If the text changes afterwards, read it back again.",
            read_box,
        )
        read_help.setObjectName("hint")
        read_help.setWordWrap(True)
        self.read_back_button = QPushButton("Record read-back", read_box)
        self.read_back_button.setAccessibleName("Record that the statement was read back")
        self.read_back_button.clicked.connect(self.record_read_back)
        self.read_back_label = QLabel(read_box)
        self.read_view_button = QPushButton("Read it back on screen…", read_box)
        self.read_view_button.setAccessibleName("Show the statement large, to read it back")
        self.read_view_button.setToolTip(
            "The statement large and followed as you read, then the witness's confirmation"
        )
        self.read_view_button.clicked.connect(self.open_read_back)
        read_row = QHBoxLayout()
        read_row.addWidget(self.read_view_button)
        read_row.addWidget(self.read_back_button)
        read_row.addWidget(self.read_back_label, 1)
        read_layout = QVBoxLayout(read_box)
        read_layout.addWidget(read_help)
        read_layout.addLayout(read_row)

        confirm_box = QGroupBox("2. The witness confirms it is true", self)
        self.method_group = QButtonGroup(self)
        self.method_buttons: dict[str, QRadioButton] = {}
        confirm_layout = QVBoxLayout(confirm_box)
        for method, label in METHODS:
            button = QRadioButton(label, confirm_box)
            self.method_group.addButton(button)
            self.method_buttons[method] = button
            confirm_layout.addWidget(button)
        self.method_buttons["typed_name"].setChecked(True)
        self.name_field = QLineEdit(confirm_box)
        self.name_field.setAccessibleName("Witness's name as confirmed")
        self.name_field.setPlaceholderText("The witness's full name")
        self.pad = SignaturePad(confirm_box)
        self.clear_pad_button = QPushButton("Clear drawing", confirm_box)
        self.clear_pad_button.clicked.connect(self.pad.clear)
        self.method_group.buttonToggled.connect(lambda *_: self._update_confirmation())
        self.confirm_button = QPushButton("Save confirmation and finalise", confirm_box)
        self.confirm_button.setAccessibleName("Save the witness's confirmation and finalise")
        self.confirm_button.clicked.connect(self.save_confirmation)
        self.confirmation_label = QLabel(confirm_box)
        self.confirmation_label.setWordWrap(True)
        name_row = QHBoxLayout()
        name_row.addWidget(QLabel("Name:", confirm_box))
        name_row.addWidget(self.name_field, 1)
        pad_row = QHBoxLayout()
        pad_row.addWidget(self.pad)
        pad_row.addWidget(self.clear_pad_button)
        pad_row.addStretch(1)
        confirm_layout.addLayout(name_row)
        confirm_layout.addLayout(pad_row)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.confirmation_label, 1)
        confirm_layout.addLayout(confirm_row)

        interpreter_box = QGroupBox("3. Interpreter (only if one was used)", self)
        self.interpreter_label = QLabel(interpreter_box)
        self.interpreter_label.setWordWrap(True)
        self.interpreter_button = QPushButton("Interpreter's declaration…", interpreter_box)
        self.interpreter_button.setAccessibleName("Open the interpreter form")
        self.interpreter_button.clicked.connect(self.interpreter_requested)
        interpreter_row = QHBoxLayout(interpreter_box)
        interpreter_row.addWidget(self.interpreter_label, 1)
        interpreter_row.addWidget(self.interpreter_button)
        self.interpreter_button.setEnabled(forms_panel is not None)

        sign_box = QGroupBox("4. The signed statement", self)
        self.signed_label = QLabel(sign_box)
        self.signed_label.setWordWrap(True)
        self.signed_label.setAccessibleName("The signed statement")
        self.sign_button = QPushButton("Sign statement", sign_box)
        self.sign_button.setAccessibleName("Sign the statement the witness confirmed")
        self.sign_button.setToolTip(
            "Signed once, as the witness confirmed it; every export carries this signed copy"
        )
        self.sign_button.clicked.connect(lambda: self.sign(self._services.settings.timestamp_url))
        self.further_button = QPushButton("Start a further statement", sign_box)
        self.further_button.setAccessibleName("Start a further statement from the same witness")
        self.further_button.setToolTip(
            "For anything the witness adds or corrects after signing: a new MG11 with its own "
            "read-back, confirmation and signature"
        )
        self.further_button.clicked.connect(self.start_further)
        sign_row = QHBoxLayout(sign_box)
        sign_row.addWidget(self.signed_label, 1)
        sign_row.addWidget(self.sign_button)
        sign_row.addWidget(self.further_button)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(read_box)
        body_layout.addWidget(confirm_box)
        body_layout.addWidget(interpreter_box)
        body_layout.addWidget(sign_box)
        body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        status_row = QHBoxLayout()
        status_row.addWidget(self.ready_label, 1)
        status_row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(status_row)
        layout.addWidget(self.problems)
        layout.addWidget(scroll, 1)
        if forms_panel is not None:
            forms_panel.saved.connect(lambda _version: self.refresh())
        self._update_confirmation()
        self.refresh()

    # ---- showing where the statement stands ---------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> StatementReadiness:
        readiness = statement_readiness(self._vault, self._case_id)
        self.readiness = readiness
        self.signed = signed_statements(self._vault, self._case_id)
        latest = latest_form_of(self._vault, self._case_id, MG11_TEMPLATE_ID)
        latest_signed = next(
            (s for s in self.signed if latest is not None and s.form_id == latest.form_id), None
        )
        if latest_signed is not None:
            headline = "Signed: the statement is ready to export."
        elif readiness.ready:
            headline = "Ready: the statement can be signed and exported."
        elif self.signed:
            headline = "A further statement is under way. Still to do before it is signed:"
        else:
            headline = "Not ready to sign yet. Still to do:"
        exportable = bool(self.signed) or readiness.ready
        self.ready_label.setText(headline)
        self.ready_label.setProperty("ready", "true" if exportable else "false")
        self.ready_label.style().unpolish(self.ready_label)
        self.ready_label.style().polish(self.ready_label)
        self.problems.setText("\n".join(f"•  {p}" for p in readiness.problems))
        self.problems.setVisible(not readiness.ready)
        self.export_button.setEnabled(exportable and not self.signing)
        self.export_button.setToolTip(
            "Export the case with its signed statement"
            if exportable
            else "Not ready: " + " ".join(readiness.problems)
        )
        self._show_signed(latest_signed, readiness)
        read_back = readiness.read_back or (
            None if latest is None else read_back_of(self._vault, self._case_id, latest)
        )
        if read_back is not None:
            when = format_local(read_back.recorded_utc_ms)[:19]
            self.read_back_label.setText(f"Read back at {when}.")
        elif latest is None:
            self.read_back_label.setText("Start the MG11 form (Forms tab) and write the statement.")
        else:
            self.read_back_label.setText("Not yet read back (for the current text).")
        unsigned = latest is not None and latest_signed is None
        self.read_back_button.setEnabled(unsigned)
        self.read_view_button.setEnabled(unsigned)
        self.confirm_button.setEnabled(unsigned)
        if latest is not None and not self.name_field.text():
            self.name_field.setText(str(latest.answers.get("witness_name", "")))
        signature = None if latest is None else latest.answers.get("witness_signature")
        if isinstance(signature, dict) and signature.get("method"):
            method = dict(METHODS).get(str(signature["method"]), str(signature["method"]))
            self.confirmation_label.setText(
                f"Recorded: {method.split(' (')[0]}, {signature.get('name', '')}, "
                f"{str(signature.get('signed_at', ''))[:16].replace('T', ' ')}."
            )
        else:
            self.confirmation_label.setText("Not yet recorded.")
        if readiness.interpreter is not None:
            self.interpreter_label.setText(
                f"Interpreter: {readiness.interpreter.answers.get('name', '')} "
                f"({readiness.interpreter.answers.get('language', '')}), declaration recorded."
            )
        else:
            self.interpreter_label.setText(
                "If an interpreter was used, record who and their declaration."
            )
        return readiness

    def _show_signed(
        self, latest_signed: SignedStatement | None, readiness: StatementReadiness
    ) -> None:
        lines = [
            f"Statement {s.number} signed at {format_local(s.signed_utc_ms)[:19]} "
            f"(SHA-256 {s.pdf_sha256[:16]}…): every export carries this very file."
            for s in self.signed
        ]
        if self.signing:
            lines.append("Signing the statement…")
        elif latest_signed is None and readiness.ready:
            lines.append("Confirmed by the witness, not yet signed: sign it now.")
        elif not lines:
            lines.append("Signed as soon as the witness has confirmed it.")
        self.signed_label.setText("\n".join(lines))
        self.sign_button.setEnabled(readiness.ready and latest_signed is None and not self.signing)
        self.further_button.setEnabled(latest_signed is not None and not self.signing)

    def _update_confirmation(self) -> None:
        drawn = self.method == "drawn_signature"
        self.pad.setVisible(drawn)
        self.clear_pad_button.setVisible(drawn)

    @property
    def method(self) -> str:
        for method, button in self.method_buttons.items():
            if button.isChecked():
                return method
        return "typed_name"

    # ---- recording ----------------------------------------------------------------

    def record_read_back(self) -> None:
        if self._forms is not None:
            self._forms.flush()  # read back exactly what is on screen
        try:
            record_read_back(self._vault, self._case_id)
        except RvrError as exc:
            self._services.errors.report(self, exc, "recording the read-back")
        self.refresh()

    def open_read_back(self) -> None:
        """Show exactly the saved statement, large; record the read-back of that very text
        and, if the witness confirmed there, their confirmation."""
        if self._forms is not None:
            self._forms.flush()  # read back exactly what is on screen
        latest = latest_form_of(self._vault, self._case_id, MG11_TEMPLATE_ID)
        if latest is None:
            return
        text = str(latest.answers.get("statement_text", ""))
        # The name the statement itself gives, else what the officer typed on the tab.
        name = str(latest.answers.get("witness_name", "")).strip() or self.name_field.text()
        view = ReadBackView(text, name, self)
        try:
            if not self._services.dialogs.run(view):
                return
            shown_sha, confirm = view.text_sha256, view.confirm
            method, confirmed_name = view.method, view.name
        finally:
            view.deleteLater()
        try:
            entry = record_read_back(self._vault, self._case_id)
        except RvrError as exc:
            self._services.errors.report(self, exc, "recording the read-back")
            self.refresh()
            return
        if entry.payload.get("statement_sha256") != shown_sha:
            self._services.dialogs.show_error(
                self,
                "Read back again",
                "The statement changed while it was being read back. Read it back again.",
            )
            self.refresh()
            return
        if confirm:
            self.method_buttons[method].setChecked(True)
            self.name_field.setText(confirmed_name)
            self.save_confirmation()
        else:
            self.refresh()

    def save_confirmation(self) -> None:
        """Put the confirmation in the MG11's witness_signature, save, and finalise."""
        if self._forms is not None:
            self._forms.flush()
        latest = latest_form_of(self._vault, self._case_id, MG11_TEMPLATE_ID)
        if latest is None:
            return
        name = self.name_field.text().strip()
        if not name:
            self._services.dialogs.show_error(
                self, "Witness confirmation", "Type the witness's name as they confirmed it."
            )
            return
        signed_at = datetime.fromtimestamp(self._vault.clock.utc_now_ms() / 1000).astimezone()
        signature: dict[str, str] = {
            "method": self.method,
            "name": name,
            "signed_at": signed_at.isoformat(timespec="seconds"),
        }
        if self.method == "drawn_signature":
            if self.pad.is_empty():
                self._services.dialogs.show_error(
                    self,
                    "Witness confirmation",
                    "The drawing is empty. Ask the witness to sign, or choose another way.",
                )
                return
            signature["image_png_base64"] = base64.b64encode(self.pad.png_bytes()).decode()
        answers = {**latest.answers, "witness_signature": signature}
        try:
            saved = forms.save_draft(self._vault, latest.form_id, answers)
            self._show_in_forms(saved)
            final = forms.finalise(self._vault, latest.form_id)
            self._show_in_forms(final)
        except FormIncomplete as exc:
            self._services.dialogs.show_error(
                self,
                "Witness confirmation",
                f"The confirmation was saved. {exc}",
            )
        except RvrError as exc:
            self._services.errors.report(self, exc, "saving the witness's confirmation")
        if self.refresh().ready:
            # The officer's signature attests what the witness has just confirmed.
            self.sign(self._services.settings.timestamp_url)

    # ---- signing ------------------------------------------------------------------

    def sign(self, timestamp_url: str | None) -> None:
        """Sign the confirmed statement off the GUI thread and keep it as the original."""
        if self.signing:
            return
        vault, case_id = self._vault, self._case_id

        def work(progress: ProgressCallback, cancel: CancelToken) -> SignedStatement:
            return sign_statement(vault, case_id, timestamp_url=timestamp_url)

        self.signing = True
        task = self._services.tasks.start("signing the statement", work)
        task.succeeded.connect(self._on_signed)
        task.failed.connect(lambda error: self._on_sign_failed(error, timestamp_url))
        self.refresh()

    def _on_signed(self, signed: object) -> None:
        self.signing = False
        self.refresh()
        if self._forms is not None:
            self._forms.mark_signed(cast(SignedStatement, signed).form_id)
        self.statement_signed.emit(signed)

    def _on_sign_failed(self, error: object, timestamp_url: str | None) -> None:
        self.signing = False
        self.refresh()
        if isinstance(error, TimestampServiceFailed) and timestamp_url:
            if self._services.dialogs.confirm(
                self,
                "Sign without trusted time?",
                f"The time-stamping service at {error.url} did not answer ({error.detail}). "
                "Sign now without trusted time? The signature will then carry only this "
                "computer's own claim of when it was signed. Choose No to try again later "
                "with Sign statement.",
            ):
                self.sign(None)
            return
        if isinstance(error, BaseException):
            self._services.errors.report(self, error, "signing the statement")

    def start_further(self) -> None:
        """A further statement from the same witness, after the last one was signed."""
        try:
            started = start_further_statement(self._vault, self._case_id)
        except RvrError as exc:
            self._services.errors.report(self, exc, "starting a further statement")
            return
        self.name_field.clear()
        self.pad.clear()
        self._show_in_forms(started)
        if self._forms is not None:
            self._forms.select_or_start(MG11_TEMPLATE_ID)
        self.refresh()

    def _show_in_forms(self, version: FormVersion) -> None:
        if self._forms is not None:
            self._forms.show_saved(version)

    def show_interpreter_form(self) -> None:
        if self._forms is not None:
            self._forms.select_or_start(INTERPRETER_TEMPLATE_ID)
