"""The evidence officer's Verify window: open a bundle, see if it can be relied on, and why.

No vault is needed. Verification runs :func:`~rvr_desktop.evidence.bundle.verify.verify_bundle`
(or, for a bundle opened from the force's evidence store, ``verify_stored_bundle``, which
downloads it and checks its lock too, as ``rvr-verify s3://...`` does) on the task runner
with the trusted roots kept in this computer's settings, and the window shows its parts:
the verdict, each check with its reason, the signer and trust, the export details, and
every file with its size and SHA-256 (failing rows in red).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.bundle.report import write_report
from rvr_desktop.evidence.bundle.result import BundleStatus, Outcome
from rvr_desktop.evidence.bundle.verify import verify_bundle
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.progress import Cancelled, CancelToken, ProgressCallback
from rvr_desktop.ui.bundle_details import BundleDetails, summary_text
from rvr_desktop.ui.checks_view import CHECK, REASON, RESULT, ChecksView
from rvr_desktop.ui.file_check_model import PATH, SHA256, STATUS, FileCheckModel, FileCheckProxy
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.store_open_dialog import StoreOpenDialog, StoreRequest
from rvr_desktop.ui.task_progress import TaskProgress
from rvr_desktop.ui.trust_roots import trust_store
from rvr_desktop.ui.trusted_roots_editor import TrustedRootsDialog
from rvr_desktop.ui.verdict_banner import VerdictBanner
from rvr_desktop.ui.viewer_copies import NOTES_MEMBER, STATEMENT_MEMBER, ViewerCopies

CHECKS_TAB, DETAILS_TAB, FILES_TAB = range(3)


class VerifyWindow(QMainWindow):
    """Checks evidence bundles against the trusted roots; needs no vault.

    Emits:
        verified(status: BundleStatus): a verification finished and is shown.
        stopped(error: BaseException): a verification was cancelled or could not run.
        report_saved(path: Path): the verification report PDF was written.
    """

    verified = Signal(object)
    stopped = Signal(object)
    report_saved = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.status: BundleStatus | None = None
        self.bundle_path: Path | None = None
        self.store_request: StoreRequest | None = None
        """The bundle in the evidence store being shown (then bundle_path is None)."""
        self._copies = ViewerCopies()
        self.setWindowTitle("Verify an evidence bundle · RVR Desktop")
        self.setAccessibleName("Verify an evidence bundle")
        self.setAcceptDrops(True)

        self.open_zip_button = QPushButton("Open .zip…", self)
        self.open_zip_button.setAccessibleName("Open a bundle .zip file")
        self.open_zip_button.clicked.connect(self.pick_zip)
        self.open_folder_button = QPushButton("Open folder…", self)
        self.open_folder_button.setAccessibleName("Open a bundle folder")
        self.open_folder_button.clicked.connect(self.pick_folder)
        self.open_store_button = QPushButton("Open from the store…", self)
        self.open_store_button.setAccessibleName("Open a bundle from the evidence store")
        self.open_store_button.clicked.connect(self.pick_from_store)
        self.roots_button = QPushButton("Trusted roots…", self)
        self.roots_button.setAccessibleName("Manage trusted roots")
        self.roots_button.clicked.connect(self.manage_roots)
        self.again_button = QPushButton("Verify again", self)
        self.again_button.setAccessibleName("Verify the same bundle again")
        self.again_button.clicked.connect(self.verify_again)

        self.path_label = QLabel(self)
        self.path_label.setObjectName("hint")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = VerdictBanner(self)
        self.progress = TaskProgress("Verifying", self)

        self.checks = ChecksView(self)
        self.check_detail = QLabel(self)
        self.check_detail.setWordWrap(True)
        self.check_detail.setAccessibleName("The selected check in full")
        self.check_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.checks.currentItemChanged.connect(self._show_check_detail)
        checks_page = QWidget(self)
        checks_layout = QVBoxLayout(checks_page)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        checks_layout.addWidget(self.checks, 1)
        checks_layout.addWidget(self.check_detail)
        self.details = BundleDetails(self)
        self.files_model = FileCheckModel(self)
        self.files_proxy = FileCheckProxy(self.files_model, self)
        self.files = QTableView(self)
        self.files.setAccessibleName("Files in the bundle")
        self.files.setModel(self.files_proxy)
        self.files.setSortingEnabled(True)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.verticalHeader().hide()
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PATH, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SHA256, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(SHA256, 300)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.insertTab(CHECKS_TAB, checks_page, "&Checks")
        self.tabs.insertTab(DETAILS_TAB, self.details, "&Signer and export")
        self.tabs.insertTab(FILES_TAB, self.files, "&Files")

        self.statement_button = QPushButton("Open statement PDF", self)
        self.statement_button.setAccessibleName("Open the MG11 statement PDF")
        self.statement_button.clicked.connect(lambda: self.open_member(STATEMENT_MEMBER))
        self.notes_button = QPushButton("Open notes log", self)
        self.notes_button.setAccessibleName("Open the notes log PDF")
        self.notes_button.clicked.connect(lambda: self.open_member(NOTES_MEMBER))
        self.report_button = QPushButton("Save report PDF…", self)
        self.report_button.setAccessibleName("Save the verification report PDF")
        self.report_button.clicked.connect(self.save_report)
        self.copy_button = QPushButton("Copy summary", self)
        self.copy_button.setAccessibleName("Copy the verification summary as text")
        self.copy_button.clicked.connect(self.copy_summary)

        top = QHBoxLayout()
        for button in (
            self.open_zip_button,
            self.open_folder_button,
            self.open_store_button,
            self.again_button,
        ):
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.roots_button)
        actions = QHBoxLayout()
        for button in (self.statement_button, self.notes_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.report_button)

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addWidget(self.path_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(actions)
        self.setCentralWidget(body)
        self.progress.cancel_requested.connect(self._on_cancel)
        self.resize(1000, 720)
        self._update_buttons()

    # ---- opening and verifying -------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.progress.busy

    def _start_folder(self) -> Path | None:
        return (
            self.bundle_path.parent if self.bundle_path else self._services.settings.export_folder
        )

    def pick_zip(self) -> None:
        path = self._services.dialogs.pick_open_file(
            self, "Open an evidence bundle", self._start_folder(), "Evidence bundle (*.zip)"
        )
        if path is not None:
            self.open_bundle(path)

    def pick_folder(self) -> None:
        path = self._services.dialogs.pick_folder(
            self, "Open an evidence bundle folder", self._start_folder()
        )
        if path is not None:
            self.open_bundle(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if not self.busy and len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.open_bundle(Path(urls[0].toLocalFile()))

    def open_bundle(self, path: Path) -> None:
        """Verify the bundle at ``path`` (a folder or a .zip) on a worker thread."""
        if self.busy:
            return
        self.bundle_path = path
        self.store_request = None
        self.path_label.setText(str(path))
        self.verify_again()

    def pick_from_store(self) -> None:
        if self.busy:
            return
        dialog = StoreOpenDialog(self._services.dialogs, self)
        try:
            if self._services.dialogs.run(dialog) and dialog.request is not None:
                self.open_from_store(dialog.request)
        finally:
            dialog.deleteLater()

    def open_from_store(self, request: StoreRequest) -> None:
        """Download and verify a bundle in the evidence store, and check its lock."""
        if self.busy:
            return
        self.store_request = request
        self.bundle_path = None
        receipt = "" if request.receipt is None else "  ·  against its receipt"
        self.path_label.setText(f"{request.stored.url}{receipt}")
        self.verify_again()

    def verify_again(self) -> None:
        path, request = self.bundle_path, self.store_request
        if (path is None and request is None) or self.busy:
            return
        store, problems = trust_store(self._services.settings)
        if problems:
            self._services.dialogs.show_error(self, "Trusted roots", "\n".join(problems))
        self._show(None)

        if request is not None:
            self.banner.clear(f"Downloading {request.stored.url} from the store…")

            def work(progress: ProgressCallback, cancel: CancelToken) -> BundleStatus:
                from rvr_desktop.evidence.store.client import make_client
                from rvr_desktop.evidence.store.stored_check import verify_stored_bundle

                return verify_stored_bundle(
                    make_client(request.address),
                    request.address,
                    request.stored,
                    store,
                    receipt=request.receipt,
                    progress=progress,
                    cancel=cancel,
                )

        elif path is not None:
            self.banner.clear(f"Checking {path.name}…")
            local = path

            def work(progress: ProgressCallback, cancel: CancelToken) -> BundleStatus:
                return verify_bundle(local, store, progress=progress, cancel=cancel)

        task = self._services.tasks.start("verify", work)
        self.progress.follow(task)
        task.succeeded.connect(self._on_verified)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._update_buttons)  # after the progress bar let go of it
        self._update_buttons()

    def _on_cancel(self) -> None:
        self.banner.clear("Cancelling…")

    def _on_verified(self, status: object) -> None:
        status = cast(BundleStatus, status)
        self._show(status)
        self.verified.emit(status)

    def _on_failed(self, error: object) -> None:
        error = cast(BaseException, error)
        self._show(None)
        if isinstance(error, Cancelled):
            self.banner.clear("Verification cancelled. Open the bundle again to check it.")
        else:
            self.banner.clear("The bundle could not be checked.")
            self._services.errors.report(self, error, "verifying the bundle")
        self.stopped.emit(error)

    def _show(self, status: BundleStatus | None) -> None:
        self.status = status
        if status is None:
            self.checks.clear()
            self.check_detail.clear()
            self.details.clear()
            self.files_model.set_rows([])
        else:
            self.banner.show_status(status)
            self.checks.set_checks(status.checks)
            # Start on the first check that did not pass, shown in full below the list.
            first = next(
                (i for i, ch in enumerate(status.checks) if ch.outcome is not Outcome.PASS), 0
            )
            first_item = self.checks.topLevelItem(first)
            if first_item is not None:
                self.checks.setCurrentItem(first_item)
            self.details.show_status(status)
            self.files_model.set_rows(status.files)
            self.files.sortByColumn(STATUS, Qt.SortOrder.AscendingOrder)
        self._update_buttons()

    def _show_check_detail(self) -> None:
        item = self.checks.currentItem()
        self.check_detail.setText(
            ""
            if item is None
            else f"{item.text(RESULT)} · {item.text(CHECK)}: {item.toolTip(REASON)}"
        )

    def _update_buttons(self) -> None:
        idle = not self.busy
        have = self.status is not None and idle
        present = set() if self.status is None else {f.path for f in self.status.files}
        for button in (
            self.open_zip_button,
            self.open_folder_button,
            self.open_store_button,
            self.roots_button,
        ):
            button.setEnabled(idle)
        opened = self.bundle_path is not None or self.store_request is not None
        self.again_button.setEnabled(idle and opened)
        # A stored bundle's downloaded copy is gone once checked: open it from a file.
        present = present if self.bundle_path is not None else set()
        self.statement_button.setEnabled(have and STATEMENT_MEMBER in present)
        self.notes_button.setEnabled(have and NOTES_MEMBER in present)
        self.report_button.setEnabled(have)
        self.copy_button.setEnabled(have)

    def failing_rows(self) -> list[str]:
        """The paths of the files table's highlighted rows, in the order shown."""
        shown = []
        for row in range(self.files_proxy.rowCount()):
            source = self.files_proxy.mapToSource(self.files_proxy.index(row, 0)).row()
            check = self.files_model.row(source)
            if not check.ok:
                shown.append(check.path)
        return shown

    # ---- roots -----------------------------------------------------------------------

    def manage_roots(self) -> None:
        dialog = TrustedRootsDialog(self._services.settings, self._services.dialogs, self)
        changed: list[bool] = []
        dialog.editor.roots_changed.connect(lambda: changed.append(True))
        try:
            self._services.dialogs.run(dialog)
        finally:
            dialog.deleteLater()
        if changed and (self.bundle_path is not None or self.store_request is not None):
            self.verify_again()

    # ---- what can be done with the result --------------------------------------------

    def open_member(self, member: str) -> None:
        status, path = self.status, self.bundle_path
        if status is None or path is None:
            return
        row = next((f for f in status.files if f.path == member), None)
        if (
            row is not None
            and not row.ok
            and not self._services.dialogs.confirm(
                self,
                "Open a file that failed",
                f"{member} failed verification: {row.message} Open it anyway?",
            )
        ):
            return
        try:
            copy = self._copies.copy(path, member)
        except RvrError as exc:
            self._services.errors.report(self, exc, "opening the file")
            return
        if not self._services.dialogs.open_in_viewer(copy):
            self._services.dialogs.show_error(
                self,
                "RVR Desktop",
                f"No program on this computer opened {copy.name}. Install a PDF reader, or "
                f"open the copy at {copy} yourself.",
            )

    @property
    def viewer_folder(self) -> Path | None:
        """The private temporary folder holding copies for the viewer (None until used)."""
        return self._copies.folder

    def copy_summary(self) -> None:
        if self.status is not None:
            QGuiApplication.clipboard().setText(summary_text(self.status))

    def save_report(self) -> None:
        status = self.status
        if status is None or self.busy:
            return
        start = self._services.settings.export_folder or (
            status.bundle.parent if self.bundle_path is not None else Path.home()
        )
        suggested = start / f"{status.bundle.name.removesuffix('.zip')}-verification.pdf"
        target = self._services.dialogs.pick_save_file(
            self, "Save the verification report", suggested, "PDF (*.pdf)"
        )
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")

        def work(progress: ProgressCallback, cancel: CancelToken) -> Path:
            write_report(status, target)
            return target

        task = self._services.tasks.start("verification report", work)
        task.succeeded.connect(self._on_report_saved)
        task.failed.connect(
            lambda error: self._services.errors.report(
                self, cast(BaseException, error), "saving the verification report"
            )
        )

    def _on_report_saved(self, path: object) -> None:
        shown = self.bundle_path or (self.store_request and self.store_request.stored.url)
        self.path_label.setText(f"{shown}  ·  report saved to {path}")
        self.report_saved.emit(path)

    def forget(self) -> None:
        """Drop the bundle shown (case reference, names, signer) at once, before any deletion.

        Qt deletes a window only when the event loop next runs; locking must not wait for that.
        """
        self.progress.cancel()
        self._show(None)
        self.bundle_path = None
        self.store_request = None
        self.path_label.clear()
        self.banner.clear("")
        self._copies.cleanup()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.progress.cancel()
        self._copies.cleanup()
        super().closeEvent(event)
