"""The trusted roots: add a PEM file, see each root's subject and fingerprint, remove one.

Kept in this computer's settings (public certificates only), never in a vault: an
evidence officer may have no vault at all. Shared by Settings and the Verify window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rvr_desktop.evidence.errors import RvrError
from rvr_desktop.evidence.signing.certs import grouped_fingerprint
from rvr_desktop.ui.dialogs import Dialogs
from rvr_desktop.ui.settings import AppSettings
from rvr_desktop.ui.style import error_label
from rvr_desktop.ui.trust_roots import add_root_file, remove_root, trust_store

FINGERPRINT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The SHA-256 fingerprint (hex text) of the trusted root a row shows; the placeholder row
shown when there is none has no value. Read to enable Remove, to remove the selected
root from the settings, and by :meth:`TrustedRootsEditor.fingerprints`."""


class TrustedRootsEditor(QWidget):
    """Lists the roots and changes them in the settings at once.

    Emits:
        roots_changed(): after a root was added or removed.
    """

    roots_changed = Signal()

    def __init__(
        self, settings: AppSettings, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._dialogs = dialogs
        explain = QLabel(
            "A signature counts as trusted only when it chains to one of these roots: the "
            "force's signing root (and its time-stamping root, if used). None are built in.",
            self,
        )
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Trusted roots")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.add_button = QPushButton("Add root (PEM)…", self)
        self.add_button.setAccessibleName("Add a trusted root from a PEM file")
        self.add_button.clicked.connect(self.pick_and_add)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setAccessibleName("Remove the selected trusted root")
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = error_label(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(explain)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.reload()

    def reload(self) -> None:
        store, problems = trust_store(self._settings)
        self.list.clear()
        for root in store.roots:
            summary = root.summary
            test = "TEST ROOT - NOT FOR EVIDENCE\n" if summary.is_test_identity else ""
            item = QListWidgetItem(
                f"{test}{summary.common_name}\n{summary.subject}\n"
                f"SHA-256 {grouped_fingerprint(root.sha256_fingerprint)}\nfrom {root.source}"
            )
            item.setData(FINGERPRINT_ROLE, root.sha256_fingerprint)
            item.setToolTip(root.sha256_fingerprint)
            self.list.addItem(item)
        if not store.roots:
            placeholder = QListWidgetItem("No trusted roots yet: add the force's root PEM file.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(placeholder)
        self._show_message(" ".join(problems))
        self._update_buttons()

    def fingerprints(self) -> list[str]:
        found = (self.list.item(i).data(FINGERPRINT_ROLE) for i in range(self.list.count()))
        return [str(f) for f in found if f]

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _update_buttons(self) -> None:
        item = self.list.currentItem()
        self.remove_button.setEnabled(item is not None and bool(item.data(FINGERPRINT_ROLE)))

    def pick_and_add(self) -> None:
        path = self._dialogs.pick_open_file(
            self, "Add a trusted root", None, "Certificates (*.pem *.crt *.cer);;All files (*)"
        )
        if path is None:
            return
        try:
            roots = add_root_file(self._settings, path)
        except RvrError as exc:
            self._show_message(str(exc))
            self._dialogs.show_error(self, "Trusted roots", str(exc))
            return
        self.reload()
        names = ", ".join(root.summary.common_name for root in roots)
        self._dialogs.show_info(self, "Trusted roots", f"Now trusted: {names}.")
        self.roots_changed.emit()

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        fingerprint = None if item is None else item.data(FINGERPRINT_ROLE)
        if not fingerprint:
            return
        name = item.text().split("\n", 2)[0] if item is not None else "this root"
        if not self._dialogs.confirm(
            self, "Trusted roots", f"Stop trusting {name}? Bundles it signed will not verify."
        ):
            return
        remove_root(self._settings, str(fingerprint))
        self.reload()
        self.roots_changed.emit()


class TrustedRootsDialog(QDialog):
    """The editor on its own, for the Verify window."""

    def __init__(
        self, settings: AppSettings, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trusted roots")
        self.editor = TrustedRootsEditor(settings, dialogs, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(620, 420)
        # The list when it holds roots, otherwise the button that adds the first one.
        (self.editor.list if self.editor.list.count() else self.editor.add_button).setFocus()
