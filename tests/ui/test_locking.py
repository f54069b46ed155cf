"""Locking: idle time, Ctrl+L, the clipboard, and coming back to the same place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.case_workspace import ATTACHMENTS_TAB
from rvr_desktop.ui.main_window import CASE_PAGE, UNLOCK_PAGE, MainWindow
from rvr_desktop.ui.settings import ALLOWED_KEYS, AppSettings
from rvr_desktop.ui.settings_dialog import SettingsDialog
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case, type_note, unlock


def _case_text_visible(window: MainWindow) -> bool:
    from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisibleTo(window)]
    texts += [w.text() for w in window.findChildren(QLineEdit) if w.isVisibleTo(window)]
    texts += [w.toPlainText() for w in window.findChildren(QPlainTextEdit) if w.isVisibleTo(window)]
    return any("Priya" in t or "INC-2026-0042" in t or "sister" in t for t in texts)


def test_idle_lock_hides_the_case_and_unlock_returns_to_the_same_case_and_tab(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    type_note(qtbot, window, "Victim at her sister's house.")
    assert window.workspace is not None
    qtbot.keyClicks(window.workspace.notes.input, "half-typed note")
    window.workspace.show_tab(ATTACHMENTS_TAB)
    vault = window.vault
    assert vault is not None

    window.idle.set_interval_ms(50)
    with qtbot.waitSignal(window.locked, timeout=5000):
        pass
    assert vault.is_locked and window.vault is None
    assert window.stack.currentIndex() == UNLOCK_PAGE
    assert window.workspace is None
    assert not _case_text_visible(window)
    assert "no activity" in window.unlock_screen.message.text()
    assert not window.app_actions.new_note.isEnabled()

    window.idle.set_minutes(5)
    unlock(qtbot, window)
    assert window.stack.currentIndex() == CASE_PAGE
    assert window.workspace is not None
    assert window.workspace.case.reference == "INC-2026-0042"
    assert window.workspace.tabs.currentIndex() == ATTACHMENTS_TAB
    assert window.workspace.notes.input.toPlainText() == "half-typed note"
    assert window.workspace.notes.model.rowCount() == 1
    assert window.idle.running


def test_typing_keeps_the_vault_open(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    assert window.workspace is not None
    before = window.idle.restarts
    qtbot.keyClicks(window.workspace.notes.input, "abc")
    assert window.idle.restarts >= before + 3
    assert window.idle.running and window.vault is not None


def test_ctrl_l_locks_at_once_closes_dialogs_and_clears_copied_case_text(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    type_note(qtbot, window, "Partner threw a mug.")
    assert window.workspace is not None
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("Partner threw a mug.")
    window.workspace.notes.table.selectRow(0)
    seen: dict[str, bool] = {}

    def lock_while_amending(dialog: QDialog) -> bool:
        assert isinstance(dialog, AmendDialog)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        seen["dialog_hidden"] = not dialog.isVisible()
        return dialog.result() == QDialog.DialogCode.Accepted

    dialogs.expect(lock_while_amending)
    window.app_actions.amend_note.trigger()
    assert seen == {"dialog_hidden": True}
    assert window.vault is None and window.stack.currentIndex() == UNLOCK_PAGE
    assert clipboard.text() == ""


def test_text_copied_from_another_program_is_left_alone_on_lock(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("bus timetable")  # copied before the vault was opened
    create_vault(qtbot, window)
    window.lock()
    assert clipboard.text() == "bus timetable"
    assert not _case_text_visible(window)


def test_settings_change_the_idle_lock_and_keep_no_case_content(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: ScriptedDialogs,
    settings: AppSettings,
    tmp_path: Path,
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    type_note(qtbot, window, "Victim at her sister's house.")
    export_folder = tmp_path / "exports"

    def edit(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        dialog.idle_minutes.setValue(9)
        dialogs.folder = export_folder
        dialog.export_browse.click()
        dialog.accept()
        return True

    dialogs.expect(edit)
    window.app_actions.settings.trigger()
    assert settings.idle_minutes == 9
    assert window.idle.interval_ms == 9 * 60_000
    assert settings.export_folder == export_folder
    assert window.vault is not None

    def bad_templates(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        dialog.templates_field.setText(str(tmp_path / "no-such-folder"))
        dialog.accept()
        shown = dialog.message.text()
        dialog.reject()
        return "does not exist" in shown

    dialogs.expect(bad_templates)
    window.app_actions.settings.trigger()
    assert dialogs.shown[-1].result() == QDialog.DialogCode.Rejected
    window.close()
    stored = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert set(stored.allKeys()) <= ALLOWED_KEYS
    raw = (tmp_path / "settings.ini").read_bytes()
    assert b"sister" not in raw and b"Priya" not in raw and b"INC-2026" not in raw
