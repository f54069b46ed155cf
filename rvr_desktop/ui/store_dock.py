"""The evidence store's queue beside the main window: built for each unlocked vault, gone
with it when the vault locks (it names cases' bundles)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from rvr_desktop.ui import warm_up
from rvr_desktop.ui.services import Services

if TYPE_CHECKING:
    from rvr_desktop.evidence.vault import Vault
    from rvr_desktop.ui.store_queue import StoreQueue
    from rvr_desktop.ui.store_queue_panel import StoreQueuePanel


class StoreDock:
    """The queue (uploads waiting, running, done or failed) and its dock (Ctrl+Shift+U)."""

    def __init__(self, services: Services, window: QMainWindow) -> None:
        self._services = services
        self._window = window
        self.dock: QDockWidget | None = None  # built at the first unlock
        self.queue: StoreQueue | None = None
        self.panel: StoreQueuePanel | None = None

    def start(self, vault: Vault) -> None:
        """Build the queue's view for this vault and resume whatever it still has to send."""
        warm_up.finish()  # boto3 and the store's core: imported on first use
        from rvr_desktop.ui.store_queue import StoreQueue
        from rvr_desktop.ui.store_queue_panel import StoreQueuePanel

        window = self._window
        self.queue = StoreQueue(self._services, vault, window)
        self.queue.queue_failed.connect(
            lambda error: self._services.errors.report(
                window, cast(BaseException, error), "preparing the bundle for the evidence store"
            )
        )
        if self.dock is None:
            from PySide6.QtCore import Qt  # here, not on the way to unlock: see ui/warm_up.py

            self.dock = QDockWidget("Evidence store queue", window)
            self.dock.setObjectName("storeQueueDock")
            self.dock.setAccessibleName("Evidence store queue")
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.hide()
        self.panel = StoreQueuePanel(self._services, self.queue, self.dock)
        self.dock.setWidget(self.panel)
        self.queue.resume()

    def pause(self) -> None:
        """Before locking: an upload pauses (to resume after the next unlock), never cancels."""
        if self.queue is not None:
            self.queue.pause()

    def drop(self) -> None:
        """The queue names cases' bundles: its view goes with the vault."""
        if self.dock is not None:
            self.dock.hide()
            self.dock.setWidget(QWidget(self.dock))
        if self.panel is not None:
            self.panel.deleteLater()
            self.panel = None
        if self.queue is not None:
            self.queue.close()
            self.queue.deleteLater()
            self.queue = None

    def show(self) -> None:
        if self.panel is None or self.dock is None:
            return
        self.dock.show()
        self.dock.raise_()
        self.panel.list.setFocus()

    def toggle(self) -> None:
        if self.dock is not None and self.dock.isVisible():
            self.dock.hide()
        else:
            self.show()
