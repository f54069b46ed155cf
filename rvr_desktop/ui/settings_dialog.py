"""Settings: this computer (idle lock, folders, time-stamping), the officer and signing
identity (the vault), the trusted roots (this computer, shared with Verify), and the
evidence store's access key (the vault)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.forms.registry import force_templates_dir, set_force_templates_dir
from rvr_desktop.evidence.signing.officer import OfficerProfile
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.officer_profile_form import OfficerProfileForm
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.settings import MAX_IDLE_MINUTES, MIN_IDLE_MINUTES
from rvr_desktop.ui.signing_identity_panel import SigningIdentityPanel
from rvr_desktop.ui.store_key_panel import StoreKeyPanel
from rvr_desktop.ui.style import error_label
from rvr_desktop.ui.trusted_roots_editor import TrustedRootsEditor
from rvr_desktop.ui.wheel_guard import WheelGuard

GENERAL_TAB, OFFICER_TAB, ROOTS_TAB, STORE_TAB = range(4)


def check_timestamp_url(text: str) -> str | None:
    url = text.strip()
    if not url:
        return None
    if not url.lower().startswith(("http://", "https://")):
        raise InvalidInput(
            "The time-stamping address must start with http:// or https:// (your force's "
            "RFC 3161 service). Leave it empty to sign without a time-stamp."
        )
    return url


class SettingsDialog(QDialog):
    """Edits the settings; the general and officer tabs are saved when Save is pressed, while
    importing or creating a signing identity and changing trusted roots happen at once.

    ``identity_changed`` is True after the dialog if the signing identity was replaced.
    """

    def __init__(
        self, services: Services, vault: Vault | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._services = services
        self._settings = settings = services.settings
        self._dialogs = services.dialogs
        self._vault = vault
        self.identity_changed = False

        # ---- this computer
        self.idle_minutes = QSpinBox(self)
        self.idle_minutes.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setValue(settings.idle_minutes)
        self.idle_minutes.setAccessibleName("Lock after this many idle minutes")
        # Settings open before the unlock too, when the app's own guard is not watching.
        self._wheel_guard = WheelGuard(self)
        self._wheel_guard.guard(self.idle_minutes)
        self.export_field, self.export_browse, export_row = self._folder_row(
            settings.export_folder, "Default export folder"
        )
        # The force's templates folder belongs to the vault (the forms engine reads it there).
        current = None if vault is None else force_templates_dir(vault)
        self.templates_field, _, templates_row = self._folder_row(current, "Templates folder")
        self.templates_field.setPlaceholderText(
            "The templates shipped with RVR Desktop"
            if vault is not None
            else "Unlock the vault to change the templates folder"
        )
        templates_row.setEnabled(vault is not None)
        self.timestamp_field = QLineEdit(settings.timestamp_url or "", self)
        self.timestamp_field.setAccessibleName("Time-stamping service address")
        self.timestamp_field.setPlaceholderText("https://… (RFC 3161); empty for none")
        general = QWidget(self)
        form = QFormLayout(general)
        form.addRow("&Lock when idle for", self.idle_minutes)
        form.addRow("Default &export folder", export_row)
        form.addRow("&Templates folder", templates_row)
        form.addRow("Time-&stamping service", self.timestamp_field)
        note = QLabel(
            "These settings are kept on this computer only. Case content is never stored "
            "outside the encrypted vault.",
            general,
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        form.addRow(note)

        # ---- the officer and the signing identity (in the vault)
        officer_tab = QWidget(self)
        self.profile_form = OfficerProfileForm(vault, officer_tab)
        self.identity = SigningIdentityPanel(services, vault, self._profile_for_test, officer_tab)
        self.identity.identity_changed.connect(self._on_identity_changed)
        profile_box = QGroupBox(
            "Officer profile (printed on statements and signatures)", officer_tab
        )
        QVBoxLayout(profile_box).addWidget(self.profile_form)
        identity_box = QGroupBox("Signing identity", officer_tab)
        QVBoxLayout(identity_box).addWidget(self.identity)
        officer_layout = QVBoxLayout(officer_tab)
        if vault is None:
            locked = QLabel("Unlock your vault to set your profile and signing identity.", self)
            locked.setObjectName("hint")
            officer_layout.addWidget(locked)
        officer_layout.addWidget(profile_box)
        officer_layout.addWidget(identity_box)
        officer_layout.addStretch(1)

        # ---- trusted roots (this computer)
        self.roots = TrustedRootsEditor(settings, services.dialogs, self)
        self.identity.roots_changed.connect(self.roots.reload)

        self.tabs = QTabWidget(self)
        self.tabs.insertTab(GENERAL_TAB, general, "&General")
        self.tabs.insertTab(OFFICER_TAB, officer_tab, "&Officer and signing")
        self.tabs.insertTab(ROOTS_TAB, self.roots, "Trusted &roots")
        # ---- the evidence store (where: the force's settings; the access key: the vault)
        self.store = StoreKeyPanel(services, vault, self)
        self.tabs.insertTab(STORE_TAB, self.store, "Evidence &store")

        self.message = error_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(760, 720)
        self.idle_minutes.setFocus()

    def _folder_row(
        self, current: Path | None, name: str
    ) -> tuple[QLineEdit, QPushButton, QWidget]:
        field = QLineEdit("" if current is None else str(current), self)
        field.setAccessibleName(name)
        browse = QPushButton("Browse…", self)
        browse.setAccessibleName(f"Choose the {name.lower()}")

        def choose() -> None:
            start = Path(field.text()) if field.text().strip() else None
            chosen = self._dialogs.pick_folder(self, name, start)
            if chosen is not None:
                field.setText(str(chosen))

        browse.clicked.connect(choose)
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        layout.addWidget(browse)
        return field, browse, row

    @staticmethod
    def _path_or_none(field: QLineEdit) -> Path | None:
        text = field.text().strip()
        return Path(text).expanduser() if text else None

    def _profile_for_test(self) -> OfficerProfile | None:
        """The profile for a TEST certificate: saved first, so both say the same."""
        return self.profile_form.save(required=True)

    def _on_identity_changed(self) -> None:
        self.identity_changed = True

    def _refuse(self, text: str, tab: int) -> None:
        self.message.setText(text)
        self.message.show()
        self.tabs.setCurrentIndex(tab)

    def accept(self) -> None:
        try:
            timestamp_url = check_timestamp_url(self.timestamp_field.text())
        except InvalidInput as exc:
            self._refuse(str(exc), GENERAL_TAB)
            return
        if self._vault is not None:
            folder = self._path_or_none(self.templates_field)
            if folder != force_templates_dir(self._vault):
                try:  # loads the folder first, so a bad template is refused here
                    set_force_templates_dir(self._vault, folder)
                except RvrError as exc:
                    self._refuse(str(exc), GENERAL_TAB)
                    return
            try:
                self.profile_form.save()
            except RvrError as exc:
                self._refuse(str(exc), OFFICER_TAB)
                return
        self._settings.idle_minutes = self.idle_minutes.value()
        self._settings.export_folder = self._path_or_none(self.export_field)
        self._settings.timestamp_url = timestamp_url
        super().accept()
