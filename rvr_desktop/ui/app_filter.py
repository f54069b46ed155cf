"""An event filter on the whole application that watches only while it has work to do.

Every event of every object in the app passes through an application filter, and one
written in Python costs each of them a call into the interpreter. The first such call
also makes PySide6 build the Python types of every Qt class it has not built yet (some
140 enums, about 20 ms), because the filter is handed objects of Qt's own private classes.
Installed at start-up, that landed between showing the unlock screen and painting it. So
the filters of the app (the danger key, the wheel guard, the idle watch) each watch the
application only while the vault is open or their countdown runs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject


class ApplicationFilter(QObject):
    """Base of the app-wide filters: :meth:`watch_application` installs or removes it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watching = False

    @property
    def watching(self) -> bool:
        """Whether the filter is installed on the application now."""
        return self._watching

    def watch_application(self, on: bool) -> None:
        """Start (``on``) or stop seeing every event of the application; repeats are no-ops."""
        app = QCoreApplication.instance()
        if app is None or on == self._watching:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._watching = on
