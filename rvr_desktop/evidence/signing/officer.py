"""The officer's own details, kept in the vault's profile and shown on every signature."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from rvr_desktop.evidence.errors import InvalidInput
from rvr_desktop.evidence.records.canonical import canonical_json
from rvr_desktop.evidence.vault import audit

if TYPE_CHECKING:
    from rvr_desktop.evidence.vault import Tx, Vault

MAX_FIELD_LENGTH = 120

# profile keys; ``officer.name`` is shared with the vault, which takes the audit actor from it
_KEYS = {
    "name": "officer.name",
    "collar_number": "officer.collar_number",
    "rank": "officer.rank",
    "station": "officer.station",
    "force": "officer.force",
}
_LABELS = {
    "name": "name",
    "collar_number": "collar or warrant number",
    "rank": "rank",
    "station": "station",
    "force": "force",
}
_REQUIRED = ("name", "collar_number")


@dataclass(frozen=True)
class OfficerProfile:
    """Who signs: leading and trailing spaces are removed; name and number are required."""

    name: str
    collar_number: str
    """The collar or warrant number, as the force writes it (for example ``PC 1234``)."""
    rank: str = ""
    station: str = ""
    force: str = ""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            label = _LABELS[field.name]
            if not isinstance(value, str):
                raise InvalidInput(f"The officer's {label} must be text.")
            value = value.strip()
            if field.name in _REQUIRED and not value:
                raise InvalidInput(
                    f"The officer's {label} is empty. Fill it in, then save the profile again."
                )
            if len(value) > MAX_FIELD_LENGTH:
                raise InvalidInput(
                    f"The officer's {label} is longer than {MAX_FIELD_LENGTH} characters. "
                    "Shorten it, then save the profile again."
                )
            if any(unicodedata.category(ch).startswith("C") for ch in value):
                raise InvalidInput(
                    f"The officer's {label} contains a control character (such as a line "
                    "break or tab). Type it on one line, then save the profile again."
                )
            object.__setattr__(self, field.name, value)

    @property
    def rank_and_number(self) -> str:
        """``Sergeant 1234``, or just the number when no rank is given."""
        return f"{self.rank} {self.collar_number}" if self.rank else self.collar_number

    def to_json(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def save_officer_profile(vault: Vault, profile: OfficerProfile) -> None:
    """Store the profile; from now on the audit chain names this officer as the actor."""
    with vault.transaction() as tx:
        vault.put_officer_name(tx, profile.name)
        for attribute, key in _KEYS.items():
            if attribute != "name":
                vault.put_setting(tx, key, getattr(profile, attribute))
        audit.append(
            tx,
            vault,
            "officer.profile_saved",
            subject="officer",
            content=canonical_json(profile.to_json()),
        )


def read_officer_profile(tx: Tx, vault: Vault) -> OfficerProfile | None:
    """The saved profile as ``tx`` sees it, or None when name or number was never saved.

    ``vault`` only reads its settings inside ``tx``.
    """
    values = {attr: vault.get_setting(key, tx) for attr, key in _KEYS.items()}
    if not values["name"] or not values["collar_number"]:
        return None
    return OfficerProfile(**{attr: value or "" for attr, value in values.items()})


def load_officer_profile(vault: Vault) -> OfficerProfile | None:
    """The saved profile, or None when name or number has never been saved."""
    with vault.reader() as tx:
        return read_officer_profile(tx, vault)
