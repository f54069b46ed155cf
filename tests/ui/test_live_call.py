"""A live call: the danger key from any window, a call bar wherever the officer goes,
unsent notes kept, and nothing that ends or hides the call without asking."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.safety_gate import record_safety_gate
from rvr_desktop.evidence.clock import ManualClock
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.danger_dialog import DangerDialog
from rvr_desktop.ui.main_window import CASE_PAGE, CASES_PAGE, MainWindow
from rvr_desktop.ui.settings import AppSettings
from rvr_desktop.ui.settings_dialog import SettingsDialog
from rvr_desktop.ui.termination import quit_on_stop_signals
from tests.ui.clocked import START_UTC_MS, AskingDialogs, clocked_window, close_window
from tests.ui.officer import create_vault, new_case, type_note, unlock

SAFE_WORD = "Is my parcel still coming?"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START_UTC_MS)


@pytest.fixture
def asking() -> AskingDialogs:
    return AskingDialogs()


@pytest.fixture
def live(
    qtbot: QtBot, tmp_path: Path, settings: AppSettings, clock: ManualClock, asking: AskingDialogs
) -> Iterator[MainWindow]:
    """A window with a case open, the safety gate passed and the call running."""
    main = clocked_window(qtbot, tmp_path, settings, clock, asking)
    create_vault(qtbot, main)
    new_case(qtbot, main, asking)
    assert main.vault is not None and main.workspace is not None
    gate = forms.registry_for_vault(main.vault).get("safety-gate")
    record_safety_gate(main.vault, main.workspace.case.id, gate, dict(gate.example or {}))
    main.workspace.call_panel.refresh()
    main.app_actions.start_call.trigger()
    assert main.workspace.call_panel.state.running
    yield main
    close_window(main)


def _events(window: MainWindow, case_id: int) -> list[CallEvent]:
    assert window.vault is not None
    return [e.event for e in timeline.entries(window.vault, case_id) if e.event]


def _press(qtbot: QtBot, button_name: str, seen: list[str] | None = None) -> object:
    """The officer's answer in the danger dialog; ``seen`` collects what it showed."""

    def respond(dialog: QDialog) -> bool:
        assert isinstance(dialog, DangerDialog)
        if seen is not None:
            seen.extend([dialog.details.text(), dialog.stamp.text()])
        qtbot.mouseClick(getattr(dialog, button_name), Qt.MouseButton.LeftButton)
        return True

    return respond


def test_officer_presses_f12_while_amending_and_the_interruption_is_stamped_with_the_safe_word(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs, clock: ManualClock
) -> None:
    assert live.workspace is not None
    case_id = live.workspace.case.id
    clock.advance(90)
    type_note(qtbot, live, "Victim describes the argument.")
    notes = live.workspace.notes
    note = notes.model.entry_at(notes.model.rowCount() - 1)
    assert note is not None and note.text == "Victim describes the argument."
    notes.select_entry(note.id)
    seen: list[str] = []

    def amend(dialog: QDialog) -> bool:
        assert isinstance(dialog, AmendDialog)
        clock.advance(30)
        # The suspect walks in while the officer is correcting a note.
        qtbot.keyClick(dialog.reason_field, Qt.Key.Key_F12)
        return False

    asking.expect(amend)
    asking.expect(_press(qtbot, "wait_button", seen))
    live.app_actions.amend_note.trigger()

    assert _events(live, case_id)[-1] is CallEvent.CALL_INTERRUPTED
    assert live.vault is not None
    stamped = timeline.entries(live.vault, case_id)[-1]
    assert stamped.recorded_utc_ms == START_UTC_MS + 120_000
    assert stamped.elapsed_label == "0:02:00"
    assert SAFE_WORD in seen[0]
    assert "0:02:00 into the call" in seen[1]
    assert live.workspace.notes.model.entry_at(live.workspace.notes.model.rowCount() - 1) == stamped


