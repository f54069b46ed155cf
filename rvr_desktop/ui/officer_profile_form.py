"""The officer's profile (name, collar number, rank, station, force), kept in the vault."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from rvr_desktop.evidence.signing.officer import (
    OfficerProfile,
    load_officer_profile,
    save_officer_profile,
)
from rvr_desktop.evidence.vault import Vault

FIELDS = (
    ("name", "&Name", "As it appears on statements"),
    ("collar_number", "&Collar / warrant number", "For example PC 1234"),
    ("rank", "&Rank", "For example Constable"),
    ("station", "S&tation", ""),
    ("force", "&Force", ""),
)


class OfficerProfileForm(QWidget):
    """Shows the saved profile; :meth:`save` checks it with the core and stores it."""

    def __init__(self, vault: Vault | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vault = vault
        self.fields: dict[str, QLineEdit] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for key, label, placeholder in FIELDS:
            field = QLineEdit(self)
            field.setAccessibleName(label.replace("&", ""))
            field.setPlaceholderText(placeholder)
            self.fields[key] = field
            layout.addRow(label, field)
        self.saved = None if vault is None else load_officer_profile(vault)
        if self.saved is None and vault is not None:
            # The name given when the vault was created is the natural start.
            self.fields["name"].setText(vault.get_setting("officer.name") or "")
        elif self.saved is not None:
            for key, field in self.fields.items():
                field.setText(getattr(self.saved, key))
        self._shown = self._texts()
        self.setEnabled(vault is not None)

    def _texts(self) -> dict[str, str]:
        return {key: field.text() for key, field in self.fields.items()}

    def is_edited(self) -> bool:
        return self._texts() != self._shown

    def profile(self) -> OfficerProfile:
        """The profile as typed; the core refuses an empty name or number in plain words."""
        return OfficerProfile(**{key: field.text() for key, field in self.fields.items()})

    def save(self, *, required: bool = False) -> OfficerProfile | None:
        """Store the profile if the officer edited it (each save is an audit record).

        Returns the saved profile (None if there is none and nothing was typed). With
        ``required``, an unsaved profile is checked and saved even if nothing was typed.
        """
        if self._vault is None:
            return None
        if not self.is_edited() and (self.saved is not None or not required):
            return self.saved
        profile = self.profile()
        if profile != self.saved:
            save_officer_profile(self._vault, profile)
            self.saved = profile
        self._shown = self._texts()
        return profile
