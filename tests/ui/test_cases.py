"""The case list and a new case from a referral."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.case import cases
from rvr_desktop.ui.main_window import CASE_PAGE, CASES_PAGE, MainWindow
from rvr_desktop.ui.new_case_dialog import NewCaseDialog
from tests.ui.conftest import ScriptedDialogs
from tests.ui.officer import create_vault, new_case


def test_officer_creates_a_case_from_the_referral_and_it_opens(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    new_case(qtbot, window, dialogs, reference="inc-2026-0042", victim="Priya")
    assert window.workspace is not None
    case = window.workspace.case
    assert case.reference == "INC-2026-0042"
    assert case.referral.callback_number == "07700 900123"
    assert "07700 900123" in window.workspace.identity.callback_label.text()
    assert window.windowTitle().endswith("INC-2026-0042")


def test_a_bad_incident_number_is_explained_and_nothing_typed_is_lost(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, NewCaseDialog)
        qtbot.keyClicks(dialog.reference_field, "??")
        qtbot.keyClicks(dialog.victim_field, "Priya")
        dialog.buttons.accepted.emit()
        seen["message"] = dialog.message.text()
        seen["victim"] = dialog.victim_field.text()
        dialog.reject()
        return False

    dialogs.expect(fill)
    window.app_actions.new_case.trigger()
    assert "not a valid incident or crime number" in seen["message"]
    assert seen["victim"] == "Priya"
    assert window.stack.currentIndex() == CASES_PAGE
    assert window.vault is not None and cases.list_cases(window.vault) == []


def test_officer_searches_and_filters_the_cases(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    create_vault(qtbot, window)
    assert window.vault is not None
    first = cases.create_case(window.vault, "INC-2026-0001", "Priya")
    cases.create_case(window.vault, "INC-2026-0002", "Morgan")
    cases.set_status(window.vault, first.id, "closed")
    screen = window.case_list
    screen.refresh()
    assert len(screen.shown_cases) == 2

    qtbot.keyClicks(screen.search_field, "morg")
    assert [c.reference for c in screen.shown_cases] == ["INC-2026-0002"]
    screen.search_field.clear()

    screen.status_filter.setCurrentIndex(screen.status_filter.findData("closed"))
    assert [c.reference for c in screen.shown_cases] == ["INC-2026-0001"]
    screen.status_filter.setCurrentIndex(0)

    screen.date_filter.setCurrentIndex(screen.date_filter.findText("Today"))
    assert len(screen.shown_cases) == 2

    qtbot.keyClicks(screen.search_field, "nobody")
    assert screen.shown_cases == []
    assert "No case matches" in screen.empty_label.text()
    screen.search_field.clear()

    # Enter in the search box opens the selected case.
    qtbot.keyClicks(screen.search_field, "0001")
    qtbot.keyClick(screen.search_field, Qt.Key.Key_Return)
    assert window.stack.currentIndex() == CASE_PAGE
    assert window.workspace is not None and window.workspace.case.reference == "INC-2026-0001"
    window.app_actions.close_case.trigger()
    assert window.stack.currentIndex() == CASES_PAGE
    assert window.workspace is None
