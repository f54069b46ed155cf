"""Words, dates and keys as an officer uses them: UK dates, answers not asked twice,
the caret taken to what is wrong, form titles in plain words."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.clock import ManualClock
from rvr_desktop.evidence.forms import TemplateRegistry, load_registry
from rvr_desktop.ui.amend_dialog import AmendDialog
from rvr_desktop.ui.case_workspace import FORMS_TAB
from rvr_desktop.ui.field_editors import ComboEditor, GroupEditor, MultilineEditor, UkDateEditor
from rvr_desktop.ui.form_editor import FormEditor
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.new_case_dialog import NewCaseDialog
from rvr_desktop.ui.safety_gate_dialog import SafetyGateDialog
from rvr_desktop.ui.settings_dialog import SettingsDialog
from rvr_desktop.ui.timeline_model import AUTHOR, TEXT, TIME
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case, type_note
from tests.ui.test_workspace import _pass_gate_in_core


@pytest.fixture(scope="module")
def shipped() -> TemplateRegistry:
    return load_registry()


def december_clock() -> ManualClock:
    """Saturday 5 December 2026, 09:30 GMT."""
    return ManualClock(int(datetime.fromisoformat("2026-12-05T09:30:00+00:00").timestamp() * 1000))


def _referral_row(qtbot: QtBot, shipped: TemplateRegistry) -> tuple[FormEditor, UkDateEditor]:
    editor = FormEditor(shipped.get("safeguarding"), clock=december_clock())
    qtbot.addWidget(editor)
    editor.resize(900, 700)
    editor.show()
    group = cast(GroupEditor, editor.editors["referrals"])
    qtbot.mouseClick(group.add_button, Qt.MouseButton.LeftButton)
    row = group.rows[-1][1]
    outcome = cast(ComboEditor, row["outcome"])
    outcome.combo.setCurrentIndex(outcome.combo.findData("made"))
    return editor, cast(UkDateEditor, row["made_at"])


def test_officer_types_yesterday_late_evening_and_it_is_stored_as_utc_in_december(
    qtbot: QtBot, shipped: TemplateRegistry
) -> None:
    editor, made_at = _referral_row(qtbot, shipped)
    assert "+01:00" not in made_at.edit.placeholderText()
    assert "04/12/2026" in made_at.edit.placeholderText()
    qtbot.keyClicks(made_at.edit, "yesterday 23:30")
    assert made_at.reading.text() == "Friday 4 December 2026, 23:30 GMT"
    assert made_at.value() == "2026-12-04T23:30:00Z"
    qtbot.keyClick(made_at.edit, Qt.Key.Key_Return)  # done with the box: written the usual way
    assert made_at.edit.text() == "04/12/2026 23:30"
    assert editor.answers()["referrals"][0]["made_at"] == "2026-12-04T23:30:00Z"


def test_a_summer_date_typed_the_uk_way_is_read_as_bst(
    qtbot: QtBot, shipped: TemplateRegistry
) -> None:
    _editor, made_at = _referral_row(qtbot, shipped)
    qtbot.keyClicks(made_at.edit, "4 Jul 2026 14:05")
    assert made_at.reading.text().endswith("14:05 BST")
    assert made_at.value() == "2026-07-04T13:05:00Z"


def test_a_date_that_cannot_be_read_is_explained_by_example_and_the_error_goes_when_fixed(
    qtbot: QtBot, shipped: TemplateRegistry
) -> None:
    editor, made_at = _referral_row(qtbot, shipped)
    qtbot.keyClicks(made_at.edit, "last tuesday")
    message = editor.message_for("referrals")
    assert "04/12/2026 14:05" in message and "yesterday 23:30" in message
    assert "YYYY" not in message and "+01:00" not in message
    made_at.edit.selectAll()
    qtbot.keyClicks(made_at.edit, "04/12/2026 14:05")
    assert "04/12/2026 14:05" not in editor.message_for("referrals")


def test_the_hour_the_clocks_skip_is_refused_in_words_beside_the_box(
    qtbot: QtBot, shipped: TemplateRegistry
) -> None:
    _editor, made_at = _referral_row(qtbot, shipped)
    qtbot.keyClicks(made_at.edit, "29/03/2026 01:30")
    assert "did not happen in the UK" in made_at.reading.text()


def test_a_refused_finalise_takes_the_officer_to_the_first_problem_field(
    qtbot: QtBot, shipped: TemplateRegistry
) -> None:
    editor = FormEditor(shipped.get("mg11"), clock=december_clock())
    qtbot.addWidget(editor)
    editor.resize(900, 500)
    editor.show()
    qtbot.waitExposed(editor)
    editor.show_all_problems()
    first_wrong = next(
        fid
        for fid in editor.editors
        if any(p.path.split("[")[0].split(".")[0] == fid for p in editor.problems)
    )
    target = editor.editors[first_wrong].widget
    focused = editor.focusWidget()
    assert focused is not None
    assert focused is target or target.isAncestorOf(focused)


def test_the_statement_box_keeps_the_caret_in_view_as_the_officer_types(
    qtbot: QtBot, shipped: TemplateRegistry
) -> None:
    editor = FormEditor(shipped.get("mg11"), clock=december_clock())
    qtbot.addWidget(editor)
    editor.resize(700, 300)
    editor.show()
    qtbot.waitExposed(editor)
    statement = cast(MultilineEditor, editor.editors["statement_text"]).edit
    editor.verticalScrollBar().setValue(0)
    statement.setFocus()
    for line in range(3):
        qtbot.keyClicks(statement, f"Line {line} of what the witness said.")
        qtbot.keyClick(statement, Qt.Key.Key_Return)
    caret = statement.cursorRect()
    top_left = statement.viewport().mapTo(editor.viewport(), caret.topLeft())
    assert editor.viewport().rect().contains(top_left)


def _open_case(qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)


def test_officer_is_not_asked_about_children_twice_and_sees_where_the_answer_came_from(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.workspace.forms is not None
    panel = window.workspace.forms
    window.workspace.show_tab(FORMS_TAB)
    dash = panel.start_form("dash-risk")
    assert dash is not None
    children = cast(ComboEditor, dash.editors["children_in_household"])
    children.combo.setFocus()
    qtbot.keyClick(children.combo, Qt.Key.Key_Down)  # "Yes"
    assert children.value() == "yes"
    panel.flush()
    # The form list says what the form is, not its internal name.
    assert panel.form_choice.currentText().startswith("Domestic abuse risk assessment")
    assert "dash-risk" not in panel.form_choice.currentText()

    safeguarding = panel.start_form("safeguarding")
    assert safeguarding is not None
    assert safeguarding.editors["children_in_household"].value() == "yes"
    source = safeguarding.sources["children_in_household"]
    assert source.isVisibleTo(safeguarding)
    assert "Domestic abuse risk assessment" in source.text()
    victims_code = cast(ComboEditor, safeguarding.editors["victims_code_explained"])
    victims_code.combo.setCurrentIndex(victims_code.combo.findData("yes"))
    panel.flush()

    mg11 = panel.start_form("mg11")
    assert mg11 is not None
    assert mg11.editors["victims_code_leaflet"].value() == "yes"
    assert "Safeguarding and referrals" in mg11.sources["victims_code_leaflet"].text()
    assert mg11.editors["witness_name"].value() == "Priya"
    assert mg11.sources["witness_name"].text().startswith("Filled in from the case")
    saved = forms.latest_version(window.vault, panel.current_form_id or 0)  # type: ignore[arg-type]
    assert saved.answers["witness_name"] == "Priya"


def test_officer_sees_a_misspelt_word_underlined_in_a_note_and_nothing_is_corrected(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    notes = window.workspace.notes
    spelling = notes.spelling
    if spelling.spelling is None:
        with qtbot.waitSignal(spelling.ready, timeout=20_000):
            pass
    notes.focus_input()
    qtbot.keyClicks(notes.input, "She recie")
    assert spelling.misspelt_words() == []  # the word being typed is left alone
    qtbot.keyClicks(notes.input, "ved a colour photo ")
    assert spelling.misspelt_words() == ["recieved"]
    assert notes.input.toPlainText() == "She recieved a colour photo "  # never autocorrected


def test_the_statement_box_is_spell_checked_in_british_english(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.workspace.forms is not None
    mg11 = window.workspace.forms.start_form("mg11")
    assert mg11 is not None
    statement = cast(MultilineEditor, mg11.editors["statement_text"]).edit
    checker = next(
        h for h in window.workspace.forms.spelling if h.document() is statement.document()
    )
    if checker.spelling is None:
        with qtbot.waitSignal(checker.ready, timeout=20_000):
            pass
    statement.setFocus()
    qtbot.keyClicks(statement, "My neighbour called the police. The color was red. ")
    assert checker.misspelt_words() == ["color"]


def test_ctrl_e_straight_after_a_note_amends_it_and_the_caret_comes_back_to_the_note_box(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    notes = window.workspace.notes
    type_note(qtbot, window, "Incident about 22:30.")
    type_note(qtbot, window, "Children asleep upstairs.")
    assert notes.selected_entry() is None
    seen: dict[str, object] = {}

    def amend(dialog: QDialog) -> bool:
        assert isinstance(dialog, AmendDialog)
        seen["original"] = dialog.original_label.text()
        seen["focus"] = dialog.focusWidget() is dialog.text_field
        qtbot.keyClicks(dialog.text_field, "Children asleep upstairs (two).")
        qtbot.keyClicks(dialog.reason_field, "Victim added how many")
        dialog.accept()
        return True

    dialogs.expect(amend)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(notes.input, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert seen == {"original": "Children asleep upstairs.", "focus": True}
    assert window.focusWidget() is notes.input
    qtbot.keyClicks(notes.input, "Next note")
    assert notes.input.toPlainText() == "Next note"


def test_officer_searches_the_case_notes_and_sees_only_what_matches(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    notes = window.workspace.notes
    for text in ("Partner threw a mug.", "Children asleep upstairs.", "Mug hit the wall."):
        type_note(qtbot, window, text)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(
        notes.input,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.focusWidget() is notes.search
    qtbot.keyClicks(notes.search, "mug")
    shown = [
        notes.model.entry_at(r).text  # type: ignore[union-attr]
        for r in range(notes.model.rowCount())
        if not notes.table.isRowHidden(r)
    ]
    assert shown == ["Partner threw a mug.", "Mug hit the wall."]
    assert notes.search_status.text() == "2 of 3 shown"
    type_note(qtbot, window, "Children in bed.")  # a new note that does not match stays hidden
    assert notes.table.isRowHidden(notes.model.rowCount() - 1)
    notes.search.clear()
    assert not any(notes.table.isRowHidden(r) for r in range(notes.model.rowCount()))


def test_new_case_opens_on_the_first_field_and_a_wrong_number_is_explained_by_example(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewCaseDialog)
        seen["first focus"] = dialog.focusWidget() is dialog.reference_field
        qtbot.keyClicks(dialog.victim_field, "Priya")
        dialog.buttons.accepted.emit()
        seen["empty"] = dialog.message.text()
        seen["focus after"] = dialog.focusWidget() is dialog.reference_field
        qtbot.keyClicks(dialog.reference_field, "INC-2026-0042")
        seen["message after fix"] = dialog.message.isVisibleTo(dialog)
        dialog.buttons.accepted.emit()
        return True

    dialogs.expect(fill)
    window.app_actions.new_case.trigger()
    assert seen["first focus"] is True and seen["focus after"] is True
    assert "looks like INC-2026-0042" in str(seen["empty"])
    assert "pattern" not in str(seen["empty"]) and "[A-Z" not in str(seen["empty"])
    assert "''" not in str(seen["empty"])
    assert seen["message after fix"] is False
    assert window.workspace is not None


def test_tab_out_of_a_form_never_lands_on_end_call_or_interrupted(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    _pass_gate_in_core(window)
    window.app_actions.start_call.trigger()
    panel = window.workspace.call_panel
    assert panel.state.running and panel.end_button.isEnabled()
    start = window.workspace.notes.input
    start.setFocus()
    reached = [start]
    for _ in range(60):
        qtbot.keyClick(window.focusWidget() or start, Qt.Key.Key_Tab)
        reached.append(window.focusWidget() or start)
    assert panel.end_button not in reached and panel.danger_button not in reached
    assert window.workspace.tabs.tabBar() in reached  # Tab still goes round the window


def test_the_notes_table_shows_whole_times_and_authors_at_the_default_window_size(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    assert window.size().width() == 1100  # the default window
    type_note(qtbot, window, "Partner threw a mug at the wall and left the flat at about ten.")
    type_note(qtbot, window, "Children asleep upstairs.")
    table = window.workspace.notes.table
    for column in (TIME, AUTHOR):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column)
    assert table.columnWidth(TEXT) > 500  # the note itself keeps most of the room


def test_every_dialog_opens_with_the_caret_in_its_first_field(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None
    opened: dict[str, bool] = {}

    def gate(dialog: QDialog) -> bool:
        assert isinstance(dialog, SafetyGateDialog)
        first = next(iter(dialog.editor.editors.values())).widget
        focused = dialog.focusWidget()
        opened["safety gate"] = focused is not None and (
            focused is first or first.isAncestorOf(focused)
        )
        dialog.reject()
        return False

    def settings(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        opened["settings"] = dialog.focusWidget() is dialog.idle_minutes
        dialog.reject()
        return False

    dialogs.expect(gate)
    window.app_actions.safety_gate.trigger()
    dialogs.expect(settings)
    window.app_actions.settings.trigger()
    assert opened == {"safety gate": True, "settings": True}

    assert window.workspace.forms is not None
    form = window.workspace.forms.start_form("dash-risk")
    assert form is not None
    first = next(iter(form.editors.values())).widget
    assert window.focusWidget() is first or first.isAncestorOf(window.focusWidget())


def test_spell_checking_a_finalised_statement_does_not_turn_it_back_into_a_draft(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.vault is not None
    vault, case_id = window.vault, window.workspace.case.id
    mg11 = forms.registry_for_vault(vault).get("mg11")
    answers = dict(mg11.example or {})
    answers["statement_text"] = "He recieved a text and then the color of his face changed."
    form_id = forms.create_form(vault, case_id, mg11, answers).form_id
    final = forms.finalise(vault, form_id)
    assert final.is_final

    window.open_case(case_id)  # the case opens again, its forms with it
    assert window.workspace is not None and window.workspace.forms is not None
    panel = window.workspace.forms
    statement = cast(MultilineEditor, panel.editors[form_id].editors["statement_text"]).edit
    checker = next(h for h in panel.spelling if h.document() is statement.document())
    if checker.spelling is None:
        with qtbot.waitSignal(checker.ready, timeout=20_000):
            pass
    assert checker.misspelt_words() == ["recieved", "color"]
    assert not panel.has_unsaved_changes
    assert forms.latest_version(vault, form_id).version == final.version


def test_a_refused_finalise_in_the_forms_tab_puts_the_caret_in_the_first_field_to_fix(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    _open_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.workspace.forms is not None
    panel = window.workspace.forms
    window.workspace.show_tab(FORMS_TAB)
    mg11 = panel.start_form("mg11")
    assert mg11 is not None
    qtbot.mouseClick(panel.finalise_button, Qt.MouseButton.LeftButton)
    assert dialogs.errors  # the refusal is explained
    wrong = {p.path.split("[")[0].split(".")[0] for p in mg11.problems}
    first_wrong = next(fid for fid in mg11.editors if fid in wrong)
    target = mg11.editors[first_wrong].widget
    focused = window.focusWidget()
    assert focused is not None and (focused is target or target.isAncestorOf(focused))
    assert mg11.message_for(first_wrong)
