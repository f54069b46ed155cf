"""A main window on a clock the test moves, with dialogs that remember every question."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.clock import ManualClock
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.settings import AppSettings
from tests.ui.conftest import PatternScreen, ScriptedDialogs

START_UTC_MS = 1_796_400_000_000
"""4 December 2026, 16:00 UTC (and GMT): when every clocked test begins."""


class AskingDialogs(ScriptedDialogs):
    """Scripted dialogs that also remember every question asked."""

    def __init__(self) -> None:
        super().__init__()
        self.questions: list[str] = []

    def confirm(self, parent: object, title: str, message: str) -> bool:  # type: ignore[override]
        self.questions.append(message)
        return self.confirm_answer


def clocked_window(
    qtbot: QtBot, folder: Path, settings: AppSettings, clock: ManualClock, dialogs: AskingDialogs
) -> MainWindow:
    services = Services.build(
        dialogs=dialogs,
        settings=settings,
        screen=PatternScreen(),
        kdf=FAST_INSECURE_KDF,
        clock_factory=lambda: clock,
    )
    main = MainWindow(services, vault_path=folder / "vault")
    qtbot.addWidget(main)
    main.show()
    return main


def close_window(main: MainWindow) -> None:
    main.services.tasks.cancel_all()
    main.services.tasks.wait_for_workers()
    if main.vault is not None:
        main.vault.lock()
