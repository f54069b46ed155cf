"""A quiet line in the status bar when something is owed within a day (Ctrl+Shift+D lists
everything owed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from rvr_desktop.evidence.errors import RvrError

if TYPE_CHECKING:
    from rvr_desktop.evidence.vault import Vault

DUE_REMINDER_EVERY_MS = 10 * 60 * 1000
"""How often the reminder is read again: the day moves on while the app stays open."""


class DueReminder(QLabel):
    """The soonest thing owed across the cases of the open vault (``vault_of()``)."""

    def __init__(self, vault_of: Callable[[], Vault | None], parent: QWidget) -> None:
        super().__init__(parent)
        self._vault_of = vault_of
        self.setObjectName("dueReminder")
        self.setAccessibleName("Due soon")
        self._timer = QTimer(self)
        self._timer.setInterval(DUE_REMINDER_EVERY_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def refresh(self) -> None:
        """Read what is owed again: after unlocking, locking, or a form saved."""
        vault = self._vault_of()
        if vault is None or vault.is_locked:
            self.clear()
            return
        from rvr_desktop.evidence.case import due

        today = due.uk_today(vault.clock.utc_now_ms())
        try:
            soon = due.reminders(due.due_items(vault), today)
        except RvrError:
            soon = ()  # a damaged form is reported where it is opened
        if not soon:
            self.clear()
            return
        first = soon[0]
        more = f" (and {len(soon) - 1} more)" if len(soon) > 1 else ""
        when = "Overdue" if first.overdue(today) else f"Due {first.when(today)}"
        self.setText(
            f"{when}: {first.what}, {first.case_reference}{more}. Ctrl+Shift+D lists them."
        )
