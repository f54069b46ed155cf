"""Verify › Open from the store…: which stored bundle (s3://BUCKET/KEY), where the store is,
and, optionally, the receipt the officer's app or ``rvr-desktop submit --json`` gave."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.errors import InvalidInput, RvrError
from rvr_desktop.evidence.store.client import Bucket
from rvr_desktop.evidence.store.receipt import Receipt
from rvr_desktop.evidence.store.settings import load_store_settings
from rvr_desktop.evidence.store.stored_check import StoredBundle, parse_store_url
from rvr_desktop.ui.dialogs import Dialogs
from rvr_desktop.ui.style import error_label


@dataclass(frozen=True)
class StoreRequest:
    """A stored bundle to verify, where its store is, and the receipt to hold it to."""

    stored: StoredBundle
    address: Bucket
    receipt: Receipt | None = None


def read_receipt(path: Path) -> Receipt:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"The receipt {path} cannot be read as JSON ({exc}).") from exc
    return Receipt.from_json(raw)


def force_endpoint() -> str:
    """The force's store endpoint from the settings file, if its IT set one."""
    try:
        return load_store_settings().endpoint_url
    except RvrError:
        return ""


class StoreOpenDialog(QDialog):
    """Asks for s3://BUCKET/KEY (or bucket and key), the endpoint and an optional receipt.

    After it is accepted, :attr:`request` holds what to verify."""

    def __init__(self, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open a bundle from the evidence store")
        self._dialogs = dialogs
        self.request: StoreRequest | None = None
        self.address_field = QLineEdit(self)
        self.address_field.setAccessibleName("The stored bundle's address")
        self.address_field.setPlaceholderText("s3://force-evidence/rvr/RVR-…zip")
        self.bucket_field = QLineEdit(self)
        self.bucket_field.setAccessibleName("Bucket")
        self.bucket_field.setPlaceholderText("or the bucket…")
        self.key_field = QLineEdit(self)
        self.key_field.setAccessibleName("Key")
        self.key_field.setPlaceholderText("…and the key")
        self.endpoint_field = QLineEdit(force_endpoint(), self)
        self.endpoint_field.setAccessibleName("Store endpoint")
        self.endpoint_field.setPlaceholderText("https://… (empty for this computer's AWS set-up)")
        self.receipt_field = QLineEdit(self)
        self.receipt_field.setAccessibleName("Receipt file")
        self.receipt_field.setPlaceholderText("Optional: the receipt (.json) to check against")
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setAccessibleName("Choose the receipt file")
        self.browse_button.clicked.connect(self._browse)
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.receipt_field, 1)
        receipt_row.addWidget(self.browse_button)
        bucket_row = QHBoxLayout()
        bucket_row.addWidget(self.bucket_field)
        bucket_row.addWidget(self.key_field, 2)
        form = QFormLayout()
        form.addRow("&Address", self.address_field)
        form.addRow("or &bucket and key", bucket_row)
        form.addRow("Store &endpoint", self.endpoint_field)
        form.addRow("&Receipt", receipt_row)
        hint = QLabel(
            "The bundle is downloaded into a private temporary folder, checked like a bundle "
            "file, and its lock in the store is checked too. Sign-in to the store is this "
            "computer's (a profile, single sign-on or the AWS variables).",
            self,
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.message = error_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 260)

    def _browse(self) -> None:
        chosen = self._dialogs.pick_open_file(self, "The receipt", None, "Receipt (*.json)")
        if chosen is not None:
            self.receipt_field.setText(str(chosen))

    def build_request(self) -> StoreRequest:
        """What was filled in, or :class:`InvalidInput` in plain words."""
        text = self.address_field.text().strip()
        bucket, key = self.bucket_field.text().strip(), self.key_field.text().strip()
        if not text and bucket and key:
            text = f"s3://{bucket}/{key.lstrip('/')}"
        if not text:
            raise InvalidInput("Give the stored bundle as s3://BUCKET/KEY, or its bucket and key.")
        stored = parse_store_url(text)
        endpoint = self.endpoint_field.text().strip()
        if endpoint and not endpoint.lower().startswith(("https://", "http://")):
            raise InvalidInput("The store endpoint must start with https:// (or http://).")
        receipt_text = self.receipt_field.text().strip()
        receipt = read_receipt(Path(receipt_text).expanduser()) if receipt_text else None
        return StoreRequest(stored, Bucket(stored.bucket, endpoint), receipt)

    def accept(self) -> None:
        try:
            self.request = self.build_request()
        except RvrError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        super().accept()
