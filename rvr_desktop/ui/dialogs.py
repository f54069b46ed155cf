"""Every modal question the app asks, behind one replaceable object.

Windows and panels never call ``QMessageBox``, ``QFileDialog`` or ``QDialog.exec``
themselves: they ask a :class:`Dialogs`. The app passes the real one in; tests pass one
that answers at once, so no test ever blocks on a modal window. Handing a file to the
system's viewer goes through it too, so a test never opens a real viewer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


class Dialogs:
    """The real, modal dialogs."""

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        QMessageBox.warning(parent, title, message)

    def show_info(self, parent: QWidget | None, title: str, message: str) -> None:
        QMessageBox.information(parent, title, message)

    def confirm(self, parent: QWidget | None, title: str, message: str) -> bool:
        answer = QMessageBox.question(
            parent,
            title,
            message,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def pick_files(self, parent: QWidget | None, title: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(parent, title)
        return [Path(n) for n in names]

    def pick_folder(self, parent: QWidget | None, title: str, start: Path | None) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(parent, title, str(start or Path.home()))
        return Path(chosen) if chosen else None

    def pick_open_file(
        self, parent: QWidget | None, title: str, start: Path | None, filters: str
    ) -> Path | None:
        """One existing file; ``filters`` as Qt writes them, e.g. 'PEM files (*.pem)'."""
        name, _ = QFileDialog.getOpenFileName(parent, title, str(start or Path.home()), filters)
        return Path(name) if name else None

    def pick_save_file(
        self, parent: QWidget | None, title: str, suggested: Path, filters: str
    ) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        return Path(name) if name else None

    def ask_password(self, parent: QWidget | None, title: str, prompt: str) -> str | None:
        """A password typed once and hidden; None when the officer cancelled."""
        text, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.EchoMode.Password)
        return text if ok else None

    def open_in_viewer(self, path: Path) -> bool:
        """Hand a file to the system's viewer (the PDF reader); False if none took it."""
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    def run(self, dialog: QDialog) -> bool:
        """Show ``dialog`` modally; True when the officer accepted it."""
        return dialog.exec() == QDialog.DialogCode.Accepted
