"""Locking the main window: every case view and other window closed, the vault locked,
and, after the next unlock, the officer back where they were (held in memory only)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.ui.held_words import HeldWords, HoldsWords, with_held_words

if TYPE_CHECKING:
    from rvr_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumePoint:
    """Where the officer was when the vault locked; held in memory only, never saved."""

    case_id: int
    tab: int
    note_draft: str


def lock_window(window: MainWindow) -> ResumePoint | None:
    """Hide all case content and lock the vault (the window then shows its unlock
    screen); returns where the officer was, to reopen after the next unlock."""
    vault = window.vault
    if vault is None:
        return None
    window.idle.stop()
    _hand_over_held_words(window)
    resume = None
    if window.workspace is not None:
        resume = ResumePoint(
            window.workspace.case.id,
            window.workspace.tabs.currentIndex(),
            window.workspace.notes.input.toPlainText(),
        )
    _drop_verify_window(window)
    _close_other_windows(window)
    window.store.pause()  # before cancel_all: an upload pauses, never cancels
    window.services.tasks.cancel_all()
    window.services.tasks.wait_for_workers()
    window.clipboard_guard.clear_case_text()
    window.drop_workspace()
    window.store.drop()
    window.case_list.set_vault(None)
    window.calls.forget()
    window.vault = None
    vault.lock()
    log.info("vault locked")
    return resume


def _drop_verify_window(window: MainWindow) -> None:
    """A bundle shown there is case content, and the unlock screen can reopen the window."""
    if window.verify_window is None:
        return
    old, window.verify_window = window.verify_window, None
    old.forget()
    old.close()
    old.deleteLater()


def _hand_over_held_words(window: MainWindow) -> None:
    """Words typed in a dialog the lock is about to close join their case's unsent note."""
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible() or not isinstance(widget, HoldsWords):
            continue
        words = widget.held_words()
        if words is None:
            continue
        workspace = window.workspace
        if workspace is not None and workspace.case.id == words.case_id:
            box = workspace.notes.input
            box.setPlainText(with_held_words(box.toPlainText(), words))
        else:  # the danger key's dialog over another page, for the live call's case
            _add_to_kept_draft(window, words)


def _add_to_kept_draft(window: MainWindow, words: HeldWords) -> None:
    vault = window.vault
    if vault is None:
        return
    from rvr_desktop.evidence.case import drafts

    try:
        kept = drafts.load_draft(vault, words.case_id)
        drafts.save_draft(vault, words.case_id, with_held_words(kept, words))
    except RvrError as exc:
        window.services.errors.report(window, exc, "keeping the words typed in a dialog")


def _close_other_windows(window: MainWindow) -> None:
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible():
            continue
        if isinstance(widget, QDialog):
            widget.reject()
        widget.hide()


def reopen_where_left(window: MainWindow, resume: ResumePoint) -> bool:
    """After unlocking: the case, tab and unsent note the lock hid; False if it cannot."""
    try:
        window.open_case(resume.case_id)
    except RvrError:
        return False
    if window.workspace is None:
        return False
    window.workspace.show_tab(resume.tab)
    window.workspace.notes.input.setPlainText(resume.note_draft)
    return True
