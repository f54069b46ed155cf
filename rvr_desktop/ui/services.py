"""What the composition root hands to every window: injected, so tests hand in their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rvr_desktop.evidence.clock import Clock, SystemClock
from rvr_desktop.evidence.vault.kdf import DEFAULT_KDF, KdfParams
from rvr_desktop.ui.dialogs import Dialogs
from rvr_desktop.ui.errors import ErrorReporter
from rvr_desktop.ui.screen_capture import ScreenGrabber
from rvr_desktop.ui.settings import AppSettings
from rvr_desktop.ui.tasks import TaskRunner


@dataclass(frozen=True)
class Services:
    dialogs: Dialogs
    """Every modal question; tests replace it with one that answers at once."""
    errors: ErrorReporter
    tasks: TaskRunner
    settings: AppSettings
    screen: ScreenGrabber
    """Takes pictures of the screen for Capture screen."""
    kdf: KdfParams = DEFAULT_KDF
    """Key derivation for new vaults; tests pass the fast, insecure one."""
    clock_factory: Callable[[], Clock] = SystemClock
    """The clock each unlocked vault uses."""

    @classmethod
    def build(
        cls,
        *,
        dialogs: Dialogs | None = None,
        settings: AppSettings | None = None,
        screen: ScreenGrabber | None = None,
        kdf: KdfParams = DEFAULT_KDF,
        clock_factory: Callable[[], Clock] = SystemClock,
    ) -> Services:
        dialogs = dialogs or Dialogs()
        return cls(
            dialogs=dialogs,
            errors=ErrorReporter(dialogs),
            tasks=TaskRunner(),
            settings=settings or AppSettings(),
            screen=screen or ScreenGrabber(),
            kdf=kdf,
            clock_factory=clock_factory,
        )
