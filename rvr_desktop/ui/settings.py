"""What the app remembers between runs in Qt's settings file: never case content.

Only window layout, the idle-lock minutes, the vault path, the export folder, the
evidence officer's trusted roots (public certificates) and the time-stamping address live
here (the force templates folder and the officer's profile are vault settings). Every key
is listed in :data:`ALLOWED_KEYS`, and a test checks that nothing else is ever written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from rvr_desktop.paths import default_vault_dir, settings_dir

DEFAULT_IDLE_MINUTES = 5
MIN_IDLE_MINUTES = 1
MAX_IDLE_MINUTES = 60

GEOMETRY = "window/geometry"
COMPACT = "window/compact"
IDLE_MINUTES = "lock/idle_minutes"
VAULT_PATH = "paths/vault"
EXPORT_FOLDER = "paths/export_folder"
TRUSTED_ROOTS = "trust/roots"
TIMESTAMP_URL = "signing/timestamp_url"

ALLOWED_KEYS = frozenset(
    {GEOMETRY, COMPACT, IDLE_MINUTES, VAULT_PATH, EXPORT_FOLDER, TRUSTED_ROOTS, TIMESTAMP_URL}
)


@dataclass(frozen=True)
class StoredRoot:
    """One trusted root as kept in the settings: public certificates only, never a key."""

    pem: str
    """The certificate(s), PEM text, as read when the root was added."""
    source: str
    """Where it came from (the file's path when added), shown beside the root."""


SETTINGS_FILE_NAME = "rvr-desktop.ini"


def default_store() -> QSettings:
    """The settings file in our own settings folder (paths.settings_dir), in INI format.

    Qt's default would pick a folder from the organisation name instead: one folder for
    everything the app keeps outside the vault is easier to audit, back up and clear.
    """
    path = settings_dir() / SETTINGS_FILE_NAME
    return QSettings(str(path), QSettings.Format.IniFormat)


class AppSettings:
    """Typed access to the few things kept in QSettings."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or default_store()

    @property
    def file_name(self) -> str:
        """Where the settings are kept (shown in About, used by tests)."""
        return self._store.fileName()

    def _set(self, key: str, value: object) -> None:
        if key not in ALLOWED_KEYS:  # a guard for future edits: case content never goes here
            raise KeyError(key)
        self._store.setValue(key, value)
        self._store.sync()

    @property
    def idle_minutes(self) -> int:
        raw = self._store.value(IDLE_MINUTES, DEFAULT_IDLE_MINUTES)
        try:
            minutes = int(str(raw))
        except ValueError:
            return DEFAULT_IDLE_MINUTES
        return min(max(minutes, MIN_IDLE_MINUTES), MAX_IDLE_MINUTES)

    @idle_minutes.setter
    def idle_minutes(self, minutes: int) -> None:
        self._set(IDLE_MINUTES, min(max(int(minutes), MIN_IDLE_MINUTES), MAX_IDLE_MINUTES))

    def _path(self, key: str) -> Path | None:
        raw = self._store.value(key, "")
        return Path(str(raw)) if raw else None

    @property
    def vault_path(self) -> Path:
        return self._path(VAULT_PATH) or default_vault_dir()

    @vault_path.setter
    def vault_path(self, path: Path) -> None:
        self._set(VAULT_PATH, str(path))

    @property
    def export_folder(self) -> Path | None:
        return self._path(EXPORT_FOLDER)

    @export_folder.setter
    def export_folder(self, path: Path | None) -> None:
        self._set(EXPORT_FOLDER, "" if path is None else str(path))

    @property
    def trusted_roots(self) -> list[StoredRoot]:
        """The roots shared by the Verify window and the export's check, in the order added.

        Kept as PEM text rather than paths, so a root still counts after its file moved.
        """
        raw = self._store.value(TRUSTED_ROOTS, "")
        try:
            items = json.loads(str(raw)) if raw else []
        except ValueError:
            return []
        return [
            StoredRoot(str(item["pem"]), str(item.get("source", "")))
            for item in items
            if isinstance(item, dict) and isinstance(item.get("pem"), str)
        ]

    @trusted_roots.setter
    def trusted_roots(self, roots: list[StoredRoot]) -> None:
        self._set(TRUSTED_ROOTS, json.dumps([{"pem": r.pem, "source": r.source} for r in roots]))

    @property
    def timestamp_url(self) -> str | None:
        """The RFC 3161 time-stamping service for exports, or None for none."""
        raw = str(self._store.value(TIMESTAMP_URL, "") or "").strip()
        return raw or None

    @timestamp_url.setter
    def timestamp_url(self, url: str | None) -> None:
        self._set(TIMESTAMP_URL, (url or "").strip())

    @property
    def compact(self) -> bool:
        return str(self._store.value(COMPACT, "false")).lower() == "true"

    @compact.setter
    def compact(self, on: bool) -> None:
        self._set(COMPACT, "true" if on else "false")

    @property
    def geometry(self) -> QByteArray | None:
        raw = self._store.value(GEOMETRY)
        return raw if isinstance(raw, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set(GEOMETRY, value)

    def keys(self) -> list[str]:
        return list(self._store.allKeys())
