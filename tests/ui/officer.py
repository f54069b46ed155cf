"""What an officer does with the app, step by step, driving the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.main_window import CASE_PAGE, CASES_PAGE, MainWindow
from rvr_desktop.ui.new_case_dialog import NewCaseDialog
from tests.ui.conftest import PASSPHRASE, ScriptedDialogs


def type_passphrase_and_submit(qtbot: QtBot, window: MainWindow, passphrase: str) -> None:
    screen = window.unlock_screen
    screen.passphrase_field.clear()
    qtbot.keyClicks(screen.passphrase_field, passphrase)
    if screen.creating:
        screen.repeat_field.clear()
        qtbot.keyClicks(screen.repeat_field, passphrase)
    qtbot.keyClick(screen.passphrase_field, Qt.Key.Key_Return)


def create_vault(qtbot: QtBot, window: MainWindow, name: str = "Jane Smith") -> None:
    screen = window.unlock_screen
    assert screen.creating
    qtbot.keyClicks(screen.name_field, name)
    with qtbot.waitSignal(window.vault_opened, timeout=10_000):
        type_passphrase_and_submit(qtbot, window, PASSPHRASE)
    assert window.stack.currentIndex() == CASES_PAGE


def unlock(qtbot: QtBot, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    with qtbot.waitSignal(window.vault_opened, timeout=10_000):
        type_passphrase_and_submit(qtbot, window, passphrase)


def new_case(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: ScriptedDialogs,
    reference: str = "INC-2026-0042",
    victim: str = "Priya",
) -> None:
    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewCaseDialog)
        qtbot.keyClicks(dialog.reference_field, reference)
        qtbot.keyClicks(dialog.victim_field, victim)
        qtbot.keyClicks(dialog.callback_field, "07700 900123")
        qtbot.keyClicks(dialog.notes_field, "Victim at a friend's flat; suspect not present.")
        dialog.buttons.accepted.emit()
        return True

    dialogs.expect(fill)
    window.app_actions.new_case.trigger()
    assert window.stack.currentIndex() == CASE_PAGE
    assert window.workspace is not None
    assert window.workspace.case.reference == reference.upper()


def type_note(qtbot: QtBot, window: MainWindow, text: str) -> None:
    assert window.workspace is not None
    field = window.workspace.notes.input
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
