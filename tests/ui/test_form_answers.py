"""Answering a form: the wheel never changes an answer, and the risk level shows live."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QWidget
from pytestqt.qtbot import QtBot

from rvr_desktop.ui.case_workspace import FORMS_TAB
from rvr_desktop.ui.field_editors import ComboEditor, MultilineEditor
from rvr_desktop.ui.form_editor import FormEditor
from rvr_desktop.ui.forms_panel import FormsPanel
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.settings_dialog import SettingsDialog
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case

QUESTIONS = (
    "injured",
    "very_frightened",
    "fears_more_harm",
    "isolated",
    "low_or_suicidal",
    "separated",
    "child_contact_conflict",
    "unwanted_contact",
    "pregnant_or_new_baby",
    "children_in_household",
)


def _start_dash(qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs) -> FormEditor:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs)
    assert window.workspace is not None
    window.workspace.show_tab(FORMS_TAB)
    panel = window.workspace.forms
    assert isinstance(panel, FormsPanel)
    panel.template_choice.setCurrentIndex(panel.template_choice.findData("dash-risk"))
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dash = panel.current_editor()
    assert dash is not None and dash.template.id == "dash-risk"
    return dash


def _combo(dash: FormEditor, field_id: str) -> QComboBox:
    return cast(ComboEditor, dash.editors[field_id]).combo


def _answer_yes(qtbot: QtBot, dash: FormEditor, field_id: str) -> None:
    combo = _combo(dash, field_id)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # from "—" to "Yes"
    assert combo.currentData() == "yes"


def _wheel(widget: QWidget, steps: int) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_scrolling_the_form_over_an_answer_never_changes_it(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    dash = _start_dash(qtbot, window, dialogs)
    _answer_yes(qtbot, dash, "injured")
    note = cast(ComboEditor, dash.editors["very_frightened"]).note
    assert note is not None
    note.setFocus()  # the officer moved on; the hurt question has no focus now
    qtbot.waitUntil(lambda: not _combo(dash, "injured").hasFocus())
    bar = dash.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0

    _wheel(_combo(dash, "injured"), 3)
    assert _combo(dash, "injured").currentData() == "yes"
    assert dash.answers()["injured"] == "yes"
    assert bar.value() > 0, "the wheel scrolled the form instead"

    # A field the officer is in still takes the wheel.
    _combo(dash, "isolated").setFocus()
    qtbot.waitUntil(_combo(dash, "isolated").hasFocus)
    _wheel(_combo(dash, "isolated"), 1)
    assert _combo(dash, "isolated").currentData() == "yes"


def test_the_wheel_over_the_idle_time_in_settings_before_unlock_changes_nothing(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    """Behind the unlock screen the app-wide guard is not watching; the settings guard
    their own field."""
    assert window.vault is None
    seen: list[tuple[int, int]] = []

    def scroll_over_idle_time(dialog: QDialog) -> bool:
        assert isinstance(dialog, SettingsDialog)
        dialog.activateWindow()
        before = dialog.idle_minutes.value()
        dialog.export_field.setFocus()
        qtbot.waitUntil(dialog.export_field.hasFocus)
        _wheel(dialog.idle_minutes, 3)
        after_unfocused = dialog.idle_minutes.value()
        # Once the officer is in the field, the wheel changes it as it should.
        dialog.idle_minutes.setFocus()
        qtbot.waitUntil(dialog.idle_minutes.hasFocus)
        _wheel(dialog.idle_minutes, -1)
        seen.append((before, after_unfocused))
        seen.append((before, dialog.idle_minutes.value()))
        dialog.reject()
        return False

    dialogs.expect(scroll_over_idle_time)
    window.app_actions.settings.trigger()
    (before, unfocused), (_, focused) = seen
    assert unfocused == before, "the wheel changed the idle time of a field without focus"
    assert focused == before + 1


def test_the_risk_level_shows_as_answers_change_and_judgement_can_raise_it(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    dash = _start_dash(qtbot, window, dialogs)
    assert window.workspace is not None and window.workspace.forms is not None
    banner = window.workspace.forms.risk_banner
    assert banner.isVisible()
    assert "Risk level: STANDARD." in banner.text()
    assert "0 'yes' answers" in banner.text()

    for field_id in QUESTIONS[:9]:
        _answer_yes(qtbot, dash, field_id)
    assert "Risk level: STANDARD." in banner.text()
    assert "9 'yes' answers" in banner.text() and "fewer than 10" in banner.text()
    _answer_yes(qtbot, dash, QUESTIONS[9])
    assert "Risk level: MEDIUM." in banner.text()
    assert "10 or more 'yes' answers gives Medium" in banner.text()

    judgement = _combo(dash, "judgement_level")
    judgement.setFocus()
    judgement.setCurrentIndex(judgement.findData("high"))
    assert "write the reason to raise it" in banner.text()
    reason = cast(MultilineEditor, dash.editors["judgement_reason"])
    qtbot.keyClicks(reason.edit, "Threats escalated this week; the victim fears for her life.")
    assert "Risk level: HIGH." in banner.text()
    assert "Raised to High by professional judgement: Threats escalated" in banner.text()
    assert "MARAC" in banner.text()

    # Another form on screen: the banner goes.
    panel = window.workspace.forms
    panel.template_choice.setCurrentIndex(panel.template_choice.findData("mg11"))
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
