"""Every frequent action, with its shortcut shown in the menus and in its tooltip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar


def make_action(parent: QObject, text: str, shortcut: str = "", tip: str = "") -> QAction:
    action = QAction(text, parent)
    if shortcut:
        # setShortcuts, not setShortcut: PySide6 resolves setShortcut's overloads by building
        # every enum of the Qt namespace, ~30 ms before the unlock screen could show.
        action.setShortcuts([QKeySequence(shortcut)])
    plain = text.replace("&", "").rstrip("…")
    native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
    described = tip or plain
    action.setToolTip(f"{described} ({native})" if shortcut else described)
    action.setStatusTip(described)
    return action


def on_trigger(action: QAction, run: Callable[[], object]) -> None:
    """Call ``run`` (a typed callable, never a method's name) whenever ``action`` fires.

    ``run`` is called with no arguments: ``triggered`` carries a ``checked`` flag that
    would otherwise land in the first parameter of a method with defaults.
    """
    action.triggered.connect(lambda: run())


@dataclass(frozen=True)
class AppActions:
    new_case: QAction
    find_case: QAction
    close_case: QAction
    settings: QAction
    verify_bundle: QAction
    lock: QAction
    quit: QAction
    safety_gate: QAction
    start_call: QAction
    end_call: QAction
    danger: QAction
    new_note: QAction
    amend_note: QAction
    attach_files: QAction
    capture_screen: QAction
    export_bundle: QAction
    submit_to_store: QAction
    store_queue: QAction
    compact_mode: QAction
    next_tab: QAction
    previous_tab: QAction
    about: QAction

    @classmethod
    def build(cls, parent: QObject) -> AppActions:
        compact = make_action(
            parent,
            "&Compact side panel",
            "Ctrl+Shift+K",
            "Narrow window that stays on top beside the video call",
        )
        compact.setCheckable(True)
        return cls(
            new_case=make_action(
                parent, "&New case…", "Ctrl+Shift+N", "New case from the call handler's referral"
            ),
            find_case=make_action(parent, "&Find case", "Ctrl+F", "Search the cases"),
            close_case=make_action(parent, "&Back to cases", "Ctrl+W", "Close this case"),
            settings=make_action(parent, "&Settings…", "Ctrl+,"),
            verify_bundle=make_action(
                parent,
                "&Verify a bundle…",
                "Ctrl+Shift+V",
                "Check an evidence bundle's files and signatures (no vault needed)",
            ),
            lock=make_action(parent, "&Lock now", "Ctrl+L", "Hide everything and lock the vault"),
            quit=make_action(parent, "&Quit", "Ctrl+Q"),
            about=make_action(parent, "&About RVR Desktop", "", "Version and where files live"),
            safety_gate=make_action(
                parent, "Safety &gate…", "Ctrl+Shift+G", "Answer the safety questions before a call"
            ),
            start_call=make_action(parent, "&Start call", "Ctrl+Shift+S"),
            end_call=make_action(parent, "&End call", "Ctrl+Shift+E"),
            danger=make_action(
                parent,
                "Call &interrupted / danger",
                "F12",
                "Stamp at once that the call was interrupted, then see what to do next",
            ),
            new_note=make_action(parent, "&New note", "Ctrl+N", "Type a note; Enter adds it"),
            amend_note=make_action(
                parent, "&Amend note…", "Ctrl+E", "Correct the selected note (the original stays)"
            ),
            attach_files=make_action(parent, "&Attach files…", "Ctrl+O"),
            capture_screen=make_action(
                parent, "&Capture screen…", "Ctrl+Shift+P", "Capture the video call as an exhibit"
            ),
            export_bundle=make_action(
                parent,
                "E&xport signed bundle…",
                "Ctrl+Shift+X",
                "Sign the statement and export the case for the CPS",
            ),
            submit_to_store=make_action(
                parent,
                "Submit to the evidence &store…",
                "",
                "Send the case's signed bundle to the force's evidence store (Object Lock)",
            ),
            store_queue=make_action(
                parent,
                "Evidence store &queue",
                "Ctrl+Shift+U",
                "Show the bundles waiting, uploading, stored or failed",
            ),
            compact_mode=compact,
            next_tab=make_action(parent, "Ne&xt tab", "Ctrl+PgDown"),
            previous_tab=make_action(parent, "&Previous tab", "Ctrl+PgUp"),
        )

    def all(self) -> list[QAction]:
        return [value for value in vars(self).values() if isinstance(value, QAction)]

    def case_actions(self) -> list[QAction]:
        """Actions that only make sense with a case open."""
        return [
            self.close_case,
            self.safety_gate,
            self.start_call,
            self.end_call,
            self.danger,
            self.new_note,
            self.amend_note,
            self.attach_files,
            self.capture_screen,
            self.export_bundle,
            self.submit_to_store,
            self.next_tab,
            self.previous_tab,
        ]

    def fill_menus(self, menu_bar: QMenuBar, due: QAction) -> None:
        """The menu bar: every action in its menu, with its shortcut shown beside it."""
        menus = (
            (
                "&File",
                (
                    self.new_case,
                    self.find_case,
                    due,
                    self.close_case,
                    None,
                    self.verify_bundle,
                    self.settings,
                    self.lock,
                    self.quit,
                ),
            ),
            ("&Call", (self.safety_gate, self.start_call, self.end_call, None, self.danger)),
            ("&Notes", (self.new_note, self.amend_note)),
            (
                "&Evidence",
                (
                    self.attach_files,
                    self.capture_screen,
                    None,
                    self.export_bundle,
                    self.submit_to_store,
                ),
            ),
            (
                "&View",
                (self.compact_mode, self.store_queue, None, self.next_tab, self.previous_tab),
            ),
            ("&Help", (self.about,)),
        )
        for title, items in menus:
            menu = menu_bar.addMenu(title)
            menu.setToolTipsVisible(True)
            for item in items:
                if item is None:
                    menu.addSeparator()
                else:
                    menu.addAction(item)
