"""Pictures of the screen (the video call) for Capture screen, kept in memory only.

The picture becomes PNG bytes in memory and goes straight into the vault as an
attachment; it never touches the disk unencrypted.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect
from PySide6.QtGui import QGuiApplication, QPixmap


class ScreenGrabber:
    """Grabs the whole screen under the mouse (or the primary screen)."""

    def grab(self) -> QPixmap:
        screen = QGuiApplication.screenAt(QGuiApplication.primaryScreen().geometry().center())
        screen = screen or QGuiApplication.primaryScreen()
        return screen.grabWindow(0)


def crop(picture: QPixmap, region: QRect | None) -> QPixmap:
    if region is None or region.isEmpty():
        return picture
    return picture.copy(region.intersected(picture.rect()))


def png_bytes(picture: QPixmap) -> bytes:
    """The picture as PNG bytes, encoded in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not picture.save(buffer, "PNG"):
        raise ValueError("the screen picture could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())
