"""The officer's guide names the app's real menus, keys and limits.

The officer guide asks its reader to type no command (everything happens in the window),
so instead of running commands this checks what an officer would act on: each key in
its table is the shortcut of the menu item it names, and the numbers it gives are the
app's.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from rvr_desktop.evidence.vault.kdf import FAST_INSECURE_KDF
from rvr_desktop.evidence.vault.throttle import FREE_ATTEMPTS, MAX_DELAY_S
from rvr_desktop.ui.case_workspace import ATTACHMENTS_TAB, FORMS_TAB, NOTES_TAB, STATEMENT_TAB
from rvr_desktop.ui.dialogs import Dialogs
from rvr_desktop.ui.main_window import MainWindow
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.settings import DEFAULT_IDLE_MINUTES, AppSettings
from tests.docs.guides import DOCS, console_commands

GUIDE = DOCS / "officer-guide.md"
_KEY_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|")


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def menu_items(window: MainWindow) -> dict[str, str]:
    """'Menu › Item' (as a reader sees it) -> the item's shortcut."""
    items = {}
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.isSeparator():
                continue
            path = f"{top.text().replace('&', '')} › {action.text().replace('&', '')}"
            items[path] = action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
    return items


def test_the_officer_guide_asks_for_no_command_a_test_does_not_run() -> None:
    assert console_commands(GUIDE) == []


def test_every_key_in_the_officer_guide_opens_the_menu_item_it_names(
    qapp: QApplication, tmp_path: Path
) -> None:
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    services = Services.build(dialogs=Dialogs(), settings=settings, kdf=FAST_INSECURE_KDF)
    window = MainWindow(services, vault_path=tmp_path / "vault")
    try:
        items = menu_items(window)
        tabs = [a.shortcut().toString() for a in window.tab_actions]
    finally:
        window.close()
        window.deleteLater()
    rows = [m.groups() for m in map(_KEY_ROW.match, guide_text().splitlines()) if m]
    assert len(rows) >= 10, "the guide's table of keys is missing"
    for key, path in rows:
        assert path in items, f"the guide names '{path}', which is not in the menus"
        assert items[path] == key, f"'{path}' is {items[path]}, not {key} as the guide says"
    # "Ctrl+1 to Ctrl+4 switch between the Notes, Attachments, Forms and Statement tabs."
    assert tabs[:4] == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"]
    assert (NOTES_TAB, ATTACHMENTS_TAB, FORMS_TAB, STATEMENT_TAB) == (0, 1, 2, 3)


def test_the_limits_the_officer_guide_gives_are_the_apps() -> None:
    text = " ".join(guide_text().split())
    assert DEFAULT_IDLE_MINUTES == 5 and "after 5 minutes without a key press" in text
    assert FREE_ATTEMPTS == 3 and "After the third wrong attempt you must wait" in text
    assert MAX_DELAY_S == 300 and "up to 5 minutes" in text
