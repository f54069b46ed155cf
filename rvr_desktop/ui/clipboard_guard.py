"""Remembers what was copied from the app while the vault was open, to clear it on lock.

Platforms differ in whether Qt can tell that it owns the clipboard, so the guard also
keeps a hash (never the text) of whatever was copied while the app was in front and the
vault open; on lock, the clipboard is cleared if it still holds that text.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QObject
from PySide6.QtGui import QClipboard, QGuiApplication


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class ClipboardGuard(QObject):
    def __init__(self, clipboard: QClipboard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self._armed = False
        self._copied: set[bytes] = set()
        clipboard.dataChanged.connect(self._on_changed)

    def arm(self) -> None:
        """Start watching: the vault is open, so what is copied may be case text."""
        self._armed = True

    def copy_case_text(self, text: str) -> None:
        """Put case text (a call-back number) on the clipboard, to be cleared on lock."""
        self._copied.add(_digest(text))
        self._clipboard.setText(text)

    def _on_changed(self) -> None:
        if not self._armed:
            return
        from PySide6.QtCore import Qt  # here, not on the way to unlock: see ui/warm_up.py

        in_front = QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive
        if in_front or self._clipboard.ownsClipboard():
            text = self._clipboard.text()
            if text:
                self._copied.add(_digest(text))

    def clear_case_text(self) -> bool:
        """Clear the clipboard if it holds text copied from the app; True if cleared."""
        self._armed = False
        text = self._clipboard.text()
        ours = self._clipboard.ownsClipboard() or (bool(text) and _digest(text) in self._copied)
        self._copied.clear()
        if ours:
            self._clipboard.clear()
            if self._clipboard.supportsSelection():
                self._clipboard.clear(QClipboard.Mode.Selection)
        return ours
