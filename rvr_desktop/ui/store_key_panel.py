"""Settings › Evidence store: the force's store as its IT set it, and the officer's access key.

The key is entered once and kept only inside the vault (encrypted with the cases); the
panel says whether one is kept and its key ID, never the secret. Saving and forgetting
happen at once, like the signing identity.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.store.access_key import (
    forget_access_key,
    store_access_key,
    stored_access_key,
)
from rvr_desktop.evidence.store.client import AccessKey
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.store_queue import force_store_settings


class StoreKeyPanel(QWidget):
    """Where the store is, and the access key kept in the vault.

    Emits:
        key_changed(): an access key was saved or forgotten.
    """

    key_changed = Signal()

    def __init__(
        self, services: Services, vault: Vault | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._vault = vault
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setAccessibleName("The force's evidence store")
        self.key_state = QLabel(self)
        self.key_state.setWordWrap(True)
        self.key_state.setAccessibleName("Access key kept in the vault")
        self.key_id_field = QLineEdit(self)
        self.key_id_field.setAccessibleName("Access key ID")
        self.secret_field = QLineEdit(self)
        self.secret_field.setAccessibleName("Secret access key")
        self.secret_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_button = QPushButton("Keep this &access key in the vault", self)
        self.save_button.setAccessibleName("Keep this access key in the vault")
        self.save_button.clicked.connect(self.save_key)
        self.forget_button = QPushButton("&Forget the access key", self)
        self.forget_button.setAccessibleName("Forget the access key kept in the vault")
        self.forget_button.clicked.connect(self.forget_key)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("hint")
        form = QFormLayout()
        form.addRow("Access key &ID", self.key_id_field)
        form.addRow("Se&cret access key", self.secret_field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.forget_button)
        buttons.addStretch(1)
        about = QLabel(
            "Enter the access key only if your IT team gave you one for RVR. Without it, the "
            "app signs in to the store the way your IT team set up this computer (a profile "
            "or single sign-on). The key is kept only inside your encrypted vault.",
            self,
        )
        about.setObjectName("hint")
        about.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(about)
        layout.addWidget(self.key_state)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        try:
            settings = force_store_settings()
        except RvrError as exc:
            self.where.setText(str(exc))
        else:
            endpoint = settings.endpoint_url or "AWS S3"
            hold = ", with a legal hold" if settings.legal_hold else ""
            self.where.setText(
                f"Bundles go to bucket {settings.bucket} at {endpoint}, locked "
                f"({settings.retention_mode}) for {settings.retention_days} days{hold}."
            )
        vault = self._vault
        unlocked = vault is not None
        for widget in (self.key_id_field, self.secret_field, self.save_button):
            widget.setEnabled(unlocked)
        if vault is None:
            self.key_state.setText("Unlock your vault to enter or forget an access key.")
            self.forget_button.setEnabled(False)
            return
        kept = stored_access_key(vault)
        self.forget_button.setEnabled(kept is not None)
        self.key_state.setText(
            f"An access key is kept in the vault (key ID {kept.key_id})."
            if kept is not None
            else "No access key is kept in the vault."
        )

    def save_key(self) -> None:
        if self._vault is None:
            return
        key = AccessKey(self.key_id_field.text(), self.secret_field.text())
        if not key.key_id.strip() or not key.secret.strip():
            self.message.setText("Enter both the access key ID and the secret access key.")
            return
        try:
            store_access_key(self._vault, key)
        except RvrError as exc:
            self.message.setText(str(exc))
            return
        self.key_id_field.clear()
        self.secret_field.clear()
        self.message.setText("The access key is kept in the vault.")
        self.refresh()
        self.key_changed.emit()

    def forget_key(self) -> None:
        if self._vault is None:
            return
        if not self._services.dialogs.confirm(
            self,
            "Forget the access key",
            "Remove the evidence store's access key from the vault? You will need it again "
            "to submit bundles, unless this computer signs in another way.",
        ):
            return
        forget_access_key(self._vault)
        self.message.setText("The access key was removed from the vault.")
        self.refresh()
        self.key_changed.emit()
