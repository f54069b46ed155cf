"""The running call, kept in sight wherever the officer goes in the main window.

A call runs in one case, but the officer may open another case, the case list or the
Verify window meanwhile. The call bar then keeps the call's clock and Interrupted (F12)
at the top, F12 stamps the interruption from any window, leaving the call's case is asked
first, and the unsent note waits in the vault for the way back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.ui.services import Services

if TYPE_CHECKING:
    from rvr_desktop.evidence.case.cases import Case
    from rvr_desktop.ui.call_bar import CallBar
    from rvr_desktop.ui.case_workspace import CaseWorkspace
    from rvr_desktop.ui.main_window import MainWindow

STATUS_MESSAGE_MS = 8000


class LiveCall:
    """The case whose call is running (``case``, None with no call) and its call bar."""

    def __init__(self, services: Services, window: MainWindow, layout: QVBoxLayout) -> None:
        self._services = services
        self._window = window
        self._layout = layout
        self._bar: CallBar | None = None  # built when the first call runs
        self.case: Case | None = None

    @property
    def bar(self) -> CallBar:
        """The bar that keeps a running call in sight, built when the first call runs."""
        if self._bar is None:
            from rvr_desktop.ui.call_bar import CallBar

            bar = CallBar(self._window.clipboard_guard, self._window)
            bar.danger_requested.connect(lambda: self.interrupt(None))
            bar.return_requested.connect(self.return_to)
            self._layout.insertWidget(0, bar)
            self._bar = bar
        return self._bar

    def follow(self, workspace: CaseWorkspace) -> None:
        """The open case's call changed: the call bar follows it."""
        if workspace.call_panel.state.running:
            self.case = workspace.case
        elif self.case is not None and self.case.id == workspace.case.id:
            self.case = None
        self.show()

    def forget(self) -> None:
        """The vault locked: nothing of the call stays in sight (it runs on in the vault)."""
        self.case = None
        self.show()

    def show(self) -> None:
        """The call bar as the call now stands: hidden with no call, quiet on its own case."""
        window = self._window
        live, vault = self.case, window.vault
        state = None
        if live is not None and vault is not None:
            from rvr_desktop.evidence.case import timeline

            state = timeline.call_state(vault, live.id)
        if live is None or vault is None or state is None or not state.running:
            self.case = None
            if self._bar is not None:
                self._bar.clear()
            return
        workspace = window.workspace
        on_case = (
            workspace is not None
            and workspace.case.id == live.id
            and window.stack.currentWidget() is workspace
        )
        self.bar.show_call(live, state, vault.clock, on_case=on_case)

    def interrupt(self, parent: QWidget | None) -> None:
        """F12 from anywhere: stamp the running call's interruption and show what next,
        over ``parent`` (the window the officer is in)."""
        window = self._window
        live, vault = self.case, window.vault
        status = window.statusBar()
        if live is None or vault is None:
            status.showMessage(
                "F12: no call is running, so nothing was recorded.", STATUS_MESSAGE_MS
            )
            return
        workspace = window.workspace
        if workspace is not None and workspace.case.id == live.id:
            if workspace.call_panel.state.interrupted:
                status.showMessage(
                    "The call is already recorded as interrupted.", STATUS_MESSAGE_MS
                )
            workspace.call_panel.interrupt(parent)
            return
        from rvr_desktop.evidence.case import timeline
        from rvr_desktop.ui.interruption import interrupt_call

        if timeline.call_state(vault, live.id).interrupted:
            status.showMessage("The call is already recorded as interrupted.", STATUS_MESSAGE_MS)
            return
        interrupt_call(self._services, vault, live, parent or window)
        self.show()

    def return_to(self) -> None:
        """Back to the running call's case, with its unsent note as it was left."""
        live = self.case
        if live is None:
            return
        workspace = self._window.workspace
        if workspace is not None and workspace.case.id == live.id:
            self._window.show_workspace()
            self.show()
            return
        self._window.open_case(live.id)

    def may_leave(self, doing: str) -> bool:
        """Ask before leaving the running call's case; True if there is none or the
        officer agrees (the call keeps running in the call bar)."""
        live, workspace = self.case, self._window.workspace
        if live is None or workspace is None or workspace.case.id != live.id:
            return True
        return self._services.dialogs.confirm(
            self._window,
            "A call is running",
            f"A call is running for {live.reference}. {doing}? The call keeps running: "
            "the call bar stays at the top with the clock and Interrupted (F12), and your "
            "unsent note is kept for when you come back.",
        )

    def keep_draft(self, workspace: CaseWorkspace) -> None:
        """Keep the unsent note in the vault while the officer is elsewhere."""
        vault = self._window.vault
        if vault is None:
            return
        from rvr_desktop.evidence.case import drafts

        try:
            drafts.save_draft(vault, workspace.case.id, workspace.notes.input.toPlainText())
        except RvrError as exc:
            self._services.errors.report(self._window, exc, "keeping the unsent note")

    def restore_draft(self, workspace: CaseWorkspace) -> None:
        """The note the officer left unsent in this case, back in the box."""
        vault = self._window.vault
        if vault is None:
            return
        from rvr_desktop.evidence.case import drafts

        try:
            text = drafts.load_draft(vault, workspace.case.id)
            if text:
                workspace.notes.input.setPlainText(text)
                workspace.notes.input.moveCursor(QTextCursor.MoveOperation.End)
                drafts.save_draft(vault, workspace.case.id, "")  # now in the box
        except RvrError as exc:
            self._services.errors.report(self._window, exc, "restoring the unsent note")