def test_the_officer_resumes_from_the_case_and_ends_from_the_case_list_after_f12(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs, clock: ManualClock
) -> None:
    assert live.workspace is not None
    case_id = live.workspace.case.id
    panel = live.workspace.call_panel
    clock.advance(60)
    # In the case: the victim is back, so the officer resumes from the dialog.
    asking.expect(_press(qtbot, "resume_button"))
    qtbot.keyClick(live.workspace.notes.input, Qt.Key.Key_F12)
    assert _events(live, case_id)[-2:] == [CallEvent.CALL_INTERRUPTED, CallEvent.CALL_RESUMED]
    assert panel.state.running and not panel.state.interrupted
    shown = live.workspace.notes.model.entry_at(live.workspace.notes.model.rowCount() - 1)
    assert shown is not None and shown.event is CallEvent.CALL_RESUMED  # in the table at once

    # From the case list: the line is gone for good, so the officer ends the call there.
    asking.confirm_answer = True
    live.app_actions.find_case.trigger()
    clock.advance(60)
    asking.expect(_press(qtbot, "end_button"))
    live.interrupt_call(None)
    assert _events(live, case_id)[-2:] == [CallEvent.CALL_INTERRUPTED, CallEvent.CALL_ENDED]
    assert live.live_case is None and not live.call_bar.isVisible()


