"""The call's identity stays in sight: the video call ID and a call-back number to copy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.new_case_dialog import NewCaseDialog
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault


def test_the_video_call_id_shows_in_the_header_and_the_number_is_copied_then_cleared(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewCaseDialog)
        qtbot.keyClicks(dialog.reference_field, "INC-2026-0042")
        qtbot.keyClicks(dialog.victim_field, "Priya")
        qtbot.keyClicks(dialog.callback_field, "07700 900123")
        qtbot.keyClicks(dialog.platform_field, "RVR-7731-QX")
        dialog.buttons.accepted.emit()
        return True

    dialogs.expect(fill)
    window.app_actions.new_case.trigger()
    assert window.workspace is not None
    identity = window.workspace.identity
    assert identity.call_id_label.text() == "Video call ID: RVR-7731-QX"
    assert identity.callback_label.text() == "Call-back: 07700 900123"

    window.app_actions.compact_mode.trigger()  # the narrow side panel beside the video
    assert identity.isVisible() and identity.callback_label.isVisible()
    assert not window.workspace.referral_label.isVisible()

    qtbot.mouseClick(identity.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "07700 900123"
    window.lock()
    assert QGuiApplication.clipboard().text() == ""
