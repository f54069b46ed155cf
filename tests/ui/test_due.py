"""What is owed, in one place: the Due list, the next-due column and a quiet reminder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence import forms
from rvr_desktop.evidence.case.cases import create_case
from rvr_desktop.evidence.clock import ManualClock
from rvr_desktop.evidence.forms.store import create_form
from rvr_desktop.ui.case_list import NEXT_DUE
from rvr_desktop.ui.due_dialog import OVERDUE_COLOUR, DueDialog
from rvr_desktop.ui.main_window import CASE_PAGE
from rvr_desktop.ui.settings import AppSettings
from tests.ui.clocked import START_UTC_MS, AskingDialogs, clocked_window, close_window
from tests.ui.officer import create_vault


def test_officer_sees_what_is_owed_across_cases_and_opens_the_overdue_one(
    qtbot: QtBot, tmp_path: Path, settings: AppSettings
) -> None:
    clock = ManualClock(START_UTC_MS)  # Friday 4 December 2026, 16:00
    dialogs = AskingDialogs()
    window = clocked_window(qtbot, tmp_path, settings, clock, dialogs)
    try:
        create_vault(qtbot, window)
        vault = window.vault
        assert vault is not None
        template = forms.registry_for_vault(vault).get("safeguarding")
        clare = create_case(vault, "INC-2026-0300", "Asha")
        referral = create_case(vault, "INC-2026-0301", "Bea")
        create_form(
            vault,
            clare.id,
            template,
            {"dvds_route": "right_to_ask", "dvds_application_date": "2026-11-10"},
        )
        create_form(
            vault,
            referral.id,
            template,
            {"dvds_route": "none", "referrals": [{"service": "idva", "owed_by": "2026-12-03"}]},
        )
        window.case_list.refresh()
        window.close_case()  # back on the list, as after any case

        shown = {
            window.case_list.table.item(row, 0).text(): window.case_list.table.item(
                row, NEXT_DUE
            ).text()
            for row in range(window.case_list.table.rowCount())
        }
        assert shown["INC-2026-0300"].startswith("in 4 days: Clare's Law")
        assert shown["INC-2026-0301"].startswith("1 day overdue: Referral follow-up owed")
        reminder = window.due_reminder.text()
        assert reminder.startswith("Overdue: Referral follow-up owed")
        assert "INC-2026-0301" in reminder

        seen: dict[str, object] = {}

        def choose_overdue(dialog: QDialog) -> bool:
            assert isinstance(dialog, DueDialog)
            table = dialog.table
            seen["rows"] = [
                (table.item(r, 1).text(), table.item(r, 2).text(), table.item(r, 3).text())
                for r in range(table.rowCount())
            ]
            seen["red"] = table.item(0, 0).foreground().color() == OVERDUE_COLOUR
            seen["not red"] = table.item(1, 0).foreground().color() != OVERDUE_COLOUR
            table.setFocus()
            qtbot.keyClick(table, Qt.Key.Key_Return)
            return True

        dialogs.expect(choose_overdue)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(
            window.case_list.table,
            Qt.Key.Key_D,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert seen["rows"] == [
            ("INC-2026-0301", "3 December 2026", "1 day overdue"),
            ("INC-2026-0300", "8 December 2026", "in 4 days"),
        ]
        assert seen["red"] and seen["not red"]
        assert window.stack.currentIndex() == CASE_PAGE
        assert window.workspace is not None and window.workspace.case.id == referral.id

        # Four days on, the Clare's Law decision is due tomorrow; the referral is still late.
        clock.advance(3 * 24 * 3600)
        window.close_case()
        assert "Referral follow-up owed" in window.due_reminder.text()
        assert "(and 1 more)" in window.due_reminder.text()
    finally:
        close_window(window)
