"""The main window's menus and shortcuts: what each action does, and when each is enabled."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from rvr_desktop.ui.actions import make_action, on_trigger

if TYPE_CHECKING:
    from rvr_desktop.ui.case_workspace import CaseWorkspace
    from rvr_desktop.ui.main_window import MainWindow

MAX_TAB_SHORTCUTS = 6


def connect_actions(window: MainWindow) -> list[QAction]:
    """Lay out the menus and give each action what it does, as typed callables (a renamed
    method is a type error); returns the tab shortcuts (Ctrl+1 to Ctrl+6)."""
    window.app_actions.fill_menus(window.menuBar(), window.due_action)
    tab_actions: list[QAction] = []
    for number in range(1, MAX_TAB_SHORTCUTS + 1):
        action = make_action(window, f"Tab {number}", f"Ctrl+{number}")
        on_trigger(action, _in_workspace(window, _show_tab(number - 1)))
        window.addAction(action)
        tab_actions.append(action)
    a = window.app_actions
    window_actions: tuple[tuple[QAction, Callable[[], object]], ...] = (
        (a.new_case, window.new_case),
        (a.find_case, window.find_case),
        (a.close_case, window.close_case),
        (a.settings, window.open_settings),
        (a.verify_bundle, window.open_verify_window),
        (a.lock, window.lock_when_asked),
        (a.quit, window.close),
        (a.about, window.show_about),
        (a.store_queue, window.toggle_store_queue),
        (window.due_action, window.open_due),
    )
    case_actions: tuple[tuple[QAction, Callable[[CaseWorkspace], object]], ...] = (
        (a.safety_gate, lambda w: w.call_panel.open_safety_gate()),
        (a.start_call, lambda w: w.call_panel.start_call()),
        (a.end_call, lambda w: w.call_panel.end_call()),
        (a.danger, lambda w: window.interrupt_call()),
        (a.new_note, lambda w: w.new_note()),
        (a.amend_note, lambda w: w.amend_note()),
        (a.attach_files, lambda w: w.attach_files()),
        (a.capture_screen, lambda w: w.capture_screen()),
        (a.export_bundle, lambda w: w.export_bundle()),
        (a.submit_to_store, lambda w: w.submit_to_store()),
        (a.next_tab, lambda w: w.step_tab(1)),
        (a.previous_tab, lambda w: w.step_tab(-1)),
    )
    for action, run in window_actions:
        on_trigger(action, run)
    for action, act in case_actions:
        on_trigger(action, _in_workspace(window, act))
    a.compact_mode.toggled.connect(window.set_compact)
    for action in (*a.all(), window.due_action):
        window.addAction(action)
    return tab_actions


def _in_workspace(window: MainWindow, act: Callable[[CaseWorkspace], object]) -> Callable[[], None]:
    """``act`` on the open case's workspace when the action fires; nothing without one."""

    def run() -> None:
        if window.workspace is not None:
            act(window.workspace)

    return run


def update_actions(window: MainWindow) -> None:
    """Each action enabled as the vault and the open case allow; the status line."""
    unlocked = window.vault is not None
    case_open = window.workspace is not None
    for action in window.app_actions.case_actions():
        action.setEnabled(case_open)
    for action in window.tab_actions:
        action.setEnabled(case_open)
    window.app_actions.new_case.setEnabled(unlocked)
    window.app_actions.find_case.setEnabled(unlocked)
    window.app_actions.lock.setEnabled(unlocked)
    window.app_actions.store_queue.setEnabled(unlocked)
    window.due_action.setEnabled(unlocked)
    for app_filter in (window.danger_key, window.wheel_guard):
        app_filter.watch_application(unlocked)
    window.due_reminder.refresh()
    if case_open:
        sync_call_actions(window)
    where = "Locked" if window.vault is None else f"Vault open · {window.vault.actor}"
    window.status_text.setText(where)


def sync_call_actions(window: MainWindow) -> None:
    """The call actions follow the open case's call panel buttons."""
    if window.workspace is None:
        return
    panel = window.workspace.call_panel
    window.app_actions.safety_gate.setEnabled(panel.gate_button.isEnabled())
    window.app_actions.start_call.setEnabled(panel.start_button.isEnabled())
    window.app_actions.end_call.setEnabled(panel.end_button.isEnabled())
    window.app_actions.danger.setEnabled(panel.danger_button.isEnabled())


def _show_tab(index: int) -> Callable[[CaseWorkspace], None]:
    return lambda workspace: workspace.show_tab(index)
