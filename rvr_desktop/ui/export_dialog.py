"""Export the case as a signed evidence bundle, then show what was made and that it verifies.

The export runs on the task runner with progress and Cancel (a cancelled export leaves
nothing behind: the core guarantees it). The finished bundle is verified at once with the
trusted roots kept on this computer, and the audit chain's short code is shown large for
the force's records system.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.bundle.export import ExportRequest, ExportResult, export_case
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.result import BundleStatus
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.case.cases import Case
from rvr_desktop.evidence.disclosure.check import DisclosureCheck
from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.progress import Cancelled, CancelToken, ProgressCallback
from rvr_desktop.evidence.signing.errors import TimestampServiceFailed
from rvr_desktop.evidence.signing.identity_store import stored_identity
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.signing_identity_panel import TEST_BANNER_TEXT
from rvr_desktop.ui.store_queue import StoreQueue
from rvr_desktop.ui.task_progress import TaskProgress
from rvr_desktop.ui.trust_roots import trust_store
from rvr_desktop.ui.verdict_banner import TRUST_HINT, headline_of, outcome_of


@dataclass(frozen=True)
class ExportOutcome:
    result: ExportResult
    status: BundleStatus
    """The finished bundle verified with this computer's trusted roots."""
    trust_problems: tuple[str, ...] = ()
    """Stored trusted roots that could not be read (skipped for the check)."""


