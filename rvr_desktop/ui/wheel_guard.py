"""The mouse wheel never changes an answer: over a field without focus it scrolls the form.

Drop-downs, spin boxes and date editors change their value under the wheel, even when the
officer only meant to scroll past them. This filter sends a wheel over such a field
without focus to the scroll area that holds it instead; a field the officer has clicked or
tabbed into still takes the wheel. The main window's guard watches the whole application
while the vault is open (every form and list is behind the unlock); a dialog open before
the unlock, such as the settings, guards its own fields with :meth:`WheelGuard.guard`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QComboBox, QWidget

from rvr_desktop.ui.app_filter import ApplicationFilter

GUARDED = (QComboBox, QAbstractSpinBox)
"""Fields whose value the wheel would change."""


def _guarded_field(widget: QObject) -> QWidget | None:
    """The guarded field ``widget`` belongs to (a spin box's line edit belongs to it)."""
    current: QObject | None = widget
    for _ in range(3):
        if isinstance(current, GUARDED):
            return current
        if current is None:
            return None
        current = current.parent()
    return None


def _scroll_area(field: QWidget) -> QAbstractScrollArea | None:
    parent = field.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(ApplicationFilter):
    """Event filter: a wheel over an unfocused field scrolls its form."""

    def guard(self, *fields: QWidget) -> None:
        """Guard these fields alone, whether or not the application is watched."""
        for field in fields:
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        field = _guarded_field(watched)
        if field is None or field.hasFocus():
            return False
        area = _scroll_area(field)
        if area is not None:
            QCoreApplication.sendEvent(area.verticalScrollBar(), event)
        return True
