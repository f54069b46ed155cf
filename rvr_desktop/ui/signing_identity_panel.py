"""The vault's signing identity: what it is, import a .p12 / .pfx, or make a TEST one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.signing.identity_store import import_pkcs12_file, stored_identity
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.signing.training_pki import create_test_identity_in_vault
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.trust_roots import add_root_file

TEST_BANNER_TEXT = "TEST IDENTITY - NOT FOR EVIDENCE"


class SigningIdentityPanel(QWidget):
    """Shows the stored identity's summary lines; imports or creates one at once.

    ``officer`` returns the profile to put in a TEST certificate (saving it first), or
    raises the core's message when it is incomplete.

    Emits:
        identity_changed(): a credential was imported or a TEST identity created.
        roots_changed(): a TEST root was added to this computer's trusted roots.
    """

    identity_changed = Signal()
    roots_changed = Signal()

    def __init__(
        self,
        services: Services,
        vault: Vault | None,
        officer: Callable[[], OfficerProfile | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self._officer = officer
        self.test_banner = QLabel(TEST_BANNER_TEXT, self)
        self.test_banner.setObjectName("testBanner")
        self.test_banner.setAccessibleName("Test identity warning")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Signing identity")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton("Import .p12 / .pfx…", self)
        self.import_button.setAccessibleName("Import the signing credential file")
        self.import_button.clicked.connect(self.import_credential)
        self.test_button = QPushButton("Create TEST identity…", self)
        self.test_button.setAccessibleName("Create a TEST identity for training")
        self.test_button.setToolTip(
            "For training only: bundles it signs are marked NOT FOR EVIDENCE"
        )
        self.test_button.clicked.connect(self.create_test_identity)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.test_banner)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.setEnabled(vault is not None)
        self.refresh()

    def refresh(self) -> None:
        summary = None if self._vault is None else stored_identity(self._vault)
        if self._vault is None:
            self.summary.setText("Unlock the vault to see or change the signing identity.")
        elif summary is None:
            self.summary.setText(
                "No signing identity yet. Import the .p12 / .pfx file your force issued, or "
                "create a TEST identity for training."
            )
        else:
            lines = summary.display_lines()
            if summary.is_test_identity:  # the red banner above already says so
                lines = [line for line in lines if line != TEST_BANNER_TEXT]
            self.summary.setText("\n".join(lines))
        self.test_banner.setVisible(summary is not None and summary.is_test_identity)

    def import_credential(self) -> None:
        if self._vault is None:
            return
        dialogs = self._services.dialogs
        path = dialogs.pick_open_file(
            self, "Import your signing credential", None, "Signing credential (*.p12 *.pfx)"
        )
        if path is None:
            return
        password = dialogs.ask_password(self, "Signing credential", f"The password of {path.name}:")
        if password is None:
            return
        try:
            import_pkcs12_file(self._vault, path, password)
        except RvrError as exc:
            self._services.errors.report(self, exc, "importing the signing credential")
            return
        self.refresh()
        self.identity_changed.emit()

    def create_test_identity(self) -> None:
        vault = self._vault
        if vault is None:
            return
        dialogs = self._services.dialogs
        try:
            officer = self._officer()
        except RvrError as exc:
            self._services.errors.report(self, exc, "saving the officer profile")
            return
        if officer is None:
            dialogs.show_error(
                self,
                "Signing identity",
                "Fill in your officer profile (at least name and collar number) first: it is "
                "written into the TEST certificate.",
            )
            return
        if stored_identity(vault) is not None and not dialogs.confirm(
            self,
            "Signing identity",
            "This replaces the vault's signing identity with a TEST one. Bundles it signs are "
            "marked NOT FOR EVIDENCE. Go on?",
        ):
            return
        folder = dialogs.pick_folder(
            self,
            "Folder for the TEST root certificate",
            self._services.settings.export_folder or Path.home(),
        )
        if folder is None:
            return
        try:
            made = create_test_identity_in_vault(vault, officer, folder)
        except RvrError as exc:
            self._services.errors.report(self, exc, "creating the TEST identity")
            return
        self.refresh()
        self.identity_changed.emit()
        if dialogs.confirm(
            self,
            "Trust the TEST root?",
            f"The TEST root was written to {made.root_pem_path}. Trust it on this computer, "
            "so training bundles verify here? (Give the file to whoever verifies them.)",
        ):
            try:
                add_root_file(self._services.settings, made.root_pem_path)
            except RvrError as exc:
                self._services.errors.report(self, exc, "trusting the TEST root")
                return
            self.roots_changed.emit()