class ExportDialog(QDialog):
    """Asks where, for whom and why; exports; shows the bundle, its check and the chain code.

    Emits:
        exported(outcome: ExportOutcome): the bundle was written, recorded and verified.
        export_stopped(error: BaseException): the export was cancelled or refused.
        store_queued(): the bundle joined the evidence store's queue.
    """

    exported = Signal(object)
    export_stopped = Signal(object)
    store_queued = Signal()

    def __init__(
        self,
        services: Services,
        vault: Vault,
        case: Case,
        parent: QWidget | None = None,
        store_queue: StoreQueue | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export {case.reference}")
        self._services = services
        self._vault = vault
        self._case = case
        self._store_queue = store_queue
        self.outcome: ExportOutcome | None = None
        self.without_trusted_time = False
        """The officer chose to export without the time-stamping service (it failed)."""

        identity = stored_identity(vault)
        self.test_banner = QLabel(
            f"{TEST_BANNER_TEXT}: this bundle will be signed with a TEST identity.", self
        )
        self.test_banner.setObjectName("testBanner")
        self.test_banner.setVisible(identity is not None and identity.is_test_identity)

        folder = services.settings.export_folder
        self.folder_field = QLineEdit("" if folder is None else str(folder), self)
        self.folder_field.setAccessibleName("Export folder")
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setAccessibleName("Choose the export folder")
        self.browse_button.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_field, 1)
        folder_row.addWidget(self.browse_button)
        self.recipient_field = QLineEdit(self)
        self.recipient_field.setAccessibleName("Recipient")
        self.recipient_field.setPlaceholderText("For example CPS Direct, East of England")
        self.reason_field = QLineEdit(self)
        self.reason_field.setAccessibleName("Reason for the export")
        self.reason_field.setPlaceholderText("For example Charging decision requested")
        self.folder_choice = QRadioButton("A folder", self)
        self.zip_choice = QRadioButton("One .zip file", self)
        self.folder_choice.setChecked(True)
        layout_group = QButtonGroup(self)
        layout_group.addButton(self.folder_choice)
        layout_group.addButton(self.zip_choice)
        layout_row = QHBoxLayout()
        layout_row.addWidget(self.folder_choice)
        layout_row.addWidget(self.zip_choice)
        layout_row.addStretch(1)
        self.form = QWidget(self)
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Export to", folder_row)
        form.addRow("&Recipient *", self.recipient_field)
        form.addRow("Rea&son *", self.reason_field)
        form.addRow("As", layout_row)
        recorded = QLabel(
            "Recipient and reason are recorded in the case's audit chain with the export.", self
        )
        recorded.setObjectName("hint")
        recorded.setWordWrap(True)

        self.progress = TaskProgress("Exporting", self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("hint")
        self.message.hide()

        self.result_box = QGroupBox("Exported", self)
        self.bundle_label = QLabel(self.result_box)
        self.bundle_label.setWordWrap(True)
        self.bundle_label.setAccessibleName("Bundle")
        self.bundle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict_label = QLabel(self.result_box)
        self.verdict_label.setObjectName("verdictHeadline")
        self.verdict_label.setAccessibleName("Verification of the bundle")
        self.verdict_detail = QLabel(self.result_box)
        self.verdict_detail.setWordWrap(True)
        code_help = QLabel(
            "Audit chain code: copy it into the force's records system.", self.result_box
        )
        self.chain_code = QLabel(self.result_box)
        self.chain_code.setObjectName("chainCode")
        self.chain_code.setAccessibleName("Audit chain code")
        self.chain_code.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.copy_code_button = QPushButton("Copy code", self.result_box)
        self.copy_code_button.setAccessibleName("Copy the audit chain code")
        self.copy_code_button.clicked.connect(self.copy_code)
        code_row = QHBoxLayout()
        code_row.addWidget(self.chain_code)
        code_row.addWidget(self.copy_code_button)
        code_row.addStretch(1)
        self.store_button = QPushButton("Submit to the evidence &store", self.result_box)
        self.store_button.setAccessibleName("Submit the bundle to the force's evidence store")
        self.store_button.clicked.connect(self.submit_to_store)
        self.store_button.setVisible(store_queue is not None)
        self.store_message = QLabel(self.result_box)
        self.store_message.setWordWrap(True)
        self.store_message.setAccessibleName("Evidence store")
        self.store_message.hide()
        store_row = QHBoxLayout()
        store_row.addWidget(self.store_button)
        store_row.addStretch(1)
        self.disclosure_label = QLabel(self.result_box)
        self.disclosure_label.setWordWrap(True)
        self.disclosure_label.setAccessibleName("Disclosure check")
        self.disclosure_list = QListWidget(self.result_box)
        """Every place a restricted detail appears outside data/restricted/, one a row."""
        self.disclosure_list.setAccessibleName("Places to redact before disclosure")
        self.disclosure_list.setWordWrap(True)
        self.disclosure_list.hide()
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(self.bundle_label)
        result_layout.addWidget(self.verdict_label)
        result_layout.addWidget(self.verdict_detail)
        result_layout.addWidget(self.disclosure_label)
        result_layout.addWidget(self.disclosure_list)
        result_layout.addWidget(code_help)
        result_layout.addLayout(code_row)
        result_layout.addLayout(store_row)
        result_layout.addWidget(self.store_message)
        self.result_box.hide()

        self.export_button = QPushButton("Export", self)
        self.export_button.setDefault(True)
        self.export_button.setAccessibleName("Export the signed bundle")
        self.export_button.clicked.connect(self.start_export)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.test_banner)
        layout.addWidget(self.form)
        layout.addWidget(recorded)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.result_box)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(640, 420)
        self._problem_field: QLineEdit | None = None
        for field in (self.folder_field, self.recipient_field, self.reason_field):
            field.textChanged.connect(lambda _text, f=field: self._corrected(f))
        # The first field that still needs an answer (the folder comes from the settings).
        next(
            (f for f in (self.folder_field, self.recipient_field) if not f.text().strip()),
            self.recipient_field,
        ).setFocus()

    def _corrected(self, field: QLineEdit) -> None:
        if field is self._problem_field:
            self._problem_field = None
            self._show_message("")

    @property
    def busy(self) -> bool:
        return self.progress.busy

    def _browse(self) -> None:
        start = Path(self.folder_field.text()) if self.folder_field.text().strip() else None
        chosen = self._services.dialogs.pick_folder(self, "Export to", start)
        if chosen is not None:
            self.folder_field.setText(str(chosen))

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setObjectName("errorText" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def request(self) -> ExportRequest:
        """The request as filled in; refuses missing answers in plain words."""
        folder = self.folder_field.text().strip()
        if not folder:
            raise InvalidInput("Choose the folder to export to.")
        if not self.recipient_field.text().strip():
            raise InvalidInput("Say who the bundle is for (the recipient).")
        if not self.reason_field.text().strip():
            raise InvalidInput("Give the reason for this export (it is recorded).")
        return ExportRequest(
            self._case.id,
            Path(folder).expanduser(),
            self.recipient_field.text().strip(),
            self.reason_field.text().strip(),
            BundleLayout.ZIP if self.zip_choice.isChecked() else BundleLayout.FOLDER,
            None if self.without_trusted_time else self._services.settings.timestamp_url,
        )

    def start_export(self) -> None:
        if self.busy:
            return
        try:
            request = self.request()
        except InvalidInput as exc:
            self._show_message(str(exc), error=True)
            self._problem_field = next(
                (
                    f
                    for f in (self.folder_field, self.recipient_field, self.reason_field)
                    if not f.text().strip()
                ),
                None,
            )
            if self._problem_field is not None:
                self._problem_field.setFocus()
            return
        store, problems = trust_store(self._services.settings)
        vault = self._vault

        def work(progress: ProgressCallback, cancel: CancelToken) -> ExportOutcome:
            result = export_case(vault, request, progress=progress, cancel=cancel)
            # Once written and recorded the bundle stays, so its check is not cancellable.
            status = verify_bundle(result.bundle, store)
            return ExportOutcome(result, status, tuple(problems))

        self.result_box.hide()
        self._show_message("Rendering and signing the statement, then writing the bundle…")
        task = self._services.tasks.start("export", work)
        self.progress.follow(task)
        task.succeeded.connect(self._on_exported)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._update_buttons)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.form.setEnabled(idle and self.outcome is None)
        self.export_button.setEnabled(idle and self.outcome is None)
        self.close_button.setEnabled(idle)

    def _on_exported(self, outcome: object) -> None:
        outcome = cast(ExportOutcome, outcome)
        self.outcome = outcome
        result, status = outcome.result, outcome.status
        self._show_message("")
        if self._services.settings.export_folder is None:
            # The first folder exported to becomes the default (Settings can change it).
            self._services.settings.export_folder = Path(self.folder_field.text().strip())
        self.bundle_label.setText(
            f"<b>{result.bundle}</b><br>{result.payload_files} files, "
            f"{result.payload_bytes:,} bytes"
            + ("<br>Left out: " + "; ".join(result.omitted) if result.omitted else "")
        )
        verdict = outcome_of(status)
        self.verdict_label.setText(headline_of(status))
        self.verdict_label.setProperty("outcome", verdict)
        self.verdict_label.style().unpolish(self.verdict_label)
        self.verdict_label.style().polish(self.verdict_label)
        detail = [status.verdict_text]
        if verdict == "indeterminate":
            detail.append(TRUST_HINT.replace("Trusted roots…", "Settings › Trusted roots"))
        if status.is_test_identity:
            detail.append(f"{TEST_BANNER_TEXT}: signed with a TEST identity, for training only.")
        detail.extend(outcome.trust_problems)
        self.verdict_detail.setText("\n".join(detail))
        self._show_disclosure(result.disclosure)
        self.chain_code.setText(result.chain_code)
        self.result_box.show()
        self.fit_to_contents()
        self.close_button.setText("Done")
        self.close_button.setDefault(True)
        self.exported.emit(outcome)

    def fit_to_contents(self) -> None:
        """Grow (never shrink) to show every line of the result at the present width:
        wrapped lines need more height than the dialog had before the result appeared,
        and a squeezed verdict would print its lines over each other."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        needed = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        screen = self.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height())
        if needed > self.height():
            self.resize(width, needed)

    def _show_disclosure(self, check: DisclosureCheck) -> None:
        self.disclosure_list.clear()
        places = check.places
        if not places:
            self.disclosure_label.setText(
                "Disclosure check: no restricted detail of the victim (phone number, address, "
                "e-mail, date of birth, safe word) appears outside data/restricted/."
            )
            self.disclosure_list.hide()
            return
        count = "1 place" if len(places) == 1 else f"{len(places)} places"
        self.disclosure_label.setText(
            f"<b>Disclosure check: a restricted detail of the victim appears in {count} "
            "outside data/restricted/.</b> Notes cannot be changed, so tell the disclosure "
            "officer to redact these before anything is disclosed (the list is also in the "
            "bundle as data/disclosure-check.json)."
        )
        for place in places:
            self.disclosure_list.addItem(f"{place.described} ({place.context})")
        self.disclosure_list.show()

    def _on_failed(self, error: object) -> None:
        error = cast(BaseException, error)
        if isinstance(error, TimestampServiceFailed) and not self.without_trusted_time:
            self._show_message("The time-stamping service did not answer.", error=True)
            if self._services.dialogs.confirm(
                self,
                "Export without trusted time?",
                f"The time-stamping service at {error.url} did not answer ({error.detail}). "
                "Nothing was written. Export now without trusted time? The bundle's "
                "signature will then carry only this computer's own claim of when it was "
                "made, and cannot be kept provable for years. Choose No to try again later.",
            ):
                self.without_trusted_time = True
                # Once the failed task has finished, so the dialog is no longer busy.
                QTimer.singleShot(0, self.start_export)
            self.export_stopped.emit(error)
            return
        if isinstance(error, Cancelled):
            self._show_message("Export cancelled. Nothing was written and nothing was recorded.")
        else:
            self._show_message("The export did not complete.", error=True)
            self._services.errors.report(self, error, "exporting the case")
        self.export_stopped.emit(error)

    def submit_to_store(self) -> None:
        """Queue this bundle for the force's evidence store (a folder is exported again as
        one .zip for the store); the queue sends it in the background."""
        outcome, store_queue = self.outcome, self._store_queue
        if outcome is None or store_queue is None:
            return
        bundle = outcome.result.bundle
        try:
            if bundle.suffix.lower() == ".zip":
                store_queue.add_bundle(self._case.id, bundle)
            else:
                store_queue.add_case(self._case.id)
        except RvrError as exc:
            self._show_store_message(str(exc), error=True)
            return
        self.store_button.setEnabled(False)
        self._show_store_message(
            "Queued for the evidence store. It is sent in the background: follow it in the "
            "evidence store queue (View › Evidence store queue). You can close this dialog."
        )
        self.store_queued.emit()

    def _show_store_message(self, text: str, *, error: bool = False) -> None:
        self.store_message.setObjectName("errorText" if error else "hint")
        self.store_message.style().unpolish(self.store_message)
        self.store_message.style().polish(self.store_message)
        self.store_message.setText(text)
        self.store_message.show()

    def copy_code(self) -> None:
        if self.outcome is not None:
            QGuiApplication.clipboard().setText(self.outcome.result.chain_code)
            self.copy_code_button.setText("Copied ✓")
            self._show_message(
                "The audit chain code is copied: paste it into the case file or the e-mail "
                "that goes with the bundle."
            )

    def reject(self) -> None:
        """Escape or Close: while exporting, this cancels the export and keeps the dialog."""
        if self.busy:
            self.progress.cancel()
            return
        super().reject()
