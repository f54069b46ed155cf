"""Locking: idle time, Ctrl+L, the clipboard, and coming back to the same place."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.case_workspace import ATTACHMENTS_TAB
from rvr_desktop.ui.idle import MAX_CHECK_INTERVAL_MS, IdleWatcher, seconds_including_sleep
from rvr_desktop.ui.main_window import CASE_PAGE, UNLOCK_PAGE, MainWindow
from rvr_desktop.ui.settings import ALLOWED_KEYS, AppSettings
from rvr_desktop.ui.settings_dialog import SettingsDialog
from tests.figures import record_figure
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


# ---- the idle deadline, on a clock the test moves ----------------------------------------


class FakeClocks:
    """A clock that counts sleep (what the watcher reads) and a wall clock, moved by hand."""

    def __init__(self) -> None:
        self.boot = 1_000.0
        self.wall = 1_800_000_000.0

    def now(self) -> float:
        return self.boot

    def awake(self, seconds: float) -> None:
        self.boot += seconds
        self.wall += seconds


def _watcher(qapp: QApplication, clocks: FakeClocks, minutes: int = 5) -> IdleWatcher:
    watcher = IdleWatcher(minutes, now=clocks.now)
    watcher.start()
    return watcher


def _lateness_over_deadline(watcher: IdleWatcher, clocks: FakeClocks) -> float:
    """Let the watcher's timer run on the fake clock; how late after the deadline it locks."""
    fired: list[float] = []
    watcher.idle.connect(lambda: fired.append(clocks.now()))
    for _ in range(100_000):
        if fired:
            break
        assert watcher.next_check_ms <= MAX_CHECK_INTERVAL_MS
        clocks.awake(watcher.next_check_ms / 1000)
        watcher.check()
    assert fired, "the lock never came"
    return fired[0] - watcher.deadline


def test_idle_lock_comes_within_a_second_of_its_deadline(qapp: QApplication) -> None:
    clocks = FakeClocks()
    watcher = _watcher(qapp, clocks)
    deadline = watcher.deadline
    clocks.awake(299.5)
    assert not watcher.check(), "not before the deadline"
    late = _lateness_over_deadline(watcher, clocks)
    assert watcher.deadline == deadline and 0 <= late <= 1.0
    record_figure(
        "Keys and sessions", "idle lock after its deadline (controlled clock)", f"{late:.3f} s late"
    )


def test_idle_lock_comes_within_a_second_of_waking_from_sleep(qapp: QApplication) -> None:
    """The machine sleeps for an hour with five minutes to go: the lock is due on waking."""
    clocks = FakeClocks()
    watcher = _watcher(qapp, clocks)
    clocks.awake(60)
    clocks.boot += 3600  # asleep: the clock that counts sleep moves, Qt's timers do not
    clocks.wall += 3600
    assert watcher.next_check_ms <= MAX_CHECK_INTERVAL_MS  # the first look after waking
    clocks.awake(watcher.next_check_ms / 1000)
    assert watcher.check(), "locked at the first look after waking"
    record_figure(
        "Keys and sessions",
        "idle lock after an hour asleep with 4 minutes left",
        f"at the first check after waking (at most {MAX_CHECK_INTERVAL_MS / 1000:.0f} s)",
    )


def test_a_wall_clock_jump_neither_locks_early_nor_postpones_the_lock(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    clocks = FakeClocks()
    monkeypatch.setattr(time, "time", lambda: clocks.wall)
    watcher = _watcher(qapp, clocks)
    deadline = watcher.deadline
    clocks.awake(100)
    clocks.wall += 3 * 3600  # the clock is put forward three hours
    assert not watcher.check() and watcher.deadline == deadline
    clocks.wall -= 6 * 3600  # and back six
    assert not watcher.check() and watcher.deadline == deadline
    late = _lateness_over_deadline(watcher, clocks)
    assert 0 <= late <= 1.0
    record_figure(
        "Keys and sessions",
        "idle lock with the wall clock moved +3 h and -6 h",
        f"not early, {late:.3f} s after the deadline",
    )


def test_the_watcher_keeps_its_deadline_on_a_clock_that_counts_sleep() -> None:
    """On Linux that clock is CLOCK_BOOTTIME: it moves with real time and is not the wall."""
    if hasattr(time, "CLOCK_BOOTTIME"):
        before = time.clock_gettime(time.CLOCK_BOOTTIME)
        reading = seconds_including_sleep()
        assert before <= reading <= time.clock_gettime(time.CLOCK_BOOTTIME)
    else:
        assert seconds_including_sleep() <= seconds_including_sleep()


def test_the_real_window_locks_soon_after_its_deadline(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    """Measured on the real clock and timer (a figure, not a timing assertion)."""
    create_vault(qtbot, window)
    fired: list[float] = []
    window.locked.connect(lambda: fired.append(seconds_including_sleep()))
    window.idle.set_interval_ms(300)
    deadline = window.idle.deadline
    with qtbot.waitSignal(window.locked, timeout=10_000):
        pass
    record_figure(
        "Keys and sessions",
        "idle lock of the real window after a 0.3 s idle time",
        f"{fired[0] - deadline:.3f} s after the deadline",
    )
    assert fired[0] >= deadline


def test_no_app_wide_filter_runs_behind_the_unlock_screen(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    """Each app-wide filter costs every event of the app a call into Python, and the
    first one costs PySide6 some 20 ms of building types: none may delay the unlock screen.
    """
    filters = (window.danger_key, window.wheel_guard, window.idle)
    assert not any(f.watching for f in filters)

    create_vault(qtbot, window)
    assert all(f.watching for f in filters), "the vault is open: F12, wheel and idle watched"

    window.app_actions.lock.trigger()
    assert window.vault is None
    assert not any(f.watching for f in filters)

    unlock(qtbot, window)
    assert all(f.watching for f in filters)
    window.close()
    assert not any(f.watching for f in filters)


def test_an_amendment_typed_when_the_vault_locks_comes_back_in_the_note_box(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    type_note(qtbot, window, "Incident about 22:30.")

    def amend_then_walk_away(dialog: QDialog) -> bool:
        assert isinstance(dialog, AmendDialog)
        dialog.text_field.selectAll()
        qtbot.keyClicks(dialog.text_field, "Incident about 23:30.")
        qtbot.keyClicks(dialog.reason_field, "Victim corrected the time")
        window.idle.set_interval_ms(0)
        assert window.idle.check()
        return False

    dialogs.expect(amend_then_walk_away)
    window.app_actions.amend_note.trigger()
    assert window.vault is None and not dialogs.errors

    unlock(qtbot, window)
    assert window.workspace is not None
    kept = window.workspace.notes.input.toPlainText()
    assert "Incident about 23:30." in kept and "Reason: Victim corrected the time" in kept
    assert "not saved" in kept
