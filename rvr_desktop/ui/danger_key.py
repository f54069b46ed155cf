"""F12 from any window of the app while a call runs: the danger key is never out of reach.

A window's shortcut fires only while that window is active and no modal dialog shadows
it, so F12 pressed in the Amend dialog, the Verify window or the settings would be lost.
This filter sits on the application while the vault is open and sees the key
wherever it lands.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from rvr_desktop.ui.app_filter import ApplicationFilter


class DangerKey(ApplicationFilter):
    """Watches every key press of the application for F12 while it watches the
    application (the vault is open; with no call running, F12 says so).

    Emits:
        pressed(window: QWidget | None): F12 was pressed, in ``window`` (the
            window that had the key); the key goes no further.
    """

    pressed = Signal(object)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        from PySide6.QtCore import Qt  # here, not on the way to unlock: see ui/warm_up.py

        if not isinstance(event, QKeyEvent):
            return False
        if event.key() != Qt.Key.Key_F12 or event.isAutoRepeat():
            return False
        self.pressed.emit(watched.window() if isinstance(watched, QWidget) else None)
        return True
