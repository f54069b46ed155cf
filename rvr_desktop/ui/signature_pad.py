"""A small canvas the witness's drawn signature is captured on, saved as a PNG."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from rvr_desktop.ui.screen_capture import png_bytes

PAD_SIZE = QSize(420, 140)
INK = QColor("#10213a")


class SignaturePad(QWidget):
    """Draw with the mouse, pen or touch; :meth:`png_bytes` gives the drawing on white.

    Emits:
        changed(): a stroke was added or the pad was cleared.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Witness's drawn signature")
        self.setMinimumSize(PAD_SIZE)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[list[QPointF]] = []

    def sizeHint(self) -> QSize:
        return PAD_SIZE

    def is_empty(self) -> bool:
        return not any(len(stroke) > 1 for stroke in self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self.update()
        self.changed.emit()

    def add_stroke(self, points: list[QPointF]) -> None:
        """A whole stroke at once (how a shared drawing arrives, and how tests draw)."""
        self.strokes.append(list(points))
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.strokes.append([event.position()])
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.strokes and event.buttons() & Qt.MouseButton.LeftButton:
            self.strokes[-1].append(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.changed.emit()

    def _draw(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(INK, 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for stroke in self.strokes:
            for start, end in itertools.pairwise(stroke):
                painter.drawLine(start, end)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#b9c0ca"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        baseline = self.height() - 28
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if self.is_empty():
            painter.setPen(QColor("#8a929c"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Witness draws here")
        self._draw(painter)
        painter.end()

    def png_bytes(self) -> bytes:
        picture = QPixmap(self.size())
        picture.fill(QColor("#ffffff"))
        painter = QPainter(picture)
        self._draw(painter)
        painter.end()
        return png_bytes(picture)
