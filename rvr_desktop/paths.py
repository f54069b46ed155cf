"""Where RVR Desktop keeps its files on each platform (platformdirs), and its resources."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "RVR Desktop"
APP_AUTHOR = "RVR"


def default_vault_dir() -> Path:
    """The officer's vault: in the user data folder, e.g. ~/.local/share/RVR Desktop/vault."""
    return platformdirs.user_data_path(APP_NAME, APP_AUTHOR) / "vault"


def settings_dir() -> Path:
    """Settings that are not case content (trusted roots, window layout)."""
    return platformdirs.user_config_path(APP_NAME, APP_AUTHOR)


SETTINGS_FILE_NAME = "rvr-desktop.ini"


def settings_file() -> Path:
    """The one settings file: window layout and trusted roots (kept by the app), and what
    the force's IT sets there (time-stamping, the evidence store)."""
    return settings_dir() / SETTINGS_FILE_NAME


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, APP_AUTHOR)


def resources_dir() -> Path:
    """The shipped resources, from a source checkout or a PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
