"""The main window: unlock, cases, and the open case, with locking built in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import PySide6
from PySide6.QtCore import QCoreApplication, QSize, Signal, qVersion
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop import SOFTWARE
from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.paths import default_vault_dir
from rvr_desktop.ui import termination, warm_up
from rvr_desktop.ui.actions import AppActions, make_action
from rvr_desktop.ui.clipboard_guard import ClipboardGuard
from rvr_desktop.ui.danger_key import DangerKey
from rvr_desktop.ui.due_reminder import DueReminder
from rvr_desktop.ui.idle import IdleWatcher, seconds_including_sleep
from rvr_desktop.ui.live_call import LiveCall
from rvr_desktop.ui.locking import ResumePoint, lock_window, reopen_where_left
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.store_dock import StoreDock
from rvr_desktop.ui.unlock_screen import UnlockScreen
from rvr_desktop.ui.wheel_guard import WheelGuard
from rvr_desktop.ui.window_actions import connect_actions, sync_call_actions, update_actions

if TYPE_CHECKING:
    # Only for annotations: each screen after the unlock screen is imported where it is
    # first opened (see rvr_desktop.ui.warm_up), so the unlock screen shows without
    # waiting for the vault's libraries, forms, signing, PDF and export.
    from rvr_desktop.evidence.case.cases import Case
    from rvr_desktop.evidence.forms import TemplateRegistry
    from rvr_desktop.evidence.vault import Vault
    from rvr_desktop.ui.call_bar import CallBar
    from rvr_desktop.ui.call_panel import GateDialogFactory
    from rvr_desktop.ui.case_list import CaseListScreen
    from rvr_desktop.ui.case_workspace import CaseWorkspace
    from rvr_desktop.ui.store_queue import StoreQueue
    from rvr_desktop.ui.store_queue_panel import StoreQueuePanel
    from rvr_desktop.ui.verify_window import VerifyWindow

log = logging.getLogger(__name__)

UNLOCK_PAGE, CASES_PAGE, CASE_PAGE = range(3)
COMPACT_WIDTH = 460


def about_text() -> str:
    return (
        f"{SOFTWARE}\n\n"
        "Evidence capture for Rapid Video Response calls: encrypted vault, contemporaneous "
        "notes, signed MG11 statements and signed evidence bundles.\n\n"
        f"Default vault: {default_vault_dir()}\n"
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}"
    )


class MainWindow(QMainWindow):
    """Everything the officer sees, in one window.

    Emits:
        vault_opened(vault: Vault): after unlocking (or creating) the vault.
        locked(): after the vault was locked and every case view removed.
    """

    vault_opened = Signal(object)
    locked = Signal()

    def __init__(
        self,
        services: Services,
        *,
        vault_path: Path,
        demo_passphrase: str | None = None,
        idle_clock: Callable[[], float] = seconds_including_sleep,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.vault: Vault | None = None
        self.workspace: CaseWorkspace | None = None
        self.verify_window: VerifyWindow | None = None
        self.store = StoreDock(services, self)
        # Where the officer was when the vault locked, reopened on unlock.
        self._resume: ResumePoint | None = None
        self._full_size = QSize(1100, 760)
        self.setWindowTitle("RVR Desktop")
        self.setAccessibleName("RVR Desktop")

        self.app_actions = AppActions.build(self)
        self.due_action = make_action(
            self, "&Due…", "Ctrl+Shift+D", "What is owed across the cases, soonest first"
        )
        self.stack = QStackedWidget(self)
        self.unlock_screen = UnlockScreen(services, self.stack)
        self.unlock_screen.set_vault_path(vault_path)
        if demo_passphrase:
            self.unlock_screen.show_demo(demo_passphrase)
        self._case_list: CaseListScreen | None = None  # built at the first unlock
        self.case_holder = QWidget(self.stack)
        self.stack.addWidget(self.unlock_screen)
        self._cases_placeholder = QWidget(self.stack)  # CASES_PAGE until the list is built
        self.stack.addWidget(self._cases_placeholder)
        self.stack.addWidget(self.case_holder)
        central = QWidget(self)
        self._central_layout = QVBoxLayout(central)
        self._central_layout.setContentsMargins(0, 0, 0, 0)
        self._central_layout.setSpacing(0)
        self._central_layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status_text = QLabel(self)
        self.due_reminder = DueReminder(lambda: self.vault, self)
        self.statusBar().addPermanentWidget(self.due_reminder)
        self.statusBar().addPermanentWidget(self.status_text)

        if QCoreApplication.instance() is None:
            raise RuntimeError("create the QApplication before the main window")
        self.idle = IdleWatcher(services.settings.idle_minutes, self, now=idle_clock)
        self.clipboard_guard = ClipboardGuard(QGuiApplication.clipboard(), self)
        # The danger key and the wheel guard watch every window of the app while the vault
        # is open (update_actions starts and stops them).
        self.danger_key = DangerKey(self)
        self.danger_key.pressed.connect(self.interrupt_call)
        self.wheel_guard = WheelGuard(self)
        self.calls = LiveCall(services, self, self._central_layout)
        self.idle.idle.connect(
            lambda: self.lock("Locked after a period of no activity. Enter your passphrase.")
        )

        self.unlock_screen.unlocked.connect(self._on_unlocked)
        self.unlock_screen.verify_requested.connect(self.open_verify_window)
        self.tab_actions = connect_actions(self)
        self._restore_geometry()
        self._show_page(UNLOCK_PAGE)
        if not self.unlock_screen.creating:
            self.unlock_screen.passphrase_field.setFocus()

    @property
    def case_list(self) -> CaseListScreen:
        """The list of cases, built the first time it is needed (after the first unlock)."""
        if self._case_list is None:
            warm_up.finish()  # then import on first use (see rvr_desktop.ui.warm_up)
            from rvr_desktop.ui.case_list import CaseListScreen

            screen = CaseListScreen(self.stack)
            screen.open_requested.connect(self.open_case)
            screen.new_case_requested.connect(self.new_case)
            self.stack.removeWidget(self._cases_placeholder)
            self._cases_placeholder.deleteLater()
            self.stack.insertWidget(CASES_PAGE, screen)
            self._case_list = screen
        return self._case_list

    # ---- menus and actions (ui/window_actions.py) ---------------------------------------

    def show_about(self) -> None:
        """The About box: the one version (rvr_desktop.SOFTWARE) and where files live."""
        self.services.dialogs.show_info(self, "About RVR Desktop", about_text())

    def _show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        update_actions(self)

    def show_workspace(self) -> None:
        """Back to the open case's view (the case list or unlock screen may be showing)."""
        if self.workspace is not None:
            self._show_page(CASE_PAGE)

    # ---- vault and cases --------------------------------------------------------------

    def _on_unlocked(self, vault: object) -> None:
        vault = cast("Vault", vault)
        self.vault = vault
        self.case_list.set_vault(vault)
        self.store.start(vault)
        self.idle.set_minutes(self.services.settings.idle_minutes)
        self.idle.start()
        self.clipboard_guard.arm()
        self.vault_opened.emit(vault)
        for problem in vault.damage:
            log.warning("vault opened with damage reported")
            self.services.dialogs.show_error(self, "RVR Desktop", f"Vault check: {problem}.")
        resume, self._resume = self._resume, None
        if resume is not None and reopen_where_left(self, resume):
            return
        self._show_page(CASES_PAGE)
        self.case_list.focus_search()

    def new_case(self) -> None:
        if self.vault is None or not self.calls.may_leave("Start a new case"):
            return
        warm_up.finish()  # then import on first use (see rvr_desktop.ui.warm_up)
        from rvr_desktop.ui.new_case_dialog import NewCaseDialog

        dialog = NewCaseDialog(self.vault, self)
        try:
            if self.services.dialogs.run(dialog) and dialog.created is not None:
                self.case_list.refresh()
                self.open_case(dialog.created.id)
        finally:
            dialog.deleteLater()

    def find_case(self) -> None:
        if self.vault is None or not self.close_case():
            return
        self.case_list.focus_search()

    def _registry(self, vault: Vault) -> TemplateRegistry | None:
        warm_up.finish()  # then import on first use (see rvr_desktop.ui.warm_up)
        from rvr_desktop.evidence import forms

        try:
            return forms.registry_for_vault(vault)
        except RvrError as exc:
            self.services.errors.report(self, exc, "loading the form templates")
            return None

    @staticmethod
    def gate_dialog_for(
        vault: Vault, case: Case, registry: TemplateRegistry | None
    ) -> GateDialogFactory | None:
        """The safety-gate dialog for this case, from the gate template."""
        warm_up.finish()  # then import on first use (see rvr_desktop.ui.warm_up)
        from rvr_desktop.ui.forms_panel import GATE_TEMPLATE_ID
        from rvr_desktop.ui.safety_gate_dialog import SafetyGateDialog

        if registry is None or GATE_TEMPLATE_ID not in registry.templates:
            return None
        template = registry.get(GATE_TEMPLATE_ID)
        return lambda parent: SafetyGateDialog(vault, case.id, template, parent)

    def open_case(self, case_id: int) -> None:
        if self.vault is None:
            return
        # The case view is imported on first use: it needs forms, signing, PDF and export,
        # which warm_up loads in the background while the officer unlocks.
        warm_up.finish()
        from rvr_desktop.evidence.case import cases
        from rvr_desktop.ui.case_workspace import CaseWorkspace

        try:
            case = cases.open_case(self.vault, case_id)
        except RvrError as exc:
            self.services.errors.report(self, exc, "opening the case")
            return
        self.drop_workspace()
        registry = self._registry(self.vault)
        self.workspace = CaseWorkspace(
            self.services,
            self.vault,
            case,
            self.gate_dialog_for(self.vault, case, registry),
            registry,
            self.stack,
            self.store_queue,
        )
        self.workspace.store_queued.connect(self.show_store_queue)
        self.workspace.set_compact(self.app_actions.compact_mode.isChecked())
        self.workspace.call_panel.state_changed.connect(self._on_call_state)
        self.workspace.identity.copy_requested.connect(self.clipboard_guard.copy_case_text)
        if self.workspace.forms is not None:  # a date owed may have just been entered
            self.workspace.forms.saved.connect(lambda _version: self.due_reminder.refresh())
        self.calls.restore_draft(self.workspace)
        self.stack.removeWidget(self.case_holder)
        self.case_holder.deleteLater()
        self.case_holder = self.workspace
        self.stack.insertWidget(CASE_PAGE, self.workspace)
        self.setWindowTitle(f"RVR Desktop · {case.reference}")
        self._show_page(CASE_PAGE)
        self._on_call_state(self.workspace.call_panel.state)
        self.workspace.new_note()

    def close_case(self) -> bool:
        """Back to the case list (asking first during a call); False if the officer stayed."""
        if self.workspace is not None:
            if not self.calls.may_leave("Go to the case list"):
                return False
            self.drop_workspace()
        self.case_list.refresh()
        self._show_page(CASES_PAGE)
        self.calls.show()
        return True

    def drop_workspace(self) -> None:
        """Remove the case view entirely, so none of its content stays in a widget."""
        if self.workspace is None:
            return
        old = self.workspace
        old.flush()  # forms typed in within their last autosave pause
        self.calls.keep_draft(old)
        self.workspace = None
        placeholder = QWidget(self.stack)
        self.stack.removeWidget(old)
        self.stack.insertWidget(CASE_PAGE, placeholder)
        self.case_holder = placeholder
        old.hide()
        old.deleteLater()
        self.setWindowTitle("RVR Desktop")
        update_actions(self)

    # ---- what is owed -----------------------------------------------------------------

    def open_due(self) -> None:
        """Everything owed across the cases; the officer may open one of them from there."""
        vault = self.vault
        if vault is None:
            return
        from rvr_desktop.evidence.case import due
        from rvr_desktop.ui.due_dialog import DueDialog

        dialog = DueDialog(due.due_items(vault), due.uk_today(vault.clock.utc_now_ms()), self)
        try:
            chosen = dialog.chosen_case_id if self.services.dialogs.run(dialog) else None
        finally:
            dialog.deleteLater()
        if chosen is None:
            return
        if self.workspace is not None and self.workspace.case.id == chosen:
            self._show_page(CASE_PAGE)
        elif self.calls.may_leave("Open another case"):
            self.open_case(chosen)

    # ---- the live call (rvr_desktop.ui.live_call) -------------------------------------

    @property
    def live_case(self) -> Case | None:
        """The case whose call is running, wherever the officer is; None with no call."""
        return self.calls.case

    @property
    def call_bar(self) -> CallBar:
        return self.calls.bar

    def interrupt_call(self, window: object = None) -> None:
        """F12 from anywhere, over the window the officer is in."""
        self.calls.interrupt(window if isinstance(window, QWidget) else None)

    def return_to_call(self) -> None:
        self.calls.return_to()

    def _on_call_state(self, _state: object = None) -> None:
        """The open case's call changed: the actions and the call bar follow it."""
        sync_call_actions(self)
        if self.workspace is not None:
            self.calls.follow(self.workspace)

    def lock_when_asked(self) -> None:
        """Lock now (Ctrl+L), asking first while a call runs: locking hides the call."""
        if self.live_case is not None and not self.services.dialogs.confirm(
            self,
            "A call is running",
            f"A call is running for {self.live_case.reference}. Lock now? The call keeps "
            "running, but everything is hidden, the call bar too, until you unlock.",
        ):
            return
        self.lock()

    # ---- locking (ui/locking.py) -------------------------------------------------------

    def lock(self, reason: str = "Locked. Enter your passphrase to continue.") -> None:
        """Hide all case content, close the vault, and return to the unlock screen."""
        if self.vault is None:
            return
        self._resume = lock_window(self)
        self.unlock_screen.show_locked(reason)
        self._show_page(UNLOCK_PAGE)
        self.locked.emit()

    # ---- the evidence store's queue ---------------------------------------------------

    @property
    def store_dock(self) -> QDockWidget | None:
        return self.store.dock

    @property
    def store_queue(self) -> StoreQueue | None:
        return self.store.queue

    @property
    def store_queue_panel(self) -> StoreQueuePanel | None:
        return self.store.panel

    def show_store_queue(self) -> None:
        self.store.show()

    def toggle_store_queue(self) -> None:
        self.store.toggle()

    # ---- verifying bundles ------------------------------------------------------------

    def open_verify_window(self, bundle: Path | None = None) -> VerifyWindow:
        """The evidence officer's Verify window, with or without an unlocked vault."""
        if self.verify_window is None:
            # Verifying needs pyHanko and the PDF report: imported on first use.
            warm_up.finish()
            from rvr_desktop.ui.verify_window import VerifyWindow

            self.verify_window = VerifyWindow(self.services)
        window = self.verify_window
        window.show()
        window.raise_()
        window.activateWindow()
        if bundle is not None:
            window.open_bundle(bundle)
        return window

    # ---- settings, layout -------------------------------------------------------------

    def open_settings(self) -> None:
        warm_up.finish()  # the signing identity panel needs pyHanko: imported on first use
        from rvr_desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services, self.vault, self)
        try:
            if self.services.dialogs.run(dialog):
                self.idle.set_minutes(self.services.settings.idle_minutes)
        finally:
            dialog.deleteLater()
        if self.workspace is not None:  # the profile or signing identity may have changed
            self.workspace.refresh_identity()

    def set_compact(self, compact: bool) -> None:
        """A narrow side panel that stays on top beside the video call, or the full window."""
        if self.app_actions.compact_mode.isChecked() != compact:
            self.app_actions.compact_mode.setChecked(compact)
            return
        from PySide6.QtCore import Qt  # here, not on the way to unlock: see ui/warm_up.py

        if compact:
            self._full_size = self.size()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, compact)
        self.menuBar().setVisible(not compact)
        if self.workspace is not None:
            self.workspace.set_compact(compact)
        if compact:
            self.resize(COMPACT_WIDTH, max(self.height(), 640))
        else:
            self.resize(self._full_size)
        self.services.settings.compact = compact
        self.show()

    def _restore_geometry(self) -> None:
        geometry = self.services.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(self._full_size)

    def closeEvent(self, event: QCloseEvent) -> None:
        live = None if termination.stopping() else self.live_case  # at a logout: never ask
        if live is not None and not self.services.dialogs.confirm(
            self,
            "A call is running",
            f"A call is running for {live.reference}. Quit anyway? The call is "
            "not ended: its end will be missing from the notes.",
        ):
            event.ignore()
            return
        for app_filter in (self.danger_key, self.wheel_guard):
            app_filter.watch_application(False)
        self.services.settings.geometry = self.saveGeometry()
        if self.verify_window is not None:
            self.verify_window.close()
        if self.vault is not None:
            self.lock()
        super().closeEvent(event)
