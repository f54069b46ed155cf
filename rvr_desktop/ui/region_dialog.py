"""Choose the part of the screen to capture: drag a rectangle over the video call."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.ui.style import error_label


class RegionCanvas(QWidget):
    """Shows the screen picture scaled to fit; dragging selects a region of it."""

    def __init__(self, picture: QPixmap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._picture = picture
        self._start: QPoint | None = None
        self._selection = QRect()
        self.setMinimumSize(QSize(320, 200))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Screen picture: drag to choose the region to capture")

    def _scale(self) -> float:
        width, height = self._picture.width(), self._picture.height()
        if width == 0 or height == 0:
            return 1.0
        return min(self.width() / width, self.height() / height)

    def selection(self) -> QRect:
        """The chosen region in the picture's own pixels (empty for the whole screen)."""
        scale = self._scale()
        rect = self._selection.normalized()
        return QRect(
            round(rect.x() / scale),
            round(rect.y() / scale),
            round(rect.width() / scale),
            round(rect.height() / scale),
        ).intersected(self._picture.rect())

    def set_selection(self, region: QRect) -> None:
        """Select ``region`` given in the picture's pixels."""
        scale = self._scale()
        self._selection = QRect(
            round(region.x() * scale),
            round(region.y() * scale),
            round(region.width() * scale),
            round(region.height() * scale),
        )
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._start = event.position().toPoint()
        self._selection = QRect(self._start, self._start)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is not None:
            self._selection = QRect(self._start, event.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.mouseMoveEvent(event)
        self._start = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        scale = self._scale()
        painter.drawPixmap(
            QRect(
                0, 0, round(self._picture.width() * scale), round(self._picture.height() * scale)
            ),
            self._picture,
        )
        if not self._selection.isEmpty():
            painter.setPen(QPen(QColor("#d9822b"), 2))
            painter.drawRect(self._selection.normalized())
        painter.end()


class RegionDialog(QDialog):
    """Capture the selected region, or the whole screen when nothing is selected."""

    def __init__(self, picture: QPixmap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Capture screen")
        self.canvas = RegionCanvas(picture, self)
        hint = QLabel(
            "Drag over the video call to capture just that part, or press Enter to capture "
            "the whole screen. The picture goes straight into the encrypted vault.",
            self,
        )
        hint.setWordWrap(True)
        self.description_field = QLineEdit(self)
        self.description_field.setAccessibleName("What the capture shows")
        self.description_field.setPlaceholderText(
            "What it shows, in a few words (added to the notes), e.g. bruising to left upper arm"
        )
        self.description_field.returnPressed.connect(self.accept)
        self.message = error_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Capture")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.canvas, 1)
        shows_label = QLabel("&What the capture shows:", self)
        shows_label.setBuddy(self.description_field)
        layout.addWidget(shows_label)
        layout.addWidget(self.description_field)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self.description_field.setFocus()

    @property
    def description(self) -> str:
        return " ".join(self.description_field.text().split())

    def accept(self) -> None:
        """Capture only once the officer has said what the capture shows (for the notes)."""
        if not self.description:
            self.message.setText("Say in a few words what the capture shows: it goes in the notes.")
            self.message.show()
            self.description_field.setFocus()
            return
        super().accept()

    def region(self) -> QRect | None:
        chosen = self.canvas.selection()
        return None if chosen.isEmpty() else chosen
