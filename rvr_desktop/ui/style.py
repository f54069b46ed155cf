"""The app's look: one calm stylesheet shipped in resources/styles/."""

from __future__ import annotations

from rvr_desktop.paths import resources_dir

STYLESHEET = "styles/app.qss"


def load_stylesheet() -> str:
    path = resources_dir() / STYLESHEET
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""  # the app works unstyled; never stop an officer for a missing theme