def test_leaving_a_live_call_asks_keeps_the_call_bar_and_the_unsent_note(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs, clock: ManualClock
) -> None:
    assert live.workspace is not None and live.vault is not None
    case_id = live.workspace.case.id
    qtbot.keyClicks(live.workspace.notes.input, "Suspect's car: silver Corsa, partial plate")
    live.activateWindow()
    qtbot.waitUntil(live.isActiveWindow)

    asking.confirm_answer = False  # the officer changes her mind: nothing moves
    qtbot.keyClick(live, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert "A call is running" in asking.questions[-1]
    assert live.stack.currentIndex() == CASE_PAGE

    asking.confirm_answer = True
    qtbot.keyClick(live, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert live.stack.currentIndex() == CASES_PAGE
    bar = live.call_bar
    assert bar.isVisible()
    assert "07700 900123" in bar.callback_label.text()
    clock.advance(65)
    bar.update_clock()
    assert bar.clock_label.text() == "0:01:05"

    # F12 on the case list, where no case is open: still stamped.
    seen: list[str] = []
    asking.expect(_press(qtbot, "wait_button", seen))
    qtbot.keyClick(live.case_list.search_field, Qt.Key.Key_F12)
    assert _events(live, case_id)[-1] is CallEvent.CALL_INTERRUPTED
    assert SAFE_WORD in seen[0]
    assert not bar.danger_button.isEnabled()

    qtbot.mouseClick(bar.back_button, Qt.MouseButton.LeftButton)
    assert live.workspace is not None and live.workspace.case.id == case_id
    assert live.workspace.notes.input.toPlainText() == "Suspect's car: silver Corsa, partial plate"
    assert live.workspace.call_panel.resume_button.isVisible()
    assert not bar.isVisible()  # on the call's own case, its call panel shows the call


def test_f12_in_the_settings_and_the_verify_window_reaches_the_call(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs
) -> None:
    assert live.workspace is not None
    case_id = live.workspace.case.id
    seen: list[str] = []

    def resume(dialog: QDialog) -> bool:
        assert isinstance(dialog, DangerDialog)
        seen.append(dialog.details.text())
        qtbot.mouseClick(dialog.resume_button, Qt.MouseButton.LeftButton)
        return True

    def settings(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        qtbot.keyClick(dialog, Qt.Key.Key_F12)
        return False

    asking.expect(settings)
    asking.expect(resume)
    live.app_actions.settings.trigger()
    assert _events(live, case_id)[-2:] == [CallEvent.CALL_INTERRUPTED, CallEvent.CALL_RESUMED]

    verify = live.open_verify_window()
    asking.expect(resume)
    qtbot.keyClick(verify, Qt.Key.Key_F12)
    assert _events(live, case_id)[-2:] == [CallEvent.CALL_INTERRUPTED, CallEvent.CALL_RESUMED]
    assert len(seen) == 2


def test_end_call_asks_first_then_shows_how_long_the_call_lasted(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs, clock: ManualClock
) -> None:
    assert live.workspace is not None
    panel = live.workspace.call_panel
    clock.advance(12 * 60 + 34)
    asking.confirm_answer = False
    qtbot.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
    assert panel.state.running and "End the call now?" in asking.questions[-1]

    asking.confirm_answer = True
    qtbot.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
    assert not panel.state.running
    assert panel.clock_label.text() == "0:12:34"
    assert "Call ended after 0:12:34" in panel.status_label.text()
    assert not live.call_bar.isVisible()
    # Opened again later, the case still says when its last call ended and how long it was.
    case_id = live.workspace.case.id
    clock.advance(3 * 3600)
    live.close_case()
    live.open_case(case_id)
    assert live.workspace is not None
    panel = live.workspace.call_panel
    assert panel.clock_label.text() == "0:12:34"
    assert "Call ended after 0:12:34 (" in panel.status_label.text()
    assert "needs the safety gate again" in panel.status_label.text()
    assert live.vault is not None
    gate = forms.registry_for_vault(live.vault).get("safety-gate")
    record_safety_gate(live.vault, case_id, gate, dict(gate.example or {}))
    panel.refresh()
    assert panel.status_label.text() == "Safety gate passed: ready to start the call."
    # F12 with no call running records nothing, and says so.
    before = _events(live, live.workspace.case.id)
    qtbot.keyClick(live.workspace.notes.input, Qt.Key.Key_F12)
    assert _events(live, live.workspace.case.id) == before
    assert "no call is running" in live.statusBar().currentMessage()


def test_quitting_or_locking_during_a_call_asks_first(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs
) -> None:
    asking.confirm_answer = False
    live.app_actions.lock.trigger()
    assert live.vault is not None and "Lock now?" in asking.questions[-1]
    assert not live.close()
    assert "Quit anyway?" in asking.questions[-1]
    assert live.isVisible()

    asking.confirm_answer = True
    live.close_case()  # the call bar now holds the case and its call-back number
    assert "07700 900123" in live.call_bar.callback_label.text()
    live.app_actions.lock.trigger()
    assert live.vault is None
    bar = live.call_bar
    assert not bar.isVisible()
    assert bar.case_label.text() == "" and bar.callback_label.text() == ""


WHAT_HAPPENED = "Suspect came in holding a knife; victim ended the call"


def _type_then_idle_lock(qtbot: QtBot, window: MainWindow) -> object:
    """The officer types what happened, then is on the radio to control and touches
    nothing: the idle lock comes due while the danger dialog is still open."""

    def respond(dialog: QDialog) -> bool:
        assert isinstance(dialog, DangerDialog)
        qtbot.keyClicks(dialog.note_field, WHAT_HAPPENED)
        window.idle.set_interval_ms(0)
        assert window.idle.check(), "the idle lock did not come"
        assert not dialog.isVisible(), "the lock left the dialog open over the unlock screen"
        return False

    return respond


def test_an_idle_lock_while_the_danger_dialog_is_open_keeps_what_happened(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs
) -> None:
    assert live.workspace is not None
    case_id = live.workspace.case.id
    asking.expect(_type_then_idle_lock(qtbot, live))
    with qtbot.capture_exceptions() as escaped:
        live.app_actions.danger.trigger()
    assert not escaped and not asking.errors, (escaped, asking.errors)
    assert live.vault is None

    unlock(qtbot, live)
    assert live.workspace is not None and live.workspace.case.id == case_id
    assert live.workspace.notes.input.toPlainText() == WHAT_HAPPENED
    assert _events(live, case_id)[-1] is CallEvent.CALL_INTERRUPTED


def test_what_happened_typed_over_the_case_list_when_the_vault_locks_waits_in_the_case(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs
) -> None:
    assert live.workspace is not None
    case_id = live.workspace.case.id
    qtbot.keyClicks(live.workspace.notes.input, "She is in the bedroom.")
    live.close_case()  # the call keeps running in the call bar
    asking.expect(_type_then_idle_lock(qtbot, live))
    with qtbot.capture_exceptions() as escaped:
        qtbot.keyClick(live.case_list.search_field, Qt.Key.Key_F12)
    assert not escaped and not asking.errors, (escaped, asking.errors)

    unlock(qtbot, live)
    live.open_case(case_id)
    assert live.workspace is not None
    assert live.workspace.notes.input.toPlainText() == f"She is in the bedroom.\n{WHAT_HAPPENED}"


def test_a_stop_signal_during_a_call_locks_without_asking_and_keeps_the_unsent_note(
    qtbot: QtBot, live: MainWindow, asking: AskingDialogs, qapp: QApplication
) -> None:
    """A logout sends SIGTERM: nobody is there to answer 'Quit anyway?'."""
    assert live.workspace is not None and live.vault is not None
    vault, case_id = live.vault, live.workspace.case.id
    qtbot.keyClicks(live.workspace.notes.input, "He has a knife in the kitchen")
    asking.confirm_answer = False  # were the question asked, the app would stay open
    with quit_on_stop_signals(qapp):
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: live.vault is None, timeout=10_000)
    assert not asking.questions
    assert not live.isVisible()
    assert vault.is_locked

    unlock(qtbot, live)
    live.open_case(case_id)
    assert live.workspace is not None
    assert live.workspace.notes.input.toPlainText() == "He has a knife in the kitchen"
