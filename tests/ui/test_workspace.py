"""The case workspace: the call, notes with Enter, amendments, interruptions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.case.safety_gate import record_safety_gate
from rvr_desktop.evidence.records.timeline_entry import CallEvent, EntryKind
from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.case_workspace import NOTES_TAB
from rvr_desktop.ui.danger_dialog import DangerDialog
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.notes_panel import NotesPanel
from rvr_desktop.ui.region_dialog import RegionDialog
from rvr_desktop.ui.timeline_model import TEXT
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case, type_note


def _open_case(qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)


CALLBACK_PLAN = "Ring back at 18:00 from a withheld number; no answer twice: welfare check."


def _pass_gate_in_core(window: MainWindow) -> None:
    # Stands in for the safety-gate dialog: the template's example answers, with a plan of our own.
    assert window.vault is not None and window.workspace is not None
    gate = forms.registry_for_vault(window.vault).get("safety-gate")
    answers = dict(gate.example or {})
    answers["callback_plan"] = CALLBACK_PLAN
    record_safety_gate(window.vault, window.workspace.case.id, gate, answers)
    window.workspace.call_panel.refresh()


def test_officer_types_notes_with_enter_and_they_appear_at_once(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    notes = window.workspace.notes
    type_note(qtbot, window, "Victim on video from her sister's kitchen.")
    type_note(qtbot, window, "Safe word confirmed.")
    assert notes.input.toPlainText() == ""
    shown = [notes.model.entry_at(r) for r in range(notes.model.rowCount())]
    assert [e.text for e in shown if e] == [
        "Victim on video from her sister's kitchen.",
        "Safe word confirmed.",
    ]
    assert window.vault is not None
    saved = timeline.entries(window.vault, window.workspace.case.id)
    assert [e.text for e in saved] == [e.text for e in shown if e]


def test_shift_enter_starts_a_new_line_and_an_empty_note_is_not_added(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    field = window.workspace.notes.input
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClicks(field, "first line")
    qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(field, "second line")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    model = window.workspace.notes.model
    assert model.rowCount() == 1
    entry = model.entry_at(0)
    assert entry is not None and entry.text == "first line\nsecond line"


def test_officer_amends_a_note_and_the_original_stays_struck_through(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    notes = window.workspace.notes
    type_note(qtbot, window, "Incident about 22:30.")
    type_note(qtbot, window, "Children asleep upstairs.")
    notes.table.selectRow(0)

    def amend(dialog: QDialog) -> bool:
        assert isinstance(dialog, AmendDialog)
        dialog.text_field.selectAll()
        qtbot.keyClicks(dialog.text_field, "Incident about 23:30.")
        qtbot.keyClicks(dialog.reason_field, "Victim corrected the time")
        dialog.accept()
        return True

    dialogs.expect(amend)
    window.app_actions.amend_note.trigger()

    model = notes.model
    rows = [model.entry_at(r) for r in range(model.rowCount())]
    assert [r.kind for r in rows if r] == [EntryKind.NOTE, EntryKind.AMENDMENT, EntryKind.NOTE]
    original_font = model.data(model.index(0, TEXT), Qt.ItemDataRole.FontRole)
    assert isinstance(original_font, QFont) and original_font.strikeOut()
    assert model.data(model.index(0, TEXT)) == "Incident about 22:30."
    amended = str(model.data(model.index(1, TEXT)))
    assert "Incident about 23:30." in amended and "Victim corrected the time" in amended
    later_font = model.data(model.index(2, TEXT), Qt.ItemDataRole.FontRole)
    assert isinstance(later_font, QFont) and not later_font.strikeOut()


def test_the_call_cannot_start_before_the_safety_gate_and_then_runs_with_a_clock(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    panel = window.workspace.call_panel
    assert not panel.start_button.isEnabled()
    assert not window.app_actions.start_call.isEnabled()
    assert "not yet passed" in panel.status_label.text()

    _pass_gate_in_core(window)
    assert panel.start_button.isEnabled() and window.app_actions.start_call.isEnabled()
    window.app_actions.start_call.trigger()
    assert panel.state.running
    assert panel.clock_label.text() == "0:00:00"
    assert window.app_actions.end_call.isEnabled()

    type_note(qtbot, window, "Victim can talk freely.")
    note = window.workspace.notes.model.entry_at(window.workspace.notes.model.rowCount() - 1)
    assert note is not None and note.elapsed_label.startswith("0:00:")

    window.app_actions.end_call.trigger()
    assert not panel.state.running
    events = [e.event for e in timeline.entries(window.vault, window.workspace.case.id) if e.event]
    assert events == [
        CallEvent.SAFETY_GATE_PASSED,
        CallEvent.CALL_STARTED,
        CallEvent.CALL_ENDED,
    ]


def test_f12_stamps_the_interruption_at_once_then_offers_what_to_do(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.vault is not None
    _pass_gate_in_core(window)
    window.app_actions.start_call.trigger()
    case_id = window.workspace.case.id
    seen: dict[str, object] = {}

    def respond(dialog: QDialog) -> bool:
        assert isinstance(dialog, DangerDialog)
        # Already stamped before the officer reads the guidance.
        seen["stamped"] = timeline.call_state(window.vault, case_id).interrupted
        seen["callback"] = "07700 900123" in dialog.details.text()
        seen["plan"] = CALLBACK_PLAN.replace("&", "&amp;") in dialog.details.text()
        seen["safe_word"] = "If the safe word or sign was used" in dialog.details.text()
        qtbot.keyClicks(dialog.note_field, "Suspect walked into the room; victim hung up.")
        dialog.resume_button.click()
        return True

    dialogs.expect(respond)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert seen == {"stamped": True, "callback": True, "plan": True, "safe_word": True}
    kinds = [(e.kind, e.event) for e in timeline.entries(window.vault, case_id)][-3:]
    assert kinds == [
        (EntryKind.EVENT, CallEvent.CALL_INTERRUPTED),
        (EntryKind.NOTE, None),
        (EntryKind.EVENT, CallEvent.CALL_RESUMED),
    ]
    shown = window.workspace.notes.model
    last = shown.entry_at(shown.rowCount() - 1)
    assert last is not None and last.event is CallEvent.CALL_RESUMED
    assert window.workspace.call_panel.danger_button.isEnabled()


def test_switching_tabs_with_the_keyboard(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.tabs.currentIndex() == 1
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.tabs.currentIndex() == 0
    window.app_actions.next_tab.trigger()  # Ctrl+PgDown
    assert window.workspace.tabs.currentIndex() == 1
    window.app_actions.previous_tab.trigger()  # Ctrl+PgUp, twice: round to the last tab
    window.app_actions.previous_tab.trigger()
    assert window.workspace.tabs.currentIndex() == window.workspace.tabs.count() - 1


def _notes_in_front(qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs) -> NotesPanel:
    """A new case open in the active window (where key presses and focus are real)."""
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window.workspace.notes


def test_after_clicking_add_note_the_next_words_go_into_the_note_box(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    notes = _notes_in_front(qtbot, window, dialogs)
    qtbot.keyClicks(notes.input, "Victim says he took her phone")
    qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    assert notes.model.rowCount() == 1
    # On Windows and Linux the click gave the button the focus: a space would press it.
    focused = QApplication.focusWidget()
    assert focused is notes.input, f"the caret is in {type(focused).__name__}"


def test_a_screen_capture_mid_note_leaves_the_officer_in_the_note(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    notes = _notes_in_front(qtbot, window, dialogs)
    notes.input.setFocus()
    qtbot.keyClicks(notes.input, "Victim shows a bruise on her arm")

    def describe(dialog: QDialog) -> bool:
        assert isinstance(dialog, RegionDialog)
        qtbot.keyClicks(dialog.description_field, "bruise on left arm")
        dialog.accept()
        return True

    dialogs.expect(describe)
    assert window.workspace is not None and window.vault is not None
    panel = window.workspace.attachments
    with qtbot.waitSignal(panel.import_finished, timeout=10_000):
        qtbot.keyClick(
            notes.input,
            Qt.Key.Key_P,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.workspace.tabs.currentIndex() == NOTES_TAB
    assert QApplication.focusWidget() is notes.input
    qtbot.keyClicks(QApplication.focusWidget(), " and on her neck")
    assert notes.input.toPlainText() == "Victim shows a bruise on her arm and on her neck"
    texts = [e.text for e in timeline.entries(window.vault, window.workspace.case.id)]
    assert texts[-1] == "Screen capture JS/1: bruise on left arm"
