"""Every modal question the app asks, behind one replaceable object.

Windows and panels never call ``QMessageBox``, ``QFileDialog`` or ``QDialog.exec``
themselves: they ask a :class:`Dialogs`. The app passes the real one in; tests pass one
that answers at once, so no test ever blocks on a modal window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget


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

    def run(self, dialog: QDialog) -> bool:
        """Show ``dialog`` modally; True when the officer accepted it."""
        return dialog.exec() == QDialog.DialogCode.Accepted
