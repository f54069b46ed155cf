"""Notices when the officer has stopped using the app, so the vault can lock itself.

The countdown is measured on a clock that keeps counting while the computer sleeps
(:func:`seconds_including_sleep`), not on the wall clock and not on Qt's timers alone: on
Linux the ordinary monotonic clock stops during suspend, so a five-minute lock on a laptop
closed for an hour would otherwise wait another five minutes after waking. A timer checks
the deadline at least once a second, so the lock comes within a second of the deadline,
of waking, or of the officer's last key press plus the idle time, whichever is last. A
change of the wall clock (by hand, or by time synchronisation) moves nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from rvr_desktop.ui.app_filter import ApplicationFilter

# Events that mean a person is at the keyboard or mouse.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)

MAX_CHECK_INTERVAL_MS = 1_000
"""The deadline is checked at least this often, so the lock is at most this late."""


def seconds_including_sleep() -> float:
    """Seconds on a clock that never goes back, ignores wall-clock changes and counts sleep.

    Linux: CLOCK_BOOTTIME. macOS: clock_gettime(CLOCK_MONOTONIC), which counts sleep there
    (Python's time.monotonic on macOS does not). Windows: time.monotonic, which counts sleep.
    """
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    if sys.platform == "darwin":
        return time.clock_gettime(time.CLOCK_MONOTONIC)
    return time.monotonic()


class IdleWatcher(ApplicationFilter):
    """Watches every input event in the application and locks after the idle time.

    ``now`` is the clock the deadline is kept on (seconds); tests hand in one they move.

    Emits:
        idle(): no input for the configured time while the watcher was running.
    """

    idle = Signal()

    def __init__(
        self,
        minutes: int,
        parent: QObject | None = None,
        *,
        now: Callable[[], float] = seconds_including_sleep,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._interval_ms = 0
        self._last_activity = now()
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self.restarts = 0
        """How often input restarted the countdown (shown to tests, never logged)."""
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(int(minutes) * 60_000)

    def set_interval_ms(self, interval_ms: int) -> None:
        self._interval_ms = max(0, int(interval_ms))
        if self._running:
            self._schedule()

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    @property
    def running(self) -> bool:
        return self._running

    @property
    def deadline(self) -> float:
        """When the lock is due, on the ``now`` clock."""
        return self._last_activity + self._interval_ms / 1000.0

    @property
    def next_check_ms(self) -> int:
        """How long until the next look at the deadline (never more than a second)."""
        return self._timer.interval()

    def start(self) -> None:
        # Only while the countdown runs: not behind the unlock screen, nor at start-up.
        self.watch_application(True)
        self._running = True
        self._last_activity = self._now()
        self._schedule()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        self.watch_application(False)

    def check(self) -> bool:
        """Lock if the deadline has passed (True), else look again within a second."""
        if not self._running:
            return False
        if self._now() >= self.deadline:
            self.stop()
            self.idle.emit()
            return True
        self._schedule()
        return False

    def _schedule(self) -> None:
        remaining_ms = (self.deadline - self._now()) * 1000.0
        # Round up so a check never comes a moment before the deadline and wastes a turn.
        wait = min(MAX_CHECK_INTERVAL_MS, max(0, int(remaining_ms) + 1))
        self._timer.start(wait)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._running and event.type() in _ACTIVITY:
            self._last_activity = self._now()
            self.restarts += 1
        return False
