"""The note box's quiet remark when a note holds one of the victim's restricted details."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.main_window import MainWindow
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case, type_note
from tests.ui.test_workspace import _pass_gate_in_core


def test_officer_typing_the_call_back_number_sees_a_quiet_remark_naming_it(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)  # the referral's call-back number is 07700 900123
    assert window.workspace is not None
    notes = window.workspace.notes
    qtbot.keyClicks(notes.input, "She gave her number as 0 7 7 0 0 - 9 0 0")
    assert notes.restricted_remark.isHidden()
    qtbot.keyClicks(notes.input, "123, ")
    qtbot.waitUntil(notes.restricted_remark.isVisible)
    assert "This note holds the victim's call-back number" in notes.restricted_remark.text()
    assert "safe word" not in notes.restricted_remark.text()
    # Not blocking: Enter still adds the note, and the remark goes with the text.
    qtbot.keyClicks(notes.input, "said she is safe")
    qtbot.keyClick(notes.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: notes.input.toPlainText() == "")
    assert notes.model.rowCount() == 1
    assert notes.restricted_remark.isHidden()


def test_the_remark_names_the_safe_word_agreed_at_the_gate_whatever_its_case(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    _pass_gate_in_core(window)  # the safe word 'Is my parcel still coming?'
    assert window.workspace is not None
    notes = window.workspace.notes
    type_note(qtbot, window, "Gate passed.")
    qtbot.keyClicks(notes.input, "Safe word: IS MY PARCEL STILL COMING")
    qtbot.waitUntil(notes.restricted_remark.isVisible)
    assert notes.restricted_remark.text().startswith("This note holds the victim's safe word.")


def test_an_amendment_giving_the_number_in_its_reason_gets_the_remark_too(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    assert window.workspace is not None
    notes = window.workspace.notes
    type_note(qtbot, window, "Victim gave a safe number.")
    notes.table.selectRow(0)
    seen: dict[str, object] = {}

    def amend(dialog: QDialog) -> bool:
        assert isinstance(dialog, AmendDialog)
        seen["before"] = dialog.restricted_remark.isVisibleTo(dialog)
        qtbot.keyClicks(dialog.reason_field, "She repeated it: 07700900123")
        seen["after"] = dialog.restricted_remark.isVisibleTo(dialog)
        seen["text"] = dialog.restricted_remark.text()
        dialog.reject()
        return True

    dialogs.expect(amend)
    window.app_actions.amend_note.trigger()
    assert seen["before"] is False and seen["after"] is True
    assert str(seen["text"]).startswith("This amendment holds the victim's call-back number.")
