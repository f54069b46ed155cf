"""The app's look: one calm stylesheet shipped in resources/styles/."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from rvr_desktop.paths import resources_dir

STYLESHEET = "styles/app.qss"


def load_stylesheet() -> str:
    path = resources_dir() / STYLESHEET
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""  # the app works unstyled; never stop an officer for a missing theme


def error_label(parent: QWidget, accessible_name: str = "Message") -> QLabel:
    """The red, wrapping line a window uses to say what is wrong and what to do; hidden
    until there is something to say."""
    label = QLabel(parent)
    label.setObjectName("errorText")
    label.setWordWrap(True)
    label.setAccessibleName(accessible_name)
    label.hide()
    return label
