"""The first screen: unlock the vault, or create a new one with a strength meter."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import cast

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.errors import InvalidInput, RvrError, UnlockThrottled, WrongPassphrase
from rvr_desktop.evidence.progress import CancelToken, ProgressCallback
from rvr_desktop.evidence.vault.passphrase_policy import check_new_passphrase
from rvr_desktop.evidence.vault.paths import vault_exists
from rvr_desktop.ui import warm_up
from rvr_desktop.ui.passphrase_strength import estimate
from rvr_desktop.ui.services import Services
from rvr_desktop.ui.style import error_label

log = logging.getLogger(__name__)


class UnlockScreen(QWidget):
    """Asks for the passphrase; unlocking and creating run off the GUI thread.

    Emits:
        unlocked(vault: Vault): once the vault is open (created or unlocked).
        verify_requested(): the Verify window was asked for (it needs no vault).
    """

    unlocked = Signal(object)
    verify_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._retry_at = 0.0
        self._busy = False
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)

        card = QFrame(self)
        card.setObjectName("card")
        card.setMaximumWidth(520)

        self.title = QLabel("Unlock your vault", card)
        self.title.setObjectName("screenTitle")
        self.explain = QLabel(card)
        self.explain.setWordWrap(True)

        self.demo_banner = QLabel(card)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setWordWrap(True)
        self.demo_banner.setAccessibleName("Demo vault passphrase")
        self.demo_banner.hide()

        self.path_field = QLineEdit(card)
        self.path_field.setAccessibleName("Vault folder")
        self.path_field.textChanged.connect(self._update_mode)
        self.browse_button = QPushButton("Browse…", card)
        self.browse_button.setAccessibleName("Choose the vault folder")
        self.browse_button.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_field, 1)
        path_row.addWidget(self.browse_button)

        self.name_label = QLabel("Your name, as it will appear on statements", card)
        self.name_field = QLineEdit(card)
        self.name_field.setAccessibleName("Officer's name")
        self.name_label.setBuddy(self.name_field)

        self.passphrase_label = QLabel("&Passphrase", card)
        self.passphrase_field = QLineEdit(card)
        self.passphrase_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_field.setAccessibleName("Passphrase")
        self.passphrase_label.setBuddy(self.passphrase_field)
        self.passphrase_field.textChanged.connect(self._update_strength)
        self.passphrase_field.returnPressed.connect(self.submit)

        self.repeat_label = QLabel("&Repeat the passphrase", card)
        self.repeat_field = QLineEdit(card)
        self.repeat_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_field.setAccessibleName("Repeat the passphrase")
        self.repeat_label.setBuddy(self.repeat_field)
        self.repeat_field.returnPressed.connect(self.submit)

        self.strength_bar = QProgressBar(card)
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setMaximumHeight(8)
        self.strength_bar.setAccessibleName("Passphrase strength")
        # Set before the first polish, so the stylesheet needs re-applying only on a change.
        self.strength_bar.setProperty("score", 0)
        self.strength_label = QLabel(card)
        self.strength_label.setWordWrap(True)
        self.strength_label.setObjectName("hint")

        self.message = error_label(card)

        self.submit_button = QPushButton("Unlock", card)
        self.submit_button.setDefault(True)
        self.submit_button.setAccessibleName("Unlock the vault")
        self.submit_button.clicked.connect(self.submit)

        self.verify_button = QPushButton("Verify an evidence bundle…", self)
        self.verify_button.setAccessibleName("Verify an evidence bundle without a vault")
        self.verify_button.setToolTip(
            "For evidence officers: check a bundle's signatures and files (Ctrl+Shift+V)"
        )
        self.verify_button.setFlat(True)
        self.verify_button.clicked.connect(self.verify_requested)

        form = QVBoxLayout(card)
        form.setSpacing(8)
        form.addWidget(self.title)
        form.addWidget(self.explain)
        form.addWidget(self.demo_banner)
        form.addWidget(QLabel("Vault folder", card))
        form.addLayout(path_row)
        form.addWidget(self.name_label)
        form.addWidget(self.name_field)
        form.addWidget(self.passphrase_label)
        form.addWidget(self.passphrase_field)
        form.addWidget(self.repeat_label)
        form.addWidget(self.repeat_field)
        form.addWidget(self.strength_bar)
        form.addWidget(self.strength_label)
        form.addWidget(self.message)
        form.addSpacing(6)
        form.addWidget(self.submit_button)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        verify_row = QHBoxLayout()
        verify_row.addStretch(1)
        verify_row.addWidget(self.verify_button)
        verify_row.addStretch(1)
        outer.addLayout(verify_row)
        outer.addStretch(2)
        self._update_mode()

    # ---- what the screen shows ------------------------------------------------------

    @property
    def creating(self) -> bool:
        path = self.vault_path
        return path is not None and not vault_exists(path)

    @property
    def vault_path(self) -> Path | None:
        text = self.path_field.text().strip()
        return Path(text).expanduser() if text else None

    def set_vault_path(self, path: Path) -> None:
        self.path_field.setText(str(path))

    def show_demo(self, passphrase: str) -> None:
        """Show a trainee the demo vault's passphrase, to type or paste."""
        from PySide6.QtCore import Qt  # here, not on the way to unlock: see ui/warm_up.py

        self.demo_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_banner.setText(
            "<b>Demo vault</b>: every person and event in it is invented.<br>"
            f"Its passphrase is <b>{passphrase}</b> &mdash; type or paste it below."
        )
        self.demo_banner.show()

    def show_locked(self, reason: str) -> None:
        """Back after a lock: the same vault, an empty passphrase, and why it locked."""
        self.passphrase_field.clear()
        self.repeat_field.clear()
        self._show_message(reason, error=False)
        self._update_mode()
        self.passphrase_field.setFocus()

    def _update_mode(self) -> None:
        creating = self.creating
        self.title.setText("Create your vault" if creating else "Unlock your vault")
        self.explain.setText(
            "There is no vault in this folder yet. Choose a passphrase of three or four "
            "random words: it cannot be recovered if you forget it."
            if creating
            else "Everything in the vault is encrypted. Enter your passphrase to open it."
        )
        for widget in (
            self.name_label,
            self.name_field,
            self.repeat_label,
            self.repeat_field,
            self.strength_bar,
            self.strength_label,
        ):
            widget.setVisible(creating)
        self.submit_button.setText("Create vault" if creating else "Unlock")
        self.submit_button.setAccessibleName("Create the vault" if creating else "Unlock the vault")
        self._update_strength()
        self._update_button()

    def _update_strength(self) -> None:
        strength = estimate(self.passphrase_field.text())
        self.strength_bar.setValue(strength.score)
        if self.strength_bar.property("score") != strength.score:
            self.strength_bar.setProperty("score", strength.score)
            self.strength_bar.style().unpolish(self.strength_bar)
            self.strength_bar.style().polish(self.strength_bar)
        text = f"Strength: {strength.label}."
        self.strength_label.setText(f"{text} {strength.hint}".strip())

    def _update_button(self) -> None:
        waiting = self._retry_at > time.monotonic()
        self.submit_button.setEnabled(not self._busy and not waiting)

    def _show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setObjectName("errorText" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _browse(self) -> None:
        chosen = self._services.dialogs.pick_folder(self, "Vault folder", self.vault_path)
        if chosen is not None:
            self.set_vault_path(chosen)

    # ---- throttling -----------------------------------------------------------------

    def _start_countdown(self, seconds: float) -> None:
        self._retry_at = time.monotonic() + seconds
        self._countdown.start()
        self._tick()

    def _tick(self) -> None:
        remaining = self._retry_at - time.monotonic()
        if remaining <= 0:
            self._countdown.stop()
            self._retry_at = 0.0
            self._update_mode()
            self._show_message("You can try again now.", error=False)
        else:
            self.submit_button.setText(f"Try again in {math.ceil(remaining)} s")
        self._update_button()

    # ---- unlocking and creating -------------------------------------------------------

    def submit(self) -> None:
        if self._busy or self._retry_at > time.monotonic():
            return
        path = self.vault_path
        if path is None:
            self._show_message("Enter the vault folder first.")
            return
        passphrase = self.passphrase_field.text()
        creating = self.creating
        try:
            if creating:
                check_new_passphrase(passphrase)
                if self.repeat_field.text() != passphrase:
                    raise InvalidInput(
                        "The two passphrases differ. Type the same passphrase in both boxes."
                    )
            elif not passphrase:
                raise InvalidInput("Enter your passphrase, then press Enter.")
        except InvalidInput as exc:
            self._show_message(str(exc))
            return
        self._busy = True
        self._update_button()
        self._show_message("Creating the vault…" if creating else "Unlocking…", error=False)
        services = self._services
        name = self.name_field.text().strip()
        warm_up.finish()  # the vault's own libraries load there (see rvr_desktop.ui.warm_up)
        from rvr_desktop.evidence.vault import Vault

        def work(progress: ProgressCallback, cancel: CancelToken) -> Vault:
            clock = services.clock_factory()
            if not creating:
                return Vault.unlock(path, passphrase, clock=clock)
            vault = Vault.create(path, passphrase, kdf=services.kdf, clock=clock)
            if name:
                with vault.transaction() as tx:
                    vault.put_officer_name(tx, name)
            return vault

        task = services.tasks.start("unlock", work)
        task.succeeded.connect(self._on_unlocked)
        task.failed.connect(self._on_failed)

    def _on_unlocked(self, vault: object) -> None:
        self._busy = False
        self.passphrase_field.clear()
        self.repeat_field.clear()
        self._show_message("")
        self._update_mode()
        self._services.settings.vault_path = Path(self.path_field.text().strip()).expanduser()
        self.unlocked.emit(vault)

    def _on_failed(self, error: object) -> None:
        self._busy = False
        self.passphrase_field.clear()
        self.repeat_field.clear()
        if isinstance(error, WrongPassphrase | UnlockThrottled):
            self._show_message(str(error))
            if error.retry_after_s > 0:
                self._start_countdown(error.retry_after_s)
        elif isinstance(error, RvrError):
            self._show_message(str(error))
        else:
            self._show_message("")
            self._services.errors.report(self, cast(BaseException, error), "opening the vault")
        self._update_button()
        self.passphrase_field.setFocus()
