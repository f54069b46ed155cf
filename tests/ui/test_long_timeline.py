"""A long call: the notes box stays quick and the table whole when the case holds many notes.

The table measures each row's height when the row comes into view rather than measuring
every row whenever a note is added (which took seconds a note in a case of 100,000), and
the search looks only at the rows added while it is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rvr_desktop.evidence.case import cases, timeline
from rvr_desktop.evidence.vault import Vault
from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.ui.notes_panel import NotesPanel
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.timeline_model import TEXT
from tests.ui.conftest import PASSPHRASE

EARLIER_NOTES = 300
TWO_LINES = "Victim says he left at 23:10.\nShe locked the back door after him."


@pytest.fixture
def long_case(tmp_path: Path) -> Iterator[tuple[Vault, int]]:
    vault = Vault.create(tmp_path / "vault", PASSPHRASE, kdf=FAST_INSECURE_KDF)
    case = cases.create_case(vault, "INC-2026-0042", "Sussex")
    timeline.append_note(vault, case.id, TWO_LINES)
    for number in range(EARLIER_NOTES):
        timeline.append_note(vault, case.id, f"Earlier note {number}: she is still on the call.")
    yield vault, case.id
    if not vault.is_locked:
        vault.lock()


def _panel(qtbot: QtBot, services: Services, vault: Vault, case_id: int) -> NotesPanel:
    panel = NotesPanel(services, vault, case_id)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _row_in_view(panel: NotesPanel, row: int) -> bool:
    rect = panel.table.visualRect(panel.model.index(row, TEXT))
    return rect.isValid() and panel.table.viewport().rect().contains(rect)


def _fits_two_lines(panel: NotesPanel, row: int) -> bool:
    return panel.table.rowHeight(row) >= 2 * panel.table.fontMetrics().lineSpacing()


def test_a_note_entered_after_hundreds_is_shown_whole_at_the_bottom_and_kept_on_reopening(
    qtbot: QtBot, services: Services, long_case: tuple[Vault, int], tmp_path: Path
) -> None:
    vault, case_id = long_case
    panel = _panel(qtbot, services, vault, case_id)
    qtbot.keyClicks(panel.input, "Victim says he left at 23:10.")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(panel.input, "She locked the back door after him.")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)

    last = panel.model.rowCount() - 1
    assert last == EARLIER_NOTES + 1
    entry = panel.model.entry_at(last)
    assert entry is not None and entry.text == TWO_LINES
    qtbot.waitUntil(lambda: _row_in_view(panel, last) and _fits_two_lines(panel, last))
    assert panel.input.toPlainText() == ""

    # The first note, two lines too, fits its text once scrolled back to.
    panel.table.scrollToTop()
    qtbot.waitUntil(lambda: _row_in_view(panel, 0) and _fits_two_lines(panel, 0))

    services.tasks.wait_for_workers()
    vault.lock()
    reopened = Vault.unlock(tmp_path / "vault", PASSPHRASE)
    try:
        saved = timeline.entries(reopened, case_id)
    finally:
        reopened.lock()
    assert len(saved) == EARLIER_NOTES + 2
    assert saved[-1].text == TWO_LINES


def test_a_search_left_on_counts_and_shows_only_the_new_notes_that_match(
    qtbot: QtBot, services: Services, long_case: tuple[Vault, int]
) -> None:
    vault, case_id = long_case
    panel = _panel(qtbot, services, vault, case_id)
    qtbot.keyClicks(panel.search, "parcel")
    assert panel.search_status.text() == f"0 of {EARLIER_NOTES + 1} shown"

    qtbot.keyClicks(panel.input, "She asked whether the parcel is still coming.")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    qtbot.keyClicks(panel.input, "Sister arrived.")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)

    matching, other = EARLIER_NOTES + 1, EARLIER_NOTES + 2
    assert panel.search_status.text() == f"1 of {EARLIER_NOTES + 3} shown"
    assert not panel.table.isRowHidden(matching)
    assert panel.table.isRowHidden(other)
    panel.search.clear()
    assert panel.search_status.text() == ""
    assert not panel.table.isRowHidden(other)
