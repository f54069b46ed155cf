"""Forms generated from templates, and the safety gate before the call."""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.forms import FormState
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.ui.case_workspace import FORMS_TAB
from rvr_desktop.ui.field_editors import ComboEditor, MultilineEditor, TextEditor
from rvr_desktop.ui.forms_panel import FormsPanel
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.safety_gate_dialog import SafetyGateDialog
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case


def _open_case(qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)


def test_a_failed_gate_is_recorded_with_what_was_done_then_a_passed_gate_allows_the_call(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.vault is not None
    panel = window.workspace.call_panel
    seen: dict[str, object] = {}

    def fail_gate(dialog: QDialog) -> bool:
        assert isinstance(dialog, SafetyGateDialog)
        talk = cast(ComboEditor, dialog.editor.editors["can_talk_safely"])
        talk.combo.setCurrentIndex(talk.combo.findData("no"))
        seen["verdict"] = dialog.verdict.text()
        seen["fail_enabled_early"] = dialog.fail_button.isEnabled()
        instead = cast(MultilineEditor, dialog.editor.editors["action_instead"])
        assert instead.widget.isVisibleTo(dialog)
        qtbot.keyClicks(instead.edit, "Agreed to call back at 18:00 when the partner is at work.")
        assert dialog.fail_button.isEnabled()
        assert not dialog.pass_button.isEnabled()
        dialog.fail_button.click()
        return True

    dialogs.expect(fail_gate)
    window.app_actions.safety_gate.trigger()
    assert "could not confirm that they can talk safely" in str(seen["verdict"])
    assert seen["fail_enabled_early"] is False
    assert not panel.start_button.isEnabled()
    failed = timeline.entries(window.vault, window.workspace.case.id)[-1]
    assert failed.event is CallEvent.SAFETY_GATE_FAILED
    assert "18:00" in failed.text and failed.payload["answers"]["can_talk_safely"] == "no"

    def pass_gate(dialog: QDialog) -> bool:
        assert isinstance(dialog, SafetyGateDialog)
        example = dict(dialog.template.example or {})
        example["callback_number"] = ""
        dialog.editor.set_answers(example)
        assert not dialog.pass_button.isEnabled()
        callback = cast(TextEditor, dialog.editor.editors["callback_number"])
        qtbot.keyClicks(callback.edit, "call me")
        assert "telephone number" in dialog.editor.message_for("callback_number")
        callback.edit.clear()
        qtbot.keyClicks(callback.edit, "07700 900123")
        assert dialog.editor.message_for("callback_number") == ""
        assert dialog.pass_button.isEnabled()
        dialog.pass_button.click()
        return True

    dialogs.expect(pass_gate)
    panel.gate_button.click()
    assert panel.start_button.isEnabled()
    assert "passed" in panel.status_label.text()
    window.app_actions.start_call.trigger()
    assert panel.state.running
    assert not panel.gate_button.isEnabled()


def test_officer_fills_and_finalises_mg11_and_dash_with_a_validation_error_on_the_way(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.vault is not None
    window.workspace.show_tab(FORMS_TAB)
    panel = window.workspace.forms
    assert isinstance(panel, FormsPanel)

    panel.template_choice.setCurrentIndex(panel.template_choice.findData("mg11"))
    panel.new_button.click()
    mg11 = panel.current_editor()
    assert mg11 is not None and mg11.template.id == "mg11"
    name = cast(TextEditor, mg11.editors["witness_name"])
    assert name.edit.text() == "Priya"  # from the case
    name.edit.clear()
    with qtbot.waitSignal(panel.saved, timeout=5000):
        qtbot.keyClicks(name.edit, "P")
    assert "at least 2" in mg11.message_for("witness_name")
    assert mg11.messages["witness_name"].isVisibleTo(mg11)
    form_id = panel.current_form_id
    assert form_id is not None
    assert forms.latest_version(window.vault, form_id).answers["witness_name"] == "P"

    example = dict(mg11.template.example or {})
    example.pop("witness_name", None)
    mg11.set_answers(example)
    with qtbot.waitSignal(panel.saved, timeout=5000):
        qtbot.keyClicks(name.edit, "riya Example")
    assert mg11.message_for("witness_name") == ""
    panel.finalise_button.click()
    assert dialogs.errors == []
    assert forms.latest_version(window.vault, form_id).state is FormState.FINAL

    panel.template_choice.setCurrentIndex(panel.template_choice.findData("dash-risk"))
    panel.new_button.click()
    dash = panel.current_editor()
    assert dash is not None and dash.template.id == "dash-risk"
    panel.finalise_button.click()
    assert "cannot be finalised yet" in dialogs.errors[-1]
    assert any(label.isVisibleTo(dash) for label in dash.messages.values())
    dash.set_answers(dict(dash.template.example or {}))
    panel.finalise_button.click()
    dash_id = panel.current_form_id
    assert dash_id is not None
    assert forms.latest_version(window.vault, dash_id).state is FormState.FINAL
    assert len(dialogs.errors) == 1


def test_a_form_typed_just_before_the_lock_is_saved(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.workspace.forms is not None
    panel = window.workspace.forms
    window.workspace.show_tab(FORMS_TAB)
    editor = panel.start_form("mg11")
    assert editor is not None
    qtbot.keyClicks(cast(TextEditor, editor.editors["occupation"]).edit, "Nurse")
    assert panel.has_unsaved_changes
    form_id = panel.current_form_id
    vault = window.vault
    assert vault is not None and form_id is not None
    window.lock()
    from tests.ui.officer import unlock

    unlock(qtbot, window)
    assert window.vault is not None
    assert forms.latest_version(window.vault, form_id).answers["occupation"] == "Nurse"
    assert window.workspace is not None and window.workspace.tabs.currentIndex() == FORMS_TAB


def test_statement_words_typed_just_before_leaving_the_case_are_saved(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    """Leaving within the autosave pause once dropped the form with its timer unfired."""
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.workspace.forms is not None
    case_id = window.workspace.case.id
    window.workspace.show_tab(FORMS_TAB)
    editor = window.workspace.forms.start_form("mg11")
    assert editor is not None
    statement = cast(MultilineEditor, editor.editors["statement_text"]).edit
    qtbot.keyClicks(statement, "He grabbed my wrist. Then he took my phone.")
    assert window.workspace.forms.has_unsaved_changes
    window.app_actions.close_case.trigger()  # Ctrl+W at once, within the pause
    assert window.workspace is None and window.vault is not None

    (saved,) = [
        f for f in forms.forms_for_case(window.vault, case_id) if f.template.template_id == "mg11"
    ]
    assert saved.answers["statement_text"] == "He grabbed my wrist. Then he took my phone."
