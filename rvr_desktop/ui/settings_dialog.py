"""Settings kept on this computer (never case content): idle lock and folders."""

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

from .dialogs import Dialogs
from .settings import MAX_IDLE_MINUTES, MIN_IDLE_MINUTES, AppSettings


class SettingsDialog(QDialog):
    """Edits :class:`AppSettings`; saved only when the officer presses Save."""

    def __init__(
        self, settings: AppSettings, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._dialogs = dialogs

        self.idle_minutes = QSpinBox(self)
        self.idle_minutes.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setValue(settings.idle_minutes)
        self.idle_minutes.setAccessibleName("Lock after this many idle minutes")

        self.export_field, export_row = self._folder_row(
            settings.export_folder, "Default export folder"
        )
        self.templates_field, templates_row = self._folder_row(
            settings.templates_folder, "Templates folder"
        )
        self.templates_field.setPlaceholderText("The templates shipped with RVR Desktop")

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
        layout.addLayout(form)
        layout.addWidget(note)
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
        self._settings.idle_minutes = self.idle_minutes.value()
        self._settings.export_folder = self._path_or_none(self.export_field)
        self._settings.templates_folder = self._path_or_none(self.templates_field)
        super().accept()
