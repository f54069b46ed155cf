"""Settings: idle lock and export folder (this computer), templates folder (the vault)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..evidence.errors import RvrError
from ..evidence.forms.registry import force_templates_dir, set_force_templates_dir
from ..evidence.vault import Vault
from .dialogs import Dialogs
from .settings import MAX_IDLE_MINUTES, MIN_IDLE_MINUTES, AppSettings


class SettingsDialog(QDialog):
    """Edits :class:`AppSettings`; saved only when the officer presses Save."""

    def __init__(
        self,
        settings: AppSettings,
        dialogs: Dialogs,
        vault: Vault | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._dialogs = dialogs
        self._vault = vault

        self.idle_minutes = QSpinBox(self)
        self.idle_minutes.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setValue(settings.idle_minutes)
        self.idle_minutes.setAccessibleName("Lock after this many idle minutes")

        self.export_field, export_row = self._folder_row(
            settings.export_folder, "Default export folder"
        )
        # The force's templates folder belongs to the vault (the forms engine reads it there).
        current = None if vault is None else force_templates_dir(vault)
        self.templates_field, templates_row = self._folder_row(current, "Templates folder")
        self.templates_field.setPlaceholderText(
            "The templates shipped with RVR Desktop"
            if vault is not None
            else "Unlock the vault to change the templates folder"
        )
        templates_row.setEnabled(vault is not None)

        form = QFormLayout()
        form.addRow("&Lock when idle for", self.idle_minutes)
        form.addRow("Default &export folder", export_row)
        form.addRow("&Templates folder", templates_row)
        note = QLabel(
            "These settings are kept on this computer only. Case content is never stored "
            "outside the encrypted vault.",
            self,
        )
        note.setObjectName("hint")
        note.setWordWrap(True)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.message = QLabel(self)
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(520, 220)

    def _folder_row(self, current: Path | None, name: str) -> tuple[QLineEdit, QWidget]:
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
        return field, row

    @staticmethod
    def _path_or_none(field: QLineEdit) -> Path | None:
        text = field.text().strip()
        return Path(text).expanduser() if text else None

    def accept(self) -> None:
        if self._vault is not None:
            folder = self._path_or_none(self.templates_field)
            if folder != force_templates_dir(self._vault):
                try:  # loads the folder first, so a bad template is refused here
                    set_force_templates_dir(self._vault, folder)
                except RvrError as exc:
                    self.message.setText(str(exc))
                    self.message.show()
                    return
        self._settings.idle_minutes = self.idle_minutes.value()
        self._settings.export_folder = self._path_or_none(self.export_field)
        super().accept()
