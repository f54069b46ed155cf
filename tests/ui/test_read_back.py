"""Read-back on screen: exactly the statement, large, followed as it is read, confirmed there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.case import timeline
from rvr_desktop.evidence.forms import FormState
from rvr_desktop.evidence.records.timeline_entry import CallEvent
from rvr_desktop.ui.case_workspace import FORMS_TAB, STATEMENT_TAB
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.read_back_view import READING_FONT_PT, ReadBackView
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case

PARAGRAPHS = [f"Paragraph {n}: what happened next, in the witness's own words." for n in range(30)]
STATEMENT = "\n\n".join(PARAGRAPHS)


def test_officer_reads_the_statement_back_on_screen_and_the_witness_confirms_there(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    assert window.workspace is not None and window.workspace.forms is not None
    window.workspace.show_tab(FORMS_TAB)
    editor = window.workspace.forms.start_form("mg11")
    assert editor is not None
    answers = dict(editor.template.example or {})
    answers.pop("witness_signature")
    answers["witness_name"] = "Priya Example"
    answers["statement_text"] = STATEMENT
    editor.set_answers(answers)
    window.workspace.forms._on_changed(window.workspace.forms.current_form_id or 0)
    window.workspace.show_tab(STATEMENT_TAB)
    statement = window.workspace.statement
    seen: dict[str, object] = {}

    def read_it(dialog: QDialog) -> bool:
        assert isinstance(dialog, ReadBackView)
        reading = dialog.reading
        seen["text"] = reading.toPlainText()
        seen["large"] = reading.font().pointSize() >= READING_FONT_PT
        seen["first"] = reading.current_paragraph
        bar = reading.verticalScrollBar()
        start = bar.value()
        for _ in range(20):
            qtbot.keyClick(reading, Qt.Key.Key_Space)
        seen["twentieth"] = reading.current_paragraph
        seen["scrolled"] = bar.value() > start
        qtbot.keyClick(reading, Qt.Key.Key_Up)
        seen["back one"] = reading.current_paragraph
        seen["name"] = dialog.name_field.text()
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
        return True

    dialogs.expect(read_it)
    qtbot.mouseClick(statement.read_view_button, Qt.MouseButton.LeftButton)

    assert seen["text"] == STATEMENT  # exactly the saved text, nothing else
    assert seen["large"]
    assert seen["first"] == PARAGRAPHS[0]
    assert seen["twentieth"] == PARAGRAPHS[20] and seen["scrolled"]
    assert seen["back one"] == PARAGRAPHS[19]
    assert seen["name"] == "Priya Example"
    assert dialogs.errors == []
    assert "Read back at" in statement.read_back_label.text()
    readiness = statement.readiness
    assert readiness is not None and readiness.form is not None
    assert readiness.form.state is FormState.FINAL
    signature = readiness.form.answers["witness_signature"]
    assert signature["method"] == "typed_name" and signature["name"] == "Priya Example"
    assert window.vault is not None
    events = [e.event for e in timeline.entries(window.vault, window.workspace.case.id)]
    assert CallEvent.STATEMENT_READ_BACK in events
